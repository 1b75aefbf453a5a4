import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject, vi } from 'vitest';
import type { StoreRequest } from '#data/client.ts';
import type { ProgramRegion, Role } from '#domain/roles.ts';
import type { Timers } from '#domain/settings.ts';
import { httpLogger } from '#http/errors.ts';
import { MemoryEventPublisher } from '../../local/notifications.ts';
import { type LocalStack, type LocalStackOptions, startLocalStack } from '../../local/stack.ts';
import { callerBuilder, fetchSend } from './callers.ts';
import { QUIET_TIMERS } from './fixtures.ts';

/**
 * The whole local program for an integration test file: the shared DynamoDB Local (fresh tables per
 * file), a runner per region, the real handlers behind the real gateway, over HTTP. Everything the program
 * writes to its logs, notices and events is kept in `output` so tests can check no PHI leaks.
 */

export interface TestApi extends LocalStack {
  /** Every log line, notice and access line the program wrote, as text. */
  output: string[];
  /** DynamoDB requests sent by the program, in order (clear with `requests.length = 0`). */
  requests: StoreRequest[];
  call<T = any>(input: CallInput): Promise<CallResult<T>>;
  /** `call` as `role` in `region` (the demo account unless `sub`). */
  as(role: Role, region?: ProgramRegion, sub?: string): Caller;
}

export interface CallInput {
  method: string;
  /** Path from the root, e.g. `/vancouver/referrals`. */
  path: string;
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface CallResult<T> {
  status: number;
  body: T;
  headers: Headers;
}

export interface Caller {
  token(): Promise<string>;
  get<T = any>(path: string, headers?: Record<string, string>): Promise<CallResult<T>>;
  post<T = any>(path: string, body?: unknown, headers?: Record<string, string>): Promise<CallResult<T>>;
  patch<T = any>(path: string, body?: unknown, headers?: Record<string, string>): Promise<CallResult<T>>;
  put<T = any>(path: string, body?: unknown, headers?: Record<string, string>): Promise<CallResult<T>>;
}

export interface TestApiOptions extends Partial<LocalStackOptions> {
  timers?: Timers;
}

export async function startTestApi(options: TestApiOptions = {}): Promise<TestApi> {
  const dataDir = await mkdtemp(join(tmpdir(), 'peerpath-api-'));
  const suffix = randomUUID();
  const output: string[] = [];
  const requests: StoreRequest[] = [];
  const write = (line: string) => output.push(line);
  const stack = await startLocalStack({
    dataDir,
    dynamoEndpoint: inject('dynamoEndpoint'),
    regions: ['vancouver', 'richmond'],
    timers: QUIET_TIMERS,
    tableName: (region) => `t-${suffix}-${region}`,
    usersInMemory: true,
    // Synthesized state machines, keyed by a hash of their sources, config and timers: shared by test files.
    workflowCacheDir: join(tmpdir(), 'peerpath-test-workflow-cache'),
    tickEveryMs: 0,
    staticDir: join(dataDir, 'no-pages'),
    log: (entry) => write(JSON.stringify(entry)),
    notice: write,
    accessLog: (line) => write(JSON.stringify(line)),
    events: () => new MemoryEventPublisher(),
    client: { onRequest: (request) => requests.push(request) },
    // No mail catcher or delivery loop unless a test asks for them (its own mailer, or `mail`).
    mail: false,
    ...options,
  });

  const send = fetchSend(stack.url);
  const call = <T>({ method, path, ...request }: CallInput): Promise<CallResult<T>> =>
    send<T>(method, path, request);

  const as: TestApi['as'] = callerBuilder(
    (method, path, { token, body, headers }) =>
      call<any>({ method, path, token, body, ...(headers ? { headers } : {}) }),
    stack.tokenFor,
  );

  return {
    ...stack,
    output,
    requests,
    call,
    as,
    stop: async () => {
      await stack.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Keeps what the handlers write through the HTTP logger (access lines, errors) instead of printing it, one
 * JSON text per call, for the PHI checks; `vi.restoreAllMocks()` undoes it.
 */
export function captureHttpLog(): string[] {
  const lines: string[] = [];
  for (const level of ['info', 'warn', 'error'] as const) {
    vi.spyOn(httpLogger, level).mockImplementation(((...args: unknown[]) => {
      lines.push(JSON.stringify(args));
    }) as never);
  }
  return lines;
}
