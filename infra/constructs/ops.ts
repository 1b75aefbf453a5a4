import { Annotations, Aws, Duration, Stack } from 'aws-cdk-lib';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as triggers from 'aws-cdk-lib/triggers';
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
  /** The user pool's regional web ACL (its name): an alarm when it blocks requests. */
  signInWebAclName: string;
}

/** 4xx answers of the API in 5 minutes that raise the alarm. */
export const API_4XX_PER_5_MINUTES = 50;

/** The ARNs of this program region's alarms in the stack's account and AWS region. */
export const alarmArnPattern = (region: RegionConfig['region']): string =>
  `arn:${Aws.PARTITION}:cloudwatch:${Aws.REGION}:${Aws.ACCOUNT_ID}:alarm:${nameFor(region, '*')}`;

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
  /** Runs the reconciler once during the first deploy (see {@link PeerPathOps.addAlarms}). */
  followUpFirstRun: triggers.Trigger | undefined;
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
    // `enforceSSL` gives the topic a policy holding only its deny; without this statement CloudWatch could
    // not publish a single alarm. Only this account's alarms of this program region (`peerpath-<region>-*`).
    this.opsTopic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.opsTopic.topicArn],
        conditions: {
          ArnLike: { 'aws:SourceArn': alarmArnPattern(region) },
          StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
        },
      }),
    );
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
  addAlarms({ httpApi, stateMachine, functions, followUp, signInWebAclName }: AlarmTargets): void {
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
    // 4xx includes the stage's 429s (throttled) and the authorizer's 401s: many in 5 minutes is someone
    // probing or a client gone wrong. (Requests the CloudFront web ACL blocks never reach the API: their
    // counts are the web ACL's metrics in us-east-1.)
    this.alarm(
      'Api4xxAlarm',
      {
        metric: httpApi.metricClientError({ period: fiveMinutes, statistic: cloudwatch.Stats.SUM }),
        threshold: API_4XX_PER_5_MINUTES,
        alarmDescription: `The API answered ${API_4XX_PER_5_MINUTES} or more 4xx (401, 404, 429…) in 5 minutes`,
      },
      'api-4xx',
    );
    this.alarm(
      'SignInBlockedAlarm',
      {
        metric: new cloudwatch.Metric({
          namespace: 'AWS/WAFV2',
          metricName: 'BlockedRequests',
          dimensionsMap: { WebACL: signInWebAclName, Region: Stack.of(this).region, Rule: 'ALL' },
          period: fiveMinutes,
          statistic: cloudwatch.Stats.SUM,
        }),
        threshold: 1,
        alarmDescription: 'The sign-in web ACL blocked requests (rate limit per IP or AWS common rules)',
      },
      'sign-in-blocked',
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
    // A fresh deploy has no invocation yet, and missing data counts as "not running": the alarm would start in
    // ALARM. The reconciler runs once during the deploy (an idempotent run over the region's open referrals;
    // never again on updates), and the alarm is created only after that run has returned, so its first
    // evaluation sees an invocation.
    const firstRun = new triggers.Trigger(this, 'FollowUpFirstRun', {
      handler: followUp.function,
      invocationType: triggers.InvocationType.REQUEST_RESPONSE,
      timeout: Duration.minutes(5),
      executeOnHandlerChange: false,
    });
    this.followUpFirstRun = firstRun;
    // The trigger invokes a version of the follow-up function: nothing calls it with a Qualifier, and the
    // schedule's permission is on the function itself, so CDK's note about version permissions does not apply.
    Annotations.of(Stack.of(this)).acknowledgeWarning(
      '@aws-cdk/aws-lambda:addPermissionsToVersionOrAlias',
      'The first-run trigger invokes the follow-up by its version; every other caller uses the function itself',
    );
    const notRunning = this.alarm(
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
    notRunning.node.addDependency(firstRun);
  }
}
