import { addSeconds, epochSeconds, getItem, iso } from './common.ts';
import { ItemType, Keys } from './keys.ts';
import type { Store } from './store.ts';
import { cond, type TxItem, tx } from './tx.ts';

/**
 * Idempotency records for `Idempotency-Key` (scoped to region and caller).
 *
 * The record is written in the SAME transaction as the referral it guards (`createReferral` with
 * `idempotency`), so it exists exactly when the work was done: no in-progress state to wait on, nothing to
 * clean up after a crash, and no extra request on the way. A second request with the key finds the record
 * in the cancelled transaction's reasons (`IdempotencyKeyUsedError`): with the same body it is answered
 * with that referral, with another body it is a 422.
 *
 * The record keeps ids and a hash only — never the request or the response, which carry a client's
 * details: a replay reads the referral again.
 */

/** Records are kept for a day (TTL), as promised to API clients; an expired one may be claimed again. */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;

export interface IdempotencyScope {
  sub: string;
  key: string;
}

/** A key being claimed, with the hash of the request it is claimed for. */
export interface IdempotencyClaim extends IdempotencyScope {
  requestHash: string;
}

export interface IdempotencyRecord {
  requestHash: string;
  /** What the first request created. */
  referralId: string;
  createdAt: string;
  /** Epoch seconds (the table's TTL attribute). */
  expiresAt: number;
}

export function toIdempotencyRecord(item: Record<string, unknown>): IdempotencyRecord {
  return {
    requestHash: String(item.requestHash),
    referralId: String(item.referralId),
    createdAt: String(item.createdAt),
    expiresAt: Number(item.expiresAt),
  };
}

/**
 * The transaction item that claims the key for `referralId`: a Put that succeeds only when the key is free
 * (absent, or expired and not yet deleted by TTL). When it fails, its cancellation reason holds the record.
 */
export function idempotencyClaimItem(store: Store, claim: IdempotencyClaim, referralId: string): TxItem {
  const now = store.now();
  const nowSeconds = epochSeconds(now);
  return tx.put(
    store,
    {
      ...Keys.idempotency(store.region, claim.sub, claim.key),
      type: ItemType.IDEMPOTENCY,
      version: 1,
      requestHash: claim.requestHash,
      referralId,
      createdAt: iso(now),
      updatedAt: iso(now),
      expiresAt: epochSeconds(addSeconds(now, IDEMPOTENCY_TTL_SECONDS)),
    },
    cond.or(
      cond.notExists(),
      cond.raw('#expiresAt < :now', { '#expiresAt': 'expiresAt' }, { ':now': nowSeconds }),
    ),
  );
}

/** The live record for the key, if any (an expired one that TTL has not deleted yet counts as absent). */
export async function getIdempotencyRecord(
  store: Store,
  scope: IdempotencyScope,
): Promise<IdempotencyRecord | undefined> {
  const item = await getItem(store, Keys.idempotency(store.region, scope.sub, scope.key));
  if (!item) return undefined;
  const record = toIdempotencyRecord(item);
  return record.expiresAt < epochSeconds(store.now()) ? undefined : record;
}
