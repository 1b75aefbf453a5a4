import { randomUUID } from 'node:crypto';
import { Agent } from 'node:http';
import { getReferral } from '#data/referrals/reads.ts';
import { createWorker } from '#data/workers.ts';
import type { Stage } from '#domain/lifecycle.ts';
import type { ProgramRegion, Role } from '#domain/roles.ts';
import { WorkerInputSchema } from '#domain/worker.ts';
import { startTestApi, type TestApi, type TestApiOptions } from './api.ts';
import { callerBuilder } from './callers.ts';
import { type FlowApi, type FlowCaller, workerForm } from './reliability-flow.ts';
import { type SendOptions, send, type TimedReply } from './reliability-http.ts';
import {
  type CallTrace,
  startTracingApi,
  type TracingApi,
  type TracingApiOptions,
  WRITE_OPERATIONS,
} from './reliability-trace.ts';
import { eventually } from './workflow.ts';

/**
 * The reliability suite's view of the local program: `startTestApi` (fresh tables in the run's DynamoDB
 * Local, quiet timers, demo roster) plus the tracing gateway, so each HTTP call's own DynamoDB operations are
 * known (`writesOf(reply)`). Calls go through the tracing gateway; everything the program logs is in
 * `api.output`.
 */

export interface ReliabilityApi extends FlowApi {
  api: TestApi;
  tracing: TracingApi;
  /** Any request through the tracing gateway (path from the root). */
  send<T = any>(method: string, path: string, options?: SendOptions): Promise<TimedReply<T>>;
  as(role: Role, region?: ProgramRegion, sub?: string): FlowCaller;
  /** The successful write operations the call's handler sent (none when it never reached a handler). */
  writesOf(reply: Pick<TimedReply, 'requestId'>): CallTrace['operations'];
  /** Until the state machine waits in `stage` (its token stored on the referral). */
  waitingIn(referralId: string, stage: Stage, region?: ProgramRegion): Promise<void>;
  /** Workers added straight to the roster (room for many clients unless `maxCaseload`). */
  addWorkers(count: number, options?: { maxCaseload?: number; region?: ProgramRegion }): Promise<string[]>;
  stop(): Promise<void>;
}

export interface ReliabilityApiOptions extends TestApiOptions {
  /** Options of the API handlers' own DynamoDB client (attempts, timeouts). */
  apiClient?: TracingApiOptions['client'];
}

/**
 * The handlers' own logger (Powertools) writes JSON lines straight to stdout and stderr (warnings, errors), as
 * in Lambda. While the suite's program runs, those lines go to `output` (where the PHI checks read them)
 * instead of the terminal; anything else still reaches the terminal.
 */
function captureStdout(output: string[]): () => void {
  const restoreOut = capture(process.stdout, output);
  const restoreErr = capture(process.stderr, output);
  return () => {
    restoreOut();
    restoreErr();
  };
}

function capture(stream: NodeJS.WriteStream, output: string[]): () => void {
  const write = stream.write.bind(stream);
  let partial = '';
  stream.write = ((chunk: unknown, encoding?: unknown, callback?: unknown) => {
    const text =
      partial + (typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
    const lines = text.split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      if (line.startsWith('{')) output.push(line);
      else write(`${line}\n`);
    }
    const done = typeof encoding === 'function' ? encoding : callback;
    if (typeof done === 'function') queueMicrotask(() => (done as () => void)());
    return true;
  }) as typeof stream.write;
  return () => {
    if (partial) output.push(partial);
    stream.write = write;
  };
}

export async function startReliabilityApi(options: ReliabilityApiOptions = {}): Promise<ReliabilityApi> {
  const { apiClient, ...stackOptions } = options;
  const api = await startTestApi(stackOptions);
  const restoreStdout = captureStdout(api.output);
  let tracing: TracingApi;
  try {
    tracing = await startTracingApi(api, {
      log: (entry) => api.output.push(JSON.stringify(entry)),
      ...(apiClient ? { client: apiClient } : {}),
    });
  } catch (error) {
    restoreStdout();
    await api.stop();
    throw error;
  }
  // Idle sockets close after 4 s, before the gateway's 5 s keep-alive timeout can close one under a request.
  const agent = new Agent({ keepAlive: true, maxSockets: 64, timeout: 4000 });
  const sendRaw = <T>(method: string, path: string, sendOptions: SendOptions = {}) =>
    send<T>(agent, tracing.url, method, path, { timeoutMs: 60_000, ...sendOptions });

  return {
    api,
    tracing,
    send: sendRaw,
    as: callerBuilder((method, path, request) => sendRaw<any>(method, path, request), api.tokenFor),
    writesOf(reply) {
      const trace = tracing.trace(reply.requestId);
      return (trace?.operations ?? []).filter((op) => WRITE_OPERATIONS.has(op.operation) && !op.failed);
    },
    async waitingIn(referralId, stage, region = 'vancouver') {
      await eventually(`the machine to wait in ${stage}`, async () => {
        const referral = await getReferral(api.stores[region], referralId);
        return referral.stage === stage && referral.waitStage === stage && referral.waitToken !== undefined;
      });
    },
    async addWorkers(count, workerOptions = {}) {
      const store = api.stores[workerOptions.region ?? 'vancouver'];
      const ids = Array.from({ length: count }, () => `w-${randomUUID()}`);
      await Promise.all(
        ids.map((id) =>
          createWorker(store, {
            id,
            input: WorkerInputSchema.parse(workerForm({ maxCaseload: workerOptions.maxCaseload ?? 30 })),
          }),
        ),
      );
      return ids;
    },
    async stop() {
      agent.destroy();
      await tracing.close().catch(() => undefined);
      await api.stop();
      restoreStdout();
    },
  };
}
