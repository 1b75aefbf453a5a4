import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { Keys } from '#data/keys.ts';

/**
 * The floor of one API call on this machine: a bare Node HTTP server whose only work is the DynamoDB call
 * the getReferral route makes (the same Query, the same SDK client, the same table), answered as JSON. No
 * routing, no token, no validation, no views, no logging: what is left is the HTTP hop and the SDK call,
 * so its latency over its DynamoDB time is the best ratio any API could score here, measured in the same
 * run. The DynamoDB time of each call travels back in the `x-dynamo-ms` header.
 */

export const FLOOR_DYNAMO_HEADER = 'x-dynamo-ms';

export interface FloorServer {
  url: string;
  close(): Promise<void>;
}

export async function startFloorServer(doc: DynamoDBDocumentClient, tableName: string): Promise<FloorServer> {
  const server: Server = createServer((req, res) => {
    req.resume();
    const id = /^\/referrals\/([^/?]+)$/.exec(req.url ?? '')?.[1];
    if (!id) {
      res.writeHead(404).end();
      return;
    }
    const started = performance.now();
    doc
      .send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': Keys.referralPartition(id) },
          ConsistentRead: true,
        }),
      )
      .then(
        (out) => {
          const dynamoMs = performance.now() - started;
          res.writeHead(200, {
            'content-type': 'application/json',
            [FLOOR_DYNAMO_HEADER]: dynamoMs.toFixed(4),
          });
          res.end(JSON.stringify(out.Items ?? []));
        },
        () => res.writeHead(503).end(),
      );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
