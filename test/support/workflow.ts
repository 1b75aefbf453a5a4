import type { Alert } from '#data/alerts.ts';
import { listAlerts } from '#data/alerts.ts';
import type { Actor } from '#data/events.ts';
import { Audience } from '#data/keys.ts';
import { createReferral } from '#data/referrals/create.ts';
import { getReferral } from '#data/referrals/reads.ts';
import type { TransitionInput } from '#data/referrals/transition.ts';
import { type AlertKind, type LifecycleEvent, Stage, waitFor } from '#domain/lifecycle.ts';
import type { Referral, ReferralInput } from '#domain/referral.ts';
import { type ProgramRegion, Role } from '#domain/roles.ts';
import type { Timers } from '#domain/settings.ts';
import { type AppliedTransition, applyTransition, startReferralWorkflow } from '#services/transitions.ts';
import { type SynthesizedWorkflow, synthesizeWorkflow } from '../../infra/asl.ts';
import { ConsoleNotifier, MemoryEventPublisher } from '../../local/notifications.ts';
import {
  type ExecutionInfo,
  LocalWorkflowRunner,
  type LocalWorkflowRunnerOptions,
} from '../../local/workflow-runner.ts';
import { QUIET_TIMERS } from './fixtures.ts';
import { actors, makeTestStore, referralInput, type TestStore } from './store.ts';

/** Timers long enough never to fire during a test (seconds), shared with the bench (fixtures.ts). */
export { QUIET_TIMERS };

/**
 * Polls `probe` until it returns a value other than undefined/false, or fails after `timeoutMs` with
 * `what` (deadlines are generous: this waits for behaviour, it does not time it).
 */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  { timeoutMs = 20_000, intervalMs = 40 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`Timed out waiting for ${what}`, { cause: lastError });
}

/** Who sends each event (the roles the lifecycle table allows). */
function actorFor(event: LifecycleEvent, referral: Referral): Actor {
  if (event === 'setGoals' || event === 'goalsAchieved') {
    if (!referral.workerId) throw new Error(`${event} needs an assigned worker`);
    return { sub: referral.workerId, role: Role.PEER_WORKER };
  }
  if (event === 'withdraw') return { sub: referral.referrerSub, role: Role.CLINICIAN };
  return actors.coordinator;
}

/** Extra inputs each event needs. */
function defaultsFor(event: LifecycleEvent): Partial<TransitionInput> {
  switch (event) {
    case 'decline':
      return { reason: 'INELIGIBLE', summary: 'Needs a higher level of care' };
    case 'close':
      return { reason: 'MOVED', summary: 'Client moved away' };
    case 'withdraw':
      return { reason: 'Client prefers another program' };
    case 'hold':
      return { reason: 'In hospital' };
    case 'setGoals':
      return { goals: [{ title: 'Walk to the park' }] };
    default:
      return {};
  }
}

export interface RestartOptions {
  tickEveryMs?: number;
  repairGraceMs?: number;
  resume?: boolean;
}

export interface WorkflowHarness {
  store: TestStore;
  region: ProgramRegion;
  timers: Timers;
  workflow: SynthesizedWorkflow;
  runner: LocalWorkflowRunner;
  events: MemoryEventPublisher;
  /** Console lines the local notifier wrote. */
  notices: string[];
  logs: Record<string, unknown>[];
  /**
   * A new runner on the same table and ASL (stop the previous one first), started as `npm start` starts one:
   * `LocalWorkflowRunner.launch`, which resumes every open referral. `resume: false` builds it without
   * resuming (its periodic repair, `tickEveryMs` / `repairGraceMs`, is then what finds the referrals).
   */
  restart(options?: RestartOptions): Promise<LocalWorkflowRunner>;
  /** Creates a referral (as the API does) and starts its workflow. */
  newReferral(details?: ReferralInput): Promise<Referral>;
  /** `applyTransition` with the right actor and inputs, through the current runner. */
  move(
    referralId: string,
    event: LifecycleEvent,
    extra?: Partial<TransitionInput>,
  ): Promise<AppliedTransition>;
  /** Until the machine waits in `stage`: its token is stored on the referral. */
  waitingIn(referralId: string, stage: Stage): Promise<Referral>;
  /** `waitingIn` then `move`: the normal API path, the token completed by the transition. */
  moveWhenWaiting(
    referralId: string,
    from: Stage,
    event: LifecycleEvent,
    extra?: Partial<TransitionInput>,
  ): Promise<AppliedTransition>;
  alertsFor(audience: 'coordinators' | string, referralId?: string): Promise<Alert[]>;
  /**
   * Until at least `count` alerts of `kind` for the referral reached the audience: written to its inbox
   * and, like every alert the runner raises, told (notifier) and published (events) after that.
   */
  alertsOfKind(
    audience: 'coordinators' | string,
    referralId: string,
    kind: AlertKind,
    count?: number,
  ): Promise<Alert[]>;
  /** Until the execution has ended with `status`. */
  ended(executionName: string, status?: ExecutionInfo['status']): Promise<ExecutionInfo>;
  stop(): Promise<void>;
}

export async function makeWorkflowHarness(
  options: { timers?: Timers; region?: ProgramRegion; tickEveryMs?: number } = {},
): Promise<WorkflowHarness> {
  const region = options.region ?? 'vancouver';
  const timers = options.timers ?? QUIET_TIMERS;
  const store = await makeTestStore(region);
  const workflow = synthesizeWorkflow(region, { timers });
  const events = new MemoryEventPublisher();
  const notices: string[] = [];
  const logs: Record<string, unknown>[] = [];
  const runnerOptions = (restart: RestartOptions = {}): LocalWorkflowRunnerOptions => ({
    region,
    store,
    timers,
    workflow,
    events,
    notifier: new ConsoleNotifier((line) => notices.push(line)),
    log: (entry) => logs.push(entry),
    tickEveryMs: restart.tickEveryMs ?? options.tickEveryMs ?? 0,
    ...(restart.repairGraceMs !== undefined ? { repairGraceMs: restart.repairGraceMs } : {}),
  });
  const harness: WorkflowHarness = {
    store,
    region,
    timers,
    workflow,
    runner: new LocalWorkflowRunner(runnerOptions()),
    events,
    notices,
    logs,
    async restart(restartOptions = {}) {
      harness.runner =
        restartOptions.resume === false
          ? new LocalWorkflowRunner(runnerOptions(restartOptions))
          : await LocalWorkflowRunner.launch(runnerOptions(restartOptions));
      return harness.runner;
    },
    async newReferral(details) {
      const referral = await createReferral(store, {
        details: details ?? referralInput({}, region),
        referrerSub: actors.clinician.sub,
      });
      await startReferralWorkflow({ store, workflow: harness.runner }, referral);
      return referral;
    },
    async move(referralId, event, extra = {}) {
      const referral = await getReferral(store, referralId);
      return applyTransition({ store, workflow: harness.runner }, {
        referralId,
        event,
        actor: actorFor(event, referral),
        ...defaultsFor(event),
        ...extra,
      } as TransitionInput);
    },
    waitingIn(referralId, stage) {
      if (!waitFor(stage)) throw new Error(`${stage} has no wait`);
      return eventually(`the machine to wait in ${stage}`, async () => {
        const referral = await getReferral(store, referralId);
        return referral.stage === stage && referral.waitStage === stage && referral.waitToken
          ? referral
          : undefined;
      });
    },
    async moveWhenWaiting(referralId, from, event, extra) {
      await harness.waitingIn(referralId, from);
      return harness.move(referralId, event, extra);
    },
    async alertsFor(audience, referralId) {
      const key = audience === 'coordinators' ? Audience.coordinators(region) : Audience.user(audience);
      const alerts: Alert[] = [];
      let nextToken: string | undefined;
      do {
        const page = await listAlerts(store, key, { limit: 100, ...(nextToken ? { nextToken } : {}) });
        alerts.push(...page.items);
        nextToken = page.nextToken;
      } while (nextToken);
      return alerts.filter((a) => referralId === undefined || a.referralId === referralId).reverse();
    },
    alertsOfKind(audience, referralId, kind, count = 1) {
      return eventually(`${count} ${kind} alert(s) to ${audience}`, async () => {
        const alerts = (await harness.alertsFor(audience, referralId)).filter((a) => a.kind === kind);
        const published = new Set(events.published.map((e) => e.detail.alertId));
        return alerts.length >= count && alerts.every((a) => published.has(a.id)) ? alerts : undefined;
      });
    },
    ended(executionName, status = 'SUCCEEDED') {
      return eventually(`execution ${executionName} to end ${status}`, () => {
        const execution = harness.runner.execution(executionName);
        if (execution && execution.status !== 'RUNNING' && execution.status !== status) {
          throw new Error(`Execution ended ${execution.status} (${execution.error ?? ''})`);
        }
        return execution?.status === status ? execution : undefined;
      });
    },
    async stop() {
      await harness.runner.stop();
      store.doc.destroy();
    },
  };
  return harness;
}

/**
 * The whole lifecycle through every open stage, as (stage, the event that moves it on) pairs: a referral
 * reaches a stage by the events before it.
 */
export const FULL_PATH: readonly [Stage, LifecycleEvent][] = [
  [Stage.REFERRED, 'accept'],
  [Stage.AWAITING_MATCH, 'match'],
  [Stage.GOAL_SETTING, 'setGoals'],
  [Stage.IN_SESSIONS, 'hold'],
  [Stage.ON_HOLD, 'resume'],
  [Stage.IN_SESSIONS, 'goalsAchieved'],
  [Stage.GOALS_ACHIEVED, 'close'],
];
