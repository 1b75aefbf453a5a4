import { Duration } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { FINAL_STAGES, type Stage, TIMERS, TRANSITIONS, WAITS, type Wait } from '#domain/lifecycle.ts';
import type { Timers } from '#domain/settings.ts';
import { REFERRAL_CLOSED_ERROR } from '#domain/workflow-contract.ts';

/**
 * The referral lifecycle as one Standard state machine, derived from `WAITS` and `TRANSITIONS`.
 *
 *   LoadTimers ─▶ ResumeAt ─(resumeAt = a wait's step)────────────────▶ that wait
 *                          └(none)─▶ NotifyNewReferral ─▶ first wait
 *   <wait> ─success {stage, event}─▶ NotifyTransition ─▶ RouteByStage ─▶ the wait of the new stage │ Done
 *          ─States.Timeout────────▶ <step>Overdue (alert) ─▶ <wait> again
 *          ─ReferralClosed────────▶ NotifyClosure ─▶ Done
 *   The no-session wait is entered through CheckActivity (remaining seconds since the later of the last
 *   session and entering the stage), and on its timeout checks again before it alerts.
 *
 * Input is ids only: `{referralId, region, resumeAt?}`; every task reads what it needs from the table.
 */

export const STATE = {
  loadTimers: 'LoadTimers',
  resumeAt: 'ResumeAt',
  unknownResumeAt: 'UnknownResumeAt',
  notifyNewReferral: 'NotifyNewReferral',
  notifyTransition: 'NotifyTransition',
  routeByStage: 'RouteByStage',
  notifyClosure: 'NotifyClosure',
  checkActivity: 'CheckActivity',
  activityOverdue: 'NoSessionOverdue',
  done: 'Done',
} as const;

export const overdueStateName = (wait: Wait): string => `${wait.step}Overdue`;

/** The JSON paths the definition and the tasks agree on. */
export const PATH = {
  timers: '$.timers',
  outcome: '$.outcome',
  activity: '$.activity',
  closed: '$.closed',
  timedOut: '$.timedOut',
} as const;

export interface WorkflowFunctions {
  /** Stores the task token on the referral if it still waits in the stage, else completes it at once. */
  waitForPerson: lambda.IFunction;
  /** Writes and publishes the alerts for a transition, an overdue timer or a closure. */
  notify: lambda.IFunction;
  /** Seconds left before the no-session timer runs out, and whether it already has. */
  checkActivity: lambda.IFunction;
}

export interface ReferralWorkflowProps {
  /** The region's timers (seconds), baked into the definition at synth. */
  timers: Timers;
  functions: WorkflowFunctions;
}

const TASK_TIMEOUT = sfn.Timeout.duration(Duration.seconds(60));
/**
 * Lambda's transient invoke errors, retried on every task (waits included) before anything else matches:
 * throttling (`TooManyRequestsException`, e.g. the account's concurrency in use) and the service errors CDK's
 * `retryOnServiceExceptions` lists. A wait retried this way invokes waitForPerson again with a new token,
 * which it stores only if the stage still waits; ReferralClosed is not among them.
 */
export const LAMBDA_TRANSIENT_ERRORS = [
  'Lambda.TooManyRequestsException',
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.ClientExecutionTimeoutException',
] as const;
const LAMBDA_TRANSIENT_RETRY: sfn.RetryProps = {
  errors: [...LAMBDA_TRANSIENT_ERRORS],
  interval: Duration.seconds(2),
  maxAttempts: 6,
  backoffRate: 2,
  jitterStrategy: sfn.JitterType.FULL,
};
const NOTIFY_RETRY: sfn.RetryProps = {
  // Handler errors (a throttled table…). Not used on waits: there States.TaskFailed would also match the
  // ReferralClosed failure the API sends.
  errors: ['States.TaskFailed'],
  interval: Duration.seconds(2),
  maxAttempts: 2,
  backoffRate: 2,
};

function checkLifecycleShape(): { activityWait: Wait } {
  const waitStages = new Set(WAITS.map((w) => w.stage));
  for (const t of TRANSITIONS) {
    if (!waitStages.has(t.to) && !FINAL_STAGES.includes(t.to)) {
      throw new Error(`Transition ${t.from} -${t.event}-> ${t.to} leads to a stage with no wait`);
    }
  }
  const activityWaits = WAITS.filter((w) => w.timer === 'noSession');
  const activityWait = activityWaits[0];
  if (activityWaits.length !== 1 || !activityWait)
    throw new Error('Exactly one wait uses the no-session timer');
  return { activityWait };
}

/** The timers the waits use, in seconds: `$.timers` of every execution. */
export function waitTimers(timers: Timers): Record<string, number> {
  return Object.fromEntries(TIMERS.map((name) => [name, timers[name]]));
}

/**
 * Builds the chain (states live under a `ReferralWorkflow` construct of `scope`). The caller wraps it in a
 * `StateMachine` with `DefinitionBody.fromChainable`.
 */
export function buildReferralWorkflow(scope: Construct, props: ReferralWorkflowProps): sfn.IChainable {
  const { activityWait } = checkLifecycleShape();
  const { functions } = props;
  const s = new Construct(scope, 'ReferralWorkflow');
  const ids = {
    referralId: sfn.JsonPath.stringAt('$.referralId'),
    region: sfn.JsonPath.stringAt('$.region'),
  };

  const invoke = (id: string, fn: lambda.IFunction, payload: Record<string, unknown>, resultPath: string) => {
    const task = new tasks.LambdaInvoke(s, id, {
      lambdaFunction: fn,
      payload: sfn.TaskInput.fromObject(payload),
      payloadResponseOnly: true,
      retryOnServiceExceptions: false,
      resultPath,
      taskTimeout: TASK_TIMEOUT,
    });
    task.addRetry(LAMBDA_TRANSIENT_RETRY);
    task.addRetry(NOTIFY_RETRY);
    return task;
  };
  // Execution name and state entry time make the alert ids of a retried notify the same.
  const notify = (id: string, payload: Record<string, unknown>) =>
    invoke(
      id,
      functions.notify,
      {
        ...ids,
        execution: sfn.JsonPath.stringAt('$$.Execution.Name'),
        enteredAt: sfn.JsonPath.stringAt('$$.State.EnteredTime'),
        ...payload,
      },
      sfn.JsonPath.DISCARD,
    );

  const done = new sfn.Succeed(s, STATE.done);
  const notifyClosure = notify(STATE.notifyClosure, {
    notice: 'CLOSED_EARLY',
    cause: sfn.JsonPath.stringAt(`${PATH.closed}.Cause`),
  }).next(done);
  const notifyTransition = notify(STATE.notifyTransition, {
    notice: 'TRANSITION',
    from: sfn.JsonPath.stringAt(`${PATH.outcome}.from`),
    stage: sfn.JsonPath.stringAt(`${PATH.outcome}.stage`),
    event: sfn.JsonPath.stringAt(`${PATH.outcome}.event`),
  });
  const routeByStage = new sfn.Choice(s, STATE.routeByStage);
  notifyTransition.next(routeByStage);

  const checkActivity = invoke(
    STATE.checkActivity,
    functions.checkActivity,
    {
      ...ids,
      stage: activityWait.stage,
      noSessionSeconds: sfn.JsonPath.numberAt(`${PATH.timers}.${activityWait.timer}`),
    },
    PATH.activity,
  );

  const waitTasks = new Map<Stage, tasks.LambdaInvoke>();
  for (const wait of WAITS) {
    const isActivityWait = wait === activityWait;
    const task = new tasks.LambdaInvoke(s, wait.step, {
      lambdaFunction: functions.waitForPerson,
      integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
      payload: sfn.TaskInput.fromObject({ taskToken: sfn.JsonPath.taskToken, ...ids, stage: wait.stage }),
      retryOnServiceExceptions: false,
      taskTimeout: sfn.Timeout.at(
        isActivityWait ? `${PATH.activity}.remainingSeconds` : `${PATH.timers}.${wait.timer}`,
      ),
      // The closure notice needs the stage the wait was in; a constant in the selector keeps it in the state.
      resultSelector: { 'stage.$': '$.stage', 'event.$': '$.event', from: wait.stage },
      resultPath: PATH.outcome,
    });
    task.addRetry(LAMBDA_TRANSIENT_RETRY);
    task.addCatch(notifyClosure, { errors: [REFERRAL_CLOSED_ERROR], resultPath: PATH.closed });
    if (isActivityWait) {
      task.addCatch(checkActivity, { errors: [sfn.Errors.TIMEOUT], resultPath: PATH.timedOut });
      const overdue = notify(overdueStateName(wait), {
        notice: 'OVERDUE',
        stage: wait.stage,
        alert: wait.overdueAlert,
      });
      overdue.next(task);
      checkActivity.next(
        new sfn.Choice(s, STATE.activityOverdue)
          .when(sfn.Condition.booleanEquals(`${PATH.activity}.overdue`, true), overdue)
          .otherwise(task),
      );
    } else {
      const overdue = notify(overdueStateName(wait), {
        notice: 'OVERDUE',
        stage: wait.stage,
        alert: wait.overdueAlert,
      });
      overdue.next(task);
      task.addCatch(overdue, { errors: [sfn.Errors.TIMEOUT], resultPath: PATH.timedOut });
    }
    task.next(notifyTransition);
    waitTasks.set(wait.stage, task);
  }

  const entryOf = (wait: Wait): sfn.IChainable =>
    wait === activityWait ? checkActivity : (waitTasks.get(wait.stage) as tasks.LambdaInvoke);

  // Every stage a transition can reach: its wait, or the end.
  const reachable = [...new Set(TRANSITIONS.map((t) => t.to))];
  for (const stage of reachable) {
    const wait = WAITS.find((w) => w.stage === stage);
    routeByStage.when(
      sfn.Condition.stringEquals(`${PATH.outcome}.stage`, stage),
      wait ? entryOf(wait) : done,
    );
  }

  const firstWait = WAITS[0] as Wait;
  const resumeAt = new sfn.Choice(s, STATE.resumeAt);
  for (const wait of WAITS) {
    resumeAt.when(
      sfn.Condition.and(
        sfn.Condition.isPresent('$.resumeAt'),
        sfn.Condition.stringEquals('$.resumeAt', wait.step),
      ),
      entryOf(wait),
    );
  }
  resumeAt.when(
    sfn.Condition.isPresent('$.resumeAt'),
    new sfn.Fail(s, STATE.unknownResumeAt, { error: 'UnknownResumeAt', cause: 'resumeAt names no wait' }),
  );
  resumeAt.otherwise(notify(STATE.notifyNewReferral, { notice: 'NEW_REFERRAL' }).next(entryOf(firstWait)));

  const loadTimers = new sfn.Pass(s, STATE.loadTimers, {
    result: sfn.Result.fromObject(waitTimers(props.timers)),
    resultPath: PATH.timers,
  });
  return loadTimers.next(resumeAt);
}
