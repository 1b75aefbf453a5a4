import type { ProgramRegion, Role } from '#domain/roles.ts';

/**
 * The one way tests and the bench call the API as someone: `as(role, region, sub)` gives a caller whose
 * calls go to `/<region><path>` with that person's token (signed once per role, region and sub). Each
 * client brings its own transport (`send`): fetch, node:http, the bench's worker thread. No vitest import.
 */

export type TokenFor = (role: Role, region: ProgramRegion, sub?: string) => Promise<string>;

export interface CallRequest {
  token: string;
  body?: unknown;
  headers?: Record<string, string>;
}

export type SendCall<R> = (method: string, path: string, request: CallRequest) => Promise<R>;

export interface CallerOf<R> {
  token(): Promise<string>;
  get(path: string, headers?: Record<string, string>): Promise<R>;
  post(path: string, body?: unknown, headers?: Record<string, string>): Promise<R>;
  patch(path: string, body?: unknown, headers?: Record<string, string>): Promise<R>;
  put(path: string, body?: unknown, headers?: Record<string, string>): Promise<R>;
}

/** `tokenFor`, asked once per (role, region, sub). */
export function cachedTokens(tokenFor: TokenFor): TokenFor {
  const tokens = new Map<string, Promise<string>>();
  return (role, region, sub) => {
    const key = `${role}|${region}|${sub ?? ''}`;
    let token = tokens.get(key);
    if (!token) {
      token = tokenFor(role, region, sub);
      tokens.set(key, token);
    }
    return token;
  };
}

export function callerBuilder<R>(
  send: SendCall<R>,
  tokenFor: TokenFor,
): (role: Role, region?: ProgramRegion, sub?: string) => CallerOf<R> {
  const tokenOf = cachedTokens(tokenFor);
  return (role, region = 'vancouver', sub) => {
    const token = () => tokenOf(role, region, sub);
    const call =
      (method: string) =>
      async (path: string, body?: unknown, headers?: Record<string, string>): Promise<R> =>
        send(method, `/${region}${path}`, {
          token: await token(),
          ...(body !== undefined ? { body } : {}),
          ...(headers ? { headers } : {}),
        });
    return {
      token,
      get: (path, headers) => call('GET')(path, undefined, headers),
      post: call('POST'),
      patch: call('PATCH'),
      put: call('PUT'),
    };
  };
}

export interface FetchReply<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** A transport over fetch: JSON bodies out (a string is sent as it is), JSON replies parsed. */
export function fetchSend(baseUrl: string) {
  return async <T = any>(
    method: string,
    path: string,
    { token, body, headers }: Partial<CallRequest> = {},
  ): Promise<FetchReply<T>> => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    let parsed: unknown = text;
    if ((response.headers.get('content-type') ?? '').includes('json') && text) parsed = JSON.parse(text);
    return { status: response.status, body: parsed as T, headers: response.headers };
  };
}
