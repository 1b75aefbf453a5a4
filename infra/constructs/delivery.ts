import { Annotations, Aws, Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventTargets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sources from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as ses from 'aws-cdk-lib/aws-ses';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { mailFromAddress, type RegionConfig } from '../regions.ts';
import type { PeerPathData } from './data.ts';
import type { PeerPathOps } from './ops.ts';
import { PeerPathFunction } from './peerpath-function.ts';
import { type FunctionDefaults, nameFor, StackPart } from './stack-part.ts';

/** The delivery worker's file: `handler` (the table stream) and `sweepHandler` (every minute). */
export const DELIVERY_HANDLER = 'workflows/tasks/deliver.ts';

/** The log line the worker writes when a delivery has used its attempts (counted by an alarm). */
export const DELIVERY_DEAD_PATTERN = logs.FilterPattern.stringValue('$.msg', '=', 'delivery dead');

export const NO_SENDER_WARNING = (region: string, suffix: string): string =>
  `PeerPath ${region}: no PEERPATH_MAIL_FROM_${suffix}: every email delivery will be marked SUPPRESSED ` +
  '(visible on the alert, nothing sent). Verify a sender in SES and set it to send email.';

export interface PeerPathDeliveryProps {
  config: RegionConfig;
  data: PeerPathData;
  ops: PeerPathOps;
  functionDefaults: FunctionDefaults;
  /** The pages' URL, for the links in the messages. */
  pagesUrl: string;
}

/**
 * Alerts that reach people: the delivery worker on the table's stream (new DELIVERY items only, retried,
 * bisected, failures to an SSL-only KMS-encrypted queue that raises an alarm), its one-minute sweep
 * (retries with backoff, the 08:00 digest, escalation of unacknowledged URGENT concerns), and the SES
 * configuration set whose bounces and complaints go to the ops topic. Email goes from the region's verified
 * sender only; without one, email deliveries are SUPPRESSED and the synth says so.
 */
export class PeerPathDelivery extends StackPart {
  readonly deliver: PeerPathFunction;
  readonly sweep: PeerPathFunction;
  /** Stream batches that failed every retry (their records, not their items: the table keeps those). */
  readonly streamFailures: sqs.Queue;
  readonly configurationSet: ses.ConfigurationSet;
  readonly mailFrom: string | undefined;

  constructor(scope: Construct, id: string, props: PeerPathDeliveryProps) {
    super(scope, id);
    const { config, data, ops, functionDefaults } = props;
    const region = config.region;
    const stack = Stack.of(this);
    this.mailFrom = config.mailFrom;

    this.configurationSet = new ses.ConfigurationSet(this, 'MailConfigurationSet', {
      configurationSetName: nameFor(region, 'mail'),
      reputationMetrics: true,
      sendingEnabled: true,
      tlsPolicy: ses.ConfigurationSetTlsPolicy.REQUIRE,
      suppressionReasons: ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS,
    });
    this.configurationSet.addEventDestination('ToOps', {
      configurationSetEventDestinationName: 'bounces-and-complaints-to-ops',
      destination: ses.EventDestination.snsTopic(ops.opsTopic),
      events: [ses.EmailSendingEvent.BOUNCE, ses.EmailSendingEvent.COMPLAINT, ses.EmailSendingEvent.REJECT],
    });
    ops.opsTopic.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('ses.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [ops.opsTopic.topicArn],
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
    );
    if (!config.mailFrom) {
      Annotations.of(this).addWarning(NO_SENDER_WARNING(region, region.toUpperCase().replace(/-/g, '_')));
    }

    const environment: Record<string, string> = {
      TABLE_NAME: data.table.tableName,
      MAIL_CONFIGURATION_SET: this.configurationSet.configurationSetName,
      PAGES_URL: props.pagesUrl,
      OPS_TOPIC_ARN: ops.opsTopic.topicArn,
      TIMERS: JSON.stringify(config.timers),
      ...(config.mailFrom ? { MAIL_FROM: config.mailFrom } : {}),
    };
    const worker = (workerId: string, name: string, handler: string, description: string, extra = {}) =>
      new PeerPathFunction(this, workerId, {
        ...functionDefaults,
        name,
        entry: DELIVERY_HANDLER,
        handler,
        description,
        environment,
        timeout: Duration.minutes(1),
        ...extra,
      });
    this.deliver = worker('Deliver', 'workflow-deliver', 'handler', 'Sends the email and SMS of new alerts');
    this.sweep = worker(
      'DeliverySweep',
      'workflow-delivery-sweep',
      'sweepHandler',
      'Every minute: retries due deliveries, sends the 08:00 digest, escalates unacknowledged URGENT concerns',
      { deadLetter: { key: data.dataKey, retryAttempts: 0 } },
    );

    this.streamFailures = new sqs.Queue(this, 'DeliveryStreamFailures', {
      queueName: nameFor(region, 'delivery-stream-failures'),
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: data.dataKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.deliver.function.addEventSource(
      new sources.DynamoEventSource(data.table, {
        startingPosition: lambda.StartingPosition.LATEST,
        batchSize: 25,
        maxBatchingWindow: Duration.seconds(0),
        retryAttempts: 5,
        bisectBatchOnError: true,
        reportBatchItemFailures: true,
        maxRecordAge: Duration.hours(1),
        onFailure: new sources.SqsDlq(this.streamFailures),
        filters: [
          lambda.FilterCriteria.filter({
            eventName: lambda.FilterRule.isEqual('INSERT'),
            dynamodb: { NewImage: { type: { S: lambda.FilterRule.isEqual('DELIVERY') } } },
          }),
        ],
      }),
    );

    for (const fn of [this.deliver, this.sweep]) {
      data.grantTable(fn.function, 'readWrite');
      ops.opsTopic.grantPublish(fn.function);
      // SMS straight to a phone number: SNS has no ARN for a number, so this cannot name a resource.
      fn.function.addToRolePolicy(
        new iam.PolicyStatement({
          sid: 'SmsToPhoneNumbers',
          actions: ['sns:Publish'],
          resources: ['*'],
        }),
      );
      if (config.mailFrom) {
        const address = mailFromAddress(config.mailFrom);
        const identity = (name: string) =>
          stack.formatArn({ service: 'ses', resource: 'identity', resourceName: name });
        fn.function.addToRolePolicy(
          new iam.PolicyStatement({
            sid: 'SendFromTheVerifiedSender',
            actions: ['ses:SendEmail'],
            resources: [
              identity(address),
              identity(address.slice(address.indexOf('@') + 1)),
              stack.formatArn({
                service: 'ses',
                resource: 'configuration-set',
                resourceName: this.configurationSet.configurationSetName,
              }),
            ],
          }),
        );
      }
    }

    ops.alarm(
      'DeliveryStreamFailuresAlarm',
      {
        metric: this.streamFailures.metricApproximateNumberOfMessagesVisible({
          period: Duration.minutes(5),
          statistic: cloudwatch.Stats.MAXIMUM,
        }),
        threshold: 1,
        alarmDescription:
          'Stream batches of new deliveries failed every retry (the sweep retries the deliveries)',
      },
      'delivery-stream-failures',
    );
    const dead = new cloudwatch.Metric({
      namespace: `PeerPath/${region}`,
      metricName: 'DeliveriesDead',
      period: Duration.minutes(5),
      statistic: cloudwatch.Stats.SUM,
    });
    for (const fn of [this.deliver, this.sweep]) {
      new logs.MetricFilter(this, `${fn.node.id}DeadDeliveries`, {
        logGroup: fn.logGroup,
        filterPattern: DELIVERY_DEAD_PATTERN,
        metricNamespace: dead.namespace,
        metricName: dead.metricName,
        metricValue: '1',
        defaultValue: 0,
      });
    }
    ops.alarm(
      'DeliveriesDeadAlarm',
      {
        metric: dead,
        threshold: 1,
        alarmDescription: 'A delivery used all its attempts (FAILED, on the alert)',
      },
      'deliveries-dead',
    );

    new events.Rule(this, 'DeliverySweepSchedule', {
      ruleName: nameFor(region, 'delivery-sweep'),
      description: `PeerPath ${region}: the delivery sweep, every minute`,
      schedule: events.Schedule.rate(Duration.minutes(1)),
      targets: [
        new eventTargets.LambdaFunction(this.sweep.function, {
          retryAttempts: 0,
          maxEventAge: Duration.minutes(1),
        }),
      ],
    });
  }
}
