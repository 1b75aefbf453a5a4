import { isOpen, STAGES, type Stage } from '#domain/lifecycle.ts';
import type { ReferralInput } from '#domain/referral.ts';
import { clientKeyOf } from './client-key.ts';
import { getItem, iso, queryAll } from './common.ts';
import { IndexKeys, type ItemKey, Keys } from './keys.ts';
import { pointerAdd, pointerRemove } from './referrals/item.ts';
import type { Store } from './store.ts';
import { INDEX } from './table.ts';
import { cond, RETRY, type TxItem, transact, tx, withRetries } from './tx.ts';

/**
 * Re-keys the region's client pointers under its secret key (HMAC-SHA256; see client-key.ts). Pointers
 * written before were an unkeyed SHA-256 of name and birth date. Each referral whose stored `clientKey`
 * is not the keyed one is rewritten in one transaction: an open referral moves from its old pointer to the
 * keyed one (so a later submission for the same client still finds it); a closed or declined one, whose
 * pointer is gone, loses the old key (it is needed no more, and it identified the client to anyone with a
 * name and a birth date); an old pointer left empty is deleted. Conditioned on the referral's version, so a
 * concurrent change retries.
 * Idempotent: a second run finds nothing to do. Reads are queue queries (GSI1), never a Scan. Run by the
 * local start and callable from the reconciler; it reports counts only.
 */
export async function migrateClientPointers(store: Store): Promise<{ rekeyed: number; cleared: number }> {
  const counts = { rekeyed: 0, cleared: 0 };
  for (const stage of STAGES) {
    const items = await queryAll(store, {
      IndexName: INDEX.GSI1,
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': IndexKeys.queue(store.region, stage) },
    });
    for (const item of items) {
      if (typeof item.clientKey !== 'string') continue;
      const outcome = await migrateOne(store, String(item.id));
      if (outcome) counts[outcome]++;
    }
  }
  return counts;
}

async function migrateOne(store: Store, id: string): Promise<'rekeyed' | 'cleared' | undefined> {
  return withRetries('Referral', id, async () => {
    const item = await getItem(store, Keys.referral(id));
    const oldKey = item?.clientKey;
    if (!item || typeof oldKey !== 'string') return undefined;
    const asRead = cond.and(cond.exists(), cond.versionIs(item.version as number));
    const stamp = { updatedAt: iso(store.now()) };
    let items: TxItem[];
    let outcome: 'rekeyed' | 'cleared';
    // Already keyed (open or closed): nothing to do, and the version (a caller's concurrency token) stays.
    const newKey = await clientKeyOf(store, item.details as ReferralInput);
    if (newKey === oldKey) return undefined;
    if (isOpen(item.stage as Stage)) {
      const newPointerKey = Keys.clientPointer(store.region, newKey);
      const pointer = await getItem(store, newPointerKey);
      items = [
        tx.update(
          store,
          Keys.referral(id),
          { set: { clientKey: newKey, ...stamp }, increment: { version: 1 } },
          asRead,
        ),
        pointerAdd(store, newPointerKey, pointer, id),
      ];
      const oldPointer = await getItem(store, Keys.clientPointer(store.region, oldKey));
      if (oldPointer) items.push(pointerRemove(store, Keys.clientPointer(store.region, oldKey), id));
      outcome = 'rekeyed';
    } else {
      items = [
        tx.update(
          store,
          Keys.referral(id),
          { set: stamp, remove: ['clientKey'], increment: { version: 1 } },
          asRead,
        ),
      ];
      outcome = 'cleared';
    }
    const result = await transact(store, items);
    if (!result.ok) return RETRY;
    await deleteIfEmpty(store, Keys.clientPointer(store.region, oldKey));
    return outcome;
  });
}

/**
 * An old pointer no open referral is left in goes: its partition key is the unkeyed hash itself. A pointer
 * another open referral still holds stays until that one is migrated (the condition refuses).
 */
async function deleteIfEmpty(store: Store, key: ItemKey): Promise<void> {
  await transact(store, [tx.delete(store, key, cond.and(cond.exists(), cond.absent('referralIds')))]);
}
