import { basename } from 'node:path';
import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventTargets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { buildReferralWorkflow, type WorkflowFunctions } from '../../workflows/definition.ts';
import type { RegionConfig } from '../regions.ts';
import type { PeerPathData } from './data.ts';
import type { PeerPathOps } from './ops.ts';
import { PeerPathFunction } from './peerpath-function.ts';
import {
  type FunctionDefaults,
  nameFor,
  pathWithoutParts,
  StackPart,
  uniqueIdOf,
  uniqueIdWithoutParts,
} from './stack-part.ts';

/** The handler file of each workflow task (each exports `handler`). */
export const WORKFLOW_HANDLERS: Record<keyof WorkflowFunctions, string> = {
  waitForPerson: 'workflows/tasks/wait-for-person.ts',
  notify: 'workflows/tasks/notify.ts',
  checkActivity: 'workflows/tasks/check-activity.ts',
};

/** The scheduled reconciler and follow-ups (debriefs overdue, consent expiring); exports `handler`. */
export const FOLLOW_UP_HANDLER = 'workflows/tasks/follow-up.ts';

export const stateMachineNameFor = (region: string): string => `peerpath-${region}-referrals`;

export interface PeerPathWorkflowProps {
  config: RegionConfig;
  data: PeerPathData;
  ops: PeerPathOps;
  functionDefaults: FunctionDefaults;
}

/**
 * The referral lifecycle: one Standard state machine, its task functions, and the scheduled reconciler and
 * follow-ups (with its dead-letter queue and schedule).
 */
export class PeerPathWorkflow extends StackPart {
  readonly tasks: Record<keyof WorkflowFunctions, PeerPathFunction>;
  /** The task functions as the state machine sees them (the local runner maps Task states through these). */
  readonly functions: Record<keyof WorkflowFunctions, NodejsFunction>;
  readonly followUp: PeerPathFunction;
  readonly stateMachine: sfn.StateMachine;
  /** The ARNs of this region's executions (`…:execution:<machine>:*`), for DescribeExecution. */
  readonly executionsArn: string;

  constructor(scope: Construct, id: string, props: PeerPathWorkflowProps) {
    super(scope, id);
    const { config, data, ops, functionDefaults } = props;
    const region = config.region;
    const stack = Stack.of(this);
    const stateMachineName = stateMachineNameFor(region);
    // Built from the name: task functions referencing the machine would make a cycle (it references them).
    const stateMachineArn = stack.formatArn({
      service: 'states',
      resource: 'stateMachine',
      resourceName: stateMachineName,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    this.executionsArn = stack.formatArn({
      service: 'states',
      resource: 'execution',
      resourceName: `${stateMachineName}:*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    const environment = {
      TABLE_NAME: data.table.tableName,
      TOPIC_ARN: ops.alertTopic.topicArn,
      EVENT_BUS_NAME: ops.eventBus.eventBusName,
      STATE_MACHINE_ARN: stateMachineArn,
      TIMERS: JSON.stringify(config.timers),
    };
    const task = (key: keyof WorkflowFunctions, taskId: string, description: string) =>
      new PeerPathFunction(this, taskId, {
        ...functionDefaults,
        name: `workflow-${basename(WORKFLOW_HANDLERS[key], '.ts')}`,
        entry: WORKFLOW_HANDLERS[key],
        handler: 'handler',
        description,
        environment,
      });
    this.tasks = {
      waitForPerson: task('waitForPerson', 'WaitForPerson', 'Stores a wait token, or completes it at once'),
      notify: task('notify', 'Notify', 'Writes and publishes the alerts of a transition or an overdue wait'),
      checkActivity: task('checkActivity', 'CheckActivity', 'Time left before the no-session alert'),
    };
    this.functions = {
      waitForPerson: this.tasks.waitForPerson.function,
      notify: this.tasks.notify.function,
      checkActivity: this.tasks.checkActivity.function,
    };
    const { waitForPerson, notify, checkActivity } = this.functions;
    data.grantTable(waitForPerson, 'readWrite');
    data.grantTable(notify, 'readWrite');
    data.grantTable(checkActivity, 'read');
    ops.alertTopic.grantPublish(notify);
    ops.eventBus.grantPutEventsTo(notify);
    // A wait that finds its stage already moved completes its own token.
    waitForPerson.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['states:SendTaskSuccess', 'states:SendTaskFailure'],
        resources: [stateMachineArn],
      }),
    );

    this.followUp = new PeerPathFunction(this, 'FollowUp', {
      ...functionDefaults,
      name: 'workflow-follow-up',
      entry: FOLLOW_UP_HANDLER,
      handler: 'handler',
      description: 'Scheduled: restarts stalled executions, alerts overdue debriefs and expiring consents',
      environment,
      timeout: Duration.minutes(5),
      deadLetter: { key: data.dataKey, retryAttempts: 0 },
    });
    const followUp = this.followUp.function;
    data.grantTable(followUp, 'readWrite');
    ops.alertTopic.grantPublish(followUp);
    ops.eventBus.grantPutEventsTo(followUp);
    followUp.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['states:StartExecution'], resources: [stateMachineArn] }),
    );
    followUp.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['states:DescribeExecution'], resources: [this.executionsArn] }),
    );
    const schedule = new events.Rule(this, 'FollowUpSchedule', {
      ruleName: nameFor(region, 'follow-up'),
      description: `PeerPath ${region}: the reconciler and follow-ups, every ${config.followUpEveryMinutes} minutes`,
      schedule: events.Schedule.rate(Duration.minutes(config.followUpEveryMinutes)),
      targets: [
        new eventTargets.LambdaFunction(followUp, {
          retryAttempts: 2,
          maxEventAge: Duration.minutes(config.followUpEveryMinutes),
        }),
      ],
    });
    // The target's invoke permission is named after the function's full path (parts included): it keeps the
    // logical id it has had since the function was created in the stack's own scope.
    const permission = schedule.node.children.find((child) => child.node.id.startsWith('AllowEventRule'));
    if (!permission) throw new Error('The follow-up schedule has no invoke permission');
    (permission as lambda.CfnPermission).overrideLogicalId(
      uniqueIdOf([...pathWithoutParts(schedule), `AllowEventRule${uniqueIdWithoutParts(followUp)}`]),
    );

    this.stateMachine = new sfn.StateMachine(this, 'ReferralStateMachine', {
      stateMachineName,
      stateMachineType: sfn.StateMachineType.STANDARD,
      comment: `PeerPath referral lifecycle (${config.displayName})`,
      definitionBody: sfn.DefinitionBody.fromChainable(
        buildReferralWorkflow(this, { timers: config.timers, functions: this.functions }),
      ),
      tracingEnabled: true,
      logs: {
        destination: data.logGroup(this, 'StateMachineLogs'),
        level: sfn.LogLevel.ALL,
        // Execution data holds task tokens; they never go to a log.
        includeExecutionData: false,
      },
    });
  }
}
