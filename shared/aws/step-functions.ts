import {
  DescribeExecutionCommand,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import type { StartOptions, WorkflowGateway } from '#app/ports.ts';
import { checkExecutionName, executionInput } from '#app/workflow-gateway.ts';
import type { ClosedCause, WaitOutcome } from '#domain/workflow-contract.ts';

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
