import { PutCommand } from '@aws-sdk/lib-dynamodb';
import {
  EmailPreferenceSchema,
  type NotificationPreferences,
  SmsPreferenceSchema,
} from '#domain/notifications.ts';
import { batchGet, getItem, iso } from './common.ts';
import { storeCall } from './failures.ts';
import { ItemType, Keys } from './keys.ts';
import type { Store } from './store.ts';

/** A person's notification preferences, or undefined when they never chose (the defaults apply). */
export async function getPreferences(
  store: Store,
  sub: string,
): Promise<NotificationPreferences | undefined> {
  const item = await getItem(store, Keys.notificationPreferences(sub), false);
  if (!item) return undefined;
  const email = EmailPreferenceSchema.safeParse(item.email);
  const sms = SmsPreferenceSchema.safeParse(item.sms);
  return email.success && sms.success ? { email: email.data, sms: sms.data } : undefined;
}

/** Replaces a person's preferences (the last choice wins; there is nothing to merge). */
export async function putPreferences(
  store: Store,
  sub: string,
  prefs: NotificationPreferences,
): Promise<NotificationPreferences> {
  const now = iso(store.now());
  await storeCall(() =>
    store.doc.send(
      new PutCommand({
        TableName: store.tableName,
        Item: {
          ...Keys.notificationPreferences(sub),
          type: ItemType.NOTIFY_PREFS,
          email: prefs.email,
          sms: prefs.sms,
          createdAt: now,
          updatedAt: now,
          version: 1,
        },
      }),
    ),
  );
  return { email: prefs.email, sms: prefs.sms };
}

/** Several people's preferences in one BatchGetItem (`sub → preferences`; absent when never chosen). */
export async function getPreferencesOf(
  store: Store,
  subs: readonly string[],
): Promise<Map<string, NotificationPreferences>> {
  const found = new Map<string, NotificationPreferences>();
  if (subs.length === 0) return found;
  for (const item of await batchGet(
    store,
    subs.map((sub) => Keys.notificationPreferences(sub)),
  )) {
    const email = EmailPreferenceSchema.safeParse(item.email);
    const sms = SmsPreferenceSchema.safeParse(item.sms);
    const sub = String(item.pk).slice('USER#'.length);
    if (email.success && sms.success) found.set(sub, { email: email.data, sms: sms.data });
  }
  return found;
}
