import { NotFoundError } from '#app/errors.ts';
import type { EventPublisher, UserDirectory, WorkflowGateway } from '#app/ports.ts';
import { CognitoUserDirectory } from '#aws/cognito-directory.ts';
import { EventBridgePublisher } from '#aws/notifications.ts';
import { SsmSecretKeys } from '#aws/ssm-secret-keys.ts';
import { StepFunctionsGateway } from '#aws/step-functions.ts';
import { createStore, type Store } from '#data/store.ts';
import { type ProgramRegion, ProgramRegionSchema } from '#domain/roles.ts';

/**
 * What the API handlers need for one program region: its table, its state machine and its user directory.
 *
 * In the cloud each region is its own stack, so a Lambda serves exactly one region and builds these once
 * per container from the environment the stack sets (`PROGRAM_REGION`, `TABLE_NAME`, `STATE_MACHINE_ARN`,
 * `USER_POOL_ID`). Locally one process serves every region: the local stack installs a resolver with
 * `useApiDeps` (DynamoDB Local, the local workflow runner, the local user directory).
 */
export interface ApiDeps {
  store: Store;
  workflow: WorkflowGateway;
  users: UserDirectory;
  /** Where alerts raised by the API are published (ids only); absent: not published. */
  events?: EventPublisher;
  /** Structured log line: ids, stages and codes only. */
  log: (entry: Record<string, unknown>) => void;
}

export type ApiDepsResolver = (region: ProgramRegion) => ApiDeps | undefined;

let resolver: ApiDepsResolver | undefined;
let cloud: ApiDeps | undefined;

/** Installs the dependencies for this process (the local stack; tests). `undefined` removes them. */
export function useApiDeps(next: ApiDepsResolver | undefined): void {
  resolver = next;
}

export const jsonLog = (entry: Record<string, unknown>): void => {
  console.log(JSON.stringify(entry));
};

/**
 * The dependencies for the caller's region. A region this API does not serve is `NotFoundError` (404), as
 * anything that is not the caller's.
 */
export function apiDeps(
  region: ProgramRegion,
  env: Readonly<Record<string, string | undefined>> = process.env,
): ApiDeps {
  if (resolver) {
    const deps = resolver(region);
    if (!deps) throw new NotFoundError('Region', region);
    return deps;
  }
  const served = ProgramRegionSchema.parse(env.PROGRAM_REGION);
  if (served !== region) throw new NotFoundError('Region', region);
  if (!cloud) {
    if (!env.USER_POOL_ID) throw new Error('USER_POOL_ID is not set');
    cloud = {
      store: createStore({
        region: served,
        ...(env.TABLE_NAME ? { tableName: env.TABLE_NAME } : {}),
        secrets: new SsmSecretKeys({ env }),
      }),
      workflow: new StepFunctionsGateway({ stateMachineArn: env.STATE_MACHINE_ARN }),
      users: new CognitoUserDirectory({ userPoolId: env.USER_POOL_ID, region: served }),
      ...(env.EVENT_BUS_NAME ? { events: new EventBridgePublisher(env.EVENT_BUS_NAME) } : {}),
      log: jsonLog,
    };
  }
  return cloud;
}
