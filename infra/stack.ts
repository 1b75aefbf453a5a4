import { type CfnElement, CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import type * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import type { WorkflowFunctions } from '../workflows/definition.ts';
import { PeerPathApi } from './constructs/api.ts';
import { PeerPathAuth } from './constructs/auth.ts';
import { LOG_RETENTION, PeerPathData } from './constructs/data.ts';
import { PeerPathDelivery } from './constructs/delivery.ts';
import { PeerPathOps } from './constructs/ops.ts';
import { type PeerPathFunction, PROJECT_ROOT } from './constructs/peerpath-function.ts';
import { type FunctionDefaults, logicalIdOf } from './constructs/stack-part.ts';
import { PeerPathWeb, WEB_DIST_DIR, type WebConfig } from './constructs/web.ts';
import { PeerPathWorkflow } from './constructs/workflow.ts';
import type { RegionConfig } from './regions.ts';

export {
  API_HANDLER_EXPORT,
  API_PERMISSIONS,
  type ApiPermissions,
  apiFunctionNameFor,
  apiHandlerFiles,
  DEFAULT_API_PERMISSIONS,
} from './constructs/api.ts';
export { TABLE_READ_ACTIONS, TABLE_WRITE_ACTIONS } from './constructs/data.ts';
export { DELIVERY_HANDLER, NO_SENDER_WARNING } from './constructs/delivery.ts';
export { WEB_DIST_DIR, type WebConfig } from './constructs/web.ts';
export { FOLLOW_UP_HANDLER, stateMachineNameFor, WORKFLOW_HANDLERS } from './constructs/workflow.ts';
export { PROJECT_ROOT };

export interface PeerPathStackProps extends StackProps {
  config: RegionConfig;
  /** The web build to deploy; deployed only if it exists at synth. @default web/dist */
  webDistDir?: string;
  /** The CLOUDFRONT-scope web ACL of the region's edge stack (us-east-1); none in a bare synth. */
  webAclArn?: string;
}

/**
 * One program region, composed of its parts (`infra/constructs/`): data (table, keys), operations (topics,
 * event bus, alarms), workflow (state machine, task functions, the scheduled reconciler), sign-in (user pool),
 * web (bucket, CloudFront, deployments), API (HTTP API, handlers, routes) and delivery (the alert delivery
 * worker on the table stream, its sweep, the SES configuration set). Several program regions may
 * share an AWS account and region, so every name carries the program region. cdk-nag findings are
 * acknowledged in `infra/nag.ts`, never here.
 *
 * The parts are groups in the construct tree only: every logical id is allocated as if its resource were
 * created in the stack's own scope (see {@link PeerPathStack.allocateLogicalId}).
 */
export class PeerPathStack extends Stack {
  readonly config: RegionConfig;
  /** The CloudFront web ACL in front of the distribution; undefined for a stack built without its edge stack. */
  readonly webAclArn: string | undefined;
  readonly data: PeerPathData;
  readonly ops: PeerPathOps;
  readonly workflow: PeerPathWorkflow;
  readonly auth: PeerPathAuth;
  readonly web: PeerPathWeb;
  readonly api: PeerPathApi;
  readonly delivery: PeerPathDelivery;
  readonly dataKey: kms.Key;
  readonly logsKey: kms.Key;
  readonly table: dynamodb.TableV2;
  readonly alertTopic: sns.Topic;
  readonly opsTopic: sns.Topic;
  readonly eventBus: events.EventBus;
  readonly userPool: cognito.UserPool;
  readonly userPoolClient: cognito.UserPoolClient;
  readonly userPoolDomain: cognito.UserPoolDomain;
  readonly tracingPolicy: iam.ManagedPolicy;
  readonly workflowTasks: Record<keyof WorkflowFunctions, PeerPathFunction>;
  /** The alert delivery worker: the stream handler and the sweep. */
  readonly deliveryFunctions: readonly PeerPathFunction[];
  /** The task functions as the state machine sees them (the local runner maps Task states through these). */
  readonly workflowFunctions: Record<keyof WorkflowFunctions, NodejsFunction>;
  readonly followUp: PeerPathFunction;
  readonly stateMachine: sfn.StateMachine;
  /** One function per API handler file, keyed by the file. */
  readonly apiFunctions: ReadonlyMap<string, PeerPathFunction>;
  readonly httpApi: apigwv2.HttpApi;
  readonly apiStage: apigwv2.HttpStage;
  readonly accessLogsBucket: s3.Bucket;
  readonly webBucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  readonly webDeploymentRole: iam.Role;
  /** The ARNs of this region's executions (`…:execution:<machine>:*`), for DescribeExecution. */
  readonly executionsArn: string;
  readonly apiUrl: string;
  readonly webUrl: string;
  readonly webConfig: WebConfig;
  readonly alarms: cloudwatch.Alarm[];
  /** The API's routes, keyed by route id (the key in `shared/api/routes.ts`). */
  readonly apiRoutes: ReadonlyMap<string, apigwv2.HttpRoute>;
  /** The deployments that copy the pages and `config.json` to the web bucket. */
  readonly webDeployments: s3deploy.BucketDeployment[];
  /** Which element holds each logical id: two must never share one. */
  private readonly logicalIdOwners = new Map<string, CfnElement>();
  private readonly logicalIdOf = new WeakMap<CfnElement, string>();

  constructor(scope: Construct, id: string, props: PeerPathStackProps) {
    super(scope, id, {
      description: `PeerPath ${props.config.displayName} (${props.config.region}): referrals to closure`,
      ...props,
    });
    const { config } = props;
    this.config = config;
    this.webAclArn = props.webAclArn;
    const region = config.region;

    const data = new PeerPathData(this, 'Data', { region });
    const ops = new PeerPathOps(this, 'Ops', { config, dataKey: data.dataKey });
    const functionDefaults: FunctionDefaults = {
      region,
      logsKey: data.logsKey,
      logRetention: LOG_RETENTION,
      reservedConcurrency: config.lambdaReservedConcurrency,
      tracingPolicy: ops.tracingPolicy,
    };
    const workflow = new PeerPathWorkflow(this, 'Workflow', { config, data, ops, functionDefaults });
    const auth = new PeerPathAuth(this, 'Auth', { config });
    const web = new PeerPathWeb(this, 'Web', { config, webAclArn: props.webAclArn });
    const userPoolClient = auth.addWebClient(web.redirectUri);
    const api = new PeerPathApi(this, 'Api', {
      config,
      data,
      workflow,
      userPool: auth.userPool,
      userPoolClient,
      functionDefaults,
    });
    web.serveApi(api.httpApi);
    this.webConfig = {
      // Same origin as the pages: every API request passes the distribution's web ACL, and needs no CORS.
      apiUrl: web.sameOriginApiUrl,
      region,
      userPoolId: auth.userPool.userPoolId,
      userPoolClientId: userPoolClient.userPoolClientId,
      cognitoDomain: auth.userPoolDomain.baseUrl(),
      redirectUri: web.redirectUri,
    };
    const pages = web.deployPages(this.webConfig, props.webDistDir ?? WEB_DIST_DIR, data);
    const delivery = new PeerPathDelivery(this, 'Delivery', {
      config,
      data,
      ops,
      functionDefaults,
      pagesUrl: web.webUrl,
    });
    // Raising an alert resolves its recipients from the user directory (the region's coordinators and admins,
    // one person's address): the tasks that raise alerts and the delivery worker read the user pool's groups.
    for (const fn of [workflow.tasks.notify, workflow.followUp, delivery.deliver, delivery.sweep]) {
      fn.function.addEnvironment('USER_POOL_ID', auth.userPool.userPoolId);
      fn.function.addToRolePolicy(
        new iam.PolicyStatement({
          actions: ['cognito-idp:ListUsersInGroup'],
          resources: [auth.userPool.userPoolArn],
        }),
      );
    }
    ops.addAlarms({
      httpApi: api.httpApi,
      stateMachine: workflow.stateMachine,
      functions: [
        ...Object.values(workflow.tasks),
        workflow.followUp,
        delivery.deliver,
        delivery.sweep,
        ...api.functions.values(),
      ],
      followUp: workflow.followUp,
      signInWebAclName: auth.signInWebAcl.name as string,
    });

    this.data = data;
    this.ops = ops;
    this.workflow = workflow;
    this.auth = auth;
    this.web = web;
    this.api = api;
    this.delivery = delivery;
    this.dataKey = data.dataKey;
    this.logsKey = data.logsKey;
    this.table = data.table;
    this.alertTopic = ops.alertTopic;
    this.opsTopic = ops.opsTopic;
    this.eventBus = ops.eventBus;
    this.tracingPolicy = ops.tracingPolicy;
    this.alarms = ops.alarms;
    this.workflowTasks = workflow.tasks;
    this.deliveryFunctions = [delivery.deliver, delivery.sweep];
    this.workflowFunctions = workflow.functions;
    this.followUp = workflow.followUp;
    this.stateMachine = workflow.stateMachine;
    this.executionsArn = workflow.executionsArn;
    this.userPool = auth.userPool;
    this.userPoolClient = userPoolClient;
    this.userPoolDomain = auth.userPoolDomain;
    this.accessLogsBucket = web.accessLogsBucket;
    this.webBucket = web.webBucket;
    this.distribution = web.distribution;
    this.webUrl = web.webUrl;
    this.webDeploymentRole = pages.role;
    this.webDeployments = pages.deployments;
    this.httpApi = api.httpApi;
    this.apiStage = api.stage;
    // Through the distribution (the web ACL); the execute-api endpoint is its origin.
    this.apiUrl = web.sameOriginApiUrl;
    this.apiFunctions = api.functions;
    this.apiRoutes = api.routes;

    new CfnOutput(this, 'ApiUrl', { value: this.apiUrl, description: "The region's API base URL" });
    new CfnOutput(this, 'UserPoolId', { value: this.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: this.userPoolClient.userPoolClientId });
    new CfnOutput(this, 'CognitoDomain', { value: this.webConfig.cognitoDomain });
    new CfnOutput(this, 'WebUrl', { value: this.webUrl, description: 'The pages (CloudFront)' });
  }

  /** How many PeerPath functions the stack has: each reserves `lambdaReservedConcurrency`. */
  get functionCount(): number {
    return (
      Object.keys(this.workflowTasks).length + 1 + this.deliveryFunctions.length + this.apiFunctions.size
    );
  }

  /**
   * The logical id of a resource leaves out the parts it is grouped in: `Data/Table` is `TableCD117FA1`, as
   * when the table was created in the stack's own scope. A deployed resource keeps its logical id however the
   * code is grouped; two resources that would share one fail the synth instead of overwriting each other.
   */
  protected override allocateLogicalId(element: CfnElement): string {
    // Asked for at every resolution of a reference; a construct's path never changes once created.
    const known = this.logicalIdOf.get(element);
    if (known) return known;
    const id = logicalIdOf(element);
    const owner = this.logicalIdOwners.get(id);
    if (owner && owner !== element) {
      throw new Error(`${element.node.path} and ${owner.node.path} would share the logical id ${id}`);
    }
    this.logicalIdOwners.set(id, element);
    this.logicalIdOf.set(element, id);
    return id;
  }
}

/** One stack per program region: `PeerPath-<region>`, termination protection on. */
export function stackPropsFor(config: RegionConfig): PeerPathStackProps {
  return {
    config,
    env: { account: config.account, region: config.awsRegion },
    terminationProtection: true,
  };
}
