import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listEvents } from '#data/events.ts';
import { createReferral } from '#data/referrals/create.ts';
import { getReferral } from '#data/referrals/reads.ts';
import { type LifecycleEvent, OPEN_STAGES, Stage } from '#domain/lifecycle.ts';
import type { Referral } from '#domain/referral.ts';
import { startReferralWorkflow } from '#services/transitions.ts';
import type { LocalWorkflowRunner } from '../../../local/workflow-runner.ts';
import { actors, referralInput, seedReferral, seedWorker } from '../../support/store.ts';
import { eventually, FULL_PATH, makeWorkflowHarness, type WorkflowHarness } from '../../support/workflow.ts';

/**
 * The local runner stopped mid-way and a new one started on the same table (`LocalWorkflowRunner.launch`,
 * what `npm start` does): every open referral is resumed at its wait by an execution `<id>-r<n>` recorded on
 * it, and driven to the end nothing is lost or doubled: each alert, published event and audit transition
 * once. Timers are long here: only the people move the referrals.
 */

let h: WorkflowHarness;

beforeAll(async () => {
  h = await makeWorkflowHarness();
});

afterAll(async () => {
  await h?.stop();
});

const stepsTo = (stage: Stage) => FULL_PATH.findIndex(([from]) => from === stage);

/** What every referral that went the whole path should have told each audience, once. */
const EXPECTED = {
  coordinators: [
    `NEW_REFERRAL:${Stage.REFERRED}`,
    `STAGE_CHANGED:${Stage.AWAITING_MATCH}`,
    `STAGE_CHANGED:${Stage.GOAL_SETTING}`,
    `STAGE_CHANGED:${Stage.IN_SESSIONS}`,
    `STAGE_CHANGED:${Stage.ON_HOLD}`,
    `STAGE_CHANGED:${Stage.IN_SESSIONS}`,
    `STAGE_CHANGED:${Stage.GOALS_ACHIEVED}`,
    `REFERRAL_CLOSED:${Stage.CLOSED}`,
  ],
  referrer: ['MATCH_MADE', 'REFERRAL_CLOSED'],
  worker: ['NEW_CLIENT', 'REFERRAL_CLOSED'],
  transitions: FULL_PATH.map(([from, event]) => `${from}-${event}`),
};

const extraFor = (event: LifecycleEvent, workerId: string) =>
  event === 'match' ? { workerId } : event === 'close' ? { reason: 'GOALS_MET', summary: 'Goals met' } : {};

/** Sends the path's events from step `from` to step `to` (exclusive), each while the machine waits for it. */
async function drive(
  referralId: string,
  workerId: string,
  from: number,
  to = FULL_PATH.length,
): Promise<void> {
  for (const [stage, event] of FULL_PATH.slice(from, to)) {
    await h.moveWhenWaiting(referralId, stage, event, extraFor(event, workerId));
  }
}

/** Until the referral's wait stored a token other than `stale` (that of a stopped runner). */
function waitingAfresh(referralId: string, stage: Stage, stale: string | undefined): Promise<Referral> {
  return eventually(`a fresh wait in ${stage}`, async () => {
    const referral = await getReferral(h.store, referralId);
    return referral.stage === stage && referral.waitStage === stage && referral.waitToken !== stale
      ? referral
      : undefined;
  });
}

/** Every alert, published event and audit transition of a referral that went the whole path, once. */
async function expectToldOnce(referralId: string, workerId: string): Promise<void> {
  const alerts = await h.alertsFor('coordinators', referralId);
  expect(alerts.map((a) => `${a.kind}:${a.stage}`)).toEqual(EXPECTED.coordinators);
  expect((await h.alertsFor(actors.clinician.sub, referralId)).map((a) => a.kind)).toEqual(EXPECTED.referrer);
  expect((await h.alertsFor(workerId, referralId)).map((a) => a.kind)).toEqual(EXPECTED.worker);
  const published = h.events.published.filter((e) => e.detail.referralId === referralId);
  expect(published).toHaveLength(
    EXPECTED.coordinators.length + EXPECTED.referrer.length + EXPECTED.worker.length,
  );
  expect(new Set(published.map((e) => e.detail.alertId)).size).toBe(published.length);
  const transitions = (await listEvents(h.store, referralId))
    .filter((e) => e.kind === 'TRANSITIONED')
    .map((e) => `${e.from}-${e.event}`);
  expect(transitions).toEqual(EXPECTED.transitions);
}

async function stopAndLaunch(): Promise<{ previous: LocalWorkflowRunner; runner: LocalWorkflowRunner }> {
  const previous = h.runner;
  await previous.stop();
  const runner = await h.restart();
  return { previous, runner };
}

describe('a restarted runner', () => {
  it('resumes every open referral at its wait as <id>-r1, and nothing is lost or doubled to the end', async () => {
    // Prepare: a referral waiting in every open stage; one never started (its start was lost); one closed
    const worker = await seedWorker(h.store, { maxCaseload: 20 });
    const waiting = await Promise.all(
      OPEN_STAGES.map(async (stage) => {
        const referral = await h.newReferral();
        await drive(referral.id, worker.id, 0, stepsTo(stage));
        const ready = await h.waitingIn(referral.id, stage);
        return { id: referral.id, stage, token: ready.waitToken };
      }),
    );
    const lost = await createReferral(h.store, {
      details: referralInput(),
      referrerSub: actors.clinician.sub,
    });
    const closed = await seedReferral(h.store, { stage: Stage.CLOSED });

    // Act
    const { previous, runner } = await stopAndLaunch();

    // Assess: each waits again in its stage, in an execution recorded on it; the old ones are over
    for (const { id, stage, token } of waiting) {
      expect(previous.execution(id)?.status, stage).toBe('ABORTED');
      expect(runner.execution(`${id}-r1`)?.status, stage).toBe('RUNNING');
      expect(
        runner.executionsOf(id).map((e) => e.name),
        stage,
      ).toEqual([`${id}-r1`]);
      const resumed = await waitingAfresh(id, stage, token);
      expect(resumed.executionName, stage).toBe(`${id}-r1`);
    }
    expect(runner.executionsOf(lost.id).map((e) => e.name)).toEqual([lost.id]);
    await h.waitingIn(lost.id, Stage.REFERRED);
    expect((await getReferral(h.store, lost.id)).executionName).toBe(lost.id);
    expect(runner.executionsOf(closed.id)).toEqual([]);

    // Act: every referral driven to the end by the new runner
    await Promise.all([
      ...waiting.map(({ id, stage }) => drive(id, worker.id, stepsTo(stage))),
      drive(lost.id, worker.id, 0),
    ]);

    // Assess: each told once, in order; its one execution ended
    for (const { id, stage } of waiting) {
      const execution = await h.ended(`${id}-r1`);
      expect(execution.states.slice(0, 2), stage).toEqual(['LoadTimers', 'ResumeAt']);
      await expectToldOnce(id, worker.id);
    }
    await h.ended(lost.id);
    await expectToldOnce(lost.id, worker.id);
    expect(runner.executionsOf(lost.id)).toHaveLength(1);
  });

  it('names each further repair <id>-r<n+1> and still tells every step once', async () => {
    // Prepare
    const worker = await seedWorker(h.store);
    const referral = await h.newReferral();
    await drive(referral.id, worker.id, 0, stepsTo(Stage.GOAL_SETTING));
    const first = await h.waitingIn(referral.id, Stage.GOAL_SETTING);

    // Act: restarted twice, a step taken in between
    await stopAndLaunch();
    const second = await waitingAfresh(referral.id, Stage.GOAL_SETTING, first.waitToken);
    await drive(referral.id, worker.id, stepsTo(Stage.GOAL_SETTING), stepsTo(Stage.ON_HOLD));
    const third = await h.waitingIn(referral.id, Stage.ON_HOLD);
    const { runner } = await stopAndLaunch();
    await waitingAfresh(referral.id, Stage.ON_HOLD, third.waitToken);
    await drive(referral.id, worker.id, stepsTo(Stage.ON_HOLD));

    // Assess
    expect(second.executionName).toBe(`${referral.id}-r1`);
    expect(runner.executionsOf(referral.id).map((e) => e.name)).toEqual([`${referral.id}-r2`]);
    await h.ended(`${referral.id}-r2`);
    expect((await getReferral(h.store, referral.id)).executionName).toBe(`${referral.id}-r2`);
    await expectToldOnce(referral.id, worker.id);
  });

  it('treats a start of a resumed referral as a no-op', async () => {
    const referral = await h.newReferral();
    await h.waitingIn(referral.id, Stage.REFERRED);
    const { runner } = await stopAndLaunch();

    await startReferralWorkflow({ store: h.store, workflow: runner }, referral);
    await runner.start(referral.id, referral.region);
    await runner.start(referral.id, referral.region, { executionName: `${referral.id}-r1` });

    expect(runner.executionsOf(referral.id).map((e) => e.name)).toEqual([`${referral.id}-r1`]);
    expect((await getReferral(h.store, referral.id)).executionName).toBe(`${referral.id}-r1`);
  });

  it('repairs on its periodic tick a referral left without a running execution', async () => {
    // Prepare: the runner stops; the new one starts without resuming anything
    const referral = await h.newReferral();
    const before = await h.waitingIn(referral.id, Stage.REFERRED);
    await h.runner.stop();
    const runner = await h.restart({ resume: false, tickEveryMs: 100, repairGraceMs: 0 });
    expect(runner.executionsOf(referral.id)).toEqual([]);

    // Act: its tick finds the referral (the new wait may store its token before the repair records the
    // execution's name, so wait for both)
    await waitingAfresh(referral.id, Stage.REFERRED, before.waitToken);
    const resumed = await eventually('the repair recorded', async () => {
      const current = await getReferral(h.store, referral.id);
      return current.executionName === `${referral.id}-r1` && current;
    });

    // Assess
    expect(resumed.executionName).toBe(`${referral.id}-r1`);
    expect(runner.executionsOf(referral.id).map((e) => e.name)).toEqual([`${referral.id}-r1`]);
    expect(runner.isRunning(`${referral.id}-r1`)).toBe(true);
  });
});
