import '../../local/polyfill.ts';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { lambdaPlaceholderArn, resolveDefinition, stateMachineDefinition } from '../../infra/asl.ts';
import { TokenBroker, taskFailure } from '../../local/token-broker.ts';
import { type AslState, mapStates, withinTimerLimit } from '../../local/workflow-asl.ts';
import { ServiceError, type StepFunctionsBackend } from './fakes.ts';
import type { LambdaHosts } from './hosts.ts';
import type { StackTemplate } from './template.ts';

/**
 * The Step Functions behind the fake: the template's own state machine definition, run by
 * aws-local-stepfunctions (as local/workflow-runner.ts does), each Task state invoking the synthesized
 * bundle of the function its Resource (or `Parameters.FunctionName`) names, in that function's host. A
 * `.waitForTaskToken` task waits for SendTaskSuccess/SendTaskFailure to reach the fake from a bundle.
 */

interface Execution {
  arn: string;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED';
  startDate: Date;
  error?: string;
  abort: () => void;
  done: Promise<void>;
  shadow: Map<string, unknown>;
}

type Handlers = Record<string, (input: Record<string, any>) => Promise<unknown>>;

export class ContractStateMachine implements StepFunctionsBackend {
  readonly arn: string;
  readonly executions = new Map<string, Execution>();
  /** Every task failure the bundles raised (name: message), for the report. */
  readonly taskErrors: string[] = [];
  private readonly machine: StateMachine;
  private readonly broker = new TokenBroker();
  private readonly tokenMachines = new Map<string, string>();
  private readonly taskOfState: Map<string, string>;
  private readonly timeoutSources: ReturnType<typeof mapStates>['timeoutSources'];

  constructor(
    template: StackTemplate,
    private readonly hosts: LambdaHosts,
  ) {
    const machines = template.ofType('AWS::StepFunctions::StateMachine');
    if (machines.length !== 1) throw new Error(`Expected one state machine, found ${machines.length}`);
    this.arn = template.resolve({ Ref: machines[0]![0] });
    const asl = resolveDefinition(
      template.template as never,
      stateMachineDefinition(template.template as never),
      template.awsRegion,
    );
    const definition = JSON.parse(asl) as StateMachineDefinition;
    this.machine = new StateMachine(definition, { validationOptions: { noValidate: true } });
    const arns = Object.fromEntries(
      template
        .ofType('AWS::Lambda::Function')
        .map(([id]) => [id, lambdaPlaceholderArn(template.awsRegion, id)]),
    );
    ({ taskOfState: this.taskOfState, timeoutSources: this.timeoutSources } = mapStates(
      definition.States as Record<string, AslState>,
      arns as never,
    ));
  }

  /** The logical ids of the functions the definition's Task states invoke. */
  taskFunctions(): string[] {
    return [...new Set(this.taskOfState.values())];
  }

  start(stateMachineArn: string, name: string, input: string): { executionArn: string; startDate: Date } {
    if (stateMachineArn !== this.arn) throw new ServiceError('StateMachineDoesNotExist', 'No such machine');
    const executionArn = `${this.arn.replace(':stateMachine:', ':execution:')}:${name}`;
    if (this.executions.has(executionArn)) {
      throw new ServiceError('ExecutionAlreadyExists', `Execution already exists: '${executionArn}'`);
    }
    this.launch(executionArn, name, JSON.parse(input) as Record<string, unknown>);
    return { executionArn, startDate: this.executions.get(executionArn)!.startDate };
  }

  describe(executionArn: string): { status: string; stateMachineArn: string; startDate: Date } {
    const execution = this.executions.get(executionArn);
    if (!execution) throw new ServiceError('ExecutionDoesNotExist', `Execution does not exist`);
    return { status: execution.status, stateMachineArn: this.arn, startDate: execution.startDate };
  }

  machineOfToken(token: string): string {
    const machine = this.tokenMachines.get(token);
    if (!machine) throw new ServiceError('InvalidToken', 'Invalid token');
    return machine;
  }

  succeed(token: string, output: string): void {
    if (!this.broker.succeed(token, JSON.parse(output))) {
      throw new ServiceError('TaskDoesNotExist', 'Task does not exist anymore');
    }
  }

  fail(token: string, error: string, cause: string): void {
    if (!this.broker.fail(token, error, cause)) {
      throw new ServiceError('TaskDoesNotExist', 'Task does not exist anymore');
    }
  }

  async stop(): Promise<void> {
    const running = [...this.executions.values()].filter((e) => e.status === 'RUNNING');
    for (const execution of running) {
      execution.abort();
      this.broker.abortExecution(execution.arn, taskFailure('Stopped', 'The contract run ended'));
    }
    await Promise.allSettled(running.map((e) => e.done));
  }

  private launch(executionArn: string, name: string, input: Record<string, unknown>): void {
    const shadow = new Map<string, unknown>();
    for (const [root, source] of this.timeoutSources) if ('pass' in source) shadow.set(root, source.pass);
    const execution: Execution = {
      arn: executionArn,
      status: 'RUNNING',
      startDate: new Date(),
      abort: () => {},
      done: Promise.resolve(),
      shadow,
    };
    this.executions.set(executionArn, execution);
    const broker = this.broker;
    const tokenMachines = this.tokenMachines;
    const machineArn = this.arn;
    const run = this.machine.run(input as never, {
      noThrowOnAbort: true,
      context: {
        Execution: { Id: executionArn, Name: name },
        StateMachine: { Id: machineArn, Name: machineArn.split(':').pop() },
        State: {
          get EnteredTime() {
            return new Date().toISOString();
          },
        },
        Task: {
          get Token() {
            const token = broker.issue();
            tokenMachines.set(token, machineArn);
            return token;
          },
        },
      },
      overrides: { taskResourceLocalHandlers: this.handlersFor(execution) as never },
    });
    let aborted = false;
    execution.abort = () => {
      aborted = true;
      run.abort();
    };
    execution.done = run.result.then(
      () => {
        execution.status = aborted ? 'ABORTED' : 'SUCCEEDED';
      },
      (error: unknown) => {
        execution.status = 'FAILED';
        execution.error = String((error as { cause?: Error }).cause?.name ?? (error as Error).name);
      },
    );
  }

  private handlersFor(execution: Execution): Handlers {
    const handlers: Handlers = {};
    for (const [stateName, logicalId] of this.taskOfState) {
      handlers[stateName] = async (input) => {
        if (input.Payload?.taskToken !== undefined) return this.runWait(execution, logicalId, input);
        const result = await this.invoke(logicalId, input);
        for (const [root, source] of this.timeoutSources) {
          if ('task' in source && source.task === stateName) execution.shadow.set(root, result);
        }
        return result;
      };
    }
    return handlers;
  }

  private async invoke(logicalId: string, payload: unknown): Promise<unknown> {
    try {
      return await this.hosts.invoke(logicalId, payload);
    } catch (error) {
      this.taskErrors.push(`${logicalId} ${(error as Error).name}: ${(error as Error).message}`);
      throw error;
    }
  }

  /** Synchronous up to its return: the library reads TimeoutSecondsPath from `input` right after the call. */
  private runWait(execution: Execution, logicalId: string, input: Record<string, any>): Promise<unknown> {
    for (const [root] of this.timeoutSources) {
      if (execution.shadow.has(root)) input[root] = withinTimerLimit(execution.shadow.get(root));
    }
    const token = String(input.Payload.taskToken);
    const outcome = this.broker.wait(token, execution.arn);
    return this.invoke(logicalId, input.Payload).then(
      () => outcome,
      (error: unknown) => {
        this.broker.discard(token);
        throw error;
      },
    );
  }
}
