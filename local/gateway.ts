import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as z from 'zod/mini';
import type { HandlerRef, RouteSpec } from '#api/route.ts';
import { NotFoundError } from '#app/errors.ts';
import { ValidationError } from '#domain/errors.ts';
import { PROGRAM_REGIONS, type ProgramRegion, RoleSchema } from '#domain/roles.ts';
import {
  API_RESPONSE_HEADERS,
  MalformedJsonError,
  MethodNotAllowedError,
  PayloadTooLargeError,
  ServiceUnavailableError,
  UnauthorizedError,
  UnsupportedMediaTypeError,
} from '#http/errors.ts';
import { issuesFromZod } from '#http/issues.ts';
import {
  buildEvent,
  type EventInput,
  errorReply,
  jsonReply,
  LocalContext,
  type Reply,
  replyFromResult,
} from './gateway-event.ts';
import { type CompiledRoute, type GatewayLambda, type Match, RouteTable } from './gateway-routes.ts';
import { staticFile } from './gateway-static.ts';
import { type LocalJwt, localSubFor } from './jwt.ts';
import { VerifiedTokens } from './verified-tokens.ts';

export { type GatewayLambda, importHandler } from './gateway-routes.ts';

/**
 * The local API Gateway: a Node HTTP server on 127.0.0.1 that turns requests into API Gateway v2 (HTTP
 * API, payload 2.0) events for the same handlers the Lambdas run, found through the route table.
 *
 *   /{region}/...      each served region's API (`/vancouver/referrals`); another first segment that is a
 *                      program region not served here is 404
 *   /health, /openapi.json, /docs   the table's public routes, at the root too
 *   POST /local/token  {role, region, sub?, email?} → {token} (local sign-in only; JSON required)
 *   anything else      GET/HEAD of a file under `staticDir` (the pages), else 404
 *
 * Like the cloud's JWT authorizer it verifies the bearer token before a handler runs (401) and hands the
 * handler the claims flattened to strings as API Gateway does (`cognito:groups` → "[coordinator]").
 * `rawPath` is the path within the region's API (`/referrals/x`, as in the cloud where each region has its
 * own API); the region is in `pathParameters.region`.
 */

export interface ExtraRouteRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer | undefined;
}
export interface ExtraRouteResult {
  statusCode: number;
  headers?: Record<string, string>;
  /** A string or Buffer is sent as is; anything else as JSON. */
  body?: unknown;
}
export interface ExtraRoute {
  method: string;
  /** Exact path at the root (`/local/reset`). */
  path: string;
  /** Also answer every path below `path` (`/local/mail/<file>`). */
  prefix?: boolean;
  handle(request: ExtraRouteRequest): Promise<ExtraRouteResult> | ExtraRouteResult;
}

export interface AccessLine {
  method: string;
  /** The path without its query string (ids only). */
  path: string;
  status: number;
  ms: number;
  requestId: string;
}

export interface GatewayOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  routes: readonly RouteSpec[];
  /** Resolves a route's handler; `importHandler(rootDir)` imports `file` and takes `export`. */
  loadHandler: (ref: HandlerRef) => Promise<GatewayLambda>;
  /** The program regions mounted under `/{region}`. */
  regions: readonly ProgramRegion[];
  jwt: Pick<LocalJwt, 'signToken' | 'verifyToken'>;
  /** Files served at `/` (the pages); nothing when absent. */
  staticDir?: string;
  extraRoutes?: readonly ExtraRoute[];
  /** Request bodies above this are 413 (default 256 KiB). */
  bodyLimitBytes?: number;
  /** `POST /local/token` without `sub`: whose token (e.g. the region's first demo worker)? */
  defaultSub?: (
    role: z.infer<typeof RoleSchema>,
    region: ProgramRegion,
  ) => Promise<string | undefined> | string | undefined;
  /** Host headers accepted (DNS-rebinding guard). Default: localhost, 127.0.0.1, [::1] on any port. */
  allowedHosts?: readonly string[];
  /** A handler still running after this is answered 503, as API Gateway's 30 s limit does (default 29 s). */
  handlerTimeoutMs?: number;
  /** One call per request (no query string, no body, no headers). */
  log?: (line: AccessLine) => void;
}

export interface Gateway {
  url: string;
  port: number;
  close(): Promise<void>;
}

export const DEFAULT_BODY_LIMIT_BYTES = 256 * 1024;
const DEFAULT_HANDLER_TIMEOUT_MS = 29_000;
const DRAIN_LIMIT_BYTES = 16 * 1024 * 1024;

type Body = Buffer | undefined | 'too-large';

/** A request path that WHATWG URL would leave as it is: segments of unreserved characters, none a dot segment. */
const PLAIN_PATH = /^(?:\/[A-Za-z0-9_~-][A-Za-z0-9._~-]*)*\/?$/;

/** True when the request carries no body (RFC 9112 §6.3: neither Content-Length nor Transfer-Encoding). */
function hasNoBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] === undefined && (length === undefined || length === '0');
}

function readBody(req: IncomingMessage, limit: number): Promise<Body> | undefined {
  // Nothing to read: Node's server drains an unread request itself once the response is sent.
  if (hasNoBody(req)) return undefined;
  return new Promise((resolvePromise, reject) => {
    const declared = Number(req.headers['content-length'] ?? Number.NaN);
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = declared > limit;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      if (!tooLarge) chunks.push(chunk);
      // Read (and drop) the rest so the client sees the 413 rather than a reset, up to a point.
      else if (size > DRAIN_LIMIT_BYTES) req.destroy();
    });
    req.on('end', () =>
      resolvePromise(tooLarge ? 'too-large' : size > 0 ? Buffer.concat(chunks) : undefined),
    );
    req.on('close', () => resolvePromise(tooLarge ? 'too-large' : undefined));
    req.on('error', reject);
  });
}

const TokenRequestSchema = z.strictObject({
  role: RoleSchema,
  region: z.enum(PROGRAM_REGIONS),
  sub: z.optional(
    z
      .string()
      .check(
        z.minLength(1),
        z.maxLength(128),
        z.regex(/^[A-Za-z0-9_-]+$/, 'Must be an id (letters, digits, - and _)'),
      ),
  ),
  email: z.optional(z.email()),
});

function isAllowedHost(host: string | undefined, allowed: readonly string[]): boolean {
  if (!host) return false;
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.replace(/:\d+$/, '');
  return allowed.includes(name.toLowerCase());
}

export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const host = options.host ?? '127.0.0.1';
  const bodyLimit = options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES;
  const timeoutMs = options.handlerTimeoutMs ?? DEFAULT_HANDLER_TIMEOUT_MS;
  const allowedHosts = options.allowedHosts ?? ['localhost', '127.0.0.1', '[::1]'];
  const regionRoutes = new RouteTable(options.routes);
  const rootRoutes = new RouteTable(options.routes.filter((route) => route.public));
  const served = new Set<string>(options.regions);

  const verified = new VerifiedTokens(options.jwt);

  async function invoke(
    input: Omit<EventInput, 'claims' | 'route' | 'routeKey'>,
    compiled: CompiledRoute,
    bearer: string | undefined,
  ): Promise<Reply> {
    const { route } = compiled;
    let claims: Record<string, string> | undefined;
    if (!route.public) {
      if (!bearer) return errorReply(new UnauthorizedError(), input.requestId);
      try {
        const known = verified.claimsOf(bearer);
        claims = known instanceof Promise ? await known : known;
      } catch {
        return errorReply(new UnauthorizedError('The bearer token is invalid or expired'), input.requestId);
      }
    }
    const event = buildEvent({ ...input, route, routeKey: compiled.routeKey, ...(claims ? { claims } : {}) });
    const deadline = Date.now() + timeoutMs;
    let timer: NodeJS.Timeout | undefined;
    try {
      compiled.handler ??= await options.loadHandler(route.handler);
      const { handler } = compiled;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new ServiceUnavailableError()), timeoutMs);
        timer.unref();
      });
      const result = await Promise.race([
        handler(event, new LocalContext(compiled.functionName, input.requestId, deadline)),
        timeout,
      ]);
      return replyFromResult(result);
    } catch (error) {
      return errorReply(error, input.requestId);
    } finally {
      clearTimeout(timer);
    }
  }

  async function localToken(
    req: IncomingMessage,
    body: Buffer | undefined,
    requestId: string,
  ): Promise<Reply> {
    if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
      // JSON only: a cross-site form cannot send it without a CORS preflight this server never grants.
      return errorReply(new UnsupportedMediaTypeError(), requestId);
    }
    let input: unknown;
    try {
      input = JSON.parse(body?.toString('utf8') ?? '');
    } catch {
      return errorReply(new MalformedJsonError(), requestId);
    }
    const parsed = TokenRequestSchema.safeParse(input);
    if (!parsed.success)
      return errorReply(
        new ValidationError('The request is invalid', issuesFromZod(parsed.error.issues, { input })),
        requestId,
      );
    const { role, region, email } = parsed.data;
    if (!served.has(region)) return errorReply(new NotFoundError(), requestId);
    const sub = parsed.data.sub ?? (await options.defaultSub?.(role, region)) ?? localSubFor(role, region);
    const token = await options.jwt.signToken({ sub, role, region, ...(email ? { email } : {}) });
    return jsonReply(200, { token, sub, role, region });
  }

  async function route(req: IncomingMessage, requestId: string): Promise<Reply> {
    if (!isAllowedHost(req.headers.host, allowedHosts)) {
      return jsonReply(403, {
        error: 'Forbidden',
        message: 'Unexpected Host header',
        correlationId: requestId,
      });
    }
    const target = req.url ?? '/';
    const queryAt = target.indexOf('?');
    const rawQuery = queryAt === -1 ? '' : target.slice(queryAt + 1);
    // The path as WHATWG URL normalises it (dot segments, percent-encoding), without parsing a whole URL
    // when the target is a plain absolute path.
    const rawPath = queryAt === -1 ? target : target.slice(0, queryAt);
    const path = PLAIN_PATH.test(rawPath) ? rawPath : new URL(rawPath, 'http://localhost').pathname;
    const method = (req.method ?? 'GET').toUpperCase();
    const pending = readBody(req, bodyLimit);
    const body = pending === undefined ? undefined : await pending;
    if (body === 'too-large') {
      return errorReply(new PayloadTooLargeError(bodyLimit), requestId);
    }
    const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];

    if (path === '/local/token') {
      if (method !== 'POST') return errorReply(new MethodNotAllowedError(['POST']), requestId);
      return localToken(req, body, requestId);
    }
    const extra = options.extraRoutes?.find(
      (r) =>
        r.method.toUpperCase() === method && (r.prefix ? path.startsWith(`${r.path}/`) : r.path === path),
    );
    if (extra) {
      const result = await extra.handle({
        method,
        path,
        query: new URLSearchParams(rawQuery),
        headers: req.headers,
        body,
      });
      const isRaw = typeof result.body === 'string' || Buffer.isBuffer(result.body);
      return {
        statusCode: result.statusCode,
        headers: { ...(isRaw ? {} : API_RESPONSE_HEADERS), ...(result.headers ?? {}) },
        ...(result.body === undefined
          ? {}
          : { body: isRaw ? (result.body as string | Buffer) : JSON.stringify(result.body) }),
      };
    }

    const firstEnd = path.indexOf('/', 1);
    const first = firstEnd === -1 ? path.slice(1) : path.slice(1, firstEnd);
    let found: Match;
    let region: ProgramRegion | undefined;
    let apiPath = path;
    if (served.has(first)) {
      region = first as ProgramRegion;
      apiPath = firstEnd === -1 ? '/' : path.slice(firstEnd);
      found = regionRoutes.match(method, apiPath);
    } else if ((PROGRAM_REGIONS as readonly string[]).includes(first)) {
      return errorReply(new NotFoundError(), requestId); // a region this gateway does not serve
    } else {
      found = rootRoutes.match(method, path);
    }
    if (found && 'compiled' in found) {
      const input = { req, rawQuery, apiPath, params: found.params, body, requestId };
      return invoke(region ? { ...input, region } : input, found.compiled, bearer);
    }
    if (found && 'allow' in found) return errorReply(new MethodNotAllowedError(found.allow), requestId);
    if (region === undefined && (method === 'GET' || method === 'HEAD')) {
      if (options.staticDir) {
        const file = await staticFile(options.staticDir, path);
        if (file) return file;
      }
      if (path === '/') return { statusCode: 302, headers: { location: '/docs' } };
    }
    return errorReply(new NotFoundError(), requestId);
  }

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const started = Date.now();
    const requestId = randomUUID();
    route(req, requestId)
      .catch((error: unknown) => errorReply(error, requestId))
      .then((reply) => {
        const headers: Record<string, string | string[] | number> = { ...reply.headers };
        headers['x-request-id'] = requestId;
        // A length, as API Gateway sends: one write of head and body rather than chunked framing.
        if (reply.body !== undefined) headers['content-length'] = Buffer.byteLength(reply.body);
        res.writeHead(reply.statusCode, headers);
        res.end(req.method === 'HEAD' ? undefined : reply.body);
        options.log?.({
          method: req.method ?? '',
          path: (req.url ?? '').split('?')[0] ?? '',
          status: reply.statusCode,
          ms: Date.now() - started,
          requestId,
        });
      })
      .catch(() => res.destroy());
  });

  await new Promise<void>((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolvePromise();
    });
  });
  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  return {
    url: `http://${urlHost}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolvePromise, reject) => {
        server.close((error) => (error ? reject(error) : resolvePromise()));
        server.closeAllConnections();
      }),
  };
}
