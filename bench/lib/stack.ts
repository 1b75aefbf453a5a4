import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Stage } from '#domain/lifecycle.ts';
import type { ProgramRegion } from '#domain/roles.ts';
import { type DynamoDbLocal, startDynamoDbLocal } from '../../local/dynamodb-local.ts';
import { MemoryEventPublisher } from '../../local/notifications.ts';
import { type LocalStack, startLocalStack } from '../../local/stack.ts';
import { QUIET_TIMERS } from '../../test/support/fixtures.ts';
import { startTracingApi, type TracingApi } from '../../test/support/reliability-trace.ts';
import { type BenchClient, benchClient } from './http.ts';

/**
 * The bench's local program: its own in-memory DynamoDB Local (stopped by pid at the end), the local stack
 * on it (runners with quiet timers, demo roster), the traced API gateway, and a client over HTTP.
 */

/**
 * vancouver: routes and lifecycles; north-shore and richmond: the queue's small and large tables;
 * sea-to-sky: the queue whose open caseload grows.
 */
export const BENCH_REGIONS: readonly ProgramRegion[] = ['vancouver', 'north-shore', 'richmond', 'sea-to-sky'];

export interface BenchStack {
  /** The program's data directory (the local mail catcher writes `mail/` and `sms.jsonl` here). */
  dataDir: string;
  dynamo: DynamoDbLocal;
  stack: LocalStack;
  api: TracingApi;
  client: BenchClient;
  waits: WaitWatcher;
  /** Lines the handlers and the runner logged (counted, not kept). */
  logLines(): number;
  stop(): Promise<void>;
}

/**
 * Knows when the state machine waits for a person: every successful store of a wait token (the runner's
 * conditional UpdateItem `SET waitToken = …, waitStage = …`) is seen by a middleware on the runner's client.
 * Event-driven, so waiting for the machine adds no polling load to DynamoDB.
 */
export class WaitWatcher {
  private readonly stored = new Map<string, { stage: string; seq: number }>();
  private readonly waiters = new Map<string, { stage: string; after: number; resolve: () => void }[]>();
  private seq = 0;

  constructor(stack: LocalStack) {
    const doc = stack.stores[stack.regions[0]!].doc;
    doc.middlewareStack.add(
      (next, context) => async (args) => {
        const out = await next(args);
        const input = args.input as {
          UpdateExpression?: string;
          Key?: { pk?: unknown };
          ExpressionAttributeValues?: Record<string, unknown>;
        };
        if (
          context.commandName === 'UpdateItemCommand' &&
          input.UpdateExpression?.includes('waitToken = :token')
        ) {
          const pk = text(input.Key?.pk);
          const stage = text(input.ExpressionAttributeValues?.[':stage']);
          // After the runner's own continuation of this write (the SDK's unwinding, the wait's return) has
          // run: a waiter resolved right here would send its call while that work still holds the loop.
          if (pk && stage) setImmediate(() => this.record(pk.replace(/^REF#/, ''), stage));
        }
        return out;
      },
      { step: 'initialize', name: 'benchWaitWatcher', priority: 'high' },
    );
  }

  /** A marker: `waitingIn(id, stage, mark)` then waits for a store made after it. */
  mark(referralId: string): number {
    return this.stored.get(referralId)?.seq ?? 0;
  }

  /** Resolves when the machine has stored a token for `stage` (after `after`, when given). */
  waitingIn(referralId: string, stage: Stage, after = 0, timeoutMs = 60_000): Promise<void> {
    const last = this.stored.get(referralId);
    if (last && last.stage === stage && last.seq > after) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`The machine did not wait in ${stage} for ${referralId}`)),
        timeoutMs,
      );
      const list = this.waiters.get(referralId) ?? [];
      list.push({
        stage,
        after,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
      this.waiters.set(referralId, list);
    });
  }

  forget(referralId: string): void {
    this.stored.delete(referralId);
    this.waiters.delete(referralId);
  }

  private record(referralId: string, stage: string): void {
    const seq = ++this.seq;
    this.stored.set(referralId, { stage, seq });
    const list = this.waiters.get(referralId);
    if (!list) return;
    const remaining = list.filter((waiter) => {
      if (waiter.stage === stage && seq > waiter.after) {
        waiter.resolve();
        return false;
      }
      return true;
    });
    if (remaining.length > 0) this.waiters.set(referralId, remaining);
    else this.waiters.delete(referralId);
  }
}

/** A string attribute, marshalled (`{S: …}`) or not. */
function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  const marshalled = (value as { S?: unknown } | undefined)?.S;
  return typeof marshalled === 'string' ? marshalled : undefined;
}

export async function startBenchStack(): Promise<BenchStack> {
  const dataDir = await mkdtemp(join(tmpdir(), 'peerpath-bench-'));
  const dynamo = await startDynamoDbLocal({ inMemory: true });
  let lines = 0;
  const count = () => {
    lines++;
  };
  let stack: LocalStack | undefined;
  let api: TracingApi | undefined;
  try {
    const run = Date.now().toString(36);
    stack = await startLocalStack({
      dataDir,
      dynamoEndpoint: dynamo.endpoint,
      regions: BENCH_REGIONS,
      timers: QUIET_TIMERS,
      tableName: (region) => `bench-${run}-${region}`,
      usersInMemory: true,
      tickEveryMs: 0,
      staticDir: join(dataDir, 'no-pages'),
      log: count,
      notice: count,
      events: () => new MemoryEventPublisher(undefined, 1000),
    });
    const waits = new WaitWatcher(stack);
    api = await startTracingApi(stack, { log: count });
    const client = benchClient(api.url, stack.tokenFor);
    const started = stack;
    const tracing = api;
    return {
      dataDir,
      dynamo,
      stack: started,
      api: tracing,
      client,
      waits,
      logLines: () => lines,
      stop: async () => {
        await client.close();
        await tracing.close().catch(() => undefined);
        await started.stop().catch(() => undefined);
        await dynamo.stop();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await api?.close().catch(() => undefined);
    await stack?.stop().catch(() => undefined);
    await dynamo.stop();
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
}
