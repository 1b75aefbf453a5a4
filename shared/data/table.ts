import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  type DynamoDBClient,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ProgramRegion } from '#domain/roles.ts';

/**
 * The ONE table definition, as plain data. The CDK stack (`TableV2`/`Table` props), `npm start` and the
 * tests all derive the table from it, so the key schema cannot drift between the cloud and a laptop.
 * Every attribute a key uses is a string; every index projects ALL attributes.
 */
export const INDEX = { GSI1: 'GSI1', GSI2: 'GSI2', GSI3: 'GSI3' } as const;
export type IndexName = (typeof INDEX)[keyof typeof INDEX];

export interface KeyAttribute {
  readonly name: string;
  readonly type: 'S';
}

export interface IndexDefinition {
  readonly indexName: IndexName;
  readonly partitionKey: KeyAttribute;
  readonly sortKey: KeyAttribute;
  readonly projection: 'ALL';
}

export interface TableDefinition {
  readonly partitionKey: KeyAttribute;
  readonly sortKey: KeyAttribute;
  readonly globalSecondaryIndexes: readonly IndexDefinition[];
  /** Epoch seconds; items with it expire (alerts after acknowledgement, idempotency records). */
  readonly timeToLiveAttribute: string;
  readonly billingMode: 'PAY_PER_REQUEST';
}

export const TABLE: TableDefinition = {
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  globalSecondaryIndexes: [
    {
      indexName: INDEX.GSI1,
      partitionKey: { name: 'gsi1pk', type: 'S' },
      sortKey: { name: 'gsi1sk', type: 'S' },
      projection: 'ALL',
    },
    {
      indexName: INDEX.GSI2,
      partitionKey: { name: 'gsi2pk', type: 'S' },
      sortKey: { name: 'gsi2sk', type: 'S' },
      projection: 'ALL',
    },
    {
      indexName: INDEX.GSI3,
      partitionKey: { name: 'gsi3pk', type: 'S' },
      sortKey: { name: 'gsi3sk', type: 'S' },
      projection: 'ALL',
    },
  ],
  timeToLiveAttribute: 'expiresAt',
  billingMode: 'PAY_PER_REQUEST',
};

/** Key attribute names of each index, for building `ExclusiveStartKey`s and key conditions. */
export function indexKeys(index: IndexName): { pk: string; sk: string } {
  const definition = TABLE.globalSecondaryIndexes.find((gsi) => gsi.indexName === index);
  if (!definition) throw new Error(`Unknown index ${index}`);
  return { pk: definition.partitionKey.name, sk: definition.sortKey.name };
}

/** Every named resource carries the program region, so regions never share a table. */
export function tableNameFor(region: ProgramRegion): string {
  return `peerpath-${region}`;
}

/** The `CreateTable` request for the definition (DynamoDB Local and tests; CDK builds its own construct). */
export function createTableInput(tableName: string): CreateTableCommandInput {
  const attributes = new Map<string, 'S'>();
  const add = (attribute: KeyAttribute) => attributes.set(attribute.name, attribute.type);
  add(TABLE.partitionKey);
  add(TABLE.sortKey);
  for (const gsi of TABLE.globalSecondaryIndexes) {
    add(gsi.partitionKey);
    add(gsi.sortKey);
  }
  return {
    TableName: tableName,
    BillingMode: TABLE.billingMode,
    AttributeDefinitions: [...attributes].map(([AttributeName, AttributeType]) => ({
      AttributeName,
      AttributeType,
    })),
    KeySchema: [
      { AttributeName: TABLE.partitionKey.name, KeyType: 'HASH' },
      { AttributeName: TABLE.sortKey.name, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: TABLE.globalSecondaryIndexes.map((gsi) => ({
      IndexName: gsi.indexName,
      KeySchema: [
        { AttributeName: gsi.partitionKey.name, KeyType: 'HASH' },
        { AttributeName: gsi.sortKey.name, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: gsi.projection },
    })),
  };
}

function errorName(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null ? (error as { name?: string }).name : undefined;
}

/**
 * Creates the table if it is missing and waits until it is ACTIVE, with TTL on `expiresAt`.
 * Idempotent: safe to call at every start and from parallel test files (each with its own table name).
 */
export async function ensureTable(
  clientOrDoc: DynamoDBClient | DynamoDBDocumentClient,
  tableName: string,
): Promise<void> {
  // The document client sends the low-level table commands unchanged; one type for both keeps callers simple.
  const client = clientOrDoc as unknown as DynamoDBClient;
  let status: string | undefined;
  try {
    status = (await client.send(new DescribeTableCommand({ TableName: tableName }))).Table?.TableStatus;
  } catch (error) {
    if (errorName(error) !== 'ResourceNotFoundException') throw error;
  }
  if (status === undefined) {
    try {
      await client.send(new CreateTableCommand(createTableInput(tableName)));
    } catch (error) {
      // Another process created it between our describe and create: that is the goal anyway.
      if (errorName(error) !== 'ResourceInUseException') throw error;
    }
  }
  if (status !== 'ACTIVE') {
    await waitUntilTableExists(
      { client, maxWaitTime: 120, minDelay: 1, maxDelay: 2 },
      { TableName: tableName },
    );
  }
  const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: tableName }));
  const ttlStatus = ttl.TimeToLiveDescription?.TimeToLiveStatus;
  if (ttlStatus !== 'ENABLED' && ttlStatus !== 'ENABLING') {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: TABLE.timeToLiveAttribute, Enabled: true },
      }),
    );
  }
}
