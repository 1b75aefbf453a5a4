import { Duration } from 'aws-cdk-lib';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import type { RegionConfig } from '../regions.ts';
import type { PeerPathFunction } from './peerpath-function.ts';
import { nameFor, StackPart } from './stack-part.ts';

export interface PeerPathOpsProps {
  config: RegionConfig;
  /** Encrypts both topics. */
  dataKey: kms.IKey;
}

/** What the alarms watch; each function's dead-letter queue, where it has one, is watched too. */
export interface AlarmTargets {
  httpApi: apigwv2.HttpApi;
  stateMachine: sfn.StateMachine;
  functions: PeerPathFunction[];
  /** The scheduled reconciler: an alarm when it stops running. */
  followUp: PeerPathFunction;
}

type AlarmOptions = Omit<cloudwatch.AlarmProps, 'alarmName' | 'evaluationPeriods'>;

/**
 * Operations: the alert and ops topics (SSL-only, KMS-encrypted), the region's event bus, the shared X-Ray
 * policy of every function, and the alarms, which report to the ops topic (as do SES bounces and complaints,
 * and escalated URGENT concerns).
 */
export class PeerPathOps extends StackPart {
  readonly alertTopic: sns.Topic;
  readonly opsTopic: sns.Topic;
  readonly eventBus: events.EventBus;
  readonly tracingPolicy: iam.ManagedPolicy;
  readonly alarms: cloudwatch.Alarm[] = [];
  private readonly region: RegionConfig['region'];

  constructor(scope: Construct, id: string, { config, dataKey }: PeerPathOpsProps) {
    super(scope, id);
    const region = config.region;
    this.region = region;
    this.alertTopic = new sns.Topic(this, 'AlertTopic', {
      topicName: nameFor(region, 'alerts'),
      displayName: `PeerPath ${config.displayName}`,
      masterKey: dataKey,
      enforceSSL: true,
    });
    // Nobody subscribes to it: people hear of alerts from the delivery worker (email and SMS to the people the
    // directory names); the topic remains for other systems of the program.
    this.opsTopic = new sns.Topic(this, 'OpsTopic', {
      topicName: nameFor(region, 'ops'),
      displayName: `PeerPath ${config.displayName} operations`,
      masterKey: dataKey,
      enforceSSL: true,
    });
    for (const email of config.opsEmails) {
      this.opsTopic.addSubscription(new subscriptions.EmailSubscription(email));
    }
    this.eventBus = new events.EventBus(this, 'EventBus', { eventBusName: `peerpath-${region}` });

    this.tracingPolicy = new iam.ManagedPolicy(this, 'TracingPolicy', {
      description: `PeerPath ${region}: functions send their X-Ray traces`,
      statements: [
        new iam.PolicyStatement({
          actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'],
          resources: ['*'],
        }),
      ],
    });
  }

  /** One alarm, raised and cleared on the ops topic. */
  alarm(id: string, props: AlarmOptions, alarmName: string): cloudwatch.Alarm {
    const created = new cloudwatch.Alarm(this, id, {
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      ...props,
      alarmName: nameFor(this.region, alarmName),
    });
    created.addAlarmAction(new cloudwatchActions.SnsAction(this.opsTopic));
    created.addOkAction(new cloudwatchActions.SnsAction(this.opsTopic));
    this.alarms.push(created);
    return created;
  }

  /** API 5xx, every function's errors, failed executions, dead letters, and the reconciler not running. */
  addAlarms({ httpApi, stateMachine, functions, followUp }: AlarmTargets): void {
    const fiveMinutes = Duration.minutes(5);
    const shortName = (fn: PeerPathFunction) => fn.functionName.slice(`peerpath-${this.region}-`.length);
    this.alarm(
      'Api5xxAlarm',
      {
        metric: httpApi.metricServerError({ period: fiveMinutes, statistic: cloudwatch.Stats.SUM }),
        threshold: 1,
        alarmDescription: 'The API answered with a 5xx',
      },
      'api-5xx',
    );
    for (const fn of functions) {
      this.alarm(
        `${fn.node.id}ErrorsAlarm`,
        {
          metric: fn.function.metricErrors({ period: fiveMinutes, statistic: cloudwatch.Stats.SUM }),
          threshold: 1,
          alarmDescription: `${fn.functionName} failed`,
        },
        `${shortName(fn)}-errors`,
      );
    }
    this.alarm(
      'ExecutionsFailedAlarm',
      {
        metric: stateMachine.metricFailed({ period: fiveMinutes, statistic: cloudwatch.Stats.SUM }),
        threshold: 1,
        alarmDescription: 'A referral execution failed (the reconciler restarts it; find out why)',
      },
      'executions-failed',
    );
    for (const fn of functions) {
      if (!fn.deadLetterQueue) continue;
      this.alarm(
        `${fn.node.id}DeadLetterAlarm`,
        {
          metric: fn.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
            period: fiveMinutes,
            statistic: cloudwatch.Stats.MAXIMUM,
          }),
          threshold: 1,
          alarmDescription: `Failed invocations of ${fn.functionName} are waiting in its dead-letter queue`,
        },
        `${shortName(fn)}-dlq`,
      );
    }
    this.alarm(
      'FollowUpNotRunningAlarm',
      {
        metric: followUp.function.metricInvocations({
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
  }
}
