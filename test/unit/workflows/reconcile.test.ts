import type { SFNClient } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import type { StartOptions } from '#app/ports.ts';
import { StepFunctionsGateway } from '#aws/step-functions.ts';
import { listAlerts } from '#data/alerts.ts';
import { Audience } from '#data/keys.ts';
import { getReferral } from '#data/referrals/reads.ts';
import { transition } from '#data/referrals/transition.ts';
import { recordExecution } from '#data/referrals/wait-tokens.ts';
import { Stage, waitFor } from '#domain/lifecycle.ts';
import type { Referral } from '#domain/referral.ts';
import { DEFAULT_TIMERS } from '#domain/settings.ts';
import { MemoryEventPublisher } from '../../../local/notifications.ts';
import { scheduledRun } from '../../../workflows/tasks/follow-up.ts';
import {
  type ReconcilerGateway,
  reconcileOpenReferrals,
  repairDecision,
  repairNumber,
} from '../../../workflows/tasks/reconcile.ts';
import {
  actors,
  localDate,
  makeTestStore,
  referralInput,
  seedReferral,
  seedWorker,
} from '../../support/store.ts';

/**
 * The reconciler's decisions: which open referral gets a new execution, under which name and at which wait.
 * The gateway is a fake Step Functions (an object implementing `start` and `isRunning`, as
 * StepFunctionsGateway does with StartExecution and DescribeExecution); the table is real (DynamoDB Local).
 */

class FakeStepFunctions implements ReconcilerGateway {
  readonly running = new Set<string>();
  readonly started: { referralId: string; region: string; opts: StartOptions }[] = [];
  readonly described: string[] = [];
  /** Called inside `isRunning` (a test's chance to change the world at that moment). */
  onDescribe?: (executionName: string) => Promise<void>;
  failStartFor?: string;

  async isRunning(executionName: string): Promise<boolean> {
    this.described.push(executionName);
    await this.onDescribe?.(executionName);
    return this.running.has(executionName);
  }

  async start(referralId: string, region: string, opts: StartOptions = {}): Promise<void> {
    if (referralId === this.failStartFor) throw Object.assign(new Error('Throttled'), { name: 'Throttling' });
    const name = opts.executionName ?? referralId;
    // Idempotent by name, like StartExecution: a name already used starts nothing.
    if (this.started.some((s) => (s.opts.executionName ?? s.referralId) === name)) return;
    this.started.push({ referralId, region, opts });
    this.running.add(name);
  }
}

const minutesAgo = (n: number) => new Date(Date.now() - n * 60_000).toISOString();
const facts = (overrides: Partial<Referral>) => ({
  id: 'R1',
  stage: Stage.AWAITING_MATCH,
  updatedAt: minutesAgo(10),
  ...overrides,
});

describe('repairDecision', () => {
  const options = { now: new Date(), graceMs: 60_000 };

  it('leaves a referral whose execution runs', () => {
    expect(repairDecision(facts({ executionName: 'R1' }), true, options)).toEqual({
      action: 'leave',
      why: 'running',
    });
  });

  it('leaves closed and declined referrals: nothing is left to wait for', () => {
    for (const stage of [Stage.CLOSED, Stage.DECLINED]) {
      expect(repairDecision(facts({ stage, executionName: 'R1' }), false, options)).toEqual({
        action: 'leave',
        why: 'closed',
      });
    }
  });

  it('leaves a referral changed within the grace period, and repairs it once the period is over', () => {
    const recent = facts({ executionName: 'R1', updatedAt: minutesAgo(0.5) });
    expect(repairDecision(recent, false, options)).toEqual({ action: 'leave', why: 'recent' });
    expect(repairDecision(recent, false, { ...options, graceMs: 0 })).toMatchObject({ action: 'start' });
  });

  it('starts a referral never started and still REFERRED from the beginning, under its own id', () => {
    expect(repairDecision(facts({ stage: Stage.REFERRED }), false, options)).toEqual({
      action: 'start',
      executionName: 'R1',
    });
  });

  it('resumes any other referral at its stage’s wait under the next repair name', () => {
    const cases: [Partial<Referral>, string][] = [
      [{ stage: Stage.REFERRED, executionName: 'R1' }, 'R1-r1'],
      [{ stage: Stage.AWAITING_MATCH }, 'R1-r1'],
      [{ stage: Stage.IN_SESSIONS, executionName: 'R1-r1' }, 'R1-r2'],
      [{ stage: Stage.GOALS_ACHIEVED, executionName: 'R1-r9' }, 'R1-r10'],
    ];
    for (const [overrides, executionName] of cases) {
      const referral = facts(overrides);
      expect(repairDecision(referral, false, options)).toEqual({
        action: 'start',
        executionName,
        resumeAt: waitFor(referral.stage)?.step,
      });
    }
  });

  it('reads the repair number from the name', () => {
    expect([repairNumber('01J'), repairNumber('01J-r1'), repairNumber('01J-r12')]).toEqual([0, 1, 12]);
  });
});

describe('reconcileOpenReferrals', () => {
  const log = () => {};
  type Name = (id: string) => string;
  const own: Name = (id) => id;
  const repair =
    (n: number): Name =>
    (id) =>
      `${id}-r${n}`;

  it('restarts every open referral whose execution is not running, and only those', async () => {
    // Prepare: a fresh table's worth of referrals in every situation
    const table = await makeTestStore();
    const worker = (await seedWorker(table, { maxCaseload: 20 })).id;
    const seed = async (stage: Stage, name?: Name) => {
      const referral = await seedReferral(table, { stage, workerId: worker });
      if (name) await recordExecution(table, referral.id, name(referral.id));
      return getReferral(table, referral.id);
    };
    const alive = await seed(Stage.IN_SESSIONS, own);
    const stopped = await seed(Stage.ON_HOLD, own);
    const repairedBefore = await seed(Stage.GOAL_SETTING, repair(2));
    const neverStarted = await seed(Stage.REFERRED);
    const movedUnstarted = await seed(Stage.AWAITING_MATCH);
    const closed = await seed(Stage.CLOSED, own);
    const declined = await seed(Stage.DECLINED, own);
    const gateway = new FakeStepFunctions();
    gateway.running.add(alive.id);

    // Act
    const report = await reconcileOpenReferrals(
      { store: table, workflow: gateway, log },
      { graceMs: 60_000, now: new Date(Date.now() + 3_600_000) },
    );

    // Assess
    expect(report).toEqual({
      started: {
        [stopped.id]: `${stopped.id}-r1`,
        [repairedBefore.id]: `${repairedBefore.id}-r3`,
        [neverStarted.id]: neverStarted.id,
        [movedUnstarted.id]: `${movedUnstarted.id}-r1`,
      },
      running: 1,
      deferred: 0,
      failed: [],
    });
    const startOf = (id: string) => gateway.started.find((s) => s.referralId === id);
    expect(startOf(stopped.id)).toEqual({
      referralId: stopped.id,
      region: 'vancouver',
      opts: { executionName: `${stopped.id}-r1`, resumeAt: 'OnHold' },
    });
    expect(startOf(repairedBefore.id)?.opts).toEqual({
      executionName: `${repairedBefore.id}-r3`,
      resumeAt: 'GoalSetting',
    });
    expect(startOf(neverStarted.id)?.opts).toEqual({ executionName: neverStarted.id });
    expect(startOf(movedUnstarted.id)?.opts).toEqual({
      executionName: `${movedUnstarted.id}-r1`,
      resumeAt: 'Match',
    });
    expect(gateway.started).toHaveLength(4);
    for (const [id, name] of Object.entries(report.started)) {
      expect((await getReferral(table, id)).executionName).toBe(name);
    }
    expect(gateway.described).not.toContain(closed.id);
    expect(gateway.described).not.toContain(declined.id);
    table.doc.destroy();
  });

  it('starts nothing more on a second run once the repairs are running', async () => {
    const table = await makeTestStore();
    const referral = await seedReferral(table, { stage: Stage.AWAITING_MATCH });
    await recordExecution(table, referral.id, referral.id);
    const gateway = new FakeStepFunctions();
    const deps = { store: table, workflow: gateway, log };

    const first = await reconcileOpenReferrals(deps, { graceMs: 0 });
    const second = await reconcileOpenReferrals(deps, { graceMs: 0 });

    expect(first.started).toEqual({ [referral.id]: `${referral.id}-r1` });
    expect(second).toEqual({ started: {}, running: 1, deferred: 0, failed: [] });
    expect(gateway.started).toHaveLength(1);
    table.doc.destroy();
  });

  it('leaves alone a referral changed within the grace period', async () => {
    const table = await makeTestStore();
    const referral = await seedReferral(table, { stage: Stage.AWAITING_MATCH });
    await recordExecution(table, referral.id, referral.id);
    const gateway = new FakeStepFunctions();

    const report = await reconcileOpenReferrals(
      { store: table, workflow: gateway, log },
      { graceMs: 3_600_000, now: new Date(Date.parse(referral.updatedAt) + 1000) },
    );

    expect(report).toEqual({ started: {}, running: 0, deferred: 1, failed: [] });
    expect(gateway.started).toEqual([]);
    table.doc.destroy();
  });

  it('records an execution that runs but was never recorded, without starting another', async () => {
    const table = await makeTestStore();
    const referral = await seedReferral(table, { stage: Stage.REFERRED });
    const gateway = new FakeStepFunctions();
    gateway.running.add(referral.id);

    const report = await reconcileOpenReferrals({ store: table, workflow: gateway, log }, { graceMs: 0 });

    expect(report).toEqual({ started: {}, running: 1, deferred: 0, failed: [] });
    expect(gateway.started).toEqual([]);
    expect((await getReferral(table, referral.id)).executionName).toBe(referral.id);
    table.doc.destroy();
  });

  it('does not start an execution for a referral that closed while it was being checked', async () => {
    // Prepare: the execution ends because the referral closes, between the list and the describe
    const table = await makeTestStore();
    const referral = await seedReferral(table, { stage: Stage.AWAITING_MATCH });
    await recordExecution(table, referral.id, referral.id);
    const gateway = new FakeStepFunctions();
    gateway.onDescribe = async () => {
      await transition(table, {
        referralId: referral.id,
        event: 'close',
        actor: actors.coordinator,
        reason: 'OTHER',
        summary: 'Closed',
      });
    };

    // Act
    const report = await reconcileOpenReferrals({ store: table, workflow: gateway, log }, { graceMs: 0 });

    // Assess
    expect(report.started).toEqual({});
    expect(gateway.started).toEqual([]);
    expect((await getReferral(table, referral.id)).executionName).toBe(referral.id);
    table.doc.destroy();
  });

  it('repairs the others when one start fails, and reports the failure with ids only', async () => {
    const table = await makeTestStore();
    const failing = await seedReferral(table, { stage: Stage.AWAITING_MATCH });
    const other = await seedReferral(table, { stage: Stage.AWAITING_MATCH });
    await recordExecution(table, failing.id, failing.id);
    await recordExecution(table, other.id, other.id);
    const gateway = new FakeStepFunctions();
    gateway.failStartFor = failing.id;
    const lines: Record<string, unknown>[] = [];

    const report = await reconcileOpenReferrals(
      { store: table, workflow: gateway, log: (l) => lines.push(l) },
      { graceMs: 0 },
    );

    expect(report.failed).toEqual([failing.id]);
    expect(report.started).toEqual({ [other.id]: `${other.id}-r1` });
    expect((await getReferral(table, failing.id)).executionName).toBe(failing.id);
    expect(lines).toContainEqual({
      msg: 'workflow repair failed',
      referralId: failing.id,
      error: 'Throttling',
    });
    table.doc.destroy();
  });
});

describe('the scheduled run (the cloud reconciler and follow-ups)', () => {
  it('restarts stalled executions, raises the due follow-ups, and fails the run if a repair failed', async () => {
    // Prepare
    const store = await makeTestStore();
    const stalled = await seedReferral(store, {
      stage: Stage.REFERRED,
      details: referralInput({
        consent: {
          given: true,
          scope: ['SHARE_WITH_PEER_WORKER', 'CONTACT_CLIENT'],
          date: localDate(-30),
          expiresOn: localDate(3),
        },
      }),
    });
    await recordExecution(store, stalled.id, stalled.id);
    const broken = await seedReferral(store, { stage: Stage.AWAITING_MATCH });
    await recordExecution(store, broken.id, broken.id);
    const gateway = new FakeStepFunctions();
    const events = new MemoryEventPublisher();
    const deps = {
      store,
      workflow: gateway,
      notifier: { notify: async () => {} },
      events,
      directory: { createUser: async () => ({ sub: '' }), listUsers: async () => [] },
      timers: DEFAULT_TIMERS,
      log: () => {},
    };

    // Act
    const ok = await scheduledRun({ ...deps }, { graceMs: 0 });
    gateway.running.clear();
    gateway.failStartFor = broken.id;
    const failed = scheduledRun(deps, { graceMs: 0 });

    // Assess
    expect(ok).toMatchObject({
      restarted: { [stalled.id]: `${stalled.id}-r1`, [broken.id]: `${broken.id}-r1` },
      running: 0,
      consentsExpiring: 1,
    });
    await expect(failed).rejects.toThrow('The repair of 1 referral(s) failed');
    const alerts = await listAlerts(store, Audience.coordinators('vancouver'));
    expect(alerts.items.map((a) => `${a.kind}:${a.referralId}`)).toEqual([`CONSENT_EXPIRING:${stalled.id}`]);
    store.doc.destroy();
  });
});

describe('StepFunctionsGateway.isRunning', () => {
  const machine = 'arn:aws:states:ca-central-1:111122223333:stateMachine:peerpath-vancouver-referrals';

  /** A stand-in SFN client answering DescribeExecution from a table of statuses. */
  function clientWith(statuses: Record<string, string>, seen: string[]): SFNClient {
    return {
      send: async (command: { input: { executionArn: string } }) => {
        const arn = command.input.executionArn;
        seen.push(arn);
        const status = statuses[arn];
        if (status === 'THROTTLED')
          throw Object.assign(new Error('slow down'), { name: 'ThrottlingException' });
        if (!status) throw Object.assign(new Error('no such execution'), { name: 'ExecutionDoesNotExist' });
        return { status };
      },
    } as unknown as SFNClient;
  }

  it('asks DescribeExecution about the execution of this state machine by its name', async () => {
    const execution = (name: string) =>
      `arn:aws:states:ca-central-1:111122223333:execution:peerpath-vancouver-referrals:${name}`;
    const seen: string[] = [];
    const gateway = new StepFunctionsGateway({
      stateMachineArn: machine,
      client: clientWith(
        {
          [execution('A')]: 'RUNNING',
          [execution('A-r1')]: 'SUCCEEDED',
          [execution('B')]: 'FAILED',
          [execution('C')]: 'THROTTLED',
        },
        seen,
      ),
    });

    const answers = await Promise.all(['A', 'A-r1', 'B', 'missing'].map((n) => gateway.isRunning(n)));

    expect(answers).toEqual([true, false, false, false]);
    expect(seen).toEqual(['A', 'A-r1', 'B', 'missing'].map(execution));
    await expect(gateway.isRunning('C')).rejects.toMatchObject({ name: 'ThrottlingException' });
  });
});
