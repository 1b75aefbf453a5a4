import type { AlertKind } from '#domain/lifecycle.ts';
import type { Channel, DeliveryState, EmailPreference, SmsPreference } from '#domain/notifications.ts';

/** Words for how alerts reach people outside PeerPath (issue 14): preferences and delivery states. */

export const EMAIL_PREFERENCE_LABELS: Record<EmailPreference, string> = {
  IMMEDIATE: 'Each alert by email as it happens',
  DAILY_DIGEST: 'One email a day, at 8:00 (Vancouver time)',
  OFF: 'No email',
};

export const EMAIL_PREFERENCE_HINTS: Record<EmailPreference, string> = {
  IMMEDIATE: 'Recommended: you hear about a step that needs you without opening PeerPath.',
  DAILY_DIGEST: 'Routine alerts of the day in one email. Urgent ones still come at once.',
  OFF: 'You see alerts only here, in PeerPath.',
};

export const SMS_PREFERENCE_LABELS: Record<SmsPreference, string> = {
  URGENT_ONLY: 'Urgent alerts only',
  OFF: 'No text messages',
};

export const CHANNEL_LABELS: Record<Channel, string> = {
  EMAIL: 'Email',
  SMS: 'Text message',
};

/** A delivery's state, in words a person acts on. */
export const DELIVERY_STATE_LABELS: Record<DeliveryState, string> = {
  PENDING: 'waiting to be sent',
  SENDING: 'being sent',
  SENT: 'sent',
  FAILED: 'failed, will be tried again',
  SUPPRESSED: 'not sent (no email sender is set up for this region)',
};

/** Information only: shown in the inbox, never counted as needing action. */
export const isInformation = (kind: AlertKind): boolean => kind === 'STAGE_CHANGED';
