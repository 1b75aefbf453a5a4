import type * as z from 'zod/mini';
import { pathParameterNames } from '#api/route.ts';
import { type RouteId, routes } from '#api/routes.ts';
import type { ProgramRegion, Role } from '#domain/roles.ts';

/**
 * The API client, typed by THE route table: `api.call('matchReferral', { params: { id }, body: { workerId } })`
 * takes the route's request schema's input type and returns its success view's type.
 */

type Routes = typeof routes;
type Schema<T> = T extends z.ZodMiniType ? T : never;

export type BodyOf<K extends RouteId> = Routes[K] extends { request: { body: infer B } }
  ? z.input<Schema<B>>
  : never;
export type ParamsOf<K extends RouteId> = Routes[K] extends { request: { params: infer P } }
  ? z.input<Schema<P>>
  : never;
export type ResultOf<K extends RouteId> = Routes[K]['responses'] extends { 200: infer S }
  ? z.output<Schema<S>>
  : Routes[K]['responses'] extends { 201: infer S }
    ? z.output<Schema<S>>
    : unknown;

export type CallArgs<K extends RouteId> = ([ParamsOf<K>] extends [never]
  ? { params?: undefined }
  : { params: ParamsOf<K> }) &
  ([BodyOf<K>] extends [never] ? { body?: undefined } : { body: BodyOf<K> }) & {
    query?: Record<string, string | number | boolean | undefined>;
    headers?: Record<string, string>;
  };

export interface Issue {
  path: string;
  message: string;
}

/** The API answered with an error status. `message` is written for the person using the page. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: Issue[] = [],
    readonly correlationId?: string,
  ) {
    super(message);
  }
}

/** The API could not be reached (offline, dropped connection, timed out). */
export class NetworkError extends Error {
  override name = 'NetworkError';
  constructor(options?: { cause?: unknown }) {
    super(
      'PeerPath could not be reached. Check the connection and try again: nothing you typed is lost.',
      options,
    );
  }
}

function messageFor(status: number, code: string, correlationId: string | undefined): string {
  switch (status) {
    case 400:
      return 'Some answers need attention.';
    case 401:
      return 'Your sign-in has expired. Please sign in again.';
    case 403:
      return 'Your role cannot do this.';
    case 404:
      return 'This was not found. It may have moved on, or it may not be yours to see.';
    case 409:
      if (code === 'UserExists') return 'An account with this email already exists in this region.';
      return code === 'CapacityExceeded' || code === 'WorkerUnavailable'
        ? 'That worker cannot take this client now (at capacity or not active). Pick another.'
        : 'Someone else changed this first, or it has moved to another stage. The page shows the latest; check and try again.';
    case 422:
      return 'This was already sent with different answers. Reload the page and try again.';
    case 503:
      return 'PeerPath is busy for a moment. Please try again shortly: nothing you typed is lost.';
    default:
      return `Something went wrong on our side.${correlationId ? ` If it keeps happening, quote reference ${correlationId}.` : ''}`;
  }
}

export interface ApiClientOptions {
  baseUrl: string;
  token: () => string | undefined;
  /** Called on a 401 (the token expired or was refused). */
  onUnauthorized?: () => void;
  /** Called on every successful call (activity). */
  onSuccess?: () => void;
  timeoutMs?: number;
}

export interface ApiClient {
  call<K extends RouteId>(id: K, args?: CallArgs<K>): Promise<ResultOf<K>>;
}

export function pathFor(id: RouteId, params: Record<string, string> = {}): string {
  const route = routes[id];
  let path: string = route.path;
  for (const name of pathParameterNames(route.path)) {
    const value = params[name];
    if (value === undefined) throw new Error(`Route ${id} needs the ${name} parameter`);
    path = path.replace(`{${name}}`, encodeURIComponent(value));
  }
  return path;
}

export function createApiClient(options: ApiClientOptions): ApiClient {
  return {
    async call(id, args) {
      const route = routes[id];
      const { params, body, query, headers } = (args ?? {}) as {
        params?: Record<string, string>;
        body?: unknown;
        query?: Record<string, string | number | boolean | undefined>;
        headers?: Record<string, string>;
      };
      const search = new URLSearchParams();
      for (const [key, value] of Object.entries(query ?? {})) {
        if (value !== undefined && value !== '') search.set(key, String(value));
      }
      const url = `${options.baseUrl}${pathFor(id, params)}${search.size > 0 ? `?${search}` : ''}`;
      const token = options.token();
      let response: Response;
      try {
        response = await fetch(url, {
          method: route.method,
          headers: {
            accept: 'application/json',
            ...(token ? { authorization: `Bearer ${token}` } : {}),
            ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
            ...headers,
          },
          ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
          signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
          cache: 'no-store',
        });
      } catch (error) {
        throw new NetworkError({ cause: error });
      }
      const text = await response.text().catch(() => '');
      let parsed: unknown;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        parsed = undefined;
      }
      if (response.ok) {
        options.onSuccess?.();
        return parsed as never;
      }
      const error = (parsed ?? {}) as { error?: string; issues?: Issue[]; correlationId?: string };
      if (response.status === 401) options.onUnauthorized?.();
      const code = error.error ?? 'Error';
      throw new ApiError(
        response.status,
        code,
        messageFor(response.status, code, error.correlationId),
        Array.isArray(error.issues) ? error.issues : [],
        error.correlationId,
      );
    },
  };
}

/** A token from the local signer (`npm start` only). */
export async function localToken(input: {
  role: Role;
  region: ProgramRegion;
  sub?: string;
}): Promise<string> {
  let response: Response;
  try {
    response = await fetch('/local/token', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(input),
      cache: 'no-store',
    });
  } catch (error) {
    throw new NetworkError({ cause: error });
  }
  if (response.status === 404)
    throw new ApiError(404, 'NotFound', 'This region is not running on this computer.');
  if (!response.ok) throw new ApiError(response.status, 'Error', 'The local sign-in did not work.');
  const { token } = (await response.json()) as { token?: unknown };
  if (typeof token !== 'string') throw new ApiError(500, 'Error', 'The local sign-in returned no token.');
  return token;
}

export const isApiError = (error: unknown, status?: number): error is ApiError =>
  error instanceof ApiError && (status === undefined || error.status === status);
