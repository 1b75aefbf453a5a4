import './polyfill.ts';
import { type RunOptions, StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import type { EventPublisher, Notifier, StartOptions, UserDirectory, WorkflowGateway } from '#app/ports.ts';
import { checkExecutionName, type ExecutionInput, executionInput } from '#app/workflow-gateway.ts';
import { getReferral } from '#data/referrals/reads.ts';
import type { Store } from '#data/store.ts';
import { type Stage, waitFor } from '#domain/lifecycle.ts';
import type { ProgramRegion } from '#domain/roles.ts';
import type { Timers } from '#domain/settings.ts';
import type {
  CheckActivityInput,
  ClosedCause,
  NotifyInput,
  ReferralClosedError,
  WaitForPersonInput,
  WaitOutcome,
} from '#domain/workflow-contract.ts';
import type { SynthesizedWorkflow } from '../infra/asl.ts';
import { regionConfig } from '../infra/regions.ts';
import { checkActivity } from '../workflows/tasks/check-activity.ts';
import type { TaskDeps } from '../workflows/tasks/deps.ts';
import { type FollowUpResult, followUp } from '../workflows/tasks/follow-up.ts';
import { notify } from '../workflows/tasks/notify.ts';
import { reconcileOpenReferrals, repairNumber } from '../workflows/tasks/reconcile.ts';
import { waitForPerson } from '../workflows/tasks/wait-for-person.ts';
import { ConsoleNotifier, MemoryEventPublisher } from './notifications.ts';
import { TokenBroker, taskFailure } from './token-broker.ts';
import { type AslState, mapStates, type StateMap, type TaskName, withinTimerLimit } from './workflow-asl.ts';

import {
  type ExecutionInfo,
  errorName,
  info,
  type LocalExecution,
  referralIdOf,
} from './workflow-executions.ts';

export { MAX_LOCAL_TIMEOUT_SECONDS, withinTimerLimit } from './workflow-asl.ts';
export type { ExecutionInfo, ExecutionStatus } from './workflow-executions.ts';

/**
 * Runs a region's referral state machine on a laptop: the exact ASL the region's stack synthesizes, executed
 * by aws-local-stepfunctions, each Task mapped to the handler function its Lambda runs, a token broker for
 * `.waitForTaskToken`, and a periodic tick for the follow-ups and repairs. It is also the region's local
 * `WorkflowGateway`.
 */

/** A directory with no people: alerts stay in the inbox (runners built without the stack's directory). */
const NOBODY: UserDirectory = {
  createUser: async () => {
    throw new Error('No user directory');
  },
  listUsers: async () => [],
};

export interface LocalWorkflowRunnerOptions {
  region: ProgramRegion;
  store: Store;
  /** Default: the region's configured timers. Tests shorten them (seconds). */
  timers?: Timers;
  notifier?: Notifier;
  events?: EventPublisher;
  /** Who alerts reach outside the inbox. Default: nobody (inbox only; the local stack passes its directory). */
  directory?: UserDirectory;
  /** Structured log lines (ids and stages only). Default: JSON on stdout. */
  log?: (entry: Record<string, unknown>) => void;
  /** Follow-ups and repairs every this many ms; 0 turns the tick off. Default 60 s. */
  tickEveryMs?: number;
  /** A referral changed this recently is left to its own start by the periodic repair. Default 60 s. */
  repairGraceMs?: number;
  /**
   * The region's synthesized workflow for these timers (`synthesizeWorkflow`, or the local stack's cached
   * copy): the runner executes exactly this ASL. Passed in so the runner never loads the CDK itself.
   */
  workflow: SynthesizedWorkflow;
}

export interface ResumeReport {
  /** `referralId → executionName` of the executions started. */
  started: Record<string, string>;
  /** Open referrals already driven by a running execution. */
  running: number;
}

type TaskHandler = (input: Record<string, unknown>) => Promise<unknown>;
/** The library types handlers over JSON values; ours take the task's (object) parameters. */
type LocalHandlers = NonNullable<NonNullable<RunOptions['overrides']>['taskResourceLocalHandlers']>;

const STOPPED = 'RunnerStopped';
const MAX_STATES_KEPT = 500;

export class LocalWorkflowRunner implements WorkflowGateway {
  readonly region: ProgramRegion;
  /** The ASL this runner executes: byte for byte what the region's stack synthesizes. */
  readonly asl: string;
  readonly timers: Timers;
  readonly events: EventPublisher;

  private readonly store: Store;
  private readonly machine: StateMachine;
  private readonly taskOfState: StateMap['taskOfState'];
  /** TimeoutSecondsPath root (`timers`, `activity`) → the Pass result or the Task state that writes it. */
  private readonly timeoutSources: StateMap['timeoutSources'];
  private readonly broker = new TokenBroker();
  private readonly executions = new Map<string, LocalExecution>();
  private readonly deps: TaskDeps;
  private readonly log: (entry: Record<string, unknown>) => void;
  private readonly repairGraceMs: number;
  private tickTimer: NodeJS.Timeout | undefined;
  private ticking: Promise<unknown> | undefined;
  private stopping = false;

  constructor(options: LocalWorkflowRunnerOptions) {
    this.region = options.region;
    this.store = options.store;
    if (options.store.region !== options.region) throw new Error('The store is for another region');
    this.timers = options.timers ?? regionConfig(options.region).timers;
    const workflow = options.workflow;
    this.asl = workflow.asl;
    const definition = JSON.parse(this.asl) as StateMachineDefinition;
    // The definition is CDK's own synth output (validated there); re-validating costs ~1 s per region.
    this.machine = new StateMachine(definition, { validationOptions: { noValidate: true } });
    this.log = options.log ?? ((entry) => console.log(JSON.stringify(entry)));
    this.repairGraceMs = options.repairGraceMs ?? 60_000;
    this.events = options.events ?? new MemoryEventPublisher();
    this.deps = {
      store: options.store,
      workflow: this,
      notifier: options.notifier ?? new ConsoleNotifier(),
      events: this.events,
      directory: options.directory ?? NOBODY,
      timers: this.timers,
      log: this.log,
    };
    ({ taskOfState: this.taskOfState, timeoutSources: this.timeoutSources } = mapStates(
      definition.States as Record<string, AslState>,
      workflow.functionArns,
    ));
    const every = options.tickEveryMs ?? 60_000;
    if (every > 0) {
      this.tickTimer = setInterval(() => void this.tick(), every);
      this.tickTimer.unref();
    }
  }

  /** Builds a runner and resumes every open referral of the region from the table. */
  static async launch(options: LocalWorkflowRunnerOptions): Promise<LocalWorkflowRunner> {
    const runner = new LocalWorkflowRunner(options);
    await runner.resumeOpenReferrals({ graceMs: 0 });
    return runner;
  }

  // --- WorkflowGateway -------------------------------------------------------------------------------------

  /**
   * Starts an execution named by the referral id (or `executionName`). A no-op, like Step Functions'
   * ExecutionAlreadyExists, when the name was already used (by this runner, or recorded on the referral by
   * an earlier one), when another execution drives the referral, or when the referral is closed.
   */
  async start(referralId: string, region: string, opts: StartOptions = {}): Promise<void> {
    if (region !== this.region) throw new Error(`This runner runs region ${this.region}`);
    if (this.stopping) throw new Error('The workflow runner is stopped');
    const name = checkExecutionName(opts.executionName ?? referralId);
    if (this.executions.has(name) || this.runningFor(referralId)) return;
    const referral = opts.known ?? (await getReferral(this.store, referralId));
    if (!waitFor(referral.stage as Stage)) return;
    if (referral.executionName !== undefined && repairNumber(name) <= repairNumber(referral.executionName))
      return;
    if (this.executions.has(name) || this.runningFor(referralId)) return;
    this.launchExecution(name, referralId, executionInput(referralId, region, opts.resumeAt));
  }

  async succeed(taskToken: string, output: WaitOutcome): Promise<void> {
    this.broker.succeed(taskToken, { stage: output.stage, event: output.event });
  }

  async fail(taskToken: string, error: ReferralClosedError, cause: ClosedCause = {}): Promise<void> {
    this.broker.fail(taskToken, error, JSON.stringify(cause));
  }

  // --- repair and follow-ups ---------------------------------------------------------------------------------

  isRunning(executionName: string): boolean {
    return this.executions.get(executionName)?.status === 'RUNNING';
  }

  /**
   * Every open referral without a running execution gets one: a referral never started starts from the
   * beginning under its own id; any other resumes at its stage's wait as `<id>-r<n>`, recorded on it.
   * `graceMs` leaves alone referrals changed that recently (their own start may be on its way).
   */
  async resumeOpenReferrals(options: { graceMs?: number } = {}): Promise<ResumeReport> {
    // A referral counts as driven when any execution of it runs here, whatever name it records.
    const workflow = {
      start: (referralId: string, region: string, opts?: StartOptions) =>
        this.start(referralId, region, opts),
      isRunning: (executionName: string) => this.runningFor(referralIdOf(executionName)) !== undefined,
    };
    const report = await reconcileOpenReferrals(
      { store: this.store, workflow, log: this.log },
      { graceMs: options.graceMs ?? this.repairGraceMs, shouldStop: () => this.stopping },
    );
    return { started: report.started, running: report.running };
  }

  /** Raises the due follow-up alerts (overdue debriefs, expiring consents). */
  followUpNow(now?: Date): Promise<FollowUpResult> {
    return followUp(this.deps, now);
  }

  // --- inspection --------------------------------------------------------------------------------------------

  execution(name: string): ExecutionInfo | undefined {
    const execution = this.executions.get(name);
    return execution ? info(execution) : undefined;
  }

  executionsOf(referralId: string): ExecutionInfo[] {
    return [...this.executions.values()].filter((e) => e.referralId === referralId).map(info);
  }

  // --- stop ----------------------------------------------------------------------------------------------------

  /**
   * Stops every execution where it is: a task already running finishes (its alert is written), nothing
   * after it starts, waiting tasks are abandoned (their tokens stay on the referrals and go stale). Clears
   * every timer, so the process can exit. A new runner resumes the referrals from the table.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.tickTimer) clearInterval(this.tickTimer);
    this.tickTimer = undefined;
    await this.ticking?.catch(() => {});
    const running = [...this.executions.values()].filter((e) => e.status === 'RUNNING');
    for (const execution of running) {
      execution.abort();
      this.broker.abortExecution(execution.name, taskFailure(STOPPED, 'The workflow runner stopped'));
    }
    await Promise.allSettled(running.map((e) => e.done));
  }

  // --- internals -----------------------------------------------------------------------------------------------

  private runningFor(referralId: string): LocalExecution | undefined {
    for (const execution of this.executions.values()) {
      if (execution.referralId === referralId && execution.status === 'RUNNING') return execution;
    }
    return undefined;
  }

  private async tick(): Promise<void> {
    if (this.ticking || this.stopping) return;
    // Each on its own: a failing follow-up must not keep the repairs from running, nor the other way round.
    const attempt = async (work: () => Promise<unknown>) => {
      try {
        await work();
      } catch (error) {
        this.log({ msg: 'workflow tick failed', error: errorName(error) });
      }
    };
    const work = (async () => {
      await attempt(() => this.followUpNow());
      await attempt(() => this.resumeOpenReferrals());
    })();
    this.ticking = work;
    await work;
    this.ticking = undefined;
  }

  private launchExecution(name: string, referralId: string, input: ExecutionInput): void {
    if (this.stopping) throw new Error('The workflow runner is stopped');
    const broker = this.broker;
    const shadow = new Map<string, unknown>();
    for (const [root, source] of this.timeoutSources) if ('pass' in source) shadow.set(root, source.pass);
    const execution: LocalExecution = {
      name,
      referralId,
      status: 'RUNNING',
      transitions: 0,
      states: [],
      abort: () => {},
      done: Promise.resolve(),
      shadow,
      inflight: new Set(),
    };
    this.executions.set(name, execution);
    const run = this.machine.run(
      { ...input },
      {
        noThrowOnAbort: true,
        context: {
          Execution: { Id: `local:${this.region}:${name}`, Name: name },
          StateMachine: { Id: `local:${this.region}`, Name: `peerpath-${this.region}-referrals` },
          // Evaluated when a state's Parameters are built: the entry time of that state.
          State: {
            get EnteredTime() {
              return new Date().toISOString();
            },
          },
          Task: {
            get Token() {
              return broker.issue();
            },
          },
        },
        overrides: { taskResourceLocalHandlers: this.handlersFor(execution) as unknown as LocalHandlers },
      },
    );
    let aborted = false;
    execution.abort = () => {
      aborted = true;
      run.abort();
    };
    const events = (async () => {
      for await (const event of run.eventLogs) {
        if (event.type !== 'StateEntered') continue;
        execution.transitions++;
        execution.states.push(event.state.name);
        if (execution.states.length > MAX_STATES_KEPT) execution.states.shift();
      }
    })();
    const result = run.result.then(
      (): Pick<ExecutionInfo, 'status' | 'error'> => ({ status: aborted ? 'ABORTED' : 'SUCCEEDED' }),
      (error: unknown): Pick<ExecutionInfo, 'status' | 'error'> => ({
        status: 'FAILED',
        error: errorName((error as { cause?: unknown }).cause ?? error),
      }),
    );
    execution.done = (async () => {
      // The status changes only once the event log is read to its end: an ended execution's states are
      // complete (the log is read asynchronously and may trail the run).
      const [ended] = await Promise.allSettled([result, events]);
      const outcome = ended.status === 'fulfilled' ? ended.value : { status: 'FAILED' as const };
      execution.status = outcome.status;
      if (outcome.error !== undefined) {
        execution.error = outcome.error;
        this.log({ msg: 'workflow execution failed', referralId, execution: name, error: outcome.error });
      }
      while (execution.inflight.size > 0) await Promise.allSettled([...execution.inflight]);
    })();
  }

  private handlersFor(execution: LocalExecution): Record<string, TaskHandler> {
    const handlers: Record<string, TaskHandler> = {};
    for (const [stateName, task] of this.taskOfState) {
      handlers[stateName] = (input) => {
        const track = <T>(work: Promise<T>): Promise<T> => {
          execution.inflight.add(work);
          void work.finally(() => execution.inflight.delete(work)).catch(() => {});
          return work;
        };
        if (task === 'waitForPerson') return this.runWait(execution, input, track);
        // The Lambda's own return value is the task result (`payloadResponseOnly`).
        return track(this.runTask(task, input)).then((result) => {
          for (const [root, source] of this.timeoutSources) {
            if ('task' in source && source.task === stateName) execution.shadow.set(root, result);
          }
          return result;
        });
      };
    }
    return handlers;
  }

  private runTask(
    task: Exclude<TaskName, 'waitForPerson'>,
    input: Record<string, unknown>,
  ): Promise<unknown> {
    if (task === 'notify') return notify(this.deps, input as unknown as NotifyInput);
    return checkActivity(this.deps, input as unknown as CheckActivityInput);
  }

  /**
   * A `.waitForTaskToken` task: runs the wait's handler (store the token, or complete it at once), then
   * waits on the broker. Must stay synchronous up to its return: the library reads TimeoutSecondsPath from
   * `input` right after calling it.
   */
  private runWait(
    execution: LocalExecution,
    input: Record<string, unknown>,
    track: <T>(work: Promise<T>) => Promise<T>,
  ): Promise<unknown> {
    for (const [root] of this.timeoutSources) {
      if (execution.shadow.has(root)) input[root] = withinTimerLimit(execution.shadow.get(root));
    }
    if (this.stopping) return Promise.reject(taskFailure(STOPPED, 'The workflow runner stopped'));
    const payload = input.Payload as WaitForPersonInput;
    const outcome = this.broker.wait(payload.taskToken, execution.name);
    // The broker may reject the wait (the runner stops) before the token is stored, when nothing listens to
    // `outcome` yet: mark it handled here; the chain below still receives the rejection.
    outcome.catch(() => {});
    const stored = track(waitForPerson(this.deps, payload));
    return stored.then(
      () => outcome,
      (error: unknown) => {
        this.broker.discard(payload.taskToken);
        throw error;
      },
    );
  }
}
