import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** What the request hook sees: the DynamoDB operation and its parameters (for counting and checks). */
export interface StoreRequest {
  /** The low-level operation, e.g. `GetItem`, `Query`, `TransactWriteItems`. */
  operation: string;
  /** The request parameters (`TableName`, `IndexName`, …) as sent. Never log it: it may hold PHI. */
  input: Readonly<Record<string, unknown>>;
}

export interface DocumentClientOptions {
  /** DynamoDB Local's URL; when set, dummy credentials are used (nothing is signed for AWS). */
  endpoint?: string;
  /** AWS region; defaults to `AWS_REGION`, or `ca-central-1` locally. */
  region?: string;
  /** Called once per DynamoDB operation (not per retry): the bench counts requests per API call. */
  onRequest?: (request: StoreRequest) => void;
  /** Attempts per operation including the first (SDK default 3). */
  maxAttempts?: number;
  /** Milliseconds to connect / to wait for a response before the call fails as unavailable. */
  connectionTimeoutMs?: number;
  requestTimeoutMs?: number;
}

const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

/**
 * The SDK's logger. Its default (a no-op logger) still has `info`, so the SDK's logger middleware builds a
 * filtered deep copy of every request and response only to drop it — measured at 2–3 % of the local
 * stack's CPU under load, and the same in every Lambda. Without `info` the middleware skips that work.
 * Every method is a no-op, as before: the SDK would log request parameters, which may hold PHI.
 */
const quiet = () => undefined;
const SDK_LOGGER = { trace: quiet, debug: quiet, warn: quiet, error: quiet } as unknown as NonNullable<
  DynamoDBClientConfig['logger']
>;

/** The DynamoDB document client every repository uses (`removeUndefinedValues`, so optional fields vanish). */
export function createDocumentClient(options: DocumentClientOptions = {}): DynamoDBDocumentClient {
  const config: DynamoDBClientConfig = {
    region: options.region ?? process.env.AWS_REGION ?? 'ca-central-1',
    maxAttempts: options.maxAttempts ?? 3,
    logger: SDK_LOGGER,
    requestHandler: {
      connectionTimeout: options.connectionTimeoutMs ?? 2_000,
      requestTimeout: options.requestTimeoutMs ?? 10_000,
    },
  };
  if (options.endpoint) {
    config.endpoint = options.endpoint;
    config.credentials = LOCAL_CREDENTIALS;
  }
  const client = new DynamoDBClient(config);
  const onRequest = options.onRequest;
  if (onRequest) {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const name = String(context.commandName ?? 'Unknown').replace(/Command$/, '');
        onRequest({ operation: name, input: (args.input ?? {}) as Record<string, unknown> });
        return next(args);
      },
      { step: 'initialize', name: 'peerpathRequestHook', priority: 'high' },
    );
  }
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
    unmarshallOptions: { wrapNumbers: false },
  });
}
