import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, HIPAASecurityChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routeKey } from '#api/route.ts';
import { ROUTES } from '#api/routes.ts';
import { TABLE } from '#data/table.ts';
import { PROGRAM_REGIONS, ROLES } from '#domain/roles.ts';
import { resolveDefinition, synthesizeWorkflow } from '../../infra/asl.ts';
import { createPeerPathApp } from '../../infra/constructs/peerpath-app.ts';
import type { PeerPathFunction } from '../../infra/constructs/peerpath-function.ts';
import { NAG_PACKS } from '../../infra/nag.ts';
import { regionConfig } from '../../infra/regions.ts';
import { type PeerPathStack, stateMachineNameFor } from '../../infra/stack.ts';

/**
 * The CDK app as `cdk synth` builds it, synthesized ONCE for the whole file, offline and with no account:
 * all four region stacks (cdk-nag runs over all of them) with bundling for Vancouver only (esbuild bundles
 * each handler once). Every assertion reads this one cloud assembly.
 */

const REGION = 'vancouver';
const STACK_ID = `PeerPath-${REGION}`;

type Resource = { Type: string; Properties?: Record<string, unknown> };
type CfnTemplate = { Resources: Record<string, Resource>; Outputs?: Record<string, unknown> };
type ValidationReport = {
  pluginReports: {
    pluginName: string;
    conclusion: string;
    violations: { ruleName: string; severity?: string; violatingConstructs?: { constructPath?: string }[] }[];
  }[];
};

let outdir: string;
let assembly: ReturnType<ReturnType<typeof createPeerPathApp>['app']['synth']>;
let stacks: PeerPathStack[];
let app: ReturnType<typeof createPeerPathApp>['app'];
let stack: PeerPathStack;
let template: Template;
let json: CfnTemplate;

const resourcesOf = (type: string): [string, Resource][] =>
  Object.entries(json.Resources).filter(([, resource]) => resource.Type === type);
const props = (resource: Resource | undefined): Record<string, unknown> => resource?.Properties ?? {};
const logicalId = (construct: { node: { defaultChild?: unknown } }): string =>
  stack.getLogicalId(construct.node.defaultChild as never);

beforeAll(async () => {
  process.env.CDK_DISABLE_VERSION_CHECK = '1';
  outdir = await mkdtemp(join(tmpdir(), 'peerpath-cdk-'));
  const built = createPeerPathApp({
    appProps: {
      outdir,
      context: {
        'aws:cdk:bundling-stacks': [STACK_ID],
        // Let synthesis finish so the assertion below can list any finding, rather than stop at the first.
        '@aws-cdk/core:failSynthOnValidationErrors': false,
      },
    },
  });
  stacks = built.stacks;
  app = built.app;
  assembly = built.app.synth();
  stack = stacks.find((s) => s.stackName === STACK_ID) as PeerPathStack;
  json = assembly.getStackByName(STACK_ID).template as CfnTemplate;
  template = Template.fromJSON(json);
}, 180_000);

afterAll(async () => {
  if (outdir) await rm(outdir, { recursive: true, force: true });
});

describe('the CDK app', () => {
  it('has one termination-protected stack per program region, named PeerPath-<region>', () => {
    const ids = assembly.stacks.map((s) => s.stackName).sort();

    // Each with its us-east-1 companion holding the CloudFront web ACL.
    expect(ids).toEqual(
      PROGRAM_REGIONS.flatMap((region) => [`PeerPath-${region}`, `PeerPath-${region}-edge`]).sort(),
    );
    expect(assembly.getStackByName(`${STACK_ID}-edge`).environment.region).toBe('us-east-1');
    for (const artifact of assembly.stacks) expect(artifact.terminationProtection).toBe(true);
    expect(assembly.getStackByName(STACK_ID).environment.region).toBe(regionConfig(REGION).awsRegion);
  });

  it('passes the cdk-nag AwsSolutions and HIPAA Security packs with every finding fixed or acknowledged', () => {
    const report = JSON.parse(
      readFileSync(join(assembly.directory, 'validation-report.json'), 'utf8'),
    ) as ValidationReport;
    const line = (ruleName: string, severity: string | undefined, paths: (string | undefined)[]) =>
      paths.map((path) => `${severity} ${ruleName} at ${path}`);
    // What the synth reported (a pack with no finding is left out of the report).
    const reported = report.pluginReports
      .filter((p) => (NAG_PACKS as readonly string[]).includes(p.pluginName))
      .flatMap((p) =>
        p.violations.flatMap((v) =>
          line(
            v.ruleName,
            v.severity,
            (v.violatingConstructs ?? []).map((c) => c.constructPath),
          ),
        ),
      );
    // The same packs run directly over the same construct tree (acknowledgements apply as in the synth).
    const direct = [new AwsSolutionsChecks(), new HIPAASecurityChecks()].flatMap((pack) =>
      pack.validateScope(app).violations.flatMap((v) =>
        line(
          v.ruleName,
          v.severity,
          v.violatingResources.map((r) => r.constructPath),
        ),
      ),
    );

    expect(reported).toEqual([]);
    expect(direct).toEqual([]);
    expect(report.pluginReports.filter((p) => p.conclusion !== 'success')).toEqual([]);
  });
});

describe(`the ${STACK_ID} stack`, () => {
  it('builds the table from the shared definition: on demand, PITR, customer-managed key, deletion protection, TTL', () => {
    const [[, table] = []] = resourcesOf('AWS::DynamoDB::GlobalTable');
    const tableProps = props(table);
    const replica = (tableProps.Replicas as Record<string, unknown>[])[0] ?? {};

    expect(tableProps).toMatchObject({
      TableName: `peerpath-${REGION}`,
      BillingMode: TABLE.billingMode,
      KeySchema: [
        { AttributeName: TABLE.partitionKey.name, KeyType: 'HASH' },
        { AttributeName: TABLE.sortKey.name, KeyType: 'RANGE' },
      ],
      TimeToLiveSpecification: { AttributeName: TABLE.timeToLiveAttribute, Enabled: true },
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
    });
    expect((tableProps.GlobalSecondaryIndexes as { IndexName: string }[]).map((g) => g.IndexName)).toEqual(
      TABLE.globalSecondaryIndexes.map((g) => g.indexName),
    );
    expect(replica).toMatchObject({
      DeletionProtectionEnabled: true,
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { KMSMasterKeyId: { 'Fn::GetAtt': [logicalId(stack.dataKey), 'Arn'] } },
    });
    template.hasResource('AWS::KMS::Key', {
      Properties: Match.objectLike({ EnableKeyRotation: true }),
      DeletionPolicy: 'RetainExceptOnCreate',
    });
    expect(resourcesOf('AWS::KMS::Key').every(([, key]) => props(key).EnableKeyRotation === true)).toBe(true);
  });

  it('has a user pool with the four role groups, no self sign-up, MFA, a strong password policy and email sign-in', () => {
    const [[, pool] = []] = resourcesOf('AWS::Cognito::UserPool');
    const groups = resourcesOf('AWS::Cognito::UserPoolGroup').map(([, g]) => props(g).GroupName);

    expect(groups.sort()).toEqual([...ROLES].sort());
    expect(props(pool)).toMatchObject({
      UserPoolName: `peerpath-${REGION}`,
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      MfaConfiguration: 'ON',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      UsernameAttributes: ['email'],
      DeletionProtection: 'ACTIVE',
      UserPoolTier: 'PLUS',
      Policies: {
        PasswordPolicy: {
          MinimumLength: 12,
          RequireLowercase: true,
          RequireUppercase: true,
          RequireNumbers: true,
          RequireSymbols: true,
        },
      },
    });
    expect(props(pool).Schema).toContainEqual(
      expect.objectContaining({ Name: 'region', Mutable: false, AttributeDataType: 'String' }),
    );
  });

  it('lets the web client read custom:region but never write it, with the code grant and no secret', () => {
    const [[, client] = []] = resourcesOf('AWS::Cognito::UserPoolClient');
    const clientProps = props(client);

    expect(clientProps.ReadAttributes).toContain('custom:region');
    expect(clientProps.WriteAttributes).not.toContain('custom:region');
    expect(clientProps.WriteAttributes).toEqual(expect.any(Array));
    expect(clientProps).toMatchObject({
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      GenerateSecret: false,
      SupportedIdentityProviders: ['COGNITO'],
      CallbackURLs: [
        {
          'Fn::Join': [
            '',
            ['https://', { 'Fn::GetAtt': [logicalId(stack.distribution), 'DomainName'] }, '/'],
          ],
        },
      ],
    });
    template.resourceCountIs('AWS::Cognito::UserPoolDomain', 1);
  });

  it('has one API route per route-table entry; every non-public one behind the Cognito ID-token authorizer', () => {
    const routes = resourcesOf('AWS::ApiGatewayV2::Route').map(([, r]) => props(r));
    const [[authorizerId, authorizer] = []] = resourcesOf('AWS::ApiGatewayV2::Authorizer');

    expect(routes).toHaveLength(ROUTES.length);
    expect(props(authorizer)).toMatchObject({
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: { Audience: [{ Ref: logicalId(stack.userPoolClient) }] },
    });
    for (const route of ROUTES) {
      const deployed = routes.find((r) => r.RouteKey === routeKey(route));
      expect(deployed, routeKey(route)).toBeDefined();
      if (route.public) {
        expect(deployed?.AuthorizationType, routeKey(route)).toBe('NONE');
      } else {
        expect(deployed, routeKey(route)).toMatchObject({
          AuthorizationType: 'JWT',
          AuthorizerId: { Ref: authorizerId },
        });
      }
    }
  });

  it('logs and throttles API requests on its one stage', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      AccessLogSettings: {
        DestinationArn: Match.anyValue(),
        Format: Match.stringLikeRegexp('authorizer.claims.sub'),
      },
      DefaultRouteSettings: {
        ThrottlingRateLimit: regionConfig(REGION).apiThrottle.rateLimit,
        ThrottlingBurstLimit: regionConfig(REGION).apiThrottle.burstLimit,
      },
    });
  });

  it('deploys one arm64 Node.js 22 function per API handler file, with dispatch as its handler', () => {
    const functions = resourcesOf('AWS::Lambda::Function').map(([, f]) => props(f));
    const peerpath = functions.filter((f) => String(f.FunctionName ?? '').startsWith(`peerpath-${REGION}-`));
    const api = peerpath.filter((f) => String(f.FunctionName).startsWith(`peerpath-${REGION}-api-`));

    const handlerFiles = new Set(ROUTES.map((route) => route.handler.file));

    expect(api).toHaveLength(handlerFiles.size);
    // + the three workflow tasks, the reconciler, the delivery worker and its sweep.
    expect(peerpath).toHaveLength(handlerFiles.size + 6);
    for (const fn of api) expect(fn.Handler).toBe('index.dispatch');
    for (const fn of peerpath) {
      expect(fn, String(fn.FunctionName)).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'Active' },
      });
    }
    for (const fn of api) {
      expect(Object.keys((fn.Environment as { Variables: object }).Variables)).toEqual(
        expect.arrayContaining([
          'PROGRAM_REGION',
          'TABLE_NAME',
          'STATE_MACHINE_ARN',
          'USER_POOL_ID',
          'TIMERS',
        ]),
      );
    }
  });

  it('gives the workflow functions their environment and the reconciler a schedule and a dead-letter queue', () => {
    const followUp = props(json.Resources[logicalId(stack.followUp.function)]);

    for (const task of [...Object.values(stack.workflowTasks), stack.followUp]) {
      const variables = (props(json.Resources[logicalId(task.function)]).Environment as { Variables: object })
        .Variables;
      expect(variables).toMatchObject({
        PROGRAM_REGION: REGION,
        TABLE_NAME: expect.anything(),
        TOPIC_ARN: { Ref: logicalId(stack.alertTopic) },
        EVENT_BUS_NAME: { Ref: logicalId(stack.eventBus) },
        TIMERS: JSON.stringify(regionConfig(REGION).timers),
      });
      expect(String(JSON.stringify(variables))).toContain(`:stateMachine:${stateMachineNameFor(REGION)}`);
    }
    expect(followUp.DeadLetterConfig).toEqual({
      TargetArn: { 'Fn::GetAtt': [logicalId(stack.followUp.deadLetterQueue as never), 'Arn'] },
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(15 minutes)',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [logicalId(stack.followUp.function), 'Arn'] } })],
    });
  });

  it('grants each function only what its routes or tasks need', () => {
    const policies = resourcesOf('AWS::IAM::Policy').map(([id, p]) => ({
      id,
      text: JSON.stringify(props(p)),
    }));
    const policyOf = (fn: { role: { node: { tryFindChild(id: string): unknown } } }) => {
      const defaultPolicy = fn.role.node.tryFindChild('DefaultPolicy') as {
        node: { defaultChild?: unknown };
      };
      const id = logicalId(defaultPolicy);
      return policies.find((p) => p.id === id)?.text ?? '';
    };
    const api = (name: string) => stack.apiFunctions.get(`functions/api/${name}.ts`) as never;

    expect(policies.map((p) => p.text).join()).not.toContain('dynamodb:Scan');
    for (const file of ['users', 'workers'])
      expect(policyOf(api(file))).toContain('cognito-idp:AdminCreateUser');
    for (const file of ['referrals', 'lifecycle', 'alerts', 'reports', 'supervision']) {
      expect(policyOf(api(file))).not.toContain('cognito-idp');
    }
    // Raising an alert (a concern) and reading one's preferences list a group, nothing more.
    for (const file of ['work', 'notifications']) {
      expect(policyOf(api(file))).toContain('cognito-idp:ListUsersInGroup');
      expect(policyOf(api(file))).not.toContain('cognito-idp:AdminCreateUser');
    }
    for (const file of ['referrals', 'lifecycle']) {
      expect(policyOf(api(file))).toContain('states:StartExecution');
      expect(policyOf(api(file))).toContain('states:SendTaskSuccess');
    }
    expect(policyOf(api('reports'))).not.toContain('dynamodb:PutItem');
    expect(policyOf(api('health'))).not.toContain('dynamodb');
    expect(policyOf(api('users'))).not.toContain('dynamodb');
    expect(policyOf(stack.workflowTasks.notify)).toContain('sns:Publish');
    expect(policyOf(stack.workflowTasks.notify)).toContain('events:PutEvents');
    expect(policyOf(stack.workflowTasks.waitForPerson)).toContain('states:SendTaskFailure');
    expect(policyOf(stack.workflowTasks.checkActivity)).not.toContain('dynamodb:PutItem');
    for (const fn of stack.apiFunctions.values()) expect(policyOf(fn)).not.toContain('sns:Publish');
  });

  it('runs the state machine the local runner runs, with logging and X-Ray tracing', () => {
    const [[, machine] = []] = resourcesOf('AWS::StepFunctions::StateMachine');
    const local = synthesizeWorkflow(REGION);

    expect(props(machine).DefinitionString).toEqual(local.definitionString);
    expect(resolveDefinition(json as never, props(machine).DefinitionString, local.awsRegion)).toBe(
      local.asl,
    );
    expect(props(machine)).toMatchObject({
      StateMachineName: stateMachineNameFor(REGION),
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: false },
    });
  });

  it('encrypts the alert and ops topics and subscribes nothing it was not configured with', () => {
    const topics = resourcesOf('AWS::SNS::Topic').map(([, t]) => props(t));

    expect(topics.map((t) => t.TopicName).sort()).toEqual([
      `peerpath-${REGION}-alerts`,
      `peerpath-${REGION}-ops`,
    ]);
    for (const topic of topics) {
      expect(topic.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [logicalId(stack.dataKey), 'Arn'] });
    }
    const configured = regionConfig(REGION);
    // People hear of alerts from the delivery worker: only operators subscribe, to the ops topic.
    template.resourceCountIs('AWS::SNS::Subscription', configured.opsEmails.length);
  });

  it('alarms to the ops topic on API 5xx, every function error, failed executions and dead letters', () => {
    const alarms = resourcesOf('AWS::CloudWatch::Alarm').map(([, a]) => props(a));
    const functions = [
      ...Object.values(stack.workflowTasks),
      stack.followUp,
      stack.delivery.deliver,
      stack.delivery.sweep,
      ...stack.apiFunctions.values(),
    ];
    const metricsOf = (name: string) => alarms.filter((a) => a.MetricName === name);

    for (const alarm of alarms) expect(alarm.AlarmActions).toEqual([{ Ref: logicalId(stack.opsTopic) }]);
    expect(metricsOf('5xx')).toHaveLength(1);
    expect(metricsOf('ExecutionsFailed')).toHaveLength(1);
    // The reconciler's and the sweep's dead-letter queues, and the delivery stream's failure queue.
    expect(
      metricsOf('ApproximateNumberOfMessagesVisible')
        .map((a) => (a.Dimensions as { Value: { 'Fn::GetAtt': string[] } }[])[0]?.Value['Fn::GetAtt'][0])
        .sort(),
    ).toEqual(
      [
        stack.followUp.deadLetterQueue as never,
        stack.delivery.sweep.deadLetterQueue as never,
        stack.delivery.streamFailures,
      ]
        .map((queue) => logicalId(queue))
        .sort(),
    );
    expect(
      metricsOf('Errors')
        .map((a) => (a.Dimensions as { Value: { Ref: string } }[])[0]?.Value.Ref)
        .sort(),
    ).toEqual(functions.map((fn) => logicalId(fn.function)).sort());
  });

  it('serves the pages from a private, logged, SSL-only bucket through CloudFront origin access control', () => {
    const distribution = props(json.Resources[logicalId(stack.distribution)]).DistributionConfig as Record<
      string,
      unknown
    >;

    for (const bucket of [stack.webBucket, stack.accessLogsBucket]) {
      expect(props(json.Resources[logicalId(bucket)])).toMatchObject({
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        BucketEncryption: expect.anything(),
      });
    }
    expect(props(json.Resources[logicalId(stack.webBucket)]).LoggingConfiguration).toMatchObject({
      DestinationBucketName: { Ref: logicalId(stack.accessLogsBucket) },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: logicalId(stack.webBucket) },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
    template.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    expect(distribution).toMatchObject({
      DefaultRootObject: 'index.html',
      DefaultCacheBehavior: { ViewerProtocolPolicy: 'redirect-to-https' },
      Logging: { Bucket: expect.anything() },
    });
  });

  it("writes config.json for the pages with the region's API, user pool, client, sign-in domain and redirect", () => {
    const [deployment] = resourcesOf('Custom::CDKBucketDeployment')
      .map(([, d]) => props(d))
      .filter((d) => JSON.stringify(d.DistributionPaths) === '["/config.json"]');
    if (!deployment) throw new Error('No config.json deployment');
    const key = String((deployment.SourceObjectKeys as string[])[0]).replace(/\.zip$/, '');
    const config = JSON.parse(readFileSync(join(assembly.directory, `asset.${key}`, 'config.json'), 'utf8'));
    const markers = (deployment.SourceMarkers as Record<string, unknown>[])[0] ?? {};
    const markerValue = (text: string) => markers[text.match(/<<marker:0xbaba:\d+>>/)?.[0] ?? ''];

    expect(Object.keys(config).sort()).toEqual(
      ['apiUrl', 'region', 'userPoolId', 'userPoolClientId', 'cognitoDomain', 'redirectUri'].sort(),
    );
    expect(config.region).toBe(REGION);
    // Same origin as the pages: the distribution serves the API under /<region>.
    expect(config.apiUrl).toMatch(new RegExp(`^https://<<marker:0xbaba:\\d+>>/${REGION}$`));
    expect(markerValue(config.apiUrl)).toEqual({
      'Fn::GetAtt': [logicalId(stack.distribution), 'DomainName'],
    });
    expect(markerValue(config.userPoolId)).toEqual({ Ref: logicalId(stack.userPool) });
    expect(markerValue(config.userPoolClientId)).toEqual({ Ref: logicalId(stack.userPoolClient) });
    expect(config.cognitoDomain).toMatch(
      /^https:\/\/<<marker:0xbaba:\d+>>\.auth\.ca-(central|west)-1\.amazoncognito\.com$/,
    );
    expect(config.redirectUri).toMatch(/^https:\/\/<<marker:0xbaba:\d+>>\/$/);
  });

  it('outputs the API URL, user pool, client id and web URL', () => {
    expect(Object.keys(json.Outputs ?? {})).toEqual(
      expect.arrayContaining(['ApiUrl', 'UserPoolId', 'UserPoolClientId', 'WebUrl']),
    );
  });

  it('puts the program region into every resource name that must be unique in an account and AWS region', () => {
    const NAME_PROPERTIES: Record<string, string> = {
      'AWS::DynamoDB::GlobalTable': 'TableName',
      'AWS::Lambda::Function': 'FunctionName',
      'AWS::SNS::Topic': 'TopicName',
      'AWS::SQS::Queue': 'QueueName',
      'AWS::StepFunctions::StateMachine': 'StateMachineName',
      'AWS::Logs::LogGroup': 'LogGroupName',
      'AWS::Events::EventBus': 'Name',
      'AWS::Events::Rule': 'Name',
      'AWS::Cognito::UserPool': 'UserPoolName',
      'AWS::Cognito::UserPoolClient': 'ClientName',
      'AWS::Cognito::UserPoolDomain': 'Domain',
      'AWS::CloudWatch::Alarm': 'AlarmName',
      'AWS::ApiGatewayV2::Api': 'Name',
      'AWS::ApiGatewayV2::Authorizer': 'Name',
      'AWS::CloudFront::Function': 'Name',
      'AWS::KMS::Alias': 'AliasName',
      'AWS::S3::Bucket': 'BucketName',
      'AWS::CloudFront::OriginAccessControl': 'OriginAccessControlConfig.Name',
    };
    const flat = (value: unknown): string => JSON.stringify(value);
    const named = Object.entries(json.Resources).flatMap(([id, resource]) => {
      const property = NAME_PROPERTIES[resource.Type];
      const value = property
        ? property
            .split('.')
            .reduce<unknown>(
              (node, key) => (node as Record<string, unknown> | undefined)?.[key],
              props(resource),
            )
        : undefined;
      return value === undefined ? [] : [{ id, name: flat(value) }];
    });
    const missing = named.filter((n) => !n.name.includes(REGION));

    expect(named.length).toBeGreaterThan(40);
    expect(missing).toEqual([]);
    // Unnamed resources get CloudFormation names from the stack name, which carries the region too.
    expect(STACK_ID).toContain(REGION);
  });

  it('bundles every function as ESM whose exports include the handler Lambda calls', () => {
    const functions = resourcesOf('AWS::Lambda::Function')
      .map(([, f]) => props(f))
      .filter((f) => String(f.FunctionName ?? '').startsWith(`peerpath-${REGION}-`));

    expect(functions.length).toBeGreaterThan(0);
    for (const fn of functions) {
      const hash = String((fn.Code as { S3Key: string }).S3Key).replace(/\.zip$/, '');
      const code = readFileSync(join(assembly.directory, `asset.${hash}`, 'index.mjs'), 'utf8');
      const exported = [...code.matchAll(/export\s*\{([^}]*)\}/g)]
        .flatMap((m) => (m[1] ?? '').split(','))
        .map((name) =>
          name
            .trim()
            .split(/\s+as\s+/)
            .pop(),
        );
      const handler = String(fn.Handler).replace(/^index\./, '');

      expect(code.startsWith("import { createRequire } from 'node:module';"), String(fn.FunctionName)).toBe(
        true,
      );
      expect(exported, String(fn.FunctionName)).toContain(handler);
    }
  });

  it('bundles each handler into a module Node.js runs: the bundled health handler answers GET /health', async () => {
    const fn = props(
      json.Resources[
        logicalId((stack.apiFunctions.get('functions/api/health.ts') as PeerPathFunction).function)
      ],
    );
    const hash = String((fn.Code as { S3Key: string }).S3Key).replace(/\.zip$/, '');
    const bundle = join(assembly.directory, `asset.${hash}`, 'index.mjs');
    const module = (await import(pathToFileURL(bundle).href)) as {
      dispatch: (event: unknown, context: unknown) => Promise<{ statusCode: number; body: string }>;
    };
    const previous = process.env.PROGRAM_REGION;
    process.env.PROGRAM_REGION = REGION;
    try {
      const response = await module.dispatch(
        {
          version: '2.0',
          routeKey: 'GET /health',
          rawPath: '/health',
          rawQueryString: '',
          headers: {},
          requestContext: { http: { method: 'GET', path: '/health' }, requestId: 'r-1' },
          isBase64Encoded: false,
        },
        { awsRequestId: 'r-1' },
      );

      expect(response.statusCode).toBe(200);
      expect(JSON.parse(response.body)).toMatchObject({ status: 'ok', region: REGION });
    } finally {
      if (previous === undefined) delete process.env.PROGRAM_REGION;
      else process.env.PROGRAM_REGION = previous;
    }
  });
});
