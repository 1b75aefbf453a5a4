import type { Referral } from '#domain/referral.ts';
import { queryAll } from '../common.ts';
import { IndexKeys } from '../keys.ts';
import type { Store } from '../store.ts';
import { INDEX } from '../table.ts';
import { setReferralAttributesIf, toReferral } from './item.ts';

/** Consent expiry (GSI3's sparse consent partition): the follow-up task's reads and its once-only mark. */

/**
 * Open referrals whose consent expires on or before `onOrBefore` (`YYYY-MM-DD`), soonest first; those
 * already alerted for their current expiry date are left out unless `includeAlerted`.
 */
export async function listConsentExpiring(
  store: Store,
  onOrBefore: string,
  options: { includeAlerted?: boolean } = {},
): Promise<Referral[]> {
  const items = await queryAll(store, {
    IndexName: INDEX.GSI3,
    KeyConditionExpression: 'gsi3pk = :pk AND gsi3sk <= :until',
    ...(options.includeAlerted
      ? {}
      : {
          FilterExpression:
            'attribute_not_exists(consentAlertedFor) OR consentAlertedFor <> consentExpiresOn',
        }),
    ExpressionAttributeValues: { ':pk': IndexKeys.consent(store.region), ':until': `${onOrBefore}#~` },
  });
  return items.map(toReferral);
}

/**
 * Records that the consent-expiry alert for `expiresOn` was raised (no version bump: not a user edit).
 * Returns false if already recorded or the consent date changed meanwhile, so it is alerted once.
 */
export async function markConsentAlerted(
  store: Store,
  referralId: string,
  expiresOn: string,
): Promise<boolean> {
  return setReferralAttributesIf(store, referralId, {
    update: 'SET consentAlertedFor = :expiresOn',
    condition:
      'attribute_exists(pk) AND consentExpiresOn = :expiresOn AND (attribute_not_exists(consentAlertedFor) OR consentAlertedFor <> :expiresOn)',
    values: { ':expiresOn': expiresOn },
  });
}
