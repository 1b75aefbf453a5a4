import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listGoals } from '#data/goals.ts';
import { createReferral } from '#data/referrals/create.ts';
import { getReferral } from '#data/referrals/reads.ts';
import { transition } from '#data/referrals/transition.ts';
import { type LifecycleEvent, OPEN_STAGES, Stage, waitFor } from '#domain/lifecycle.ts';
import { startReferralWorkflow } from '#services/transitions.ts';
import { actors, referralInput, seedWorker } from '../../support/store.ts';
import { eventually, makeWorkflowHarness, type WorkflowHarness } from '../../support/workflow.ts';

/**
 * Every lifecycle path end to end: the API's `applyTransition` against DynamoDB Local, the synthesized ASL
 * executed by the local runner, the real task handlers. Timers are long here (none fires); the timer paths
 * are in workflow-timers.test.ts.
 */

let h: WorkflowHarness;

beforeAll(async () => {
  h = await makeWorkflowHarness();
});

afterAll(async () => {
  await h?.stop();
});

/** The events that take a fresh referral to `stage`, each sent while the machine waits for it. */
async function driveTo(referralId: string, stage: Stage, workerId: string): Promise<void> {
  const path: [Stage, LifecycleEvent, Partial<{ workerId: string }>][] = [
    [Stage.REFERRED, 'accept', {}],
    [Stage.AWAITING_MATCH, 'match', { workerId }],
    [Stage.GOAL_SETTING, 'setGoals', {}],
    [Stage.IN_SESSIONS, 'hold', {}],
  ];
  const order: Stage[] = [
    Stage.REFERRED,
    Stage.AWAITING_MATCH,
    Stage.GOAL_SETTING,
    Stage.IN_SESSIONS,
    Stage.ON_HOLD,
  ];
  const target = stage === Stage.GOALS_ACHIEVED ? Stage.IN_SESSIONS : stage;
  for (const [from, event, extra] of path.slice(0, order.indexOf(target))) {
    const moved = await h.moveWhenWaiting(referralId, from, event, extra);
    expect(moved.workflowNotified).toBe(true);
  }
  if (stage === Stage.GOALS_ACHIEVED) {
    expect((await h.moveWhenWaiting(referralId, Stage.IN_SESSIONS, 'goalsAchieved')).workflowNotified).toBe(
      true,
    );
  }
  await h.waitingIn(referralId, stage);
}

const kinds = (alerts: { kind: string }[]) => alerts.map((a) => a.kind);

describe.concurrent('the referral state machine, run locally', () => {
  it('carries a referral from REFERRED to CLOSED, alerting each audience once per step', async () => {
    // Prepare
    const worker = await seedWorker(h.store);
    const referral = await h.newReferral();

    // Act: each step sent by the API while the machine waits for it
    const steps: [Stage, LifecycleEvent, object][] = [
      [Stage.REFERRED, 'accept', {}],
      [Stage.AWAITING_MATCH, 'match', { workerId: worker.id }],
      [Stage.GOAL_SETTING, 'setGoals', {}],
      [Stage.IN_SESSIONS, 'goalsAchieved', {}],
      [Stage.GOALS_ACHIEVED, 'close', { reason: 'GOALS_MET', summary: 'Goals met' }],
    ];
    const notified: boolean[] = [];
    for (const [from, event, extra] of steps) {
      notified.push((await h.moveWhenWaiting(referral.id, from, event, extra)).workflowNotified);
    }
    const execution = await h.ended(referral.id);

    // Assess
    expect(notified).toEqual([true, true, true, true, true]);
    expect(execution.states).toEqual([
      'LoadTimers',
      'ResumeAt',
      'NotifyNewReferral',
      'Triage',
      'NotifyTransition',
      'RouteByStage',
      'Match',
      'NotifyTransition',
      'RouteByStage',
      'GoalSetting',
      'NotifyTransition',
      'RouteByStage',
      'CheckActivity',
      'NoSessionOverdue',
      'Sessions',
      'NotifyTransition',
      'RouteByStage',
      'ClosureConfirmation',
      'NotifyTransition',
      'RouteByStage',
      'Done',
    ]);
    expect(execution.transitions).toBe(21);
    expect(kinds(await h.alertsFor('coordinators', referral.id))).toEqual([
      'NEW_REFERRAL',
      'STAGE_CHANGED',
      'STAGE_CHANGED',
      'STAGE_CHANGED',
      'STAGE_CHANGED',
      'REFERRAL_CLOSED',
    ]);
    const coordinatorStages = (await h.alertsFor('coordinators', referral.id)).map((a) => a.stage);
    expect(coordinatorStages).toEqual([
      Stage.REFERRED,
      Stage.AWAITING_MATCH,
      Stage.GOAL_SETTING,
      Stage.IN_SESSIONS,
      Stage.GOALS_ACHIEVED,
      Stage.CLOSED,
    ]);
    const toReferrer = await h.alertsFor(referral.referrerSub, referral.id);
    expect(kinds(toReferrer)).toEqual(['MATCH_MADE', 'REFERRAL_CLOSED']);
    // Alerts to a clinician never carry a worker id.
    expect(toReferrer[0]?.details).toBeUndefined();
    expect(toReferrer[1]?.details).toMatchObject({ reason: 'GOALS_MET', event: 'close' });
    expect(kinds(await h.alertsFor(worker.id, referral.id))).toEqual(['NEW_CLIENT', 'REFERRAL_CLOSED']);
    const closed = await getReferral(h.store, referral.id);
    expect(closed.waitToken).toBeUndefined();
    // The closure's notify task recorded the final goal ratings for the report.
    const goals = await listGoals(h.store, referral.id);
    expect(goals.length).toBeGreaterThan(0);
    expect(closed.closingRatings).toEqual(goals.map((g) => g.latestRating));
  });

  it('ends at DECLINED with the decline reason for the coordinators and the referrer', async () => {
    const referral = await h.newReferral();

    await h.moveWhenWaiting(referral.id, Stage.REFERRED, 'decline', { reason: 'OUTSIDE_REGION' });
    const execution = await h.ended(referral.id);

    expect(execution.states.slice(-3)).toEqual(['NotifyTransition', 'RouteByStage', 'Done']);
    const coordinators = await h.alertsFor('coordinators', referral.id);
    expect(kinds(coordinators)).toEqual(['NEW_REFERRAL', 'REFERRAL_DECLINED']);
    expect(coordinators[1]?.details).toEqual({ reason: 'OUTSIDE_REGION' });
    expect(kinds(await h.alertsFor(referral.referrerSub, referral.id))).toEqual(['REFERRAL_DECLINED']);
  });

  const earlyStages = OPEN_STAGES.filter((s) => s !== Stage.GOALS_ACHIEVED);
  it.each(earlyStages)(
    'closes early from %s through the ReferralClosed failure of its wait',
    async (stage) => {
      // Prepare
      const worker = await seedWorker(h.store);
      const referral = await h.newReferral();
      await driveTo(referral.id, stage, worker.id);

      // Act
      const closed = await h.move(referral.id, 'close', {
        reason: 'UNABLE_TO_CONTACT',
        summary: 'No answer',
      });
      const execution = await h.ended(referral.id);

      // Assess
      expect(closed.workflowNotified).toBe(true);
      expect(execution.states.slice(-3)).toEqual([waitFor(stage)?.step, 'NotifyClosure', 'Done']);
      const closure = await h.alertsOfKind('coordinators', referral.id, 'REFERRAL_CLOSED');
      expect(closure).toHaveLength(1);
      expect(closure[0]?.details).toEqual({ event: 'close', from: stage, reason: 'UNABLE_TO_CONTACT' });
      expect(
        kinds(await h.alertsFor(referral.referrerSub, referral.id)).filter((k) => k === 'REFERRAL_CLOSED'),
      ).toEqual(['REFERRAL_CLOSED']);
      const workerAlerts = kinds(await h.alertsFor(worker.id, referral.id));
      expect(workerAlerts.includes('REFERRAL_CLOSED')).toBe(
        stage !== Stage.REFERRED && stage !== Stage.AWAITING_MATCH,
      );
    },
  );

  it('closes when the referring clinician withdraws, telling the worker too', async () => {
    const worker = await seedWorker(h.store);
    const referral = await h.newReferral();
    await driveTo(referral.id, Stage.IN_SESSIONS, worker.id);

    const withdrawn = await h.move(referral.id, 'withdraw');
    const execution = await h.ended(referral.id);

    expect(withdrawn.workflowNotified).toBe(true);
    expect(execution.states.slice(-3)).toEqual(['Sessions', 'NotifyClosure', 'Done']);
    const [closure] = await h.alertsOfKind('coordinators', referral.id, 'REFERRAL_CLOSED');
    expect(closure?.details).toEqual({ event: 'withdraw', from: Stage.IN_SESSIONS, reason: 'WITHDRAWN' });
    expect(kinds(await h.alertsFor(worker.id, referral.id))).toEqual(['NEW_CLIENT', 'REFERRAL_CLOSED']);
  });

  it('tells both workers and the referrer about a reassignment and keeps waiting in the same stage', async () => {
    // Prepare
    const first = await seedWorker(h.store);
    const second = await seedWorker(h.store);
    const referral = await h.newReferral();
    await driveTo(referral.id, Stage.GOAL_SETTING, first.id);

    // Act
    const reassigned = await h.move(referral.id, 'reassign', { workerId: second.id, reason: 'Better fit' });
    await h.alertsOfKind('coordinators', referral.id, 'CLIENT_REASSIGNED');
    const setGoals = await h.moveWhenWaiting(referral.id, Stage.GOAL_SETTING, 'setGoals');

    // Assess
    expect(reassigned.workflowNotified).toBe(true);
    expect(setGoals.workflowNotified).toBe(true);
    await h.waitingIn(referral.id, Stage.IN_SESSIONS);
    const [coordinators] = await h.alertsOfKind('coordinators', referral.id, 'CLIENT_REASSIGNED');
    expect(coordinators?.details).toEqual({ workerId: second.id, previousWorkerId: first.id });
    expect(kinds(await h.alertsFor(first.id, referral.id))).toEqual(['NEW_CLIENT', 'CLIENT_REASSIGNED']);
    expect(kinds(await h.alertsFor(second.id, referral.id))).toEqual(['NEW_CLIENT']);
    expect(kinds(await h.alertsFor(referral.referrerSub, referral.id))).toEqual([
      'MATCH_MADE',
      'CLIENT_REASSIGNED',
    ]);
    const states = h.runner.execution(referral.id)?.states ?? [];
    expect(states.filter((s) => s === 'GoalSetting')).toHaveLength(2);
  });

  it('holds and resumes, re-entering the sessions wait through the activity check', async () => {
    const worker = await seedWorker(h.store);
    const referral = await h.newReferral();
    await driveTo(referral.id, Stage.IN_SESSIONS, worker.id);

    await h.moveWhenWaiting(referral.id, Stage.IN_SESSIONS, 'hold');
    await h.moveWhenWaiting(referral.id, Stage.ON_HOLD, 'resume');
    await h.moveWhenWaiting(referral.id, Stage.IN_SESSIONS, 'goalsAchieved');
    await h.moveWhenWaiting(referral.id, Stage.GOALS_ACHIEVED, 'close', {
      reason: 'GOALS_MET',
      summary: 'Done',
    });
    const execution = await h.ended(referral.id);

    // Step Functions bills per state transition: the longest ordinary lifecycle stays within 30.
    expect(execution.transitions).toBe(29);
    expect(execution.transitions).toBeLessThanOrEqual(30);
    const stages = (await h.alertsFor('coordinators', referral.id))
      .filter((a) => a.kind === 'STAGE_CHANGED')
      .map((a) => a.stage);
    expect(stages).toEqual([
      Stage.AWAITING_MATCH,
      Stage.GOAL_SETTING,
      Stage.IN_SESSIONS,
      Stage.ON_HOLD,
      Stage.IN_SESSIONS,
      Stage.GOALS_ACHIEVED,
    ]);
  });

  it('catches up when the API moved the referral before the wait stored its token', async () => {
    // Prepare: the accept lands before the execution even starts, so there is no token to complete
    const referral = await createReferral(h.store, {
      details: referralInput(),
      referrerSub: actors.clinician.sub,
    });
    const accepted = await transition(h.store, {
      referralId: referral.id,
      event: 'accept',
      actor: actors.coordinator,
    });

    // Act
    await startReferralWorkflow({ store: h.store, workflow: h.runner }, referral);

    // Assess: the triage wait found AWAITING_MATCH, completed its own token and the machine moved on
    expect(accepted.waitToken).toBeUndefined();
    await h.waitingIn(referral.id, Stage.AWAITING_MATCH);
    const [changed] = await h.alertsOfKind('coordinators', referral.id, 'STAGE_CHANGED');
    expect(changed?.stage).toBe(Stage.AWAITING_MATCH);
    expect(changed?.details).toEqual({ from: Stage.REFERRED });
    expect(h.runner.execution(referral.id)?.states.slice(3)).toEqual([
      'Triage',
      'NotifyTransition',
      'RouteByStage',
      'Match',
    ]);
  });

  it('routes an early close that came before the wait stored its token to the closure path', async () => {
    const referral = await createReferral(h.store, {
      details: referralInput(),
      referrerSub: actors.clinician.sub,
    });
    await transition(h.store, {
      referralId: referral.id,
      event: 'close',
      actor: actors.coordinator,
      reason: 'INELIGIBLE',
      summary: 'Not eligible',
    });

    // The API starts the workflow with the referral it has just created (as Step Functions would, the
    // runner does not read it again): the close came in between.
    await startReferralWorkflow({ store: h.store, workflow: h.runner }, referral);

    // The first wait finds the referral closed and takes the closure path, so the close is told.
    await h.ended(referral.id);
    const [execution] = h.runner.executionsOf(referral.id);
    expect(execution?.status).toBe('SUCCEEDED');
    expect(execution?.states).toEqual(expect.arrayContaining(['Triage', 'NotifyClosure']));
  });

  it('never loses or doubles a step when API calls race the waits', async () => {
    // Prepare: many referrals, each moved as fast as the API can, without waiting for the machine
    const worker = await seedWorker(h.store, { maxCaseload: 20 });
    const referrals = await Promise.all(Array.from({ length: 8 }, () => h.newReferral()));

    // Act
    await Promise.all(
      referrals.map(async (referral) => {
        await h.move(referral.id, 'accept');
        await h.move(referral.id, 'match', { workerId: worker.id });
        await h.move(referral.id, 'setGoals');
        await h.move(referral.id, 'goalsAchieved');
        await h.move(referral.id, 'close', { reason: 'GOALS_MET', summary: 'Done' });
      }),
    );

    // Assess: every machine saw every step once, in order, and ended
    for (const referral of referrals) {
      await h.ended(referral.id);
      const stages = await eventually('all stage alerts', async () => {
        const alerts = await h.alertsFor('coordinators', referral.id);
        return alerts.some((a) => a.kind === 'REFERRAL_CLOSED') ? alerts : undefined;
      });
      expect(stages.map((a) => `${a.kind}:${a.stage}`)).toEqual([
        `NEW_REFERRAL:${Stage.REFERRED}`,
        `STAGE_CHANGED:${Stage.AWAITING_MATCH}`,
        `STAGE_CHANGED:${Stage.GOAL_SETTING}`,
        `STAGE_CHANGED:${Stage.IN_SESSIONS}`,
        `STAGE_CHANGED:${Stage.GOALS_ACHIEVED}`,
        `REFERRAL_CLOSED:${Stage.CLOSED}`,
      ]);
    }
  });

  it('treats a second start of the same referral as a no-op', async () => {
    const referral = await h.newReferral();

    await startReferralWorkflow({ store: h.store, workflow: h.runner }, referral);
    await h.runner.start(referral.id, referral.region);
    await h.runner.start(referral.id, referral.region, { executionName: referral.id });
    await h.moveWhenWaiting(referral.id, Stage.REFERRED, 'accept');
    await h.waitingIn(referral.id, Stage.AWAITING_MATCH);

    expect(h.runner.executionsOf(referral.id).map((e) => e.name)).toEqual([referral.id]);
    expect(kinds(await h.alertsFor('coordinators', referral.id))).toEqual(['NEW_REFERRAL', 'STAGE_CHANGED']);
    expect((await getReferral(h.store, referral.id)).executionName).toBe(referral.id);
  });

  it('publishes every alert as an event and a notice carrying ids, kinds and stages only', async () => {
    const referral = await h.newReferral();
    await h.alertsOfKind('coordinators', referral.id, 'NEW_REFERRAL');

    // The alert is written to the inbox first, then published: wait for the event itself.
    const events = await eventually('the alert event', () => {
      const published = h.events.published.filter((e) => e.detail.referralId === referral.id);
      return published.length > 0 && published;
    });
    const notices = h.notices.filter((line) => line.includes(referral.id));

    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      source: 'peerpath.referrals',
      detailType: 'Referral Stage Changed',
      detail: {
        kind: 'NEW_REFERRAL',
        referralId: referral.id,
        stage: Stage.REFERRED,
        audienceType: 'coordinators',
      },
    });
    expect(Object.keys(events[0]?.detail ?? {}).sort()).toEqual(
      // `event` is the lifecycle event's name (a fixed vocabulary), never free text.
      ['alertId', 'audienceType', 'event', 'kind', 'referralId', 'region', 'stage'].sort(),
    );
    expect(notices).toHaveLength(1);
    const client = referral.details.client;
    for (const text of [...notices, JSON.stringify(events)]) {
      expect(text).not.toContain(client.familyName);
      expect(text).not.toContain(client.givenName);
      expect(text).not.toContain(referral.details.reasonForReferral);
    }
  });
});

describe('the executed definition', () => {
  it('is the ASL the region stack synthesizes', () => {
    expect(h.runner.asl).toBe(h.workflow.asl);
    expect(JSON.parse(h.runner.asl).States.LoadTimers.Result.triage).toBe(h.timers.triage);
  });
});
