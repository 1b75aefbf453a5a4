import type { WorkflowFunctions } from '../workflows/definition.ts';

/**
 * How the local runner reads the synthesized ASL: which workflow function each Task state runs, where each
 * TimeoutSecondsPath value comes from, and the cap a Node timer puts on those values.
 */

export type TaskName = keyof WorkflowFunctions;
export type AslState = {
  Type: string;
  Resource?: string;
  Parameters?: { FunctionName?: string };
  TimeoutSecondsPath?: string;
  ResultPath?: string | null;
  ResultSelector?: unknown;
  Result?: unknown;
};
/** The Pass result, or the Task state, that writes a TimeoutSecondsPath root. */
export type TimeoutSource = { pass: unknown } | { task: string };

export interface StateMap {
  /** Task state name → the workflow function it runs. */
  taskOfState: Map<string, TaskName>;
  /** TimeoutSecondsPath root (`timers`, `activity`) → the Pass result or the Task state that writes it. */
  timeoutSources: Map<string, TimeoutSource>;
}

/**
 * The library waits with `setTimeout`, which fires at once for anything above 2^31−1 ms (24.8 days): a
 * 30-day hold review would time out immediately, again and again. Locally such a wait times out at 24.8
 * days instead (Step Functions itself allows a year).
 */
export const MAX_LOCAL_TIMEOUT_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

/** The timeout values a wait reads, each capped at what a Node timer can hold. */
export function withinTimerLimit(value: unknown): unknown {
  if (typeof value === 'number') return Math.min(value, MAX_LOCAL_TIMEOUT_SECONDS);
  if (Array.isArray(value)) return value.map(withinTimerLimit);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, withinTimerLimit(inner)]));
  }
  return value;
}

/** Which handler each Task runs, and where each TimeoutSecondsPath value comes from. */
export function mapStates(states: Record<string, AslState>, arns: Record<TaskName, string>): StateMap {
  const taskOfState = new Map<string, TaskName>();
  const timeoutSources = new Map<string, TimeoutSource>();
  const byArn = new Map(Object.entries(arns).map(([task, arn]) => [arn, task as TaskName]));
  for (const [name, state] of Object.entries(states)) {
    if (state.Type !== 'Task') continue;
    const arn = state.Parameters?.FunctionName ?? state.Resource;
    const task = arn ? byArn.get(arn) : undefined;
    if (!task) throw new Error(`Task ${name} calls no known workflow function`);
    taskOfState.set(name, task);
  }
  // aws-local-stepfunctions 3 resolves TimeoutSecondsPath against the task's Parameters; Step Functions
  // resolves it against the state input. The runner supplies the value from the state that wrote it.
  for (const [name, state] of Object.entries(states)) {
    const path = state.TimeoutSecondsPath;
    if (!path) continue;
    const root = /^\$\.([A-Za-z0-9_]+)\./.exec(path)?.[1];
    const writers = Object.entries(states).filter(([, s]) => s.ResultPath === `$.${root}`);
    const [writerName, writer] = writers[0] ?? [];
    if (!root || writers.length !== 1 || !writer || !writerName) {
      throw new Error(`State ${name}: TimeoutSecondsPath ${path} must be written by exactly one state`);
    }
    if (writer.Type === 'Pass' && writer.Result !== undefined)
      timeoutSources.set(root, { pass: writer.Result });
    else if (writer.Type === 'Task' && writer.ResultSelector === undefined) {
      timeoutSources.set(root, { task: writerName });
    } else throw new Error(`State ${name}: cannot supply ${path} locally`);
  }
  return { taskOfState, timeoutSources };
}
