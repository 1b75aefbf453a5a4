import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '#data/alerts.ts';
import { getDebrief, markDebriefDone } from '#data/debriefs.ts';
import { listEvents } from '#data/events.ts';
import { createReferral } from '#data/referrals/create.ts';
import { getReferral } from '#data/referrals/reads.ts';
import { transition } from '#data/referrals/transition.ts';
import { logSession } from '#data/sessions.ts';
import type { Store } from '#data/store.ts';
import { type LifecycleEvent, OPEN_STAGES, Stage, WAITS, type Wait, waitFor } from '#domain/lifecycle.ts';
import { timersWith } from '#domain/settings.ts';
import { todayInProgramZone } from '#domain/vocabulary.ts';
import { overdueStateName } from '../../../workflows/definition.ts';
import { checkActivity } from '../../../workflows/tasks/check-activity.ts';
import { actors, localDate, referralInput, seedReferral, seedWorker } from '../../support/store.ts';
import { eventually, FULL_PATH, makeWorkflowHarness, type WorkflowHarness } from '../../support/workflow.ts';

/**
 * The timers of the referral state machine, shortened to seconds: each wait's overdue alert, once per
 * period, and the wait going on afterwards; the no-session timer (reset by a session, paused on hold); an
 * early close from every open stage once its timer has fired; and the follow-ups (debrief overdue, consent
 * expiring) through the runner's `followUpNow` with a chosen clock.
 */

const TIMERS = timersWith({ triage: 1, match: 1, goals: 1, noSession: 2, closure: 1, holdReview: 1 });
/** Alert times are taken when the alert is written: allow for the clock's millisecond rounding. */
const CLOCK_SLACK_MS = 50;

let h: WorkflowHarness;

beforeAll(async () => {
  h = await makeWorkflowHarness({ timers: TIMERS });
});

afterAll(async () => {
  await h?.stop();
});

/** What a person does in each stage to move it on, and where that leads. */
const ACT: Record<string, { event: LifecycleEvent; to: Stage }> = {
  [Stage.REFERRED]: { event: 'accept', to: Stage.AWAITING_MATCH },
  [Stage.AWAITING_MATCH]: { event: 'match', to: Stage.GOAL_SETTING },
  [Stage.GOAL_SETTING]: { event: 'setGoals', to: Stage.IN_SESSIONS },
  [Stage.IN_SESSIONS]: { event: 'goalsAchieved', to: Stage.GOALS_ACHIEVED },
  [Stage.ON_HOLD]: { event: 'resume', to: Stage.IN_SESSIONS },
  [Stage.GOALS_ACHIEVED]: { event: 'close', to: Stage.CLOSED },
};

const extraFor = (event: LifecycleEvent, workerId: string) =>
  event === 'match' ? { workerId } : event === 'close' ? { reason: 'GOALS_MET', summary: 'Goals met' } : {};

/** A new referral, its workflow started, moved (each event sent while the machine waits) to `stage`. */
async function referralIn(stage: Stage, workerId: string): Promise<string> {
  const referral = await h.newReferral();
  const steps = FULL_PATH.slice(
    0,
    FULL_PATH.findIndex(([from]) => from === stage),
  );
  for (const [from, event] of steps) {
    const moved = await h.moveWhenWaiting(referral.id, from, event, extraFor(event, workerId));
    expect(moved.referral.stage).not.toBe(from);
  }
  await h.waitingIn(referral.id, stage);
  return referral.id;
}

async function coordinatorAlerts(referralId: string, kind: string): Promise<Alert[]> {
  return (await h.alertsFor('coordinators', referralId)).filter((a) => a.kind === kind);
}

/** Consecutive alerts are at least one period apart: one alert per period, never two. */
function expectOnePerPeriod(alerts: Alert[], seconds: number): void {
  const times = alerts.map((a) => Date.parse(a.createdAt));
  for (let i = 1; i < times.length; i++) {
    expect((times[i] as number) - (times[i - 1] as number)).toBeGreaterThanOrEqual(
      seconds * 1000 - CLOCK_SLACK_MS,
    );
  }
}

const stateCount = (referralId: string, state: string) =>
  (h.runner.execution(referralId)?.states ?? []).filter((s) => s === state).length;

/** Until the execution's log (read as it runs, so it may trail a little) shows the wait entered `times`. */
const waitEnteredAgain = (referralId: string, wait: Wait, times: number) =>
  eventually(`${wait.step} entered ${times} times`, () => stateCount(referralId, wait.step) >= times);

/** The store with its clock fixed at `at` (the table and client are the harness's own). */
const storeAt = (at: number): Store => ({ ...h.store, now: () => new Date(at) });

// The follow-ups sweep the whole region: they run first, alone, with a clock of their own choosing.
describe('follow-ups raised by the runner', () => {
  it('alerts the coordinators once when a debrief is not done within 72 hours', async () => {
    // Prepare: two sessions needing a debrief; one debrief is done in time
    const worker = await seedWorker(h.store);
    const referral = await seedReferral(h.store, { stage: Stage.IN_SESSIONS, workerId: worker.id });
    const log = () =>
      logSession(h.store, {
        referralId: referral.id,
        workerId: worker.id,
        input: { date: todayInProgramZone(), mode: 'WALK', minutes: 45, debriefNeeded: true },
        actor: actors.worker(worker.id),
        debriefDueSeconds: h.timers.debrief,
      });
    const late = await log();
    const onTime = await log();
    await markDebriefDone(h.store, onTime.id, actors.coordinator.sub);
    const loggedAt = Date.parse(late.createdAt);
    const hours = (n: number) => new Date(loggedAt + n * 3600_000);

    // Act
    const before = await h.runner.followUpNow(hours(71));
    const beforeAlerts = await coordinatorAlerts(referral.id, 'DEBRIEF_OVERDUE');
    const due = await h.runner.followUpNow(hours(73));
    const again = await Promise.all([h.runner.followUpNow(hours(74)), h.runner.followUpNow(hours(90))]);

    // Assess
    expect(h.timers.debrief).toBe(72 * 3600);
    expect(before.debriefsOverdue).toBe(0);
    expect(beforeAlerts).toEqual([]);
    expect(due.debriefsOverdue).toBe(1);
    expect(again.map((r) => r.debriefsOverdue)).toEqual([0, 0]);
    const alerts = await coordinatorAlerts(referral.id, 'DEBRIEF_OVERDUE');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.details).toEqual({
      debriefId: late.id,
      workerId: worker.id,
      dueAt: (await getDebrief(h.store, late.id)).dueAt,
    });
    expect((await getDebrief(h.store, late.id)).alertedAt).toBeDefined();
    expect((await getDebrief(h.store, onTime.id)).alertedAt).toBeUndefined();
    const published = h.events.published.filter(
      (e) => e.detail.referralId === referral.id && e.detail.kind === 'DEBRIEF_OVERDUE',
    );
    expect(published).toHaveLength(1);
  });

  it('alerts the coordinators once when an open referral’s consent expires within 14 days', async () => {
    // Prepare: consent ends in 20 days; a closed referral's consent ends in 5 (nobody needs telling)
    const open = await createReferral(h.store, {
      details: referralInput({
        consent: {
          given: true,
          scope: ['SHARE_WITH_PEER_WORKER', 'CONTACT_CLIENT'],
          date: localDate(-30),
          expiresOn: localDate(20),
        },
      }),
      referrerSub: actors.clinician.sub,
    });
    const closed = await createReferral(h.store, {
      details: referralInput({
        consent: {
          given: true,
          scope: ['SHARE_WITH_PEER_WORKER', 'CONTACT_CLIENT'],
          date: localDate(-30),
          expiresOn: localDate(5),
        },
      }),
      referrerSub: actors.clinician.sub,
    });
    await transition(h.store, {
      referralId: closed.id,
      event: 'close',
      actor: actors.coordinator,
      reason: 'OTHER',
      summary: 'Closed',
    });
    const days = (n: number) => new Date(Date.now() + n * 86_400_000);

    // Act
    const early = await h.runner.followUpNow(days(0));
    const earlyAlerts = await coordinatorAlerts(open.id, 'CONSENT_EXPIRING');
    const due = await h.runner.followUpNow(days(7));
    const again = await Promise.all([h.runner.followUpNow(days(8)), h.runner.followUpNow(days(10))]);

    // Assess
    expect(h.timers.consentWarning).toBe(14 * 86_400);
    expect(early.consentsExpiring).toBe(0);
    expect(earlyAlerts).toEqual([]);
    expect(due.consentsExpiring).toBe(1);
    expect(again.map((r) => r.consentsExpiring)).toEqual([0, 0]);
    const alerts = await coordinatorAlerts(open.id, 'CONSENT_EXPIRING');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ stage: Stage.REFERRED, details: { expiresOn: localDate(20) } });
    expect(await coordinatorAlerts(closed.id, 'CONSENT_EXPIRING')).toEqual([]);
  });
});

describe.concurrent('the state machine’s timers', () => {
  it('raises each wait’s overdue alert once per period, keeps waiting, and moves on when the person acts', async () => {
    // One referral per wait, all at once: each waits two periods, then the person acts.
    await Promise.all(WAITS.map((wait) => overdueThenAct(wait)));
  });

  it('restarts the no-session timer when a session is logged', async () => {
    // Prepare
    const worker = await seedWorker(h.store);
    const id = await referralIn(Stage.IN_SESSIONS, worker.id);
    await h.alertsOfKind('coordinators', id, 'NO_SESSION', 1);
    const seenStates = h.runner.execution(id)?.states.length ?? 0;

    // Act
    await logSession(h.store, {
      referralId: id,
      workerId: worker.id,
      input: { date: todayInProgramZone(), mode: 'PHONE', minutes: 20, debriefNeeded: false },
      actor: actors.worker(worker.id),
    });

    // Assess: the next activity check finds the session and waits again without an alert
    const states = await eventually('an activity check that finds the session', () => {
      const all = h.runner.execution(id)?.states ?? [];
      const after = all.slice(seenStates);
      for (let i = 0; i + 2 < after.length; i++) {
        if (
          after[i] === 'CheckActivity' &&
          after[i + 1] === 'NoSessionOverdue' &&
          after[i + 2] === 'Sessions'
        )
          return all;
      }
      return undefined;
    });
    expect(await coordinatorAlerts(id, 'NO_SESSION')).toHaveLength(
      states.filter((s) => s === overdueStateName(waitFor(Stage.IN_SESSIONS) as Wait)).length,
    );
    expect((await h.moveWhenWaiting(id, Stage.IN_SESSIONS, 'goalsAchieved')).referral.stage).toBe(
      Stage.GOALS_ACHIEVED,
    );
  });

  it('pauses the no-session timer on hold: hold reviews instead, and only the time in sessions counts', async () => {
    // Prepare, Act: two clients on hold longer than the no-session period, then resumed; the first put on
    // hold at once, the second after its no-session timer had fired
    const [atOnce, afterAlert] = await Promise.all([holdAndResume(0), holdAndResume(1)]);

    // Assess
    for (const run of [atOnce, afterAlert]) {
      const { heldAt, resumedAt, reviews, noSession } = run;
      expect(resumedAt - heldAt).toBeGreaterThan(TIMERS.noSession * 1000);
      expect(reviews.map((a) => a.stage)).toEqual(reviews.map(() => Stage.ON_HOLD));
      expectOnePerPeriod(reviews, TIMERS.holdReview);
      // Nothing about sessions while on hold. (A check the machine made just before the hold may still
      // alert as the hold lands; the machine is sequential, so by the first hold review it is over.)
      const firstReview = Date.parse(reviews[0]?.createdAt ?? '');
      const duringHold = noSession.filter((a) => {
        const createdAt = Date.parse(a.createdAt);
        return createdAt > firstReview && createdAt < resumedAt;
      });
      expect(duringHold).toEqual([]);
    }
    // On hold at once: after the resume the alert waits for the rest of the period (less under a second,
    // which is due at once), so the time on hold did not count.
    const firstAfter = atOnce.noSession.find((a) => Date.parse(a.createdAt) > atOnce.resumedAt);
    expect(Date.parse(firstAfter?.createdAt ?? '')).toBeGreaterThanOrEqual(
      atOnce.resumedAt +
        Math.max(0, TIMERS.noSession * 1000 - atOnce.activeBeforeHold - 1000) -
        CLOCK_SLACK_MS,
    );
    // The check counts exactly the time spent in sessions: neither restarted by the resume nor counting the
    // hold (a client who had gone more than a period without a session shows it, whole seconds apart).
    expect(afterAlert.activeBeforeHold).toBeGreaterThanOrEqual(TIMERS.noSession * 1000);
    const probeAt = afterAlert.resumedAt + 500;
    const activity = await checkActivity(
      { store: storeAt(probeAt) },
      { referralId: afterAlert.id, region: h.region, stage: Stage.IN_SESSIONS, noSessionSeconds: 3600 },
    );
    expect(activity).toEqual({
      overdue: false,
      remainingSeconds: Math.ceil(3600 - (afterAlert.activeBeforeHold + 500) / 1000),
    });
    expect(activity.remainingSeconds).toBeLessThan(3600 - TIMERS.noSession + 1);
  });

  it('closes early from every open stage after its timer fired: the wait fails with ReferralClosed and the closure is told', async () => {
    // Prepare: a referral in each open stage whose timer has fired at least once
    const cases = await Promise.all(
      OPEN_STAGES.map(async (stage) => {
        const worker = await seedWorker(h.store);
        const id = await referralIn(stage, worker.id);
        const wait = waitFor(stage) as Wait;
        await h.alertsOfKind('coordinators', id, wait.overdueAlert, 1);
        // From GOALS_ACHIEVED `close` is the confirmation; the early way out there is a withdrawal.
        return { stage, id, wait, workerId: worker.id, withdraw: stage === Stage.GOALS_ACHIEVED };
      }),
    );

    // Act
    const closed = await Promise.all(
      cases.map(({ id, withdraw }) =>
        withdraw
          ? h.move(id, 'withdraw')
          : h.move(id, 'close', { reason: 'UNABLE_TO_CONTACT', summary: 'No answer' }),
      ),
    );
    const executions = await Promise.all(cases.map(({ id }) => h.ended(id)));

    // Assess: each wait (or, if its timer was just firing, the wait it re-entered) took the closure path
    for (const [i, { stage, id, wait, workerId, withdraw }] of cases.entries()) {
      expect(closed[i]?.referral.stage, stage).toBe(Stage.CLOSED);
      expect(executions[i]?.states.slice(-3), stage).toEqual([wait.step, 'NotifyClosure', 'Done']);
      const expected = withdraw
        ? { event: 'withdraw', from: stage, reason: 'WITHDRAWN' }
        : { event: 'close', from: stage, reason: 'UNABLE_TO_CONTACT' };
      const toCoordinators = await coordinatorAlerts(id, 'REFERRAL_CLOSED');
      expect(
        toCoordinators.map((a) => a.details),
        stage,
      ).toEqual([expected]);
      const toReferrer = (await h.alertsFor(actors.clinician.sub, id)).filter(
        (a) => a.kind === 'REFERRAL_CLOSED',
      );
      expect(
        toReferrer.map((a) => a.details),
        stage,
      ).toEqual([expected]);
      const toWorker = (await h.alertsFor(workerId, id)).filter((a) => a.kind === 'REFERRAL_CLOSED');
      const assigned = stage !== Stage.REFERRED && stage !== Stage.AWAITING_MATCH;
      expect(toWorker, stage).toHaveLength(assigned ? 1 : 0);
      expect((await getReferral(h.store, id)).waitToken, stage).toBeUndefined();
      // The closure is the machine's last word: no overdue alert after it.
      const lastOverdue = (await coordinatorAlerts(id, wait.overdueAlert)).at(-1);
      expect(Date.parse(lastOverdue?.createdAt ?? ''), stage).toBeLessThanOrEqual(
        Date.parse(toCoordinators[0]?.createdAt ?? ''),
      );
    }
  });
});

/**
 * A referral waiting in `wait`'s stage: two of its overdue alerts, one period apart, while the machine waits
 * on; then the person acts, the machine moves on (the next stage's timer fires in its turn) and the timer
 * of the stage it left is over.
 */
async function overdueThenAct(wait: Wait): Promise<void> {
  const stage = wait.stage;
  // Prepare
  const worker = await seedWorker(h.store);
  const id = await referralIn(stage, worker.id);

  // Act: two periods pass, then the person acts
  const overdue = await h.alertsOfKind('coordinators', id, wait.overdueAlert, 2);
  const { event, to } = ACT[stage] as { event: LifecycleEvent; to: Stage };
  const moved = await h.moveWhenWaiting(id, stage, event, extraFor(event, worker.id));

  // Assess: one alert per period, each about this stage, while the machine kept waiting in it
  expect(
    overdue.map((a) => a.stage),
    stage,
  ).toEqual(overdue.map(() => stage));
  expectOnePerPeriod(overdue, TIMERS[wait.timer]);
  expect(moved.referral.stage, stage).toBe(to);
  const next = waitFor(to);
  if (!next) {
    // The confirmed closure: the machine ends and says so.
    await h.ended(id);
    await waitEnteredAgain(id, wait, 3);
    expect(await coordinatorAlerts(id, 'REFERRAL_CLOSED'), stage).toHaveLength(1);
    return;
  }
  await h.waitingIn(id, to);
  await waitEnteredAgain(id, wait, 3);
  expect((await coordinatorAlerts(id, 'STAGE_CHANGED')).at(-1)?.stage, stage).toBe(to);
  const leftWith = (await coordinatorAlerts(id, wait.overdueAlert)).length;
  await h.alertsOfKind('coordinators', id, next.overdueAlert, 1);
  expect(await coordinatorAlerts(id, wait.overdueAlert), stage).toHaveLength(leftWith);
  expectUniqueIds(await h.alertsFor('coordinators', id));
}

/**
 * A referral in sessions put on hold (after `noSessionAlerts` no-session alerts), kept on hold for three
 * hold reviews (longer than the no-session period), then resumed until its next no-session alert.
 */
async function holdAndResume(noSessionAlerts: number) {
  const worker = await seedWorker(h.store);
  const id = await referralIn(Stage.IN_SESSIONS, worker.id);
  if (noSessionAlerts > 0) await h.alertsOfKind('coordinators', id, 'NO_SESSION', noSessionAlerts);
  await h.moveWhenWaiting(id, Stage.IN_SESSIONS, 'hold');
  const reviews = await h.alertsOfKind('coordinators', id, 'HOLD_REVIEW_DUE', 3);
  await h.moveWhenWaiting(id, Stage.ON_HOLD, 'resume');
  const trail = await listEvents(h.store, id);
  const at = (event: LifecycleEvent) => Date.parse(trail.findLast((e) => e.event === event)?.at ?? '');
  const [enteredAt, heldAt, resumedAt] = [at('setGoals'), at('hold'), at('resume')];
  const noSession = await eventually('a no-session alert after the resume', async () => {
    const alerts = await coordinatorAlerts(id, 'NO_SESSION');
    return alerts.some((a) => Date.parse(a.createdAt) > resumedAt) ? alerts : undefined;
  });
  return { id, heldAt, resumedAt, activeBeforeHold: heldAt - enteredAt, reviews, noSession };
}

function expectUniqueIds(alerts: Alert[]): void {
  expect(new Set(alerts.map((a) => a.id)).size).toBe(alerts.length);
}
