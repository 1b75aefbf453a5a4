import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isOpen } from '#domain/lifecycle.ts';
import type { Referral } from '#domain/referral.ts';
import { getItem, iso, withoutInternals } from '../common.ts';
import { NotFoundError } from '../errors.ts';
import { appliedIf } from '../failures.ts';
import { IndexKeys, type ItemKey, ItemType, Keys } from '../keys.ts';
import type { Store } from '../store.ts';
import { cond, type TxItem, tx } from '../tx.ts';

/**
 * Referrals: the referral item (`REF#<id>` / `REF`) and everything that changes with it in one transaction
 * (audit events, goals, the worker's assignment and caseload counter, the client duplicate pointer).
 *
 * Attributes on the referral item beyond `Referral`: `clientKey` (the client match key, to find the
 * duplicate pointer again on close; never returned), `searchKeys` (its search entries' keyed tokens, see
 * referral-search.ts; never returned), `resumedAt`, `reassignedAt`, `consentAlertedFor`.
 */

export function toReferral(item: Record<string, unknown>): Referral {
  return withoutInternals<Referral>(item, ['clientKey', 'searchKeys']);
}

/** The index attributes of a referral item for its current state. */
export function referralIndexKeys(referral: Referral): Record<string, string> {
  return {
    gsi1pk: IndexKeys.queue(referral.region, referral.stage),
    gsi1sk: IndexKeys.queueSort(referral.priority, referral.createdAt),
    gsi2pk: IndexKeys.referrer(referral.referrerSub),
    gsi2sk: IndexKeys.referrerSort(referral.createdAt),
    // GSI3 is sparse: only open referrals are in the consent-expiry partition.
    ...(isOpen(referral.stage)
      ? {
          gsi3pk: IndexKeys.consent(referral.region),
          gsi3sk: IndexKeys.consentSort(referral.consentExpiresOn, referral.id),
        }
      : {}),
  };
}

export async function readReferralItem(store: Store, id: string): Promise<Record<string, unknown>> {
  const item = await getItem(store, Keys.referral(id));
  if (!item) throw new NotFoundError('Referral', id);
  return item;
}

/** The pointer's open referral ids (a string set in the table). */
export function openIdsOf(pointer: Record<string, unknown> | undefined): string[] {
  const ids = pointer?.referralIds as Set<string> | string[] | undefined;
  return ids ? [...ids].sort() : [];
}

/**
 * The write that adds `referralId` to the client pointer, so two submissions for the same client at once
 * cannot both miss each other. With a pointer that holds open referrals (as read) it is conditioned on
 * that version. Without one (`undefined`: none read, or a submission's first attempt, which reads
 * nothing) it is conditioned on the pointer holding no open referral: when the client has one after all,
 * the condition fails and the cancellation reason carries the pointer for the next attempt. An update
 * either way, so the version only ever grows: a writer holding an older read can never see it again.
 */
export function pointerAdd(
  store: Store,
  key: ItemKey,
  pointer: Record<string, unknown> | undefined,
  referralId: string,
): TxItem {
  const now = iso(store.now());
  if (!pointer) {
    return tx.update(
      store,
      key,
      {
        set: { type: ItemType.CLIENT_POINTER, updatedAt: now },
        setIfAbsent: { createdAt: now },
        addToSet: { referralIds: [referralId] },
        add: { version: 1 },
      },
      cond.absent('referralIds'),
    );
  }
  return tx.update(
    store,
    key,
    { addToSet: { referralIds: [referralId] }, set: { updatedAt: now }, increment: { version: 1 } },
    cond.and(cond.exists(), cond.versionIs(pointer.version as number)),
  );
}

/** The write that removes `referralId` from the client pointer (the pointer outlives its referrals). */
export function pointerRemove(store: Store, key: ItemKey, referralId: string): TxItem {
  return tx.update(
    store,
    key,
    {
      deleteFromSet: { referralIds: [referralId] },
      set: { updatedAt: iso(store.now()) },
      increment: { version: 1 },
    },
    cond.exists(),
  );
}

/** A conditional write of attributes outside the version (see `setReferralAttributesIf`). */
export interface AttributeWrite {
  /** The `SET …` expression. */
  update: string;
  condition: string;
  names?: Record<string, string>;
  values: Record<string, unknown>;
}

/**
 * Sets attributes the state machine and the follow-up tasks keep on the referral item, conditionally and
 * with no version bump (they never make a person's edit fail). False when the condition fails (or the
 * referral is missing).
 */
export function setReferralAttributesIf(
  store: Store,
  referralId: string,
  write: AttributeWrite,
): Promise<boolean> {
  return appliedIf(() =>
    store.doc.send(
      new UpdateCommand({
        TableName: store.tableName,
        Key: Keys.referral(referralId),
        UpdateExpression: write.update,
        ConditionExpression: write.condition,
        ...(write.names ? { ExpressionAttributeNames: write.names } : {}),
        ExpressionAttributeValues: write.values,
      }),
    ),
  );
}
