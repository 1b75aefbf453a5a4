import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { clientKeyOf } from '#data/client-key.ts';
import { getItem } from '#data/common.ts';
import {
  CapacityExceededError,
  ConcurrentUpdateError,
  IllegalTransitionError,
  NotFoundError,
  WorkerUnavailableError,
} from '#data/errors.ts';
import { listEvents } from '#data/events.ts';
import { listGoals, rateGoal } from '#data/goals.ts';
import { Keys } from '#data/keys.ts';
import { recordClosingRatings } from '#data/referrals/closing-ratings.ts';
import { listConsentExpiring } from '#data/referrals/consent.ts';
import { getReferral, listByWorker } from '#data/referrals/reads.ts';
import { transition } from '#data/referrals/transition.ts';
import { storeWaitToken } from '#data/referrals/wait-tokens.ts';
import type { Store } from '#data/store.ts';
import { getWorker, patchWorker } from '#data/workers.ts';
import { Stage } from '#domain/lifecycle.ts';
import {
  actors,
  localDate,
  makeTestStore,
  seedReferral,
  seedWorker,
  type TestStore,
} from '../../support/store.ts';

let store: TestStore;

beforeEach(async () => {
  store = await makeTestStore();
});

function settle<T>(promises: Promise<T>[]) {
  return Promise.allSettled(promises).then((results) => ({
    fulfilled: results.filter((r): r is PromiseFulfilledResult<Awaited<T>> => r.status === 'fulfilled'),
    rejected: results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason),
  }));
}

async function assignmentExists(workerId: string, referralId: string): Promise<boolean> {
  return (await getItem(store, Keys.assignment(workerId, referralId))) !== undefined;
}

describe('concurrent transitions', () => {
  it('lets exactly one of 20 concurrent accepts of one referral win; the others get ConcurrentUpdateError', async () => {
    // Prepare
    const referral = await seedReferral(store);

    // Act
    const { fulfilled, rejected } = await settle(
      Array.from({ length: 20 }, () =>
        transition(store, { referralId: referral.id, event: 'accept', actor: actors.coordinator }),
      ),
    );

    // Assess
    expect(fulfilled).toHaveLength(1);
    expect(rejected).toHaveLength(19);
    // A loser that read before the winner committed lost the race (ConcurrentUpdateError); one that read
    // after it finds `accept` no longer allowed (IllegalTransitionError). The API answers 409 to both.
    for (const error of rejected) {
      expect(error instanceof ConcurrentUpdateError || error instanceof IllegalTransitionError).toBe(true);
    }
    const after = await getReferral(store, referral.id);
    expect(after).toMatchObject({ stage: Stage.AWAITING_MATCH, version: 2 });
    const accepts = (await listEvents(store, referral.id)).filter((e) => e.event === 'accept');
    expect(accepts).toHaveLength(1);
  });

  it('lets exactly one of two coordinators matching the same referral to different workers win', async () => {
    // Prepare
    const [a, b] = await Promise.all([seedWorker(store), seedWorker(store)]);
    const referral = await seedReferral(store, { stage: Stage.AWAITING_MATCH });

    // Act
    const { fulfilled, rejected } = await settle(
      [a, b].map((w) =>
        transition(store, {
          referralId: referral.id,
          event: 'match',
          actor: actors.coordinator,
          workerId: w.id,
        }),
      ),
    );

    // Assess
    expect(fulfilled).toHaveLength(1);
    expect(rejected).toHaveLength(1);
    expect(rejected[0]).toBeInstanceOf(ConcurrentUpdateError);
    const winner = fulfilled[0]?.value.referral.workerId;
    const loser = winner === a.id ? b.id : a.id;
    expect((await getReferral(store, referral.id)).workerId).toBe(winner);
    expect((await getWorker(store, winner ?? '')).activeCaseload).toBe(1);
    expect((await getWorker(store, loser)).activeCaseload).toBe(0);
    expect(await assignmentExists(loser, referral.id)).toBe(false);
  });

  it('never lets concurrent matches push a worker past maxCaseload 3', async () => {
    // Prepare
    const worker = await seedWorker(store, { maxCaseload: 3 });
    const referrals = await Promise.all(
      Array.from({ length: 7 }, () => seedReferral(store, { stage: Stage.AWAITING_MATCH })),
    );

    // Act
    const { fulfilled, rejected } = await settle(
      referrals.map((r) =>
        transition(store, {
          referralId: r.id,
          event: 'match',
          actor: actors.coordinator,
          workerId: worker.id,
        }),
      ),
    );

    // Assess
    expect(fulfilled).toHaveLength(3);
    expect(rejected).toHaveLength(4);
    for (const error of rejected) expect(error).toBeInstanceOf(CapacityExceededError);
    expect((await getWorker(store, worker.id)).activeCaseload).toBe(3);
    expect(await listByWorker(store, worker.id)).toHaveLength(3);
    const stillWaiting = await Promise.all(referrals.map((r) => getReferral(store, r.id)));
    expect(stillWaiting.filter((r) => r.stage === Stage.AWAITING_MATCH)).toHaveLength(4);
  });
});

describe('caseload slots', () => {
  it('records the match: assignment, caseload + 1, worker first name and matchedAt on the referral', async () => {
    const worker = await seedWorker(store, { firstName: 'Robin' });
    const referral = await seedReferral(store, { stage: Stage.AWAITING_MATCH });

    const { referral: after } = await transition(store, {
      referralId: referral.id,
      event: 'match',
      actor: actors.coordinator,
      workerId: worker.id,
    });

    expect(after).toMatchObject({ stage: Stage.GOAL_SETTING, workerId: worker.id, workerFirstName: 'Robin' });
    expect(after.matchedAt).toBeDefined();
    expect(await getReferral(store, referral.id)).toEqual(after);
    expect(await assignmentExists(worker.id, referral.id)).toBe(true);
    expect((await getWorker(store, worker.id)).activeCaseload).toBe(1);
  });

  it('releases the slot when a coordinator closes an assigned referral', async () => {
    const worker = await seedWorker(store);
    const referral = await seedReferral(store, { stage: Stage.IN_SESSIONS, workerId: worker.id });

    const { referral: after } = await transition(store, {
      referralId: referral.id,
      event: 'close',
      actor: actors.coordinator,
      reason: 'UNABLE_TO_CONTACT',
      summary: 'No answer for six weeks',
    });

    expect(after.stage).toBe(Stage.CLOSED);
    expect(after.closure).toEqual({
      reason: 'UNABLE_TO_CONTACT',
      summary: 'No answer for six weeks',
      closedBy: actors.coordinator.sub,
    });
    expect(after.closedAt).toBeDefined();
    expect((await getWorker(store, worker.id)).activeCaseload).toBe(0);
    expect(await assignmentExists(worker.id, referral.id)).toBe(false);
    expect(await listByWorker(store, worker.id)).toEqual([]);
    expect((await listConsentExpiring(store, localDate(1000))).map((r) => r.id)).not.toContain(referral.id);
  });

  it('releases the slot when the clinician withdraws an assigned referral', async () => {
    const worker = await seedWorker(store);
    const referral = await seedReferral(store, { stage: Stage.GOAL_SETTING, workerId: worker.id });

    const { referral: after } = await transition(store, {
      referralId: referral.id,
      event: 'withdraw',
      actor: actors.clinician,
      reason: 'Client moved away',
    });

    expect(after).toMatchObject({ stage: Stage.CLOSED, closure: { reason: 'WITHDRAWN' } });
    expect((await getWorker(store, worker.id)).activeCaseload).toBe(0);
    expect(await assignmentExists(worker.id, referral.id)).toBe(false);
  });

  it('moves the slot from the old worker to the new one on reassign, in the same stage', async () => {
    const [oldWorker, newWorker] = await Promise.all([
      seedWorker(store),
      seedWorker(store, { firstName: 'Kai' }),
    ]);
    const referral = await seedReferral(store, { stage: Stage.ON_HOLD, workerId: oldWorker.id });

    const { referral: after } = await transition(store, {
      referralId: referral.id,
      event: 'reassign',
      actor: actors.coordinator,
      workerId: newWorker.id,
      reason: 'Worker on leave',
    });

    expect(after).toMatchObject({ stage: Stage.ON_HOLD, workerId: newWorker.id, workerFirstName: 'Kai' });
    expect(after.stageEnteredAt).toBe(referral.stageEnteredAt);
    expect((await getWorker(store, oldWorker.id)).activeCaseload).toBe(0);
    expect((await getWorker(store, newWorker.id)).activeCaseload).toBe(1);
    expect(await assignmentExists(oldWorker.id, referral.id)).toBe(false);
    expect(await assignmentExists(newWorker.id, referral.id)).toBe(true);
    const last = (await listEvents(store, referral.id)).at(-1);
    expect(last).toMatchObject({ event: 'reassign', workerId: newWorker.id, previousWorkerId: oldWorker.id });
  });

  it('refuses a reassign to a worker at capacity and leaves the old assignment in place', async () => {
    const oldWorker = await seedWorker(store);
    const full = await seedWorker(store, { maxCaseload: 1 });
    await seedReferral(store, { stage: Stage.GOAL_SETTING, workerId: full.id });
    const referral = await seedReferral(store, { stage: Stage.IN_SESSIONS, workerId: oldWorker.id });

    await expect(
      transition(store, {
        referralId: referral.id,
        event: 'reassign',
        actor: actors.coordinator,
        workerId: full.id,
        reason: 'Better fit',
      }),
    ).rejects.toBeInstanceOf(CapacityExceededError);

    expect(await getReferral(store, referral.id)).toMatchObject({
      workerId: oldWorker.id,
      version: referral.version,
    });
    expect((await getWorker(store, oldWorker.id)).activeCaseload).toBe(1);
    expect((await getWorker(store, full.id)).activeCaseload).toBe(1);
  });

  it('allows lowering maxCaseload below the current load, which then blocks new matches only', async () => {
    const worker = await seedWorker(store, { maxCaseload: 2 });
    const current = await seedReferral(store, { stage: Stage.GOAL_SETTING, workerId: worker.id });
    const waiting = await seedReferral(store, { stage: Stage.AWAITING_MATCH });

    const lowered = await patchWorker(store, {
      id: worker.id,
      version: worker.version,
      patch: { maxCaseload: 0 },
      actor: actors.coordinator,
    });

    expect(lowered).toMatchObject({ maxCaseload: 0, activeCaseload: 1 });
    await expect(
      transition(store, {
        referralId: waiting.id,
        event: 'match',
        actor: actors.coordinator,
        workerId: worker.id,
      }),
    ).rejects.toBeInstanceOf(CapacityExceededError);
    const { referral: closed } = await transition(store, {
      referralId: current.id,
      event: 'close',
      actor: actors.coordinator,
      reason: 'OTHER',
      summary: 'Program change',
    });
    expect(closed.stage).toBe(Stage.CLOSED);
    expect((await getWorker(store, worker.id)).activeCaseload).toBe(0);
  });

  it('refuses a match to an inactive worker as unavailable', async () => {
    const worker = await seedWorker(store, { active: false });
    const referral = await seedReferral(store, { stage: Stage.AWAITING_MATCH });

    await expect(
      transition(store, {
        referralId: referral.id,
        event: 'match',
        actor: actors.coordinator,
        workerId: worker.id,
      }),
    ).rejects.toBeInstanceOf(WorkerUnavailableError);
    expect((await getReferral(store, referral.id)).stage).toBe(Stage.AWAITING_MATCH);
  });

  it('says NotFound for a missing referral or worker', async () => {
    const referral = await seedReferral(store, { stage: Stage.AWAITING_MATCH });

    await expect(
      transition(store, { referralId: 'missing', event: 'accept', actor: actors.coordinator }),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      transition(store, {
        referralId: referral.id,
        event: 'match',
        actor: actors.coordinator,
        workerId: 'nobody',
      }),
    ).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('transition rules', () => {
  it('refuses an event the stage does not allow (or the role may not send) and writes nothing', async () => {
    const referral = await seedReferral(store);

    await expect(
      transition(store, { referralId: referral.id, event: 'goalsAchieved', actor: actors.coordinator }),
    ).rejects.toBeInstanceOf(IllegalTransitionError);
    await expect(
      transition(store, { referralId: referral.id, event: 'accept', actor: actors.clinician }),
    ).rejects.toBeInstanceOf(IllegalTransitionError);

    expect(await getReferral(store, referral.id)).toEqual(referral);
    expect(await listEvents(store, referral.id)).toHaveLength(1);
  });

  it('refuses a transition on a stale expectedVersion', async () => {
    const referral = await seedReferral(store);

    await expect(
      transition(store, {
        referralId: referral.id,
        event: 'accept',
        actor: actors.coordinator,
        expectedVersion: referral.version - 1 || 99,
      }),
    ).rejects.toBeInstanceOf(ConcurrentUpdateError);
  });

  it('writes an audit event with ids and stages only', async () => {
    const referral = await seedReferral(store);

    await transition(store, {
      referralId: referral.id,
      event: 'decline',
      actor: actors.coordinator,
      reason: 'OUTSIDE_REGION',
      summary: 'Lives in Surrey, referred to the Fraser program',
    });

    const last = (await listEvents(store, referral.id)).at(-1);
    expect(last).toMatchObject({
      kind: 'TRANSITIONED',
      event: 'decline',
      from: Stage.REFERRED,
      to: Stage.DECLINED,
      by: actors.coordinator.sub,
      reasonCode: 'OUTSIDE_REGION',
    });
    expect(JSON.stringify(last)).not.toContain('Surrey');
    expect((await getReferral(store, referral.id)).declinedReason).toMatchObject({
      reason: 'OUTSIDE_REGION',
    });
  });

  it('creates the goals at the baseline rating with setGoals', async () => {
    const worker = await seedWorker(store);
    const referral = await seedReferral(store, { stage: Stage.GOAL_SETTING, workerId: worker.id });

    const result = await transition(store, {
      referralId: referral.id,
      event: 'setGoals',
      actor: actors.worker(worker.id),
      goals: [{ title: 'Cook a meal' }, { title: 'Join a walking group', description: 'Saturdays' }],
    });

    expect(result.referral.stage).toBe(Stage.IN_SESSIONS);
    const goals = await listGoals(store, referral.id);
    expect(goals.map((g) => g.title).sort()).toEqual(['Cook a meal', 'Join a walking group']);
    for (const goal of goals)
      expect(goal).toMatchObject({ baselineRating: -1, latestRating: -1, ratings: [] });
    expect(result.goals?.map((g) => g.id).sort()).toEqual(goals.map((g) => g.id).sort());
  });

  it('records the final goal ratings of a closed referral once, and never of an open one', async () => {
    // Prepare
    const worker = await seedWorker(store);
    const referral = await seedReferral(store, { stage: Stage.IN_SESSIONS, workerId: worker.id });
    const [goal] = await listGoals(store, referral.id);
    await rateGoal(store, {
      referralId: referral.id,
      goalId: goal!.id,
      rating: 2,
      actor: actors.worker(worker.id),
    });

    // Act
    const whileOpen = await recordClosingRatings(store, referral.id);
    const { referral: closed } = await transition(store, {
      referralId: referral.id,
      event: 'close',
      actor: actors.coordinator,
      reason: 'GOALS_MET',
      summary: 'Goals met',
    });
    const once = await recordClosingRatings(store, referral.id);
    const again = await recordClosingRatings(store, referral.id);

    // Assess
    expect([whileOpen, once, again]).toEqual([false, true, false]);
    const after = await getReferral(store, referral.id);
    expect(after.closingRatings).toEqual([2]);
    // Outside the version: a person's edit made against the closed referral is not refused for it.
    expect(after.version).toBe(closed.version);
  });

  it('keeps the hold reason on hold and records resumedAt on resume', async () => {
    const worker = await seedWorker(store);
    const referral = await seedReferral(store, { stage: Stage.IN_SESSIONS, workerId: worker.id });

    const held = await transition(store, {
      referralId: referral.id,
      event: 'hold',
      actor: actors.coordinator,
      reason: 'In hospital',
    });
    const resumed = await transition(store, {
      referralId: referral.id,
      event: 'resume',
      actor: actors.coordinator,
    });

    expect(held.referral).toMatchObject({ stage: Stage.ON_HOLD, holdReason: 'In hospital' });
    expect(resumed.referral.stage).toBe(Stage.IN_SESSIONS);
    expect(resumed.referral.holdReason).toBeUndefined();
    expect((resumed.referral as { resumedAt?: string }).resumedAt).toBeDefined();
  });
});

describe('wait tokens', () => {
  it('stores a token only while the referral is in the awaited stage, without bumping the version', async () => {
    const referral = await seedReferral(store);

    expect(await storeWaitToken(store, referral.id, Stage.REFERRED, 'token-1')).toBe(true);
    expect(await storeWaitToken(store, referral.id, Stage.AWAITING_MATCH, 'token-2')).toBe(false);
    expect(await storeWaitToken(store, 'missing', Stage.REFERRED, 'token-3')).toBe(false);

    expect(await getReferral(store, referral.id)).toMatchObject({
      version: referral.version,
      waitToken: 'token-1',
      waitStage: Stage.REFERRED,
    });
  });

  it('refuses to store a token once the stage has moved', async () => {
    const referral = await seedReferral(store);
    await transition(store, { referralId: referral.id, event: 'accept', actor: actors.coordinator });

    expect(await storeWaitToken(store, referral.id, Stage.REFERRED, 'late-token')).toBe(false);
    expect((await getReferral(store, referral.id)).waitToken).toBeUndefined();
  });

  it('removes the token it read and hands it back to complete', async () => {
    const referral = await seedReferral(store);
    await storeWaitToken(store, referral.id, Stage.REFERRED, 'token-1');

    const result = await transition(store, {
      referralId: referral.id,
      event: 'accept',
      actor: actors.coordinator,
    });

    expect(result).toMatchObject({ waitToken: 'token-1', waitStage: Stage.REFERRED });
    expect(result.referral.waitToken).toBeUndefined();
    const stored = await getReferral(store, referral.id);
    expect(stored.waitToken).toBeUndefined();
    expect(stored.waitStage).toBeUndefined();
  });

  it('retries when only the token changed between its read and its write, and hands back the new token', async () => {
    // Prepare: a store whose first transaction is preceded by the state machine storing a token.
    const referral = await seedReferral(store);
    let transactions = 0;
    const interleaving: Store = {
      ...store,
      doc: {
        send: async (command: unknown) => {
          if (command instanceof TransactWriteCommand) {
            transactions++;
            if (transactions === 1)
              await storeWaitToken(store, referral.id, Stage.REFERRED, 'token-meanwhile');
          }
          return store.doc.send(command as never);
        },
      } as unknown as DynamoDBDocumentClient,
    };

    // Act
    const result = await transition(interleaving, {
      referralId: referral.id,
      event: 'accept',
      actor: actors.coordinator,
    });

    // Assess
    expect(transactions).toBe(2);
    expect(result.waitToken).toBe('token-meanwhile');
    const stored = await getReferral(store, referral.id);
    expect(stored).toMatchObject({ stage: Stage.AWAITING_MATCH, version: referral.version + 1 });
    expect(stored.waitToken).toBeUndefined();
  });
});

describe('duplicate pointer on closure', () => {
  it('removes the referral from its client pointer when it leaves the open stages', async () => {
    const referral = await seedReferral(store);
    const pointerKey = Keys.clientPointer(store.region, await clientKeyOf(store, referral.details));
    const pointer = await getItem(store, pointerKey);
    expect([...((pointer?.referralIds ?? new Set()) as Set<string>)]).toEqual([referral.id]);

    await transition(store, {
      referralId: referral.id,
      event: 'close',
      actor: actors.coordinator,
      reason: 'INELIGIBLE',
      summary: 'Not eligible',
    });

    expect((await getItem(store, pointerKey))?.referralIds).toBeUndefined();
  });
});
