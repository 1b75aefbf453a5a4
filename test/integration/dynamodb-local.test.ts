import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { expect, inject, it } from 'vitest';

it('reaches the DynamoDB Local started by globalSetup', async () => {
  const client = new DynamoDBClient({ endpoint: inject('dynamoEndpoint') });
  const out = await client.send(new ListTablesCommand({}));
  expect(Array.isArray(out.TableNames)).toBe(true);
  client.destroy();
});
