import { AsyncLocalStorage } from 'node:async_hooks';
import { performance } from 'node:perf_hooks';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ROUTES } from '#api/routes.ts';
import { createDocumentClient, type DocumentClientOptions } from '#data/client.ts';
import { createStore } from '#data/store.ts';
import type { ProgramRegion } from '#domain/roles.ts';
import { type ApiDeps, useApiDeps } from '../../functions/api/deps.ts';
import { type Gateway, importHandler, startGateway } from '../../local/gateway.ts';
import { type LocalStack, PROJECT_ROOT } from '../../local/stack.ts';

/**
 * Per-request tracing of the API's own DynamoDB work, for the benchmarks and the reliability suite.
 *
 * A second instance of the real local gateway (same routes, same handlers, same token verification) whose
 * handler loader runs each invocation inside an AsyncLocalStorage scope keyed by the gateway's request id
 * (the `x-request-id` response header). The API handlers get their own DynamoDB client (installed with
 * `useApiDeps`, same table, same runner, same user directory); its middleware records every operation with
 * its start and end in the scope of the call that made it. The workflow runner keeps the stack's client, so
 * its background work (alerts, wait tokens) is never counted as the API's.
 */

export interface TracedOperation {
  /** `GetItem`, `Query`, `TransactWriteItems`, … */
  operation: string;
  /** `performance.now()` when `send` was called and when it settled (retries included). */
  start: number;
  end: number;
  /** True when the SDK call threw. */
  failed: boolean;
  /** The request parameters (tests read the keys written; never log them: they may hold PHI). */
  input: Readonly<Record<string, unknown>>;
}

export interface CallTrace {
  requestId: string;
  /** `POST /referrals/{id}/match`. */
  routeKey: string;
  operations: TracedOperation[];
  /** HTTP requests sent to DynamoDB (counted by SDK middleware: one per attempt, so retries count). */
  requests: number;
  /** `performance.now()` around the handler (after the gateway verified the token). */
  handlerStart: number;
  handlerEnd?: number;
}

/** DynamoDB operations that write. */
export const WRITE_OPERATIONS: ReadonlySet<string> = new Set([
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'BatchWriteItem',
  'TransactWriteItems',
]);

export interface TracingApi {
  /** The tracing gateway's base URL (`http://127.0.0.1:<port>`). */
  url: string;
  /** The API's DynamoDB client (traced). */
  doc: DynamoDBDocumentClient;
  /** The trace of a call by its `x-request-id`. */
  trace(requestId: string): CallTrace | undefined;
  /** Forget a trace (keeps memory flat in long runs). */
  forget(requestId: string): void;
  /**
   * How operations are matched to calls. `context` (default): by async context (AsyncLocalStorage), right
   * under any concurrency. `sequential`: to the one call in flight, for callers that send one call at a time;
   * it spares every promise of the process the async-context hooks, which weigh on what is measured.
   */
  attribution: 'context' | 'sequential';
  close(): Promise<void>;
}

export interface TracingApiOptions {
  /** Where the handlers' structured log lines go (the stack's own `log` is not exposed). */
  log: (entry: Record<string, unknown>) => void;
  /** Options of the API's DynamoDB client (timeouts, attempts). */
  client?: Omit<DocumentClientOptions, 'endpoint' | 'onRequest'>;
  /** Also called for every API operation (with the request id of the call, if any). */
  onOperation?: (operation: TracedOperation & { requestId?: string }) => void;
}

/** Union of the intervals (ms): the wall time during which at least one operation was in flight. */
export function busyTime(operations: readonly Pick<TracedOperation, 'start' | 'end'>[]): number {
  const sorted = [...operations].sort((a, b) => a.start - b.start);
  let total = 0;
  let from = Number.NEGATIVE_INFINITY;
  let to = Number.NEGATIVE_INFINITY;
  for (const op of sorted) {
    if (op.start > to) {
      if (to > from) total += to - from;
      from = op.start;
      to = op.end;
    } else if (op.end > to) to = op.end;
  }
  if (to > from) total += to - from;
  return total;
}

/** A command as `send` gets it: the document client's commands wrap the low-level one (`clientCommand`). */
interface SentCommand {
  input?: unknown;
  clientCommand?: object;
}

/** `GetItem`, `TransactWriteItems`, …: the DynamoDB operation, also for the document client's `GetCommand`. */
function operationOf(command: SentCommand): string {
  const low = command.clientCommand ?? command;
  return low.constructor.name.replace(/Command$/, '') || 'Unknown';
}

export async function startTracingApi(stack: LocalStack, options: TracingApiOptions): Promise<TracingApi> {
  const scope = new AsyncLocalStorage<CallTrace>();
  const traces = new Map<string, CallTrace>();
  let attribution: TracingApi['attribution'] = 'context';
  /** The call in flight, in `sequential` attribution. */
  let current: CallTrace | undefined;
  const doc = createDocumentClient({ ...options.client, endpoint: stack.dynamo.endpoint });
  // The whole SDK call is timed, from `send` to its promise settling: the SDK's per-call work before its
  // middleware stack runs (resolving the stack, ~0.15 ms) is part of the raw SDK call as much as the round
  // trip is, and a middleware inside the stack cannot see it.
  const send = doc.send.bind(doc) as (command: unknown) => Promise<unknown>;
  (doc as { send: unknown }).send = async (command: SentCommand) => {
    const trace = attribution === 'context' ? scope.getStore() : current;
    const operation = operationOf(command);
    const start = performance.now();
    let failed = false;
    try {
      return await send(command);
    } catch (error) {
      failed = true;
      throw error;
    } finally {
      const input = (command.input ?? {}) as Record<string, unknown>;
      const op: TracedOperation = { operation, start, end: performance.now(), failed, input };
      trace?.operations.push(op);
      options.onOperation?.({ ...op, ...(trace ? { requestId: trace.requestId } : {}) });
    }
  };
  // Each HTTP request to DynamoDB, retries included, is counted by a middleware after the retry middleware.
  doc.middlewareStack.add(
    (next) => async (args) => {
      const trace = attribution === 'context' ? scope.getStore() : current;
      if (trace) trace.requests++;
      return next(args);
    },
    { step: 'finalizeRequest', name: 'peerpathRequestCount', priority: 'low' },
  );

  const deps = new Map<ProgramRegion, ApiDeps>(
    stack.regions.map((region) => [
      region,
      {
        store: createStore({
          region,
          doc,
          tableName: stack.stores[region].tableName,
          ...(stack.stores[region].secrets ? { secrets: stack.stores[region].secrets } : {}),
        }),
        workflow: stack.runners[region],
        users: stack.users,
        log: options.log,
      },
    ]),
  );
  useApiDeps((region) => deps.get(region));

  const load = importHandler(PROJECT_ROOT);
  const gateway: Gateway = await startGateway({
    port: 0,
    routes: ROUTES,
    regions: stack.regions,
    jwt: stack.jwt,
    loadHandler: async (ref) => {
      const handler = await load(ref);
      return (event, context) => {
        const trace: CallTrace = {
          requestId: event.requestContext.requestId,
          routeKey: event.routeKey,
          operations: [],
          requests: 0,
          handlerStart: performance.now(),
        };
        traces.set(trace.requestId, trace);
        if (attribution === 'context') return scope.run(trace, () => traced(trace, handler(event, context)));
        current = trace;
        return traced(trace, handler(event, context));
      };
    },
  });

  /** The handler's result, its end time noted on the trace. */
  async function traced<T>(trace: CallTrace, run: Promise<T>): Promise<T> {
    try {
      return await run;
    } finally {
      trace.handlerEnd = performance.now();
      if (current === trace) current = undefined;
    }
  }

  return {
    url: gateway.url,
    doc,
    get attribution() {
      return attribution;
    },
    set attribution(mode) {
      attribution = mode;
      current = undefined;
      // No async-context hooks while nothing uses them (they run on every promise of the process).
      if (mode === 'sequential') scope.disable();
    },
    trace: (requestId) => traces.get(requestId),
    forget: (requestId) => {
      traces.delete(requestId);
    },
    close: async () => {
      await gateway.close();
      doc.destroy();
    },
  };
}
