import { busyTime, type TracingApi } from '../../test/support/reliability-trace.ts';
import type { TimedReply } from './http.ts';
import { median, percentile, round } from './stats.ts';

/**
 * One measured API call: the latency the client saw, and the API's own DynamoDB work during it (the
 * operations its handler sent, each timed from its SDK `send` to its result in the same run).
 */
export interface CallSample {
  route: string;
  status: number;
  /** Client-observed latency (ms): request written → body parsed. */
  ms: number;
  /** Handler time (ms), inside the gateway, after the token check. */
  handlerMs: number;
  /** Wall time with at least one DynamoDB operation of this call in flight (ms). */
  dynamoMs: number;
  /** DynamoDB operations the call sent, in order. */
  operations: string[];
  /** HTTP requests to DynamoDB (one per attempt: an operation retried counts twice). */
  requests: number;
}

export class UnexpectedReply extends Error {
  constructor(route: string, reply: TimedReply, expected: readonly number[]) {
    const body = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
    super(`${route}: expected ${expected.join('/')}, got ${reply.status} ${body.slice(0, 200)}`);
    this.name = 'UnexpectedReply';
  }
}

export class Recorder {
  readonly samples = new Map<string, CallSample[]>();
  /** Unexpected statuses per route (the sample is not kept). */
  readonly failures = new Map<string, { count: number; example: string }>();
  /** While false, calls are checked but not kept (warm-up). */
  recording = true;

  constructor(private readonly api: TracingApi) {}

  /** Awaits the call, keeps its sample when the status is one of `expected`, throws otherwise. */
  async measure<T = any>(
    route: string,
    call: Promise<TimedReply<T>>,
    ...expected: number[]
  ): Promise<TimedReply<T>> {
    const reply = await call;
    const sample = this.sampleOf(route, reply);
    const ok = expected.length === 0 ? reply.status < 400 : expected.includes(reply.status);
    if (!ok) {
      const error = new UnexpectedReply(route, reply, expected);
      const failure = this.failures.get(route) ?? { count: 0, example: error.message };
      failure.count++;
      this.failures.set(route, failure);
      throw error;
    }
    if (this.recording && sample) {
      const list = this.samples.get(route) ?? [];
      list.push(sample);
      this.samples.set(route, list);
    }
    return reply;
  }

  /** The sample of a reply (its trace is consumed). */
  sampleOf(route: string, reply: TimedReply): CallSample | undefined {
    const trace = this.api.trace(reply.requestId);
    this.api.forget(reply.requestId);
    if (!trace) return undefined;
    return {
      route,
      status: reply.status,
      ms: reply.ms,
      handlerMs: (trace.handlerEnd ?? trace.handlerStart) - trace.handlerStart,
      dynamoMs: busyTime(trace.operations),
      operations: trace.operations.map((op) => op.operation),
      requests: trace.requests,
    };
  }
}

export interface RouteFigures {
  route: string;
  n: number;
  p50Ms: number;
  p99Ms: number;
  dynamoP50Ms: number;
  dynamoP99Ms: number;
  /** p50 latency / p50 DynamoDB time (undefined when the route sends no DynamoDB request). */
  ratioP50?: number;
  ratioP99?: number;
  /** Median over calls of (latency / that call's DynamoDB time). */
  ratioMedianPerCall?: number;
  requestsP50: number;
  requestsMax: number;
  /** The most common operation sequence, e.g. `GetItem,TransactWriteItems`. */
  operations: string;
  handlerP50Ms: number;
  /**
   * The same route's calls through node:http's client (taken turn about with the lean client's): what a
   * plain Node caller would see. The target is judged on the lean client's figures above.
   */
  viaNodeHttp?: {
    n: number;
    p50Ms: number;
    dynamoP50Ms: number;
    ratioMedianPerCall?: number;
    ratioP99?: number;
  };
}

export function figuresOf(route: string, samples: readonly CallSample[]): RouteFigures {
  const ms = samples.map((s) => s.ms);
  const dynamo = samples.map((s) => s.dynamoMs);
  const requests = samples.map((s) => s.requests);
  const withDynamo = samples.filter((s) => s.dynamoMs > 0);
  const signatures = new Map<string, number>();
  for (const s of samples) {
    const signature = s.operations.join(',');
    signatures.set(signature, (signatures.get(signature) ?? 0) + 1);
  }
  const [operations = ''] = [...signatures].sort((a, b) => b[1] - a[1])[0] ?? [];
  const p50 = percentile(ms, 50);
  const p99 = percentile(ms, 99);
  const d50 = percentile(dynamo, 50);
  const d99 = percentile(dynamo, 99);
  const hasDynamo = withDynamo.length > 0 && d50 > 0;
  return {
    route,
    n: samples.length,
    p50Ms: round(p50),
    p99Ms: round(p99),
    dynamoP50Ms: round(d50),
    dynamoP99Ms: round(d99),
    ...(hasDynamo
      ? {
          ratioP50: round(p50 / d50),
          ratioP99: round(p99 / d99),
          ratioMedianPerCall: round(median(withDynamo.map((s) => s.ms / s.dynamoMs))),
        }
      : {}),
    requestsP50: percentile(requests, 50),
    requestsMax: Math.max(...requests),
    operations: operations || '—',
    handlerP50Ms: round(
      percentile(
        samples.map((s) => s.handlerMs),
        50,
      ),
    ),
  };
}
