import type { EventPublisher, Notifier, UserDirectory, WorkflowGateway } from '#app/ports.ts';
import { CognitoUserDirectory } from '#aws/cognito-directory.ts';
import { cloudPorts } from '#aws/notifications.ts';
import { SsmSecretKeys } from '#aws/ssm-secret-keys.ts';
import { StepFunctionsGateway } from '#aws/step-functions.ts';
import { createStore, type Store } from '#data/store.ts';
import { type ProgramRegion, ProgramRegionSchema } from '#domain/roles.ts';
import { type Timers, timersFromEnv } from '#domain/settings.ts';

/** Everything a workflow task handler needs. The Lambdas build it from their environment; the local runner
 * builds it from DynamoDB Local, the console and itself. */
export interface TaskDeps {
  store: Store;
  /** Completes or fails task tokens (a wait that finds its stage already moved). */
  workflow: Pick<WorkflowGateway, 'succeed' | 'fail'>;
  notifier: Notifier;
  events: EventPublisher;
  /** The people alerts reach (coordinators, the referring clinician, the worker). */
  directory: UserDirectory;
  timers: Timers;
  /** Structured log line: ids, stages and codes only. */
  log: (entry: Record<string, unknown>) => void;
}

export const jsonLog = (entry: Record<string, unknown>): void => {
  console.log(JSON.stringify(entry));
};

/** The cloud's task dependencies: the gateway is Step Functions itself (the reconciler also starts and
 * describes executions). */
export interface CloudTaskDeps extends TaskDeps {
  workflow: StepFunctionsGateway;
}

let cached: CloudTaskDeps | undefined;

/**
 * The cloud dependencies, from the environment the stack sets: `PROGRAM_REGION`, `TABLE_NAME`,
 * `TOPIC_ARN`, `EVENT_BUS_NAME`, `USER_POOL_ID`, optional `STATE_MACHINE_ARN` and `TIMERS` (JSON seconds). Built once per
 * Lambda container.
 */
export function cloudDeps(env: Readonly<Record<string, string | undefined>> = process.env): CloudTaskDeps {
  if (cached) return cached;
  const region = ProgramRegionSchema.parse(env.PROGRAM_REGION);
  cached = {
    store: createStore({
      region,
      ...(env.TABLE_NAME ? { tableName: env.TABLE_NAME } : {}),
      secrets: new SsmSecretKeys({ env }),
    }),
    workflow: new StepFunctionsGateway({ stateMachineArn: env.STATE_MACHINE_ARN }),
    ...cloudPorts(env),
    directory: cloudDirectory(region, env),
    timers: timersFromEnv(env),
    log: jsonLog,
  };
  return cached;
}

/**
 * The region's user pool. Without `USER_POOL_ID` every alert fails loudly (the task is retried and its
 * failure visible) rather than quietly reaching nobody.
 */
export function cloudDirectory(
  region: ProgramRegion,
  env: Readonly<Record<string, string | undefined>>,
): UserDirectory {
  if (env.USER_POOL_ID) return new CognitoUserDirectory({ userPoolId: env.USER_POOL_ID, region });
  const missing = async (): Promise<never> => {
    throw new Error('USER_POOL_ID is not set: alerts cannot reach people');
  };
  return { createUser: missing, listUsers: missing };
}
