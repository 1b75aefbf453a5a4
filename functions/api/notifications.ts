import { ROUTES, routes } from '#api/routes.ts';
import { getPreferences, putPreferences } from '#data/preferences.ts';
import { defaultPreferences } from '#domain/notifications.ts';
import type { Caller } from '#http/auth.ts';
import { apiHandler, json, routeDispatcher } from '#http/middleware.ts';
import { depsFor } from './access.ts';

/** The caller's own notification preferences (`GET/PUT /me/notifications`); the defaults until they choose. */

async function hasPhone(caller: Caller): Promise<boolean> {
  const people = await depsFor(caller).users.listUsers({ region: caller.region, role: caller.role });
  return people.some((person) => person.sub === caller.sub && person.phone !== undefined);
}

export const get = apiHandler(routes.getNotificationPreferences, async ({ caller }) => {
  const [stored, phone] = await Promise.all([
    getPreferences(depsFor(caller).store, caller.sub),
    hasPhone(caller),
  ]);
  return json(200, { ...(stored ?? defaultPreferences(phone)), hasPhone: phone });
});

export const put = apiHandler(routes.putNotificationPreferences, async ({ caller, body }) => {
  const saved = await putPreferences(depsFor(caller).store, caller.sub, body);
  return json(200, { ...saved, hasPhone: await hasPhone(caller) });
});

export const dispatch = routeDispatcher(ROUTES, 'functions/api/notifications.ts', { get, put });
