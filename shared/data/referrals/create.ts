import { DomainValidationError } from '#domain/errors.ts';
import { Stage } from '#domain/lifecycle.ts';
import type { Referral, ReferralInput } from '#domain/referral.ts';
import { Role } from '#domain/roles.ts';
import { priorityOf } from '#domain/vocabulary.ts';
import { clientKeyOf } from '../client-key.ts';
import { iso, newId, programMonth } from '../common.ts';
import { ConcurrentUpdateError, IdempotencyKeyUsedError } from '../errors.ts';
import { auditEventItem } from '../events.ts';
import { type IdempotencyClaim, idempotencyClaimItem, toIdempotencyRecord } from '../idempotency.ts';
import { IndexKeys, ItemType, Keys } from '../keys.ts';
import { searchEntryPuts, searchKeysOf } from '../referral-search.ts';
import type { Store } from '../store.ts';
import { cond, hasConflict, RETRY, transact, tx, withRetries } from '../tx.ts';
import { openIdsOf, pointerAdd, referralIndexKeys } from './item.ts';

/** A new referral: its items, and the transaction that stores them with the client's duplicate pointer. */

export interface CreateReferralInput {
  details: ReferralInput;
  referrerSub: string;
  previousReferralId?: string;
  /** A caller-chosen ULID (e.g. for an idempotent retry); new by default. */
  id?: string;
  /** Claim this `Idempotency-Key` in the same transaction (see shared/data/idempotency.ts). */
  idempotency?: IdempotencyClaim;
}

/**
 * The items a new referral is stored as: the referral item (REFERRED, version 1, with its index keys) and its
 * SUBMITTED audit event. `createReferral` writes them in its transaction; bulk loaders (the benchmarks) use
 * the same shapes.
 */
export function newReferralItems(
  store: Store,
  input: CreateReferralInput & { id: string; duplicateOf?: string; clientKey?: string },
): { referral: Referral; item: Record<string, unknown>; event: Record<string, unknown> } {
  const { details, id, duplicateOf } = input;
  const now = iso(store.now());
  const referral: Referral = {
    id,
    region: store.region,
    stage: Stage.REFERRED,
    version: 1,
    createdAt: now,
    updatedAt: now,
    referrerSub: input.referrerSub,
    details,
    priority: priorityOf(details.urgency),
    stageEnteredAt: now,
    ...(input.previousReferralId !== undefined ? { previousReferralId: input.previousReferralId } : {}),
    ...(duplicateOf !== undefined ? { possibleDuplicateOf: duplicateOf } : {}),
    consentExpiresOn: details.consent.expiresOn,
  };
  const item = {
    ...Keys.referral(id),
    type: ItemType.REFERRAL,
    ...referralIndexKeys(referral),
    ...(input.clientKey !== undefined ? { clientKey: input.clientKey } : {}),
    ...referral,
  };
  const event = auditEventItem(
    store,
    { sub: input.referrerSub, role: Role.CLINICIAN },
    {
      referralId: id,
      kind: 'SUBMITTED',
      to: Stage.REFERRED,
      ...(input.previousReferralId !== undefined ? { previousReferralId: input.previousReferralId } : {}),
      ...(duplicateOf !== undefined ? { possibleDuplicateOf: duplicateOf } : {}),
    },
    {
      gsi3pk: IndexKeys.created(store.region, programMonth(now)),
      gsi3sk: IndexKeys.reportSort(now, id),
    },
  );
  return { referral, item, event };
}

/**
 * Stores a new referral in REFERRED (version 1) with its SUBMITTED audit event and its place in the client
 * pointer, in one transaction. If the same client already has an open referral in the region, the new one is
 * stored (not refused) with `possibleDuplicateOf` = the oldest open one.
 *
 * One request in the usual case (no open referral for the client): the pointer is not read first; see
 * `pointerAdd`. With `idempotency`, the key is claimed in the same transaction; if it was claimed already,
 * nothing is written and `IdempotencyKeyUsedError` carries the record.
 */
export async function createReferral(store: Store, input: CreateReferralInput): Promise<Referral> {
  const { details, idempotency } = input;
  if (details.region !== store.region) {
    throw new DomainValidationError('The referral is for another region', [
      { path: 'region', message: 'Must be the region of this API' },
    ]);
  }
  const id = input.id ?? newId(store);
  const clientKey = await clientKeyOf(store, details);
  const searchKeys = await searchKeysOf(store, details.client);
  const pointerKey = Keys.clientPointer(store.region, clientKey);
  // Not read first: the usual client has no open referral (see `pointerAdd`).
  let pointer: Record<string, unknown> | undefined;
  return withRetries('Referral', id, async () => {
    const duplicateOf = openIdsOf(pointer).find((other) => other !== id);
    const { referral, item, event } = newReferralItems(store, {
      ...input,
      id,
      clientKey,
      ...(duplicateOf !== undefined ? { duplicateOf } : {}),
    });
    const outcome = await transact(store, [
      tx.put(store, { ...item, searchKeys }, cond.notExists()),
      tx.put(store, event),
      pointerAdd(store, pointerKey, pointer, id),
      ...(idempotency ? [idempotencyClaimItem(store, idempotency, id)] : []),
      // Last, so the reasons above keep their places.
      ...searchEntryPuts(store, referral, searchKeys),
    ]);
    if (outcome.ok) return referral;
    const [ref, , ptr, claim] = outcome.reasons;
    if (claim?.code === 'ConditionalCheckFailed' && claim.item) {
      throw new IdempotencyKeyUsedError(toIdempotencyRecord(claim.item), { cause: outcome.error });
    }
    if (ref?.code === 'ConditionalCheckFailed')
      throw new ConcurrentUpdateError('Referral', id, { cause: outcome.error });
    if (ptr?.code === 'ConditionalCheckFailed') {
      // The pointer as it is now (ALL_OLD), or absent: the next attempt writes against it.
      pointer = ptr.item;
      return RETRY;
    }
    if (hasConflict(outcome.reasons)) {
      pointer = undefined;
      return RETRY;
    }
    throw outcome.error;
  });
}
