import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CloudFakes, type FakeReply, type StepFunctionsBackend } from './fakes.ts';

/**
 * The one endpoint every bundle's SDK calls (`AWS_ENDPOINT_URL`): it records each call as (caller, action,
 * resource) — the caller is the access key id, which the host sets to the function's logical id — then
 * forwards DynamoDB to DynamoDB Local and answers the other services from {@link CloudFakes}.
 * The service is read from the signature's credential scope, as AWS routes it by host name.
 */

export interface RecordedCall {
  /** The function's logical id (its fake access key id). */
  caller: string;
  /** IAM action, `dynamodb:GetItem`. */
  action: string;
  resource: string;
  leadingKeys?: string[];
}

interface DynamoKeySchema {
  partitionKey: string;
  /** Index name → its partition key attribute. */
  indexPartitionKeys: Record<string, string>;
}

const TRANSACT_ACTIONS: Record<string, string> = {
  ConditionCheck: 'ConditionCheckItem',
  Put: 'PutItem',
  Update: 'UpdateItem',
  Delete: 'DeleteItem',
  Get: 'GetItem',
};

type AttributeMap = Record<string, { S?: string; N?: string; B?: string }>;
const keyValue = (value: { S?: string; N?: string; B?: string } | undefined): string | undefined =>
  value?.S ?? value?.N ?? value?.B;

export class RecordingProxy {
  readonly calls: RecordedCall[] = [];
  readonly fakes: CloudFakes;
  private server: Server | undefined;
  private readonly dynamo: URL;

  constructor(
    private readonly options: {
      dynamoEndpoint: string;
      awsRegion: string;
      account: string;
      keySchema: DynamoKeySchema;
      stepFunctions: StepFunctionsBackend;
    },
  ) {
    this.dynamo = new URL(options.dynamoEndpoint);
    this.fakes = new CloudFakes({
      awsRegion: options.awsRegion,
      account: options.account,
      stepFunctions: options.stepFunctions,
    });
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      void this.handle(req, res).catch((error: unknown) => {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ __type: 'InternalFailure', message: String(error) }));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const scope = /Credential=([^/]+)\/[^/]+\/[^/]+\/([^/]+)\//.exec(String(req.headers.authorization));
    if (!scope) {
      res.writeHead(403, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ __type: 'MissingAuthenticationToken', message: 'unsigned request' }));
      return;
    }
    const [, caller, service] = scope as unknown as [string, string, string];
    const target = String(req.headers['x-amz-target'] ?? '');
    if (service === 'dynamodb') {
      const operation = target.split('.')[1] ?? '';
      for (const call of this.dynamoCalls(operation, JSON.parse(body.toString('utf8') || '{}'))) {
        this.calls.push({ caller, ...call });
      }
      await this.forwardToDynamo(req, body, res);
      return;
    }
    const reply: FakeReply = await this.fakes.answer({
      service,
      target,
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      body: body.toString('utf8'),
      record: (action, resource) => this.calls.push({ caller, action, resource }),
    });
    res.writeHead(reply.status, { 'x-amzn-requestid': crypto.randomUUID(), ...reply.headers });
    res.end(reply.body);
  }

  private tableArn(table: string, index?: string): string {
    const base = `arn:aws:dynamodb:${this.options.awsRegion}:${this.options.account}:table/${table}`;
    return index ? `${base}/index/${index}` : base;
  }

  /** The IAM actions a DynamoDB request is authorized as, with the resource and partition keys of each. */
  private dynamoCalls(operation: string, input: Record<string, any>): Omit<RecordedCall, 'caller'>[] {
    const { partitionKey } = this.options.keySchema;
    const itemCall = (action: string, spec: Record<string, any>) => ({
      action: `dynamodb:${action}`,
      resource: this.tableArn(spec.TableName),
      leadingKeys: [keyValue((spec.Key ?? spec.Item ?? {})[partitionKey]) ?? ''],
    });
    switch (operation) {
      case 'GetItem':
      case 'PutItem':
      case 'UpdateItem':
      case 'DeleteItem':
        return [itemCall(operation, input)];
      case 'Query':
        return [
          {
            action: 'dynamodb:Query',
            resource: this.tableArn(input.TableName, input.IndexName),
            leadingKeys: [this.queryPartition(input)],
          },
        ];
      case 'BatchGetItem':
        return Object.entries(input.RequestItems as Record<string, { Keys: AttributeMap[] }>).map(
          ([table, { Keys }]) => ({
            action: 'dynamodb:BatchGetItem',
            resource: this.tableArn(table),
            leadingKeys: Keys.map((key) => keyValue(key[partitionKey]) ?? ''),
          }),
        );
      case 'TransactWriteItems':
      case 'TransactGetItems':
        return (input.TransactItems as Record<string, Record<string, any>>[]).map((item) => {
          const [kind, spec] = Object.entries(item)[0]!;
          return itemCall(TRANSACT_ACTIONS[kind] ?? kind, spec);
        });
      default:
        return [{ action: `dynamodb:${operation}`, resource: this.tableArn(String(input.TableName)) }];
    }
  }

  /** The partition key value of a Query (`#pk = :pk` in its KeyConditionExpression). */
  private queryPartition(input: Record<string, any>): string {
    const { partitionKey, indexPartitionKeys } = this.options.keySchema;
    const attribute = input.IndexName ? indexPartitionKeys[input.IndexName] : partitionKey;
    const names = (input.ExpressionAttributeNames ?? {}) as Record<string, string>;
    const values = (input.ExpressionAttributeValues ?? {}) as AttributeMap;
    for (const match of String(input.KeyConditionExpression).matchAll(/([#\w]+)\s*=\s*(:\w+)/g)) {
      const name = names[match[1]!] ?? match[1];
      if (name === attribute) return keyValue(values[match[2]!]) ?? '';
    }
    return '';
  }

  private forwardToDynamo(req: IncomingMessage, body: Buffer, res: ServerResponse): Promise<void> {
    return new Promise((resolve, reject) => {
      const headers = { ...req.headers, host: this.dynamo.host };
      const out = request(
        {
          hostname: this.dynamo.hostname,
          port: this.dynamo.port,
          method: req.method,
          path: req.url,
          headers,
        },
        (reply) => {
          res.writeHead(reply.statusCode ?? 500, reply.headers);
          reply.pipe(res);
          reply.on('end', resolve);
        },
      );
      out.on('error', reject);
      out.end(body);
    });
  }
}
