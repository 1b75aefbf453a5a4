import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { ROUTES, routes } from '#api/routes.ts';
import { getItem, iso } from '#data/common.ts';
import type { Store } from '#data/store.ts';
import { defaultPreferences, type NotificationPreferences } from '#domain/notifications.ts';
import type { Caller } from '#http/auth.ts';
import { apiHandler, json, routeDispatcher } from '#http/middleware.ts';
import { depsFor } from './access.ts';

/**
 * FACE's stand-in for `GET/PUT /me/notifications` so the pages and their browser tests run before CORE's
 * handlers land (issue 14): at the merge, CORE's file (with its keys in shared/data/keys.ts) replaces this.
 */

const keyOf = (sub: string) => ({ pk: `USER#${sub}`, sk: 'NOTIFY_PREFS' });

async function hasPhone(caller: Caller): Promise<boolean> {
  const people = await depsFor(caller).users.listUsers({ region: caller.region, role: caller.role });
  return Boolean(people.find((person) => person.sub === caller.sub)?.phone);
}

async function stored(store: Store, sub: string): Promise<NotificationPreferences | undefined> {
  const item = await getItem(store, keyOf(sub));
  return item ? ({ email: item.email, sms: item.sms } as NotificationPreferences) : undefined;
}

export const get = apiHandler(routes.getNotificationPreferences, async ({ caller }) => {
  const phone = await hasPhone(caller);
  const prefs = (await stored(depsFor(caller).store, caller.sub)) ?? defaultPreferences(phone);
  return json(200, { ...prefs, hasPhone: phone });
});

export const put = apiHandler(routes.putNotificationPreferences, async ({ caller, body }) => {
  const { store } = depsFor(caller);
  const phone = await hasPhone(caller);
  const prefs = { email: body.email, sms: phone ? body.sms : 'OFF' } as const;
  await store.doc.send(
    new PutCommand({
      TableName: store.tableName,
      Item: { ...keyOf(caller.sub), type: 'NOTIFY_PREFS', ...prefs, updatedAt: iso(store.now()) },
    }),
  );
  return json(200, { ...prefs, hasPhone: phone });
});

export const dispatch = routeDispatcher(ROUTES, 'functions/api/notifications.ts', { get, put });
