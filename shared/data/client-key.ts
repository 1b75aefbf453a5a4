import { createHmac } from 'node:crypto';
import type { SecretKeys } from '#app/ports.ts';
import { clientMatchText, type ReferralInput } from '#domain/referral.ts';
import type { Store } from './store.ts';

/**
 * The client pointer's key: HMAC-SHA256 (hex) of the client's normalised name and birth date under the
 * region's secret key. Unlike a plain hash, it cannot be recomputed from a guessed name and birth date by
 * anyone who reads the table (or a backup of it) without the key.
 */
export async function clientKeyOf(store: Store, details: Pick<ReferralInput, 'client'>): Promise<string> {
  const key = await secretsOf(store).regionKey(store.region);
  return createHmac('sha256', key).update(clientMatchText(details)).digest('hex');
}

function secretsOf(store: Store): SecretKeys {
  if (!store.secrets) {
    throw new Error('This store has no secret keys: client pointers cannot be keyed (see Store.secrets)');
  }
  return store.secrets;
}
