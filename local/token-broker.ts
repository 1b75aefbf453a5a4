import { randomBytes } from 'node:crypto';

/**
 * Task tokens for the local runner. aws-local-stepfunctions has no callback pattern: the runner gives each
 * execution a context whose `Task.Token` issues a fresh token, and a `.waitForTaskToken` task's local
 * handler returns `wait(token)`, which settles when the gateway sends success or failure, like Step
 * Functions' SendTaskSuccess / SendTaskFailure. An unknown token (completed, timed out, from a stopped
 * runner) is simply not found, as Step Functions' TaskDoesNotExist / TaskTimedOut.
 */

interface Pending {
  executionName: string;
  resolve: (output: unknown) => void;
  reject: (error: Error) => void;
}

/** A task failure as the state machine sees it: `name` is the Error matched by Catch, `message` its Cause. */
export function taskFailure(error: string, cause: string): Error {
  const failure = new Error(cause);
  failure.name = error;
  return failure;
}

export class TokenBroker {
  private readonly pending = new Map<string, Pending>();

  /** A fresh, unguessable token (Step Functions' tokens are opaque too). */
  issue(): string {
    return randomBytes(32).toString('base64url');
  }

  /**
   * Registers the token of an execution's wait and returns what the wait outputs. An execution waits in one
   * task at a time, so its older tokens (of waits that timed out) are dropped.
   */
  wait(token: string, executionName: string): Promise<unknown> {
    for (const [other, entry] of this.pending) {
      if (entry.executionName === executionName) this.pending.delete(other);
    }
    return new Promise((resolve, reject) => {
      this.pending.set(token, { executionName, resolve, reject });
    });
  }

  /** Completes a waiting task; false if the token is not waiting. */
  succeed(token: string, output: unknown): boolean {
    const entry = this.pending.get(token);
    if (!entry) return false;
    this.pending.delete(token);
    entry.resolve(output);
    return true;
  }

  /** Fails a waiting task with a named error; false if the token is not waiting. */
  fail(token: string, error: string, cause: string): boolean {
    const entry = this.pending.get(token);
    if (!entry) return false;
    this.pending.delete(token);
    entry.reject(taskFailure(error, cause));
    return true;
  }

  /** Forgets a token without settling it (its task failed before it could wait). */
  discard(token: string): void {
    this.pending.delete(token);
  }

  /** Rejects every token of an execution (the runner stops it). */
  abortExecution(executionName: string, error: Error): void {
    for (const [token, entry] of this.pending) {
      if (entry.executionName !== executionName) continue;
      this.pending.delete(token);
      entry.reject(error);
    }
  }

  isWaiting(token: string): boolean {
    return this.pending.has(token);
  }

  get size(): number {
    return this.pending.size;
  }
}
