import { AsyncLocalStorage } from 'node:async_hooks';
import { performance } from 'node:perf_hooks';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient, type DocumentClientOptions } from '#data/client.ts';
import { createStore } from '#data/store.ts';
import type { ProgramRegion } from '#domain/roles.ts';
import { type ApiDeps, useApiDeps } from '../../functions/api/deps.ts';
import { ROUTES } from '../../functions/routes.ts';
import { type Gateway, importHandler, startGateway } from '../../infra/local/gateway.ts';
import { type LocalStack, PROJECT_ROOT } from '../../infra/local/stack.ts';

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
  /** `performance.now()` at the SDK call's start and end (retries included). */
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

export async function startTracingApi(stack: LocalStack, options: TracingApiOptions): Promise<TracingApi> {
  const scope = new AsyncLocalStorage<CallTrace>();
  const traces = new Map<string, CallTrace>();
  let attribution: TracingApi['attribution'] = 'context';
  /** The call in flight, in `sequential` attribution. */
  let current: CallTrace | undefined;
  const doc = createDocumentClient({ ...options.client, endpoint: stack.dynamo.endpoint });
  doc.middlewareStack.add(
    (next, context) => async (args) => {
      const trace = attribution === 'context' ? scope.getStore() : current;
      const operation = String(context.commandName ?? 'Unknown').replace(/Command$/, '');
      const start = performance.now();
      let failed = false;
      try {
        return await next(args);
      } catch (error) {
        failed = true;
        throw error;
      } finally {
        const input = (args.input ?? {}) as Record<string, unknown>;
        const traced: TracedOperation = { operation, start, end: performance.now(), failed, input };
        trace?.operations.push(traced);
        options.onOperation?.({ ...traced, ...(trace ? { requestId: trace.requestId } : {}) });
      }
    },
    { step: 'initialize', name: 'peerpathTrace', priority: 'high' },
  );

  const deps = new Map<ProgramRegion, ApiDeps>(
    stack.regions.map((region) => [
      region,
      {
        store: createStore({ region, doc, tableName: stack.stores[region].tableName }),
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
          handlerStart: performance.now(),
        };
        traces.set(trace.requestId, trace);
        const run = async () => {
          try {
            return await handler(event, context);
          } finally {
            trace.handlerEnd = performance.now();
            if (current === trace) current = undefined;
          }
        };
        if (attribution === 'context') return scope.run(trace, run);
        current = trace;
        return run();
      };
    },
  });

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
