import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { ArnFormat, Aws, CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventTargets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { ROUTES } from '#api/routes.ts';
import { TABLE, tableNameFor } from '#data/table.ts';
import { type ProgramRegion, ROLES } from '#domain/roles.ts';
import { buildReferralWorkflow, type WorkflowFunctions } from '../workflows/definition.ts';
import { PeerPathFunction, PROJECT_ROOT } from './constructs/peerpath-function.ts';
import type { RegionConfig } from './regions.ts';

export { PROJECT_ROOT };

export interface PeerPathStackProps extends StackProps {
  config: RegionConfig;
  /** The web build to deploy; deployed only if it exists at synth. @default web/dist */
  webDistDir?: string;
}

/** The handler file of each workflow task (each exports `handler`). */
export const WORKFLOW_HANDLERS: Record<keyof WorkflowFunctions, string> = {
  waitForPerson: 'workflows/tasks/wait-for-person.ts',
  notify: 'workflows/tasks/notify.ts',
  checkActivity: 'workflows/tasks/check-activity.ts',
};

/** The scheduled reconciler and follow-ups (debriefs overdue, consent expiring); exports `handler`. */
export const FOLLOW_UP_HANDLER = 'workflows/tasks/follow-up.ts';

/** Every API handler file exports `dispatch`, which routes the event to that file's handler for the route. */
export const API_HANDLER_EXPORT = 'dispatch';

export const stateMachineNameFor = (region: string): string => `peerpath-${region}-referrals`;

/** What one API handler file may touch. Least privilege: each file gets only what its routes need. */
export interface ApiPermissions {
  table: 'none' | 'read' | 'readWrite';
  /** Start executions (submit, re-refer, repair), read whether one runs, and complete wait tokens. */
  workflow: boolean;
  /** The Cognito user directory: create users, add them to a group, list a group, delete (rollback). */
  users: boolean;
}

/**
 * Per handler file. A handler file not listed here gets {@link DEFAULT_API_PERMISSIONS}; list it to narrow.
 * (users: the directory only; workers: the table, and creating a worker creates their login.)
 */
export const API_PERMISSIONS: Readonly<Record<string, ApiPermissions>> = {
  'functions/api/referrals.ts': { table: 'readWrite', workflow: true, users: false },
  'functions/api/lifecycle.ts': { table: 'readWrite', workflow: true, users: false },
  'functions/api/work.ts': { table: 'readWrite', workflow: false, users: false },
  'functions/api/workers.ts': { table: 'readWrite', workflow: false, users: true },
  'functions/api/users.ts': { table: 'none', workflow: false, users: true },
  'functions/api/supervision.ts': { table: 'readWrite', workflow: false, users: false },
  'functions/api/alerts.ts': { table: 'readWrite', workflow: false, users: false },
  'functions/api/reports.ts': { table: 'read', workflow: false, users: false },
  'functions/api/health.ts': { table: 'none', workflow: false, users: false },
  'functions/api/openapi.ts': { table: 'none', workflow: false, users: false },
  // Issue 16: groups, meetings, the resource directory and links touch the table only.
  'functions/api/groups.ts': { table: 'readWrite', workflow: false, users: false },
  'functions/api/meetings.ts': { table: 'readWrite', workflow: false, users: false },
  'functions/api/resources.ts': { table: 'readWrite', workflow: false, users: false },
  'functions/api/links.ts': { table: 'readWrite', workflow: false, users: false },
};
export const DEFAULT_API_PERMISSIONS: ApiPermissions = { table: 'readWrite', workflow: true, users: false };

/**
 * The table actions the data layer uses (GetItem/Query/BatchGetItem to read; Put/Update/Delete and the
 * condition checks of TransactWriteItems to write). Never Scan, streams or BatchWriteItem: the code uses none.
 */
export const TABLE_READ_ACTIONS = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'];
export const TABLE_WRITE_ACTIONS = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:ConditionCheckItem',
];

/** `functions/api/referrals.ts` → `api-referrals` (the function is `peerpath-<region>-api-referrals`). */
export const apiFunctionNameFor = (file: string): string => `api-${basename(file, '.ts')}`;

/** The distinct handler files of the route table, in table order: one Lambda each. */
export function apiHandlerFiles(): string[] {
  return [...new Set(ROUTES.map((route) => route.handler.file))];
}

const pascal = (text: string): string =>
  text
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('');

/** Where the web build lands; deployed only when it exists at synth (the web build is its own step). */
export const WEB_DIST_DIR = join(PROJECT_ROOT, 'web', 'dist');

/** The shape of `config.json`, which the pages read at start to find their region's API and sign-in. */
export interface WebConfig {
  apiUrl: string;
  region: ProgramRegion;
  userPoolId: string;
  userPoolClientId: string;
  /** The hosted sign-in base URL: `https://<prefix>.auth.<aws-region>.amazoncognito.com`. */
  cognitoDomain: string;
  /** Where Cognito sends the browser back with the authorization code (also the sign-out URL). */
  redirectUri: string;
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

/**
 * One program region: its table, user pool, HTTP API and handlers, the referral state machine with its task
 * functions and the scheduled reconciler, alert and ops topics, event bus, dead-letter queues, alarms and the
 * web pages. Several program regions may share an AWS account and region, so every name carries the program
 * region. cdk-nag findings are acknowledged in `infra/nag.ts`, never here.
 */
export class PeerPathStack extends Stack {
  readonly config: RegionConfig;
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
  readonly alarms: cloudwatch.Alarm[] = [];
  /** The API's routes, keyed by route id (the key in `shared/api/routes.ts`). */
  readonly apiRoutes: ReadonlyMap<string, apigwv2.HttpRoute>;
  /** The deployments that copy the pages and `config.json` to the web bucket. */
  readonly webDeployments: s3deploy.BucketDeployment[];

  constructor(scope: Construct, id: string, props: PeerPathStackProps) {
    super(scope, id, {
      description: `PeerPath ${props.config.displayName} (${props.config.region}): referrals to closure`,
      ...props,
    });
    const { config } = props;
    this.config = config;
    const region = config.region;
    const name = (suffix: string) => `peerpath-${region}-${suffix}`;
    const logRetention = logs.RetentionDays.ONE_YEAR;

    // --- keys --------------------------------------------------------------------------------------------
    this.dataKey = new kms.Key(this, 'DataKey', {
      alias: `alias/${name('data')}`,
      description: `PeerPath ${region}: the table, topics and queues`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // CloudWatch alarms publish to the encrypted ops topic.
    this.dataKey.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
    );
    this.logsKey = new kms.Key(this, 'LogsKey', {
      alias: `alias/${name('logs')}`,
      description: `PeerPath ${region}: CloudWatch log groups`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.logsKey.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal(`logs.${Aws.REGION}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': `arn:${Aws.PARTITION}:logs:${Aws.REGION}:${Aws.ACCOUNT_ID}:log-group:*`,
          },
        },
      }),
    );
    const logGroup = (id: string) =>
      new logs.LogGroup(this, id, {
        retention: logRetention,
        encryptionKey: this.logsKey,
        removalPolicy: RemovalPolicy.RETAIN,
      });

    // --- table -------------------------------------------------------------------------------------------
    this.table = new dynamodb.TableV2(this, 'Table', {
      tableName: tableNameFor(region),
      partitionKey: { name: TABLE.partitionKey.name, type: dynamodb.AttributeType.STRING },
      sortKey: { name: TABLE.sortKey.name, type: dynamodb.AttributeType.STRING },
      globalSecondaryIndexes: TABLE.globalSecondaryIndexes.map((gsi) => ({
        indexName: gsi.indexName,
        partitionKey: { name: gsi.partitionKey.name, type: dynamodb.AttributeType.STRING },
        sortKey: { name: gsi.sortKey.name, type: dynamodb.AttributeType.STRING },
        projectionType: dynamodb.ProjectionType.ALL,
      })),
      billing: dynamodb.Billing.onDemand(),
      encryption: dynamodb.TableEncryptionV2.customerManagedKey(this.dataKey),
      timeToLiveAttribute: TABLE.timeToLiveAttribute,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // --- alerts, ops and events -------------------------------------------------------------------------
    this.alertTopic = new sns.Topic(this, 'AlertTopic', {
      topicName: name('alerts'),
      displayName: `PeerPath ${config.displayName}`,
      masterKey: this.dataKey,
      enforceSSL: true,
    });
    // Coordinators' email and SMS get the coordinators' alerts (personal ones are read in the app).
    const coordinatorsOnly = {
      filterPolicy: { audienceType: sns.SubscriptionFilter.stringFilter({ allowlist: ['coordinators'] }) },
    };
    for (const email of config.alertSubscriptions.emails) {
      this.alertTopic.addSubscription(new subscriptions.EmailSubscription(email, coordinatorsOnly));
    }
    for (const phone of config.alertSubscriptions.sms) {
      this.alertTopic.addSubscription(new subscriptions.SmsSubscription(phone, coordinatorsOnly));
    }
    this.opsTopic = new sns.Topic(this, 'OpsTopic', {
      topicName: name('ops'),
      displayName: `PeerPath ${config.displayName} operations`,
      masterKey: this.dataKey,
      enforceSSL: true,
    });
    for (const email of config.opsEmails) {
      this.opsTopic.addSubscription(new subscriptions.EmailSubscription(email));
    }
    this.eventBus = new events.EventBus(this, 'EventBus', { eventBusName: `peerpath-${region}` });

    // --- functions ---------------------------------------------------------------------------------------
    this.tracingPolicy = new iam.ManagedPolicy(this, 'TracingPolicy', {
      description: `PeerPath ${region}: functions send their X-Ray traces`,
      statements: [
        new iam.PolicyStatement({
          actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'],
          resources: ['*'],
        }),
      ],
    });
    const stateMachineName = stateMachineNameFor(region);
    // Built from the name: task functions referencing the machine would make a cycle (it references them).
    const stateMachineArn = this.formatArn({
      service: 'states',
      resource: 'stateMachine',
      resourceName: stateMachineName,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    this.executionsArn = this.formatArn({
      service: 'states',
      resource: 'execution',
      resourceName: `${stateMachineName}:*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    const executionsArn = this.executionsArn;
    const fnDefaults = {
      region,
      logsKey: this.logsKey,
      logRetention,
      reservedConcurrency: config.lambdaReservedConcurrency,
      tracingPolicy: this.tracingPolicy,
    };
    const workflowEnvironment = {
      TABLE_NAME: this.table.tableName,
      TOPIC_ARN: this.alertTopic.topicArn,
      EVENT_BUS_NAME: this.eventBus.eventBusName,
      STATE_MACHINE_ARN: stateMachineArn,
      TIMERS: JSON.stringify(config.timers),
    };
    const task = (key: keyof WorkflowFunctions, id: string, description: string) =>
      new PeerPathFunction(this, id, {
        ...fnDefaults,
        name: `workflow-${basename(WORKFLOW_HANDLERS[key], '.ts')}`,
        entry: WORKFLOW_HANDLERS[key],
        handler: 'handler',
        description,
        environment: workflowEnvironment,
      });
    this.workflowTasks = {
      waitForPerson: task('waitForPerson', 'WaitForPerson', 'Stores a wait token, or completes it at once'),
      notify: task('notify', 'Notify', 'Writes and publishes the alerts of a transition or an overdue wait'),
      checkActivity: task('checkActivity', 'CheckActivity', 'Time left before the no-session alert'),
    };
    this.workflowFunctions = {
      waitForPerson: this.workflowTasks.waitForPerson.function,
      notify: this.workflowTasks.notify.function,
      checkActivity: this.workflowTasks.checkActivity.function,
    };
    const { waitForPerson, notify, checkActivity } = this.workflowFunctions;
    this.grantTable(waitForPerson, 'readWrite');
    this.grantTable(notify, 'readWrite');
    this.grantTable(checkActivity, 'read');
    this.alertTopic.grantPublish(notify);
    this.eventBus.grantPutEventsTo(notify);
    // A wait that finds its stage already moved completes its own token.
    waitForPerson.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['states:SendTaskSuccess', 'states:SendTaskFailure'],
        resources: [stateMachineArn],
      }),
    );

    this.followUp = new PeerPathFunction(this, 'FollowUp', {
      ...fnDefaults,
      name: 'workflow-follow-up',
      entry: FOLLOW_UP_HANDLER,
      handler: 'handler',
      description: 'Scheduled: restarts stalled executions, alerts overdue debriefs and expiring consents',
      environment: workflowEnvironment,
      timeout: Duration.minutes(5),
      deadLetter: { key: this.dataKey, retryAttempts: 0 },
    });
    this.grantTable(this.followUp.function, 'readWrite');
    this.alertTopic.grantPublish(this.followUp.function);
    this.eventBus.grantPutEventsTo(this.followUp.function);
    this.followUp.function.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['states:StartExecution'], resources: [stateMachineArn] }),
    );
    this.followUp.function.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['states:DescribeExecution'], resources: [executionsArn] }),
    );
    new events.Rule(this, 'FollowUpSchedule', {
      ruleName: name('follow-up'),
      description: `PeerPath ${region}: the reconciler and follow-ups, every ${config.followUpEveryMinutes} minutes`,
      schedule: events.Schedule.rate(Duration.minutes(config.followUpEveryMinutes)),
      targets: [
        new eventTargets.LambdaFunction(this.followUp.function, {
          retryAttempts: 2,
          maxEventAge: Duration.minutes(config.followUpEveryMinutes),
        }),
      ],
    });

    // --- state machine -----------------------------------------------------------------------------------
    this.stateMachine = new sfn.StateMachine(this, 'ReferralStateMachine', {
      stateMachineName,
      stateMachineType: sfn.StateMachineType.STANDARD,
      comment: `PeerPath referral lifecycle (${config.displayName})`,
      definitionBody: sfn.DefinitionBody.fromChainable(
        buildReferralWorkflow(this, { timers: config.timers, functions: this.workflowFunctions }),
      ),
      tracingEnabled: true,
      logs: {
        destination: logGroup('StateMachineLogs'),
        level: sfn.LogLevel.ALL,
        // Execution data holds task tokens; they never go to a log.
        includeExecutionData: false,
      },
    });

    // --- sign-in -----------------------------------------------------------------------------------------
    this.userPool = new cognito.UserPool(this, 'UserPool', {
      userPoolName: `peerpath-${region}`,
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      keepOriginal: { email: true },
      standardAttributes: {
        email: { required: true, mutable: true },
        givenName: { required: false, mutable: true },
        familyName: { required: false, mutable: true },
      },
      // Set once when the account is created (AdminCreateUser); nobody can change it, not even an admin.
      customAttributes: { region: new cognito.StringAttribute({ minLen: 1, maxLen: 32, mutable: false }) },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      featurePlan: cognito.FeaturePlan.PLUS,
      standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
      userInvitation: {
        emailSubject: `Your PeerPath ${config.displayName} account`,
        emailBody:
          `You have a PeerPath ${config.displayName} account. Your username is {username} and your ` +
          'temporary password is {####}. You will choose a new password and set up an authenticator app ' +
          'when you first sign in.',
      },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    ROLES.forEach((role, index) => {
      this.userPool.addGroup(`Group${pascal(role)}`, {
        groupName: role,
        description: `PeerPath ${role}`,
        precedence: ROLES.length - index,
      });
    });
    this.userPoolDomain = this.userPool.addDomain('SignInDomain', {
      cognitoDomain: { domainPrefix: config.cognitoDomainPrefix ?? `peerpath-${region}-${Aws.ACCOUNT_ID}` },
    });

    // --- web pages ---------------------------------------------------------------------------------------
    this.accessLogsBucket = new s3.Bucket(this, 'AccessLogsBucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      // CloudFront standard logging writes with an ACL grant.
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(365), noncurrentVersionExpiration: Duration.days(30) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.webBucket = new s3.Bucket(this, 'WebBucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: 'web-bucket/',
      lifecycleRules: [{ noncurrentVersionExpiration: Duration.days(30) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // `/referrals/` → `/referrals/index.html`, as `npm start` serves a directory.
    const directoryIndex = new cloudfront.Function(this, 'DirectoryIndexFunction', {
      functionName: name('directory-index'),
      comment: 'Serves index.html for a directory path',
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      code: cloudfront.FunctionCode.fromInline(
        'function handler(event) { var request = event.request; var uri = request.uri;' +
          " if (uri.endsWith('/')) { request.uri = uri + 'index.html'; }" +
          " else if (uri.split('/').pop().indexOf('.') === -1) { request.uri = uri + '/index.html'; }" +
          ' return request; }',
      ),
    });
    const webOrigin = origins.S3BucketOrigin.withOriginAccessControl(this.webBucket, {
      originAccessControl: new cloudfront.S3OriginAccessControl(this, 'WebOriginAccessControl', {
        originAccessControlName: name('web'),
        description: `PeerPath ${region}: CloudFront reads the pages from the web bucket`,
      }),
    });
    this.distribution = new cloudfront.Distribution(this, 'WebDistribution', {
      comment: `PeerPath ${config.displayName} pages`,
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: webOrigin,
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: cloudfront.ResponseHeadersPolicy.SECURITY_HEADERS,
        functionAssociations: [
          { function: directoryIndex, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST },
        ],
      },
      additionalBehaviors: {
        '/config.json': {
          origin: webOrigin,
          viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
          cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
          responseHeadersPolicy: cloudfront.ResponseHeadersPolicy.SECURITY_HEADERS,
        },
      },
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      enableLogging: true,
      logBucket: this.accessLogsBucket,
      logFilePrefix: 'cloudfront/',
    });
    this.webUrl = `https://${this.distribution.distributionDomainName}`;
    const redirectUri = `${this.webUrl}/`;

    this.userPoolClient = this.userPool.addClient('WebClient', {
      userPoolClientName: name('web'),
      generateSecret: false,
      authFlows: { userSrp: true },
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.PROFILE],
        callbackUrls: [redirectUri],
        logoutUrls: [redirectUri],
      },
      supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
      readAttributes: new cognito.ClientAttributes()
        .withStandardAttributes({ email: true, emailVerified: true, givenName: true, familyName: true })
        .withCustomAttributes('region'),
      // Not `custom:region`: nobody moves themselves to another region's data.
      writeAttributes: new cognito.ClientAttributes().withStandardAttributes({
        email: true,
        givenName: true,
        familyName: true,
      }),
    });

    // --- API ---------------------------------------------------------------------------------------------
    this.httpApi = new apigwv2.HttpApi(this, 'Api', {
      apiName: `peerpath-${region}`,
      description: `PeerPath ${config.displayName} API`,
      createDefaultStage: false,
      corsPreflight: {
        allowOrigins: [this.webUrl],
        allowMethods: [
          apigwv2.CorsHttpMethod.GET,
          apigwv2.CorsHttpMethod.POST,
          apigwv2.CorsHttpMethod.PATCH,
          apigwv2.CorsHttpMethod.OPTIONS,
        ],
        allowHeaders: ['authorization', 'content-type', 'idempotency-key'],
        exposeHeaders: ['retry-after'],
        maxAge: Duration.hours(1),
      },
    });
    this.apiStage = new apigwv2.HttpStage(this, 'ApiStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: config.apiThrottle,
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(logGroup('ApiAccessLogs')),
        format: apigw.AccessLogFormat.custom(ACCESS_LOG_FORMAT),
      },
    });
    this.apiUrl = this.httpApi.apiEndpoint;

    const apiEnvironment = {
      TABLE_NAME: this.table.tableName,
      STATE_MACHINE_ARN: this.stateMachine.stateMachineArn,
      USER_POOL_ID: this.userPool.userPoolId,
      // The region's timers (the debrief deadline of a logged session), as the workflow tasks read them.
      TIMERS: JSON.stringify(config.timers),
    };
    const apiFunctions = new Map<string, PeerPathFunction>();
    for (const file of apiHandlerFiles()) {
      const fnName = apiFunctionNameFor(file);
      const fn = new PeerPathFunction(this, pascal(fnName), {
        ...fnDefaults,
        name: fnName,
        entry: file,
        handler: API_HANDLER_EXPORT,
        description: `API: the routes of ${file}`,
        environment: apiEnvironment,
        memorySize: 512,
        timeout: Duration.seconds(20),
      });
      this.grantApi(fn, API_PERMISSIONS[file] ?? DEFAULT_API_PERMISSIONS, executionsArn);
      apiFunctions.set(file, fn);
    }
    this.apiFunctions = apiFunctions;

    // The API accepts the ID token (audience = the web client), which carries `custom:region` and the groups.
    const authorizer = new HttpUserPoolAuthorizer('CognitoIdToken', this.userPool, {
      userPoolClients: [this.userPoolClient],
      authorizerName: name('cognito'),
    });
    const integrations = new Map<string, HttpLambdaIntegration>();
    const apiRoutes = new Map<string, apigwv2.HttpRoute>();
    for (const route of ROUTES) {
      const fn = apiFunctions.get(route.handler.file);
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
      apiRoutes.set(route.id, httpRoute);
    }
    this.apiRoutes = apiRoutes;

    // --- the pages' configuration and build --------------------------------------------------------------
    this.webConfig = {
      apiUrl: this.apiUrl,
      region,
      userPoolId: this.userPool.userPoolId,
      userPoolClientId: this.userPoolClient.userPoolClientId,
      cognitoDomain: this.userPoolDomain.baseUrl(),
      redirectUri,
    };
    this.webDeploymentRole = new iam.Role(this, 'WebDeploymentRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `PeerPath ${region}: copies the pages and config.json to the web bucket`,
    });
    const deploymentLogs = logGroup('WebDeploymentLogs');
    deploymentLogs.grantWrite(this.webDeploymentRole);
    const deployment = {
      destinationBucket: this.webBucket,
      distribution: this.distribution,
      role: this.webDeploymentRole,
      logGroup: deploymentLogs,
    };
    const webDistDir = props.webDistDir ?? WEB_DIST_DIR;
    const site = existsSync(webDistDir)
      ? new s3deploy.BucketDeployment(this, 'WebPages', {
          ...deployment,
          sources: [s3deploy.Source.asset(webDistDir)],
          exclude: ['config.json'],
          distributionPaths: ['/*'],
        })
      : undefined;
    const webConfig = new s3deploy.BucketDeployment(this, 'WebConfig', {
      ...deployment,
      sources: [s3deploy.Source.jsonData('config.json', this.webConfig)],
      prune: false,
      cacheControl: [s3deploy.CacheControl.noCache()],
      distributionPaths: ['/config.json'],
    });
    if (site) webConfig.node.addDependency(site);
    this.webDeployments = site ? [site, webConfig] : [webConfig];

    // --- alarms ------------------------------------------------------------------------------------------
    type AlarmOptions = Omit<cloudwatch.AlarmProps, 'alarmName' | 'evaluationPeriods'>;
    const alarm = (id: string, props: AlarmOptions, alarmName: string) => {
      const created = new cloudwatch.Alarm(this, id, {
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        ...props,
        alarmName: name(alarmName),
      });
      created.addAlarmAction(new cloudwatchActions.SnsAction(this.opsTopic));
      created.addOkAction(new cloudwatchActions.SnsAction(this.opsTopic));
      this.alarms.push(created);
      return created;
    };
    const fiveMinutes = Duration.minutes(5);
    alarm(
      'Api5xxAlarm',
      {
        metric: this.httpApi.metricServerError({ period: fiveMinutes, statistic: cloudwatch.Stats.SUM }),
        threshold: 1,
        alarmDescription: 'The API answered with a 5xx',
      },
      'api-5xx',
    );
    const allFunctions = [...Object.values(this.workflowTasks), this.followUp, ...apiFunctions.values()];
    for (const fn of allFunctions) {
      alarm(
        `${fn.node.id}ErrorsAlarm`,
        {
          metric: fn.function.metricErrors({ period: fiveMinutes, statistic: cloudwatch.Stats.SUM }),
          threshold: 1,
          alarmDescription: `${fn.functionName} failed`,
        },
        `${fn.functionName.slice(`peerpath-${region}-`.length)}-errors`,
      );
    }
    alarm(
      'ExecutionsFailedAlarm',
      {
        metric: this.stateMachine.metricFailed({ period: fiveMinutes, statistic: cloudwatch.Stats.SUM }),
        threshold: 1,
        alarmDescription: 'A referral execution failed (the reconciler restarts it; find out why)',
      },
      'executions-failed',
    );
    for (const fn of allFunctions) {
      if (!fn.deadLetterQueue) continue;
      alarm(
        `${fn.node.id}DeadLetterAlarm`,
        {
          metric: fn.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
            period: fiveMinutes,
            statistic: cloudwatch.Stats.MAXIMUM,
          }),
          threshold: 1,
          alarmDescription: `Failed invocations of ${fn.functionName} are waiting in its dead-letter queue`,
        },
        `${fn.functionName.slice(`peerpath-${region}-`.length)}-dlq`,
      );
    }
    alarm(
      'FollowUpNotRunningAlarm',
      {
        metric: this.followUp.function.metricInvocations({
          period: Duration.hours(1),
          statistic: cloudwatch.Stats.SUM,
        }),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
        alarmDescription: 'The scheduled reconciler has not run for an hour',
      },
      'follow-up-not-running',
    );

    // --- outputs -----------------------------------------------------------------------------------------
    new CfnOutput(this, 'ApiUrl', { value: this.apiUrl, description: "The region's API base URL" });
    new CfnOutput(this, 'UserPoolId', { value: this.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: this.userPoolClient.userPoolClientId });
    new CfnOutput(this, 'CognitoDomain', { value: this.webConfig.cognitoDomain });
    new CfnOutput(this, 'WebUrl', { value: this.webUrl, description: 'The pages (CloudFront)' });
  }

  /** Table access with the key the table is encrypted with (DynamoDB uses it on the caller's behalf). */
  private grantTable(grantee: iam.IGrantable, access: 'read' | 'readWrite'): void {
    const write = access === 'readWrite';
    this.table.grant(grantee, ...TABLE_READ_ACTIONS, ...(write ? TABLE_WRITE_ACTIONS : []));
    this.dataKey.grant(
      grantee,
      'kms:Decrypt',
      'kms:DescribeKey',
      ...(write ? ['kms:Encrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*'] : []),
    );
  }

  private grantApi(fn: PeerPathFunction, permissions: ApiPermissions, executionsArn: string): void {
    const grantee = fn.function;
    if (permissions.table !== 'none') this.grantTable(grantee, permissions.table);
    if (permissions.workflow) {
      this.stateMachine.grantStartExecution(grantee);
      this.stateMachine.grantTaskResponse(grantee);
      grantee.addToRolePolicy(
        new iam.PolicyStatement({ actions: ['states:DescribeExecution'], resources: [executionsArn] }),
      );
    }
    if (permissions.users) {
      grantee.addToRolePolicy(
        new iam.PolicyStatement({
          actions: [
            'cognito-idp:AdminCreateUser',
            'cognito-idp:AdminAddUserToGroup',
            'cognito-idp:AdminDeleteUser',
            'cognito-idp:ListUsersInGroup',
          ],
          resources: [this.userPool.userPoolArn],
        }),
      );
    }
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
