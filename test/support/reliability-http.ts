import { type Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { ProgramRegion, Role } from '#domain/roles.ts';
import type { FlowApi, Reply } from './reliability-flow.ts';

/**
 * A plain HTTP call (node:http) for the bench and the reliability suite: any method, any headers, a body
 * sent as JSON or as raw text. Every reply carries the gateway's `x-request-id` (the key of its trace) and
 * the latency the client saw, from before the request is written to the last byte of the body parsed.
 */

export interface TimedReply<T = any> extends Reply<T> {
  requestId: string;
  ms: number;
}

export interface SendOptions {
  token?: string;
  /** A string is sent as is; anything else as JSON. The content type is JSON unless `headers` say otherwise. */
  body?: unknown;
  headers?: Record<string, string>;
  /** The request is destroyed (and rejects) after this long. */
  timeoutMs?: number;
}

/**
 * A keep-alive socket the server closed at the moment it was reused fails with ECONNRESET before the
 * request was read: sent again once on a fresh socket (Node's documented `reusedSocket` pattern).
 */
export async function send<T = any>(
  agent: Agent | undefined,
  baseUrl: string,
  method: string,
  path: string,
  options: SendOptions = {},
): Promise<TimedReply<T>> {
  try {
    return await sendOnce<T>(agent, baseUrl, method, path, options);
  } catch (error) {
    if ((error as { reusedSocket?: boolean }).reusedSocket)
      return sendOnce<T>(agent, baseUrl, method, path, options);
    throw error;
  }
}

/** The request's body text and headers: a bearer token, JSON with its length, then the caller's headers. */
export function requestOf(options: SendOptions): { payload?: string; headers: Record<string, string> } {
  const payload =
    options.body === undefined
      ? undefined
      : typeof options.body === 'string'
        ? options.body
        : JSON.stringify(options.body);
  const headers: Record<string, string> = {
    ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
    ...(payload !== undefined
      ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) }
      : {}),
    ...options.headers,
  };
  // An empty value removes a header (e.g. a body sent with no content type at all).
  for (const [name, value] of Object.entries(headers)) if (value === '') delete headers[name];
  return payload === undefined ? { headers } : { payload, headers };
}

/** A reply as the tests read it: JSON bodies parsed, headers as `Headers`, the gateway's request id. */
export function replyOf<T>(
  status: number,
  rawHeaders: Readonly<Record<string, string | string[] | undefined>>,
  text: string,
  ms: number,
): TimedReply<T> {
  const headers = new Headers();
  for (const [name, value] of Object.entries(rawHeaders)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  let body: unknown = text;
  if ((headers.get('content-type') ?? '').includes('json') && text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  return { status, body: body as T, headers, requestId: headers.get('x-request-id') ?? '', ms };
}

function sendOnce<T>(
  agent: Agent | undefined,
  baseUrl: string,
  method: string,
  path: string,
  options: SendOptions,
): Promise<TimedReply<T>> {
  const url = new URL(path, baseUrl);
  const { payload, headers } = requestOf(options);
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = request(
      {
        agent,
        method,
        hostname: url.hostname,
        port: url.port,
        path: `${url.pathname}${url.search}`,
        headers,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const ms = performance.now() - started;
          resolve(replyOf<T>(res.statusCode ?? 0, res.headers, Buffer.concat(chunks).toString('utf8'), ms));
        });
      },
    );
    req.on('error', (error: NodeJS.ErrnoException) => {
      reject(Object.assign(error, { reusedSocket: req.reusedSocket && error.code === 'ECONNRESET' }));
    });
    if (options.timeoutMs) req.setTimeout(options.timeoutMs, () => req.destroy(new Error('timeout')));
    req.end(payload);
  });
}

/** A `FlowApi` over any base URL (an `npm start` in another process), with tokens from `tokenFor`. */
export function flowApiOver(
  baseUrl: string,
  tokenFor: (role: Role, region: ProgramRegion, sub?: string) => Promise<string>,
  agent?: Agent,
): FlowApi {
  return {
    as(role, region = 'vancouver', sub) {
      const call =
        (method: string) =>
        async <T>(path: string, body?: unknown, headers?: Record<string, string>) =>
          send<T>(agent, baseUrl, method, `/${region}${path}`, {
            token: await tokenFor(role, region, sub),
            timeoutMs: 60_000,
            ...(body !== undefined ? { body } : {}),
            ...(headers ? { headers } : {}),
          });
      return {
        get: <T>(path: string, headers?: Record<string, string>) => call('GET')<T>(path, undefined, headers),
        post: call('POST'),
        patch: call('PATCH'),
        put: call('PUT'),
      };
    },
  };
}
