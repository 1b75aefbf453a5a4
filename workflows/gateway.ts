import {
  DescribeExecutionCommand,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import type { ClosedCause, WaitOutcome } from './contract.ts';

/**
 * How the API (and the waits themselves) drive the referral state machine. The cloud one calls Step
 * Functions; the local one is the `LocalWorkflowRunner`. A missing, stale or expired token is not an error:
 * the machine's next wait reads the referral's stage from the table and catches up.
 */
export interface WorkflowGateway {
  /** Starts the referral's execution, named by the referral id unless `executionName` is given. Idempotent. */
  start(referralId: string, region: string, opts?: StartOptions): Promise<void>;
  /** Completes a wait with the referral's new stage and the event that moved it. */
  succeed(taskToken: string, output: WaitOutcome): Promise<void>;
  /** Fails a wait: only `ReferralClosed` (an early close or a withdrawal), with a `ClosedCause`. */
  fail(taskToken: string, error: 'ReferralClosed', cause?: ClosedCause): Promise<void>;
}

export interface StartOptions {
  /** The wait's step to start at (an execution rebuilt from the table). */
  resumeAt?: string;
  executionName?: string;
  /**
   * The referral as the caller has just written or read it. Step Functions needs nothing of it (a reused
   * name is refused by the service); the local runner, which must emulate that refusal from the table after
   * a restart, then skips reading the referral again.
   */
  known?: { stage: string; executionName?: string | undefined };
}

export interface ExecutionInput {
  referralId: string;
  region: string;
  resumeAt?: string;
}

export function executionInput(referralId: string, region: string, resumeAt?: string): ExecutionInput {
  return resumeAt ? { referralId, region, resumeAt } : { referralId, region };
}

/** Execution names allow letters, digits, `-` and `_` (80 max); a ULID always fits. */
export function checkExecutionName(name: string): string {
  if (!/^[A-Za-z0-9_-]{1,80}$/.test(name)) throw new Error('Invalid execution name');
  return name;
}

const IGNORED_TOKEN_ERRORS = new Set(['TaskDoesNotExist', 'InvalidToken', 'TaskTimedOut']);

function errorName(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null ? (error as { name?: string }).name : undefined;
}

export interface StepFunctionsGatewayOptions {
  /** Needed to start executions; completing tokens needs none. */
  stateMachineArn?: string | undefined;
  client?: SFNClient;
}

export class StepFunctionsGateway implements WorkflowGateway {
  private readonly client: SFNClient;
  private readonly stateMachineArn: string | undefined;

  constructor(options: StepFunctionsGatewayOptions) {
    this.client = options.client ?? new SFNClient({});
    this.stateMachineArn = options.stateMachineArn;
  }

  private machineArn(): string {
    if (!this.stateMachineArn) throw new Error('STATE_MACHINE_ARN is not set');
    return this.stateMachineArn;
  }

  async start(referralId: string, region: string, opts: StartOptions = {}): Promise<void> {
    try {
      await this.client.send(
        new StartExecutionCommand({
          stateMachineArn: this.machineArn(),
          name: checkExecutionName(opts.executionName ?? referralId),
          input: JSON.stringify(executionInput(referralId, region, opts.resumeAt)),
        }),
      );
    } catch (error) {
      // Same name already started (running or finished): a retried start is a no-op.
      if (errorName(error) !== 'ExecutionAlreadyExists') throw error;
    }
  }

  async succeed(taskToken: string, output: WaitOutcome): Promise<void> {
    const command = new SendTaskSuccessCommand({
      taskToken,
      output: JSON.stringify({ stage: output.stage, event: output.event }),
    });
    await ignoringStaleTokens(() => this.client.send(command));
  }

  async fail(taskToken: string, error: 'ReferralClosed', cause: ClosedCause = {}): Promise<void> {
    const command = new SendTaskFailureCommand({ taskToken, error, cause: JSON.stringify(cause) });
    await ignoringStaleTokens(() => this.client.send(command));
  }

  /** For the reconciler: is the named execution still running? (absent = not running) */
  async isRunning(executionName: string): Promise<boolean> {
    const executionArn = `${this.machineArn().replace(':stateMachine:', ':execution:')}:${executionName}`;
    try {
      const out = await this.client.send(new DescribeExecutionCommand({ executionArn }));
      return out.status === 'RUNNING';
    } catch (error) {
      if (errorName(error) === 'ExecutionDoesNotExist') return false;
      throw error;
    }
  }
}

/** A token that no longer waits (completed, timed out, from a stopped execution) is not an error. */
async function ignoringStaleTokens(send: () => Promise<unknown>): Promise<void> {
  try {
    await send();
  } catch (error) {
    if (!IGNORED_TOKEN_ERRORS.has(errorName(error) ?? '')) throw error;
  }
}
