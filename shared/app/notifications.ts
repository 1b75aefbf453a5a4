import type { AlertMessage } from './ports.ts';

export const EVENT_SOURCE = 'peerpath.referrals';
export const EVENT_DETAIL_TYPE = 'Referral Stage Changed';

/** Only the allow-listed fields, whatever the caller put on the object. */
export function redact(message: AlertMessage): AlertMessage {
  const { alertId, kind, region, audienceType, referralId, stage, event } = message;
  return { alertId, kind, region, audienceType, referralId, stage, event };
}
