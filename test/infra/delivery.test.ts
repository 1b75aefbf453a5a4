import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, HIPAASecurityChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPeerPathApp } from '../../infra/constructs/peerpath-app.ts';
import { regionConfig } from '../../infra/regions.ts';
import type { PeerPathStack } from '../../infra/stack.ts';

/**
 * Alerts that reach people, in the cloud: the delivery worker on the table stream, its sweep, the SES
 * configuration set and what each may do. Two stacks, synthesized once without bundling: Vancouver with a
 * verified sender, Richmond without one.
 */

type Resource = { Type: string; Properties?: Record<string, unknown> };
type CfnTemplate = { Resources: Record<string, Resource> };

const SENDER = 'PeerPath Vancouver <alerts@peerpath.example.org>';
let outdir: string;
let app: ReturnType<typeof createPeerPathApp>['app'];
let withSender: { stack: PeerPathStack; json: CfnTemplate; template: Template; warnings: string[] };
let withoutSender: typeof withSender;

beforeAll(async () => {
  process.env.CDK_DISABLE_VERSION_CHECK = '1';
  outdir = await mkdtemp(join(tmpdir(), 'peerpath-delivery-'));
  const built = createPeerPathApp({
    configs: [
      regionConfig('vancouver', { PEERPATH_MAIL_FROM_VANCOUVER: SENDER }),
      regionConfig('richmond', {}),
    ],
    appProps: {
      outdir,
      context: { 'aws:cdk:bundling-stacks': [], '@aws-cdk/core:failSynthOnValidationErrors': false },
    },
  });
  app = built.app;
  const assembly = app.synth();
  const load = (name: string) => {
    const artifact = assembly.getStackByName(name);
    const json = artifact.template as CfnTemplate;
    return {
      stack: built.stacks.find((s) => s.stackName === name) as PeerPathStack,
      json,
      template: Template.fromJSON(json),
      warnings: artifact.messages.filter((m) => m.level === 'warning').map((m) => String(m.entry.data)),
    };
  };
  withSender = load('PeerPath-vancouver');
  withoutSender = load('PeerPath-richmond');
}, 180_000);

afterAll(async () => {
  if (outdir) await rm(outdir, { recursive: true, force: true });
});

const logicalId = (stack: PeerPathStack, construct: { node: { defaultChild?: unknown } }) =>
  stack.getLogicalId(construct.node.defaultChild as never);
const resourcesOf = (json: CfnTemplate, type: string) =>
  Object.entries(json.Resources).filter(([, r]) => r.Type === type);
/** The statements of a function's own policy. */
function statementsOf(json: CfnTemplate, stack: PeerPathStack, fn: { role: { node: IConstructLike } }) {
  const policy = fn.role.node.tryFindChild('DefaultPolicy') as { node: { defaultChild?: unknown } };
  const document = json.Resources[logicalId(stack, policy)]?.Properties?.PolicyDocument as {
    Statement: { Action: string | string[]; Resource: unknown; Effect: string }[];
  };
  return document.Statement;
}
function environmentOf(
  json: CfnTemplate,
  stack: PeerPathStack,
  fn: { function: never } | { function: unknown },
) {
  const properties = json.Resources[logicalId(stack, fn.function as never)]?.Properties ?? {};
  return (properties.Environment as { Variables: Record<string, unknown> }).Variables;
}
type IConstructLike = { tryFindChild(id: string): unknown };
const actionsOf = (statement: { Action: string | string[] }) =>
  Array.isArray(statement.Action) ? statement.Action : [statement.Action];

describe('the delivery worker', () => {
  it('reads new DELIVERY items from the table stream: NEW_IMAGE, filtered, retried, bisected, failures queued', () => {
    const { json, template, stack } = withSender;
    const [[, table] = []] = resourcesOf(json, 'AWS::DynamoDB::GlobalTable');
    expect(table?.Properties?.StreamSpecification).toEqual({ StreamViewType: 'NEW_IMAGE' });

    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: logicalId(stack, stack.delivery.deliver.function) },
      EventSourceArn: { 'Fn::GetAtt': [Match.anyValue(), 'StreamArn'] },
      StartingPosition: 'LATEST',
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 5,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      DestinationConfig: {
        OnFailure: {
          Destination: { 'Fn::GetAtt': [logicalId(stack, stack.delivery.streamFailures), 'Arn'] },
        },
      },
      FilterCriteria: {
        Filters: [
          {
            Pattern: JSON.stringify({
              eventName: ['INSERT'],
              dynamodb: { NewImage: { type: { S: ['DELIVERY'] } } },
            }),
          },
        ],
      },
    });
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
  });

  it('keeps stream failures in an SSL-only, KMS-encrypted queue with an alarm to the ops topic', () => {
    const { json, template, stack } = withSender;
    const queueId = logicalId(stack, stack.delivery.streamFailures);
    expect(json.Resources[queueId]?.Properties).toMatchObject({
      KmsMasterKeyId: { 'Fn::GetAtt': [logicalId(stack, stack.dataKey), 'Arn'] },
    });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: queueId }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }],
      AlarmActions: [{ Ref: logicalId(stack, stack.opsTopic) }],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'DeliveriesDead',
      AlarmActions: [{ Ref: logicalId(stack, stack.opsTopic) }],
    });
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      FilterPattern: '{ $.msg = "delivery dead" }',
      LogGroupName: { Ref: logicalId(stack, stack.delivery.sweep.logGroup) },
    });
  });

  it('runs the sweep every minute, with a dead-letter queue', () => {
    const { template, stack, json } = withSender;
    const sweepId = logicalId(stack, stack.delivery.sweep.function);
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [sweepId, 'Arn'] } })],
    });
    expect(json.Resources[sweepId]?.Properties).toMatchObject({
      Handler: 'index.sweepHandler',
      DeadLetterConfig: {
        TargetArn: { 'Fn::GetAtt': [logicalId(stack, stack.delivery.sweep.deadLetterQueue as never), 'Arn'] },
      },
    });
    expect(json.Resources[logicalId(stack, stack.delivery.deliver.function)]?.Properties).toMatchObject({
      Handler: 'index.handler',
    });
  });

  it('gives both functions the table, the sender, the configuration set, the pages URL, the ops topic and the timers', () => {
    const { json, stack } = withSender;
    for (const fn of [stack.delivery.deliver, stack.delivery.sweep]) {
      const variables = environmentOf(json, stack, fn);
      expect(variables).toMatchObject({
        PROGRAM_REGION: 'vancouver',
        TABLE_NAME: expect.anything(),
        MAIL_FROM: SENDER,
        MAIL_CONFIGURATION_SET: { Ref: logicalId(stack, stack.delivery.configurationSet) },
        OPS_TOPIC_ARN: { Ref: logicalId(stack, stack.opsTopic) },
        TIMERS: JSON.stringify(regionConfig('vancouver').timers),
      });
      expect(JSON.stringify(variables.PAGES_URL)).toContain(logicalId(stack, stack.distribution));
    }
  });
});

describe('what the delivery functions may do (least privilege)', () => {
  it('sends email only as the verified sender through the configuration set, and publishes SMS', () => {
    const { json, stack } = withSender;
    for (const fn of [stack.delivery.deliver, stack.delivery.sweep]) {
      const statements = statementsOf(json, stack, fn);
      const ses = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('ses:')));
      expect(ses).toHaveLength(1);
      expect(actionsOf(ses[0]!)).toEqual(['ses:SendEmail']);
      const resources = JSON.stringify(ses[0]!.Resource);
      expect(resources).toContain(':identity/alerts@peerpath.example.org');
      expect(resources).toContain(':identity/peerpath.example.org');
      expect(resources).toContain(':configuration-set/');
      expect(resources).not.toContain('identity/*');
      // SMS to a number: Resource "*" for sns:Publish only (a number has no ARN).
      const wildcard = statements.filter((s) => s.Resource === '*');
      expect(wildcard.map((s) => actionsOf(s))).toEqual([['sns:Publish']]);
      const text = JSON.stringify(statements);
      expect(text).not.toContain('dynamodb:Scan');
      expect(text).not.toContain('states:');
      // Only the stream's consumer reads the stream.
      expect(text.includes('dynamodb:GetRecords')).toBe(fn === stack.delivery.deliver);
    }
  });

  it('without a sender: no SES permission at all, no MAIL_FROM, and a synth warning that email is SUPPRESSED', () => {
    const { json, stack, warnings } = withoutSender;
    for (const fn of [stack.delivery.deliver, stack.delivery.sweep]) {
      expect(JSON.stringify(statementsOf(json, stack, fn))).not.toContain('ses:');
      const variables = environmentOf(json, stack, fn);
      expect(variables).not.toHaveProperty('MAIL_FROM');
    }
    expect(warnings).toEqual([expect.stringContaining('PEERPATH_MAIL_FROM_RICHMOND')]);
    expect(warnings[0]).toContain('SUPPRESSED');
    expect(withSender.warnings.filter((w) => w.includes('MAIL_FROM'))).toEqual([]);
  });
});

describe('the SES configuration set', () => {
  it('requires TLS, suppresses bounces and complaints, and sends them (and rejects) to the ops topic', () => {
    const { template, stack } = withSender;
    const setId = logicalId(stack, stack.delivery.configurationSet);
    template.hasResourceProperties('AWS::SES::ConfigurationSet', {
      Name: 'peerpath-vancouver-mail',
      DeliveryOptions: { TlsPolicy: 'REQUIRE' },
      SuppressionOptions: { SuppressedReasons: ['BOUNCE', 'COMPLAINT'] },
    });
    template.hasResourceProperties('AWS::SES::ConfigurationSetEventDestination', {
      ConfigurationSetName: { Ref: setId },
      EventDestination: {
        Enabled: true,
        MatchingEventTypes: ['bounce', 'complaint', 'reject'],
        SnsDestination: { TopicARN: { Ref: logicalId(stack, stack.opsTopic) } },
      },
    });
    // SES may publish to the encrypted ops topic (topic policy and key policy, this account only).
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'ses.amazonaws.com' },
            Action: 'sns:Publish',
          }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: Match.arrayWith(['ses.amazonaws.com']) },
            Condition: { StringEquals: { 'aws:SourceAccount': Match.anyValue() } },
          }),
        ]),
      },
    });
  });

  it('leaves no cdk-nag finding unacknowledged in either stack', () => {
    const direct = [new AwsSolutionsChecks(), new HIPAASecurityChecks()].flatMap((pack) =>
      pack
        .validateScope(app)
        .violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath}`)),
    );
    expect(direct).toEqual([]);
  });
});
