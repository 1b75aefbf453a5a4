import { basename } from 'node:path';
import { Duration } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { ROUTES } from '#api/routes.ts';
import type { RegionConfig } from '../regions.ts';
import { pascal } from './auth.ts';
import type { PeerPathData } from './data.ts';
import { PeerPathFunction } from './peerpath-function.ts';
import { type FunctionDefaults, nameFor, StackPart } from './stack-part.ts';
import type { PeerPathWorkflow } from './workflow.ts';

/** Every API handler file exports `dispatch`, which routes the event to that file's handler for the route. */
export const API_HANDLER_EXPORT = 'dispatch';

/** What one API handler file may touch. Least privilege: each file gets only what its routes need. */
export interface ApiPermissions {
  table: 'none' | 'read' | 'readWrite';
  /** Start executions (submit, re-refer, repair), read whether one runs, and complete wait tokens. */
  workflow: boolean;
  /**
   * The Cognito user directory: `true` creates users, adds them to a group, lists a group and deletes
   * (rollback); `'read'` only lists a group (the recipients of an alert, a person's phone).
   */
  users: boolean | 'read';
  /** The region's HMAC key (client pointers: submit, correct, re-refer), read from SSM. */
  hmacKey: boolean;
}

/**
 * Per handler file. A handler file not listed here gets {@link DEFAULT_API_PERMISSIONS}; list it to narrow.
 * (users: the directory only; workers: the table, and creating a worker creates their login.)
 */
export const API_PERMISSIONS: Readonly<Record<string, ApiPermissions>> = {
  'functions/api/referrals.ts': { table: 'readWrite', workflow: true, users: false, hmacKey: true },
  'functions/api/lifecycle.ts': { table: 'readWrite', workflow: true, users: false, hmacKey: false },
  // Concerns and debrief requests raise alerts: the recipients come from the user directory.
  'functions/api/work.ts': { table: 'readWrite', workflow: false, users: 'read', hmacKey: false },
  'functions/api/workers.ts': { table: 'readWrite', workflow: false, users: true, hmacKey: false },
  'functions/api/users.ts': { table: 'none', workflow: false, users: true, hmacKey: false },
  'functions/api/supervision.ts': { table: 'readWrite', workflow: false, users: false, hmacKey: false },
  'functions/api/alerts.ts': { table: 'readWrite', workflow: false, users: false, hmacKey: false },
  'functions/api/notifications.ts': { table: 'readWrite', workflow: false, users: 'read', hmacKey: false },
  'functions/api/reports.ts': { table: 'read', workflow: false, users: false, hmacKey: false },
  'functions/api/health.ts': { table: 'none', workflow: false, users: false, hmacKey: false },
  'functions/api/openapi.ts': { table: 'none', workflow: false, users: false, hmacKey: false },
  // Groups, meetings, the resource directory and links touch the table only.
  'functions/api/groups.ts': { table: 'readWrite', workflow: false, users: false, hmacKey: false },
  'functions/api/meetings.ts': { table: 'readWrite', workflow: false, users: false, hmacKey: false },
  'functions/api/resources.ts': { table: 'readWrite', workflow: false, users: false, hmacKey: false },
  'functions/api/links.ts': { table: 'readWrite', workflow: false, users: false, hmacKey: false },
  // Training records, contracts and other paid time touch the table only.
  'functions/api/training.ts': { table: 'readWrite', workflow: false, users: false, hmacKey: false },
  'functions/api/contracts.ts': { table: 'readWrite', workflow: false, users: false, hmacKey: false },
  // Search keys its index with the region's HMAC key; the exports only read.
  'functions/api/search.ts': { table: 'read', workflow: false, users: false, hmacKey: true },
  'functions/api/exports.ts': { table: 'read', workflow: false, users: false, hmacKey: false },
};
export const DEFAULT_API_PERMISSIONS: ApiPermissions = {
  table: 'readWrite',
  workflow: true,
  users: false,
  hmacKey: false,
};

/** `functions/api/referrals.ts` → `api-referrals` (the function is `peerpath-<region>-api-referrals`). */
export const apiFunctionNameFor = (file: string): string => `api-${basename(file, '.ts')}`;

/** The distinct handler files of the route table, in table order: one Lambda each. */
export function apiHandlerFiles(): string[] {
  return [...new Set(ROUTES.map((route) => route.handler.file))];
}

/** API access log line: who (sub), which route and path (ids only), the outcome. Never a body. */
const ACCESS_LOG_FORMAT = JSON.stringify({
  requestId: '$context.requestId',
  time: '$context.requestTime',
  ip: '$context.identity.sourceIp',
  sub: '$context.authorizer.claims.sub',
  routeKey: '$context.routeKey',
  path: '$context.path',
  status: '$context.status',
  latencyMs: '$context.responseLatency',
  integrationLatencyMs: '$context.integrationLatency',
  integrationError: '$context.integrationErrorMessage',
  authorizerError: '$context.authorizer.error',
});

export interface PeerPathApiProps {
  config: RegionConfig;
  data: PeerPathData;
  workflow: PeerPathWorkflow;
  userPool: cognito.IUserPool;
  /** The client whose ID tokens the API accepts (the pages'). */
  userPoolClient: cognito.IUserPoolClient;
  functionDefaults: FunctionDefaults;
}

/**
 * The HTTP API: one throttled `$default` stage with access logs, one function per handler file of the route
 * table (each granted only what its routes need), and one route per route-table entry behind the Cognito
 * ID-token authorizer unless public.
 */
export class PeerPathApi extends StackPart {
  readonly httpApi: apigwv2.HttpApi;
  readonly stage: apigwv2.HttpStage;
  readonly apiUrl: string;
  /** One function per API handler file, keyed by the file. */
  readonly functions: ReadonlyMap<string, PeerPathFunction>;
  /** The API's routes, keyed by route id (the key in `shared/api/routes.ts`). */
  readonly routes: ReadonlyMap<string, apigwv2.HttpRoute>;

  constructor(scope: Construct, id: string, props: PeerPathApiProps) {
    super(scope, id);
    const { config, data, workflow, userPool, userPoolClient, functionDefaults } = props;
    const region = config.region;
    this.httpApi = new apigwv2.HttpApi(this, 'Api', {
      apiName: `peerpath-${region}`,
      description: `PeerPath ${config.displayName} API`,
      createDefaultStage: false,
    });
    this.stage = new apigwv2.HttpStage(this, 'ApiStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: config.apiThrottle,
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(data.logGroup(this, 'ApiAccessLogs')),
        format: apigw.AccessLogFormat.custom(ACCESS_LOG_FORMAT),
      },
    });
    this.apiUrl = this.httpApi.apiEndpoint;

    const environment = {
      TABLE_NAME: data.table.tableName,
      STATE_MACHINE_ARN: workflow.stateMachine.stateMachineArn,
      USER_POOL_ID: userPool.userPoolId,
      // The region's timers (the debrief deadline of a logged session), as the workflow tasks read them.
      TIMERS: JSON.stringify(config.timers),
    };
    const functions = new Map<string, PeerPathFunction>();
    for (const file of apiHandlerFiles()) {
      const fnName = apiFunctionNameFor(file);
      const fn = new PeerPathFunction(this, pascal(fnName), {
        ...functionDefaults,
        name: fnName,
        entry: file,
        handler: API_HANDLER_EXPORT,
        description: `API: the routes of ${file}`,
        environment,
        memorySize: 512,
        timeout: Duration.seconds(20),
      });
      this.grant(fn, API_PERMISSIONS[file] ?? DEFAULT_API_PERMISSIONS, props);
      functions.set(file, fn);
    }
    this.functions = functions;

    // The API accepts the ID token (audience = the web client), which carries `custom:region` and the groups.
    const authorizer = new HttpUserPoolAuthorizer('CognitoIdToken', userPool, {
      userPoolClients: [userPoolClient],
      authorizerName: nameFor(region, 'cognito'),
    });
    const integrations = new Map<string, HttpLambdaIntegration>();
    const routes = new Map<string, apigwv2.HttpRoute>();
    for (const route of ROUTES) {
      const fn = functions.get(route.handler.file);
      if (!fn) throw new Error(`No function for ${route.handler.file}`);
      let integration = integrations.get(route.handler.file);
      if (!integration) {
        integration = new HttpLambdaIntegration(
          `${pascal(apiFunctionNameFor(route.handler.file))}Integration`,
          fn.function,
        );
        integrations.set(route.handler.file, integration);
      }
      const httpRoute = new apigwv2.HttpRoute(this, `Route${pascal(route.id)}`, {
        httpApi: this.httpApi,
        routeKey: apigwv2.HttpRouteKey.with(route.path, apigwv2.HttpMethod[route.method]),
        integration,
        authorizer: route.public ? new apigwv2.HttpNoneAuthorizer() : authorizer,
      });
      routes.set(route.id, httpRoute);
    }
    this.routes = routes;
  }

  private grant(fn: PeerPathFunction, permissions: ApiPermissions, props: PeerPathApiProps): void {
    const grantee = fn.function;
    if (permissions.table !== 'none') props.data.grantTable(grantee, permissions.table);
    if (permissions.workflow) {
      props.workflow.stateMachine.grantStartExecution(grantee);
      props.workflow.stateMachine.grantTaskResponse(grantee);
      grantee.addToRolePolicy(
        new iam.PolicyStatement({
          actions: ['states:DescribeExecution'],
          resources: [props.workflow.executionsArn],
        }),
      );
    }
    if (permissions.hmacKey) props.data.grantHmacKey(grantee);
    if (permissions.users) {
      grantee.addToRolePolicy(
        new iam.PolicyStatement({
          actions:
            permissions.users === 'read'
              ? ['cognito-idp:ListUsersInGroup']
              : [
                  'cognito-idp:AdminCreateUser',
                  'cognito-idp:AdminAddUserToGroup',
                  'cognito-idp:AdminDeleteUser',
                  'cognito-idp:ListUsersInGroup',
                ],
          resources: [props.userPool.userPoolArn],
        }),
      );
    }
  }
}
