import { beforeAll, describe, expect, it } from 'vitest';
import { clientKeyOf } from '#data/client-key.ts';
import { migrateClientPointers } from '#data/client-pointers.ts';
import { getItem } from '#data/common.ts';
import { Keys } from '#data/keys.ts';
import { createReferral } from '#data/referrals/create.ts';
import { transact, tx } from '#data/tx.ts';
import { Stage } from '#domain/lifecycle.ts';
import { clientMatchKey, type Referral } from '#domain/referral.ts';
import { actors, makeTestStore, referralInput, seedReferral, type TestStore } from '../../support/store.ts';

/**
 * Client pointers are keyed with the region's secret (HMAC-SHA256). A table written before holds unkeyed
 * SHA-256 pointers; the migration re-keys them so duplicates are still found.
 */

let store: TestStore;

beforeAll(async () => {
  store = await makeTestStore();
});

/** Turns a referral's pointer back into what the unkeyed version wrote (as a table from before holds). */
async function asBeforeKeying(referral: Referral, open: boolean): Promise<string> {
  const legacy = clientMatchKey(referral.details);
  const keyed = await clientKeyOf(store, referral.details);
  const item = await getItem(store, Keys.referral(referral.id));
  await transact(store, [
    tx.update(store, Keys.referral(referral.id), { set: { clientKey: legacy } }),
    ...(open
      ? [
          tx.delete(store, Keys.clientPointer(store.region, keyed)),
          tx.put(store, {
            ...Keys.clientPointer(store.region, legacy),
            type: 'CLIENT_POINTER',
            referralIds: new Set([referral.id]),
            version: 1,
            createdAt: item?.createdAt,
            updatedAt: item?.createdAt,
          }),
        ]
      : [
          tx.put(store, {
            ...Keys.clientPointer(store.region, legacy),
            type: 'CLIENT_POINTER',
            version: 2,
            createdAt: item?.createdAt,
            updatedAt: item?.createdAt,
          }),
        ]),
  ]);
  return legacy;
}

describe('client pointers', () => {
  it('are keyed: the pointer is not the plain SHA-256 of name and birth date', async () => {
    // Act
    const referral = await seedReferral(store, { details: referralInput() });

    // Assess
    const keyed = await clientKeyOf(store, referral.details);
    expect(keyed).not.toBe(clientMatchKey(referral.details));
    expect(keyed).toMatch(/^[0-9a-f]{64}$/);
    expect(await getItem(store, Keys.clientPointer(store.region, keyed))).toBeDefined();
    expect(
      await getItem(store, Keys.clientPointer(store.region, clientMatchKey(referral.details))),
    ).toBeUndefined();
  });

  it("still find an open referral's duplicate once a table of SHA-256 pointers is migrated", async () => {
    // Prepare: an open and a closed referral written before keying.
    const open = await seedReferral(store, { details: referralInput() });
    const closed = await seedReferral(store, { stage: Stage.CLOSED, details: referralInput() });
    const openLegacy = await asBeforeKeying(open, true);
    const closedLegacy = await asBeforeKeying(closed, false);

    // Act
    const report = await migrateClientPointers(store);
    const again = await migrateClientPointers(store);
    const twin = await createReferral(store, {
      details: { ...referralInput(), client: open.details.client },
      referrerSub: actors.clinician.sub,
    });

    // Assess
    expect(report).toEqual({ rekeyed: 1, cleared: 1 });
    expect(again).toEqual({ rekeyed: 0, cleared: 0 });
    expect(twin.possibleDuplicateOf).toBe(open.id);
    expect((await getItem(store, Keys.referral(open.id)))?.clientKey).toBe(
      await clientKeyOf(store, open.details),
    );
    expect((await getItem(store, Keys.referral(closed.id)))?.clientKey).toBeUndefined();
    // No item is keyed by the unkeyed hashes any more.
    expect(await getItem(store, Keys.clientPointer(store.region, openLegacy))).toBeUndefined();
    expect(await getItem(store, Keys.clientPointer(store.region, closedLegacy))).toBeUndefined();
  });
});
