import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ArnFormat, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { TABLE, tableNameFor } from '#data/table.ts';
import { buildReferralWorkflow, type WorkflowFunctions } from '../workflows/definition.ts';
import type { RegionConfig } from './regions.ts';

/** The repository root (the stack bundles handlers from it). */
export const PROJECT_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

export interface PeerPathStackProps extends StackProps {
  config: RegionConfig;
}

/** The handler file of each workflow task (each exports `handler`). */
export const WORKFLOW_HANDLERS: Record<keyof WorkflowFunctions, string> = {
  waitForPerson: 'functions/workflow/wait-for-person.ts',
  notify: 'functions/workflow/notify.ts',
  checkActivity: 'functions/workflow/check-activity.ts',
};

export const stateMachineNameFor = (region: string): string => `peerpath-${region}-referrals`;

/**
 * One program region: its table, the referral state machine and the Lambdas its tasks call, the alert
 * topic and event bus. (The API, user pool, reconciler schedule and web pages are added by the infra work.)
 */
export class PeerPathStack extends Stack {
  readonly table: dynamodb.TableV2;
  readonly stateMachine: sfn.StateMachine;
  readonly workflowFunctions: Record<keyof WorkflowFunctions, NodejsFunction>;
  readonly alertTopic: sns.Topic;
  readonly eventBus: events.EventBus;

  constructor(scope: Construct, id: string, props: PeerPathStackProps) {
    super(scope, id, props);
    const { config } = props;

    this.table = new dynamodb.TableV2(this, 'Table', {
      tableName: tableNameFor(config.region),
      partitionKey: { name: TABLE.partitionKey.name, type: dynamodb.AttributeType.STRING },
      sortKey: { name: TABLE.sortKey.name, type: dynamodb.AttributeType.STRING },
      globalSecondaryIndexes: TABLE.globalSecondaryIndexes.map((gsi) => ({
        indexName: gsi.indexName,
        partitionKey: { name: gsi.partitionKey.name, type: dynamodb.AttributeType.STRING },
        sortKey: { name: gsi.sortKey.name, type: dynamodb.AttributeType.STRING },
        projectionType: dynamodb.ProjectionType.ALL,
      })),
      billing: dynamodb.Billing.onDemand(),
      timeToLiveAttribute: TABLE.timeToLiveAttribute,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.alertTopic = new sns.Topic(this, 'AlertTopic', {
      topicName: `peerpath-${config.region}-alerts`,
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
    this.eventBus = new events.EventBus(this, 'EventBus', { eventBusName: `peerpath-${config.region}` });

    const stateMachineName = stateMachineNameFor(config.region);
    const environment = {
      TABLE_NAME: this.table.tableName,
      PROGRAM_REGION: config.region,
      TOPIC_ARN: this.alertTopic.topicArn,
      EVENT_BUS_NAME: this.eventBus.eventBusName,
      NODE_OPTIONS: '--enable-source-maps',
    };
    const fn = (name: keyof WorkflowFunctions, logicalId: string) =>
      new NodejsFunction(this, logicalId, {
        entry: join(PROJECT_ROOT, WORKFLOW_HANDLERS[name]),
        handler: 'handler',
        projectRoot: PROJECT_ROOT,
        depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
        runtime: lambda.Runtime.NODEJS_22_X,
        architecture: lambda.Architecture.ARM_64,
        memorySize: 256,
        timeout: Duration.seconds(20),
        environment,
        logGroup: new logs.LogGroup(this, `${logicalId}Logs`, {
          retention: logs.RetentionDays.THREE_MONTHS,
          removalPolicy: RemovalPolicy.DESTROY,
        }),
        bundling: {
          format: OutputFormat.ESM,
          target: 'node22',
          minify: true,
          sourceMap: true,
          mainFields: ['module', 'main'],
          banner:
            "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
        },
      });
    this.workflowFunctions = {
      waitForPerson: fn('waitForPerson', 'WaitForPersonFunction'),
      notify: fn('notify', 'NotifyFunction'),
      checkActivity: fn('checkActivity', 'CheckActivityFunction'),
    };
    const { waitForPerson, notify, checkActivity } = this.workflowFunctions;
    this.table.grantReadWriteData(waitForPerson);
    this.table.grantReadWriteData(notify);
    this.table.grantReadData(checkActivity);
    this.alertTopic.grantPublish(notify);
    this.eventBus.grantPutEventsTo(notify);
    // A wait that finds its stage already moved completes its own token. The ARN is built from the name:
    // referencing the state machine here would make a cycle (the machine references the function).
    waitForPerson.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['states:SendTaskSuccess', 'states:SendTaskFailure'],
        resources: [
          this.formatArn({
            service: 'states',
            resource: 'stateMachine',
            resourceName: stateMachineName,
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        ],
      }),
    );

    this.stateMachine = new sfn.StateMachine(this, 'ReferralStateMachine', {
      stateMachineName,
      stateMachineType: sfn.StateMachineType.STANDARD,
      comment: `PeerPath referral lifecycle (${config.displayName})`,
      definitionBody: sfn.DefinitionBody.fromChainable(
        buildReferralWorkflow(this, { timers: config.timers, functions: this.workflowFunctions }),
      ),
      tracingEnabled: true,
      logs: {
        destination: new logs.LogGroup(this, 'StateMachineLogs', {
          retention: logs.RetentionDays.THREE_MONTHS,
          removalPolicy: RemovalPolicy.DESTROY,
        }),
        level: sfn.LogLevel.ALL,
        // Execution data holds task tokens; they never go to a log.
        includeExecutionData: false,
      },
    });
  }
}
