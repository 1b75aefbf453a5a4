import { Aws, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { TABLE, tableNameFor } from '#data/table.ts';
import type { ProgramRegion } from '#domain/roles.ts';
import { hmacKeyParameterName } from '#domain/settings.ts';
import { nameFor, StackPart } from './stack-part.ts';

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

/**
 * The named, retained stateful resources (table, keys, user pool): kept on update and stack deletion, but
 * deleted when the stack's first create fails and rolls back (`RetainExceptOnCreate`), so a retried first
 * deploy does not meet a leftover table or user pool of the same name.
 */
export const RETAINED_EXCEPT_ON_CREATE = RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE;

/** Every log group keeps a year of logs. */
export const LOG_RETENTION = logs.RetentionDays.ONE_YEAR;

export interface PeerPathDataProps {
  region: ProgramRegion;
}

/**
 * The region's stored data: the single table and the two customer-managed keys (the table, topics and queues;
 * the log groups). All three are retained fixed-name resources.
 */
export class PeerPathData extends StackPart {
  readonly dataKey: kms.Key;
  readonly logsKey: kms.Key;
  readonly table: dynamodb.TableV2;
  private readonly region: ProgramRegion;

  constructor(scope: Construct, id: string, { region }: PeerPathDataProps) {
    super(scope, id);
    this.region = region;
    this.dataKey = new kms.Key(this, 'DataKey', {
      alias: `alias/${nameFor(region, 'data')}`,
      description: `PeerPath ${region}: the table, topics and queues`,
      enableKeyRotation: true,
      removalPolicy: RETAINED_EXCEPT_ON_CREATE,
    });
    // CloudWatch alarms, and SES bounce and complaint events, publish to the encrypted ops topic.
    this.dataKey.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [
          new iam.ServicePrincipal('cloudwatch.amazonaws.com'),
          new iam.ServicePrincipal('ses.amazonaws.com'),
        ],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
    );
    this.logsKey = new kms.Key(this, 'LogsKey', {
      alias: `alias/${nameFor(region, 'logs')}`,
      description: `PeerPath ${region}: CloudWatch log groups`,
      enableKeyRotation: true,
      removalPolicy: RETAINED_EXCEPT_ON_CREATE,
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
      // The delivery worker reads new DELIVERY items from the stream (an outbox written with the alert).
      dynamoStream: dynamodb.StreamViewType.NEW_IMAGE,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RETAINED_EXCEPT_ON_CREATE,
    });
  }

  /**
   * Reading the region's HMAC key: `ssm:GetParameter` on its SecureString parameter, and `kms:Decrypt` of the
   * data key only when SSM asks for it on that parameter. The operator creates the parameter, encrypted with
   * this data key (README, "The client-pointer key"); CloudFormation cannot create a SecureString.
   */
  grantHmacKey(grantee: iam.IGrantable): void {
    const stack = Stack.of(this);
    const parameterArn = stack.formatArn({
      service: 'ssm',
      resource: 'parameter',
      resourceName: hmacKeyParameterName(this.region).replace(/^\//, ''),
    });
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['ssm:GetParameter'], resources: [parameterArn] }),
    );
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['kms:Decrypt'],
        resources: [this.dataKey.keyArn],
        conditions: {
          StringEquals: {
            'kms:ViaService': `ssm.${stack.region}.amazonaws.com`,
            'kms:EncryptionContext:PARAMETER_ARN': parameterArn,
          },
        },
      }),
    );
  }

  /** A retained log group in `scope`, encrypted with the logs key, with the stack's retention. */
  logGroup(scope: Construct, id: string): logs.LogGroup {
    return new logs.LogGroup(scope, id, {
      retention: LOG_RETENTION,
      encryptionKey: this.logsKey,
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }

  /** Table access with the key the table is encrypted with (DynamoDB uses it on the caller's behalf). */
  grantTable(grantee: iam.IGrantable, access: 'read' | 'readWrite'): void {
    const write = access === 'readWrite';
    this.table.grant(grantee, ...TABLE_READ_ACTIONS, ...(write ? TABLE_WRITE_ACTIONS : []));
    this.dataKey.grant(
      grantee,
      'kms:Decrypt',
      'kms:DescribeKey',
      ...(write ? ['kms:Encrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*'] : []),
    );
  }
}
