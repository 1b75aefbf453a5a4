import type { ProgramRegion, Role } from '#domain/roles.ts';
import { cachedTokens, callerBuilder } from '../../test/support/callers.ts';
import type { FlowApi, FlowCaller } from '../../test/support/reliability-flow.ts';
import type { TimedReply } from '../../test/support/reliability-http.ts';
import { HttpWorker } from './http-worker.ts';

export type { TimedReply } from '../../test/support/reliability-http.ts';

/**
 * The bench's HTTP client: requests sent from a worker thread (see http-worker.ts) with keep-alive, a token
 * per (role, region, sub) signed once.
 */

/** The client a call goes through: the lean one (bench/lib/lean-http.cjs) or node:http's. */
export type Via = 'lean' | 'node:http';

export interface BenchClient extends FlowApi {
  as(role: Role, region?: ProgramRegion, sub?: string): BenchCaller;
  /** Which client every caller's next calls go through (default the lean one). */
  via: Via;
  /**
   * A GET to another server (the bench's floor server) from the same thread, with `role`'s token; `via`
   * node:http's client instead of the lean one, to measure what that client costs by itself.
   */
  getFrom<T = any>(
    baseUrl: string,
    path: string,
    role: Role,
    options?: { region?: ProgramRegion; via?: Via },
  ): Promise<TimedReply<T>>;
  close(): Promise<void>;
}

export interface BenchCaller extends FlowCaller {
  get<T = any>(path: string, headers?: Record<string, string>): Promise<TimedReply<T>>;
  post<T = any>(path: string, body?: unknown, headers?: Record<string, string>): Promise<TimedReply<T>>;
  patch<T = any>(path: string, body?: unknown, headers?: Record<string, string>): Promise<TimedReply<T>>;
}

export function benchClient(
  baseUrl: string,
  tokenFor: (role: Role, region: ProgramRegion, sub?: string) => Promise<string>,
): BenchClient {
  const http = new HttpWorker();
  const tokenOf = cachedTokens(tokenFor);
  const client: BenchClient = {
    via: 'lean',
    async getFrom(otherUrl, path, role, { region = 'vancouver', via = 'lean' } = {}) {
      return http.send(otherUrl, 'GET', path, { token: await tokenOf(role, region), via });
    },
    as: callerBuilder(
      (method, path, request) => http.send<any>(baseUrl, method, path, { ...request, via: client.via }),
      tokenOf,
    ),
    close: () => http.close(),
  };
  return client;
}
