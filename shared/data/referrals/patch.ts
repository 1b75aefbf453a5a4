import { IllegalTransitionError } from '#domain/errors.ts';
import { CLINICIAN_EDITABLE_STAGES, isOpen } from '#domain/lifecycle.ts';
import { applyReferralPatch, changedFields, type Referral, type ReferralPatch } from '#domain/referral.ts';
import { Role } from '#domain/roles.ts';
import { priorityOf } from '#domain/vocabulary.ts';
import { clientKeyOf } from '../client-key.ts';
import { getItem, iso } from '../common.ts';
import { ConcurrentUpdateError, NotFoundError } from '../errors.ts';
import { type Actor, auditEventItem } from '../events.ts';
import { Keys } from '../keys.ts';
import { type SearchKeySet, searchEntryMoves, searchKeysOf } from '../referral-search.ts';
import type { Store } from '../store.ts';
import {
  applyUpdate,
  cond,
  hasConflict,
  RETRY,
  type TxItem,
  transact,
  tx,
  type UpdateSpec,
  withRetries,
} from '../tx.ts';
import {
  openIdsOf,
  pointerAdd,
  pointerRemove,
  readReferralItem,
  referralIndexKeys,
  toReferral,
} from './item.ts';

export type ReferralChanges = Partial<Omit<ReferralPatch, 'version'>>;

/**
 * Corrects a referral's details, conditional on `version`, with a CORRECTED audit event naming the changed
 * sections (never their values). Stale version → ConcurrentUpdateError and nothing written. A clinician may
 * correct only before the match. A correction of the client's identity moves the duplicate pointer.
 */
export async function patchReferral(
  store: Store,
  input: {
    id: string;
    version: number;
    patch: ReferralChanges;
    actor: Actor;
    /** As for `transition`: called with the referral as read; throws to refuse. */
    authorize?: (referral: Referral) => void;
  },
): Promise<Referral> {
  const { id, version, patch, actor } = input;
  return withRetries('Referral', id, async () => {
    const item = await readReferralItem(store, id);
    const before = toReferral(item);
    input.authorize?.(before);
    if (before.version !== version) throw new ConcurrentUpdateError('Referral', id);
    if (actor.role === Role.CLINICIAN && !CLINICIAN_EDITABLE_STAGES.includes(before.stage)) {
      throw new IllegalTransitionError(before.stage, 'correct');
    }
    const fields = changedFields(before.details, patch);
    if (fields.length === 0) return before;
    const details = applyReferralPatch(before.details, patch);
    const priority = priorityOf(details.urgency);
    const oldKey = item.clientKey as string | undefined;
    const newKey = await clientKeyOf(store, details);
    const moved = isOpen(before.stage) && oldKey !== newKey;
    // Open or closed, the search entries follow the client's name and birth date.
    const searchKeys = await searchKeysOf(store, details.client);
    const oldSearchKeys =
      (item.searchKeys as SearchKeySet | undefined) ?? (await searchKeysOf(store, before.details.client));

    const items: TxItem[] = [];
    let possibleDuplicateOf: string | undefined;
    if (moved) {
      const newPointerKey = Keys.clientPointer(store.region, newKey);
      const pointer = await getItem(store, newPointerKey);
      possibleDuplicateOf = before.possibleDuplicateOf ?? openIdsOf(pointer).find((other) => other !== id);
      items.push(pointerAdd(store, newPointerKey, pointer, id));
      if (oldKey) items.push(pointerRemove(store, Keys.clientPointer(store.region, oldKey), id));
    }
    const spec: UpdateSpec = {
      set: {
        details,
        priority,
        consentExpiresOn: details.consent.expiresOn,
        clientKey: newKey,
        searchKeys,
        updatedAt: iso(store.now()),
        possibleDuplicateOf,
        ...referralIndexKeys({ ...before, priority, consentExpiresOn: details.consent.expiresOn }),
      },
      increment: { version: 1 },
    };
    const outcome = await transact(store, [
      tx.update(store, Keys.referral(id), spec, cond.and(cond.exists(), cond.versionIs(version))),
      tx.put(store, auditEventItem(store, actor, { referralId: id, kind: 'CORRECTED', fields: [...fields] })),
      ...items,
      ...searchEntryMoves(store, before, oldSearchKeys, searchKeys),
    ]);
    if (outcome.ok) return toReferral(applyUpdate(item, spec));
    if (hasConflict(outcome.reasons)) return RETRY;
    const [ref] = outcome.reasons;
    if (ref?.code === 'ConditionalCheckFailed') {
      if (!ref.item) throw new NotFoundError('Referral', id, { cause: outcome.error });
      throw new ConcurrentUpdateError('Referral', id, { cause: outcome.error });
    }
    if (outcome.reasons.slice(2).some((r) => r.code === 'ConditionalCheckFailed')) return RETRY;
    throw outcome.error;
  });
}
