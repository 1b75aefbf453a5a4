import type { ProgramRegion, Role } from '#domain/roles.ts';
import type { FlowApi, FlowCaller } from '../../test/support/reliability-flow.ts';
import type { TimedReply } from '../../test/support/reliability-http.ts';
import { HttpWorker } from './http-worker.ts';

export type { TimedReply } from '../../test/support/reliability-http.ts';

/**
 * The bench's HTTP client: requests sent from a worker thread (see http-worker.ts) with keep-alive, a token
 * per (role, region, sub) signed once.
 */

export interface BenchClient extends FlowApi {
  as(role: Role, region?: ProgramRegion, sub?: string): BenchCaller;
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
  const tokens = new Map<string, Promise<string>>();
  return {
    as(role, region = 'vancouver', sub) {
      const key = `${role}|${region}|${sub ?? ''}`;
      const token = () => {
        let promise = tokens.get(key);
        if (!promise) {
          promise = tokenFor(role, region, sub);
          tokens.set(key, promise);
        }
        return promise;
      };
      const call =
        (method: string) =>
        async <T>(path: string, body?: unknown, headers?: Record<string, string>) =>
          http.send<T>(baseUrl, method, `/${region}${path}`, {
            token: await token(),
            ...(body !== undefined ? { body } : {}),
            ...(headers ? { headers } : {}),
          });
      return {
        get: <T>(path: string, headers?: Record<string, string>) => call('GET')<T>(path, undefined, headers),
        post: call('POST'),
        patch: call('PATCH'),
      };
    },
    close: () => http.close(),
  };
}
