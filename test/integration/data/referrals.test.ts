import { beforeEach, describe, expect, it } from 'vitest';
import { clientKeyOf } from '#data/client-key.ts';
import { getItem } from '#data/common.ts';
import {
  ConcurrentUpdateError,
  DomainValidationError,
  IllegalTransitionError,
  NotFoundError,
} from '#data/errors.ts';
import { listEvents } from '#data/events.ts';
import { Keys } from '#data/keys.ts';
import { createReferral } from '#data/referrals/create.ts';
import { patchReferral } from '#data/referrals/patch.ts';
import { listQueue } from '#data/referrals/queue.ts';
import { getReferral, getReferralDetails, listOpenReferrals } from '#data/referrals/reads.ts';
import { transition } from '#data/referrals/transition.ts';
import { recordExecution } from '#data/referrals/wait-tokens.ts';
import { Stage } from '#domain/lifecycle.ts';
import type { Referral } from '#domain/referral.ts';
import {
  actors,
  makeTestStore,
  referralInput,
  seedReferral,
  seedWorker,
  type TestStore,
} from '../../support/store.ts';

let store: TestStore;

beforeEach(async () => {
  store = await makeTestStore();
});

const sameClient = (familyName: string) => ({
  givenName: 'María José',
  familyName,
  dateOfBirth: '1985-02-03',
  safeToText: false,
  safeToVoicemail: false,
  neighbourhood: 'Strathcona',
  language: 'Spanish',
  interpreterNeeded: true,
});

async function pointerIds(referral: Referral): Promise<string[]> {
  const pointer = await getItem(
    store,
    Keys.clientPointer(store.region, await clientKeyOf(store, referral.details)),
  );
  return [...((pointer?.referralIds as Set<string> | undefined) ?? [])].sort();
}

describe('createReferral', () => {
  it('stores a new referral in REFERRED at version 1 with a SUBMITTED event', async () => {
    const details = referralInput({ urgency: 'SOON' });

    const referral = await createReferral(store, { details, referrerSub: actors.clinician.sub });

    expect(referral).toMatchObject({
      stage: Stage.REFERRED,
      version: 1,
      region: 'vancouver',
      priority: '2',
      referrerSub: actors.clinician.sub,
      consentExpiresOn: details.consent.expiresOn,
    });
    expect(referral.possibleDuplicateOf).toBeUndefined();
    expect(await getReferral(store, referral.id)).toEqual(referral);
    const events = await listEvents(store, referral.id);
    expect(events).toEqual([
      expect.objectContaining({ kind: 'SUBMITTED', to: Stage.REFERRED, by: actors.clinician.sub }),
    ]);
  });

  it('refuses details for another region', async () => {
    await expect(
      createReferral(store, { details: referralInput({}, 'richmond'), referrerSub: actors.clinician.sub }),
    ).rejects.toBeInstanceOf(DomainValidationError);
  });

  it('links a re-referral to the referral it was made from', async () => {
    const old = await seedReferral(store, { stage: Stage.DECLINED });

    const again = await createReferral(store, {
      details: old.details,
      referrerSub: actors.clinician.sub,
      previousReferralId: old.id,
    });

    expect(again.previousReferralId).toBe(old.id);
    expect(again.possibleDuplicateOf).toBeUndefined();
  });
});

describe('duplicate detection', () => {
  it('flags a new referral for a client with an open referral (names compared loosely), without refusing it', async () => {
    const first = await seedReferral(store, { details: referralInput({ client: sameClient('Núñez') }) });

    const second = await createReferral(store, {
      details: referralInput({ client: { ...sameClient('  nunez '), givenName: 'maria  jose' } }),
      referrerSub: 'another-clinician',
    });

    expect(second.possibleDuplicateOf).toBe(first.id);
    expect(second.stage).toBe(Stage.REFERRED);
    expect(await pointerIds(first)).toEqual([first.id, second.id].sort());
  });

  it('does not flag a referral whose earlier referral for the client is closed or declined', async () => {
    await seedReferral(store, {
      details: referralInput({ client: sameClient('Closed') }),
      stage: Stage.CLOSED,
    });
    await seedReferral(store, {
      details: referralInput({ client: sameClient('Closed') }),
      stage: Stage.DECLINED,
    });

    const fresh = await createReferral(store, {
      details: referralInput({ client: sameClient('Closed') }),
      referrerSub: actors.clinician.sub,
    });

    expect(fresh.possibleDuplicateOf).toBeUndefined();
    expect(await pointerIds(fresh)).toEqual([fresh.id]);
  });

  it('does not flag a different client', async () => {
    await seedReferral(store, { details: referralInput({ client: sameClient('One') }) });

    const other = await createReferral(store, {
      details: referralInput({ client: sameClient('Two') }),
      referrerSub: actors.clinician.sub,
    });

    expect(other.possibleDuplicateOf).toBeUndefined();
  });

  it("stores a new client's referral with one transaction and no read; a known client's with a second", async () => {
    // Prepare
    const first = await seedReferral(store, { details: referralInput({ client: sameClient('Once') }) });
    store.requests.length = 0;

    // Act
    const fresh = await createReferral(store, {
      details: referralInput({ client: sameClient('Fresh') }),
      referrerSub: actors.clinician.sub,
    });
    const forFresh = store.requests.map((r) => r.operation);
    store.requests.length = 0;
    const again = await createReferral(store, {
      details: referralInput({ client: sameClient('Once') }),
      referrerSub: actors.clinician.sub,
    });
    const forAgain = store.requests.map((r) => r.operation);

    // Assess
    expect(fresh.possibleDuplicateOf).toBeUndefined();
    expect(forFresh).toEqual(['TransactWriteItems']);
    expect(again.possibleDuplicateOf).toBe(first.id);
    expect(forAgain).toEqual(['TransactWriteItems', 'TransactWriteItems']);
    expect(await pointerIds(first)).toEqual([first.id, again.id].sort());
  });

  it('stores every one of five simultaneous submissions for one client, all but the first flagged', async () => {
    const submissions = Array.from({ length: 5 }, () =>
      createReferral(store, {
        details: referralInput({ client: sameClient('Together') }),
        referrerSub: actors.clinician.sub,
      }),
    );

    const referrals = await Promise.all(submissions);

    expect(referrals.filter((r) => r.possibleDuplicateOf === undefined)).toHaveLength(1);
    const ids = referrals.map((r) => r.id);
    for (const r of referrals) if (r.possibleDuplicateOf) expect(ids).toContain(r.possibleDuplicateOf);
    expect(await pointerIds(referrals[0] as Referral)).toEqual([...ids].sort());
  });
});

describe('patchReferral', () => {
  it('refuses a stale version with ConcurrentUpdateError and writes nothing', async () => {
    const referral = await seedReferral(store);
    await patchReferral(store, {
      id: referral.id,
      version: 1,
      patch: { urgency: 'URGENT' },
      actor: actors.clinician,
    });

    await expect(
      patchReferral(store, {
        id: referral.id,
        version: 1,
        patch: { reasonForReferral: 'Changed by a stale page' },
        actor: actors.coordinator,
      }),
    ).rejects.toBeInstanceOf(ConcurrentUpdateError);

    const stored = await getReferral(store, referral.id);
    expect(stored.version).toBe(2);
    expect(stored.details.reasonForReferral).toBe(referral.details.reasonForReferral);
    expect((await listEvents(store, referral.id)).filter((e) => e.kind === 'CORRECTED')).toHaveLength(1);
  });

  it('records a CORRECTED event naming the changed sections, never their values', async () => {
    const referral = await seedReferral(store);
    const client = { ...referral.details.client, phone: '604-555-0142', neighbourhood: 'Hastings-Sunrise' };

    const after = await patchReferral(store, {
      id: referral.id,
      version: referral.version,
      patch: { client, urgency: 'URGENT', reasonForReferral: referral.details.reasonForReferral },
      actor: actors.coordinator,
    });

    expect(after).toMatchObject({ version: 2, priority: '1' });
    expect(after.details.client.neighbourhood).toBe('Hastings-Sunrise');
    expect(await getReferral(store, referral.id)).toEqual(after);
    const corrected = (await listEvents(store, referral.id)).filter((e) => e.kind === 'CORRECTED');
    expect(corrected).toHaveLength(1);
    expect(corrected[0]).toMatchObject({ fields: ['client', 'urgency'], by: actors.coordinator.sub });
    const text = JSON.stringify(corrected[0]);
    expect(text).not.toContain('Hastings');
    expect(text).not.toContain('0142');
  });

  it('writes nothing when the patch changes nothing', async () => {
    const referral = await seedReferral(store);

    const same = await patchReferral(store, {
      id: referral.id,
      version: referral.version,
      patch: { urgency: referral.details.urgency },
      actor: actors.coordinator,
    });

    expect(same.version).toBe(referral.version);
    expect(await listEvents(store, referral.id)).toHaveLength(1);
  });

  it('lets a clinician correct only before the match', async () => {
    const worker = await seedWorker(store);
    const referral = await seedReferral(store, { stage: Stage.GOAL_SETTING, workerId: worker.id });

    await expect(
      patchReferral(store, {
        id: referral.id,
        version: referral.version,
        patch: { urgency: 'URGENT' },
        actor: actors.clinician,
      }),
    ).rejects.toBeInstanceOf(IllegalTransitionError);
  });

  it('moves the duplicate pointer when the client is corrected to one with an open referral', async () => {
    const a = await seedReferral(store, { details: referralInput({ client: sameClient('Alpha') }) });
    const b = await seedReferral(store, { details: referralInput({ client: sameClient('Beta') }) });

    const corrected = await patchReferral(store, {
      id: b.id,
      version: b.version,
      patch: { client: sameClient('Alpha') },
      actor: actors.coordinator,
    });

    expect(corrected.possibleDuplicateOf).toBe(a.id);
    expect(await pointerIds(a)).toEqual([a.id, b.id].sort());
    expect(await pointerIds(b)).toEqual([]);
  });

  it('says NotFound for a missing referral', async () => {
    await expect(
      patchReferral(store, {
        id: 'missing',
        version: 1,
        patch: { urgency: 'URGENT' },
        actor: actors.coordinator,
      }),
    ).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('reads and queues', () => {
  it('lists a stage most urgent first, then oldest first, page by page', async () => {
    const routineOld = await seedReferral(store, { details: referralInput({ urgency: 'ROUTINE' }) });
    const urgent = await seedReferral(store, { details: referralInput({ urgency: 'URGENT' }) });
    const routineNew = await seedReferral(store, { details: referralInput({ urgency: 'ROUTINE' }) });
    const soon = await seedReferral(store, { details: referralInput({ urgency: 'SOON' }) });

    const first = await listQueue(store, { stage: Stage.REFERRED, limit: 3 });
    const second = await listQueue(store, { stage: Stage.REFERRED, limit: 3, nextToken: first.nextToken });

    expect([...first.items, ...second.items].map((r) => r.id)).toEqual([
      urgent.id,
      soon.id,
      routineOld.id,
      routineNew.id,
    ]);
    expect(second.nextToken).toBeUndefined();
  });

  it('merges every open stage in queue order across pages, without repeats, and leaves closed ones out', async () => {
    const worker = await seedWorker(store);
    const made = [
      await seedReferral(store, { details: referralInput({ urgency: 'ROUTINE' }) }),
      await seedReferral(store, {
        stage: Stage.AWAITING_MATCH,
        details: referralInput({ urgency: 'URGENT' }),
      }),
      await seedReferral(store, {
        stage: Stage.IN_SESSIONS,
        workerId: worker.id,
        details: referralInput({ urgency: 'SOON' }),
      }),
      await seedReferral(store, {
        stage: Stage.AWAITING_MATCH,
        details: referralInput({ urgency: 'ROUTINE' }),
      }),
      await seedReferral(store, { details: referralInput({ urgency: 'URGENT' }) }),
    ];
    await seedReferral(store, { stage: Stage.CLOSED });
    const expected = [made[1], made[4], made[2], made[0], made[3]].map((r) => r?.id);

    const seen: string[] = [];
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const page = await listQueue(store, { limit: 2, ...(nextToken ? { nextToken } : {}) });
      seen.push(...page.items.map((r) => r.id));
      nextToken = page.nextToken;
      pages++;
    } while (nextToken && pages < 10);

    expect(seen).toEqual(expected);
    expect((await listOpenReferrals(store)).map((r) => r.id).sort()).toEqual([...expected].sort());
  });

  it('refuses a page token made for another partition', async () => {
    await seedReferral(store);
    await seedReferral(store);
    const page = await listQueue(store, { stage: Stage.REFERRED, limit: 1 });

    await expect(
      listQueue(store, { stage: Stage.AWAITING_MATCH, nextToken: page.nextToken }),
    ).rejects.toBeInstanceOf(DomainValidationError);
    await expect(listQueue(store, { nextToken: 'not-a-token' })).rejects.toBeInstanceOf(
      DomainValidationError,
    );
  });

  it('returns the referral with its goals, sessions and events in one query', async () => {
    const worker = await seedWorker(store);
    const referral = await seedReferral(store, { stage: Stage.IN_SESSIONS, workerId: worker.id });
    store.requests.length = 0;

    const details = await getReferralDetails(store, referral.id);

    expect(store.requests.map((r) => r.operation)).toEqual(['Query']);
    expect(details.referral.id).toBe(referral.id);
    expect(details.goals).toHaveLength(1);
    expect(details.events.map((e) => e.event ?? e.kind)).toEqual([
      'SUBMITTED',
      'accept',
      'match',
      'setGoals',
    ]);
    await expect(getReferralDetails(store, 'missing')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('records the current execution without bumping the version', async () => {
    const referral = await seedReferral(store);

    await recordExecution(store, referral.id, `${referral.id}-r1`);

    expect(await getReferral(store, referral.id)).toMatchObject({
      executionName: `${referral.id}-r1`,
      version: referral.version,
    });
    await expect(recordExecution(store, 'missing', 'x')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('keeps the queue key in step with the stage', async () => {
    const referral = await seedReferral(store);

    await transition(store, { referralId: referral.id, event: 'accept', actor: actors.coordinator });

    expect((await listQueue(store, { stage: Stage.REFERRED })).items).toEqual([]);
    expect((await listQueue(store, { stage: Stage.AWAITING_MATCH })).items.map((r) => r.id)).toEqual([
      referral.id,
    ]);
  });
});
