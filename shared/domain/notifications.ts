import * as z from 'zod/mini';
import type { AlertKind } from './lifecycle.ts';
import { Role } from './roles.ts';

/**
 * Alerts that reach people: who is told by email or SMS, their preferences, the retry schedule and the
 * daily digest's hour. Pure rules; the data layer stores what they decide and the delivery worker acts on it.
 */

export const EMAIL_PREFERENCES = ['IMMEDIATE', 'DAILY_DIGEST', 'OFF'] as const;
export const SMS_PREFERENCES = ['URGENT_ONLY', 'OFF'] as const;
export const EmailPreferenceSchema = z.enum(EMAIL_PREFERENCES);
export const SmsPreferenceSchema = z.enum(SMS_PREFERENCES);
export type EmailPreference = z.infer<typeof EmailPreferenceSchema>;
export type SmsPreference = z.infer<typeof SmsPreferenceSchema>;

/** `PUT /me/notifications` body: both fields, nothing else (an unknown value is 400 and changes nothing). */
export const NotificationPreferencesSchema = z
  .strictObject({
    email: EmailPreferenceSchema.check(
      z.describe('`IMMEDIATE` (each alert), `DAILY_DIGEST` (one email at 08:00 Vancouver time) or `OFF`'),
    ),
    sms: SmsPreferenceSchema.check(
      z.describe('`URGENT_ONLY` or `OFF`; URGENT concerns reach coordinators regardless'),
    ),
  })
  .register(z.globalRegistry, {
    id: 'NotificationPreferencesInput',
    description: 'How alerts reach the caller',
    examples: [{ email: 'DAILY_DIGEST', sms: 'URGENT_ONLY' }],
  });
export type NotificationPreferences = z.infer<typeof NotificationPreferencesSchema>;

/** Someone who never chose: email at once; SMS for urgent alerts where they have a phone. */
export function defaultPreferences(hasPhone: boolean): NotificationPreferences {
  return { email: 'IMMEDIATE', sms: hasPhone ? 'URGENT_ONLY' : 'OFF' };
}

export const CHANNELS = ['EMAIL', 'SMS'] as const;
export type Channel = (typeof CHANNELS)[number];

export const DELIVERY_STATES = ['PENDING', 'SENDING', 'SENT', 'FAILED', 'SUPPRESSED'] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

/** Kinds the region's coordinators are emailed about (the inbox has every kind). */
const COORDINATOR_EMAIL: ReadonlySet<AlertKind> = new Set<AlertKind>([
  'NEW_REFERRAL',
  'TRIAGE_OVERDUE',
  'MATCH_OVERDUE',
  'GOALS_NOT_SET',
  'NO_SESSION',
  'CLOSURE_NOT_CONFIRMED',
  'HOLD_REVIEW_DUE',
  'GOALS_ACHIEVED',
  'CONCERN_RAISED',
  'DEBRIEF_REQUESTED',
  'DEBRIEF_OVERDUE',
  'CONSENT_EXPIRING',
  'POSSIBLE_DUPLICATE',
  'TRAINING_EXPIRING',
  'CONTRACT_ENDING',
  'HOURS_NEAR_LIMIT',
  'SUPERVISION_DUE',
]);

/** Kinds one person is emailed about, by their role. */
const PERSON_EMAIL: Partial<Record<Role, ReadonlySet<AlertKind>>> = {
  [Role.CLINICIAN]: new Set<AlertKind>(['MATCH_MADE', 'REFERRAL_DECLINED', 'REFERRAL_CLOSED']),
  [Role.PEER_WORKER]: new Set<AlertKind>([
    'NEW_CLIENT',
    'CLIENT_REASSIGNED',
    'GOALS_NOT_SET',
    'NO_SESSION',
    'DEBRIEF_REQUESTED',
    'LINK_FOLLOW_UP_DUE',
    'TRAINING_EXPIRING',
    'CONTRACT_ENDING',
    'HOURS_NEAR_LIMIT',
  ]),
};

/** An URGENT concern: email and SMS to coordinators at once, whatever their preferences; escalated if unacknowledged. */
export function isUrgent(alert: { kind: AlertKind; level?: string | undefined }): boolean {
  return alert.kind === 'CONCERN_RAISED' && alert.level === 'URGENT';
}

/** Information only: listed in the inbox, never delivered, never counted as needing action. */
export const isInformational = (kind: AlertKind): boolean => kind === 'STAGE_CHANGED';

export interface Recipient {
  sub: string;
  role: Role;
  email?: string | undefined;
  phone?: string | undefined;
}

export interface PlannedDelivery {
  recipient: string;
  recipientRole: Role;
  channel: Channel;
  address: string;
  /** Held for the daily digest rather than sent now. */
  digest: boolean;
}

/**
 * The deliveries one alert makes to one recipient. `toCoordinators` is true when the alert is addressed to the
 * region's coordinators' inbox. Preferences: email OFF means no email delivery is written at all (nothing
 * to send; the inbox still has the alert); DAILY_DIGEST holds routine email for the digest. An urgent alert
 * reaches coordinators by email and SMS regardless, and is never held.
 */
export function plannedDeliveries(
  alert: { kind: AlertKind; level?: string | undefined },
  recipient: Recipient,
  prefs: NotificationPreferences,
  toCoordinators: boolean,
): PlannedDelivery[] {
  if (isInformational(alert.kind)) return [];
  const urgent = isUrgent(alert);
  const emailKinds = toCoordinators ? COORDINATOR_EMAIL : PERSON_EMAIL[recipient.role];
  const wantsEmail = urgent || (emailKinds?.has(alert.kind) ?? false);
  const regardless = urgent && toCoordinators;
  const out: PlannedDelivery[] = [];
  const base = { recipient: recipient.sub, recipientRole: recipient.role };
  if (wantsEmail && recipient.email && (regardless || prefs.email !== 'OFF')) {
    const digest = !urgent && prefs.email === 'DAILY_DIGEST';
    out.push({ ...base, channel: 'EMAIL', address: recipient.email, digest });
  }
  if (urgent && recipient.phone && (regardless || prefs.sms === 'URGENT_ONLY')) {
    out.push({ ...base, channel: 'SMS', address: recipient.phone, digest: false });
  }
  return out;
}

/** `<alertId>#<recipientSub>#<EMAIL|SMS>` (an escalation's own copies end in `#ESCALATION`). */
export function deliveryId(alertId: string, recipient: string, channel: Channel, escalation = false): string {
  return `${alertId}#${recipient}#${channel}${escalation ? '#ESCALATION' : ''}`;
}

/** The key of a delivery in its alert's `deliveries` map: the delivery id without the alert id. */
export function deliverySlot(recipient: string, channel: Channel, escalation = false): string {
  return `${recipient}#${channel}${escalation ? '#ESCALATION' : ''}`;
}

/** Seconds to wait after the n-th failed attempt (1-based): 1 min, 5 min, 30 min, 2 h, 6 h. */
export const RETRY_BACKOFF_SECONDS = [60, 300, 1800, 7200, 21_600] as const;
/** After this many attempts a delivery stays FAILED, leaves the due index and is counted as dead. */
export const MAX_DELIVERY_ATTEMPTS = RETRY_BACKOFF_SECONDS.length + 1;

export function retryDelaySeconds(attempts: number): number {
  const index = Math.min(Math.max(attempts, 1), RETRY_BACKOFF_SECONDS.length) - 1;
  return RETRY_BACKOFF_SECONDS[index] ?? 21_600;
}

/** The program's time zone and the daily digest's hour in it. */
export const PROGRAM_TIME_ZONE = 'America/Vancouver';
export const DIGEST_HOUR = 8;

/** Minutes east of UTC of the program's zone at `instant` (Vancouver: -480 or -420). */
function offsetMinutes(instant: Date): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: PROGRAM_TIME_ZONE,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(instant);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const local = Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second'),
  );
  return Math.round((local - Math.floor(instant.getTime() / 1000) * 1000) / 60_000);
}

/** The program-zone calendar date (`YYYY-MM-DD`) of an instant. */
export function programDate(instant: Date): string {
  return new Date(instant.getTime() + offsetMinutes(instant) * 60_000).toISOString().slice(0, 10);
}

/** The first 08:00 America/Vancouver strictly after `instant` (daylight saving included). */
export function nextDigestAt(instant: Date): Date {
  const local = new Date(instant.getTime() + offsetMinutes(instant) * 60_000);
  const day = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate(), DIGEST_HOUR);
  for (const candidate of [day, day + 86_400_000]) {
    // The offset at the candidate itself (a DST change overnight moves it by an hour).
    const guess = candidate - offsetMinutes(new Date(candidate)) * 60_000;
    const utc = candidate - offsetMinutes(new Date(guess)) * 60_000;
    if (utc > instant.getTime()) return new Date(utc);
  }
  throw new Error('unreachable');
}
