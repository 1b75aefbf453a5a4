import { ROUTES, routes } from '#api/routes.ts';
import { defaultPreferences, type NotificationPreferences } from '#domain/notifications.ts';
import type { Caller } from '#http/auth.ts';
import { apiHandler, json, routeDispatcher } from '#http/middleware.ts';
import { depsFor } from './access.ts';

/**
 * FACE's stand-in for `GET/PUT /me/notifications` so the pages and their browser tests run before CORE's
 * handlers land (issue 14): at the merge, CORE's file (stored in the table through shared/data) replaces
 * this. Until then the choices live in this process only.
 */

const chosen = new Map<string, NotificationPreferences>();

async function hasPhone(caller: Caller): Promise<boolean> {
  const people = await depsFor(caller).users.listUsers({ region: caller.region, role: caller.role });
  return Boolean(people.find((person) => person.sub === caller.sub)?.phone);
}

const keyOf = (caller: Caller) => `${caller.region}#${caller.sub}`;

export const get = apiHandler(routes.getNotificationPreferences, async ({ caller }) => {
  const phone = await hasPhone(caller);
  const prefs = chosen.get(keyOf(caller)) ?? defaultPreferences(phone);
  return json(200, { ...prefs, hasPhone: phone });
});

export const put = apiHandler(routes.putNotificationPreferences, async ({ caller, body }) => {
  const phone = await hasPhone(caller);
  const prefs = { email: body.email, sms: phone ? body.sms : 'OFF' } as const;
  chosen.set(keyOf(caller), prefs);
  return json(200, { ...prefs, hasPhone: phone });
});

export const dispatch = routeDispatcher(ROUTES, 'functions/api/notifications.ts', { get, put });
