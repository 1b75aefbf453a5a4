/** A local execution of the referral state machine: what the runner keeps of it and what it shows. */

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED';

export interface ExecutionInfo {
  name: string;
  referralId: string;
  status: ExecutionStatus;
  /** States entered (Step Functions bills a Standard workflow per state transition). */
  transitions: number;
  /** The states entered, in order (the latest 500). */
  states: string[];
  /** The error name if it failed. */
  error?: string;
}

export interface LocalExecution extends ExecutionInfo {
  abort(): void;
  /** Settles when the execution has ended and its last task handler has returned. */
  done: Promise<void>;
  /** Values the ASL reads with TimeoutSecondsPath (see `timeoutSources`). */
  shadow: Map<string, unknown>;
  inflight: Set<Promise<unknown>>;
}

export function info(execution: LocalExecution): ExecutionInfo {
  const { name, referralId, status, transitions, states, error } = execution;
  return { name, referralId, status, transitions, states: [...states], ...(error ? { error } : {}) };
}

/** The referral an execution drives: `<id>` or `<id>-r<n>`. */
export function referralIdOf(executionName: string): string {
  return executionName.replace(/-r\d+$/, '');
}

export function errorName(error: unknown): string {
  return typeof error === 'object' && error !== null ? String((error as { name?: unknown }).name) : 'Error';
}
