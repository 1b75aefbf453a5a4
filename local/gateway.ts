import { randomUUID } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, isAbsolute, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import * as z from 'zod/mini';
import type { HandlerRef, RouteSpec } from '#api/route.ts';
import { NotFoundError } from '#app/errors.ts';
import { ValidationError } from '#domain/errors.ts';
import { PROGRAM_REGIONS, type ProgramRegion, RoleSchema } from '#domain/roles.ts';
import {
  API_RESPONSE_HEADERS,
  ConfigurationError,
  MalformedJsonError,
  MethodNotAllowedError,
  PayloadTooLargeError,
  ServiceUnavailableError,
  toErrorResponse,
  UnauthorizedError,
  UnsupportedMediaTypeError,
} from '#http/errors.ts';
import { issuesFromZod } from '#http/issues.ts';
import { type LocalJwt, localSubFor } from './jwt.ts';

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

export type GatewayLambda = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyResultV2>;

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

/** The default `loadHandler`: `import(<rootDir>/<file>)[export]`, each module imported once. */
export function importHandler(rootDir: string): (ref: HandlerRef) => Promise<GatewayLambda> {
  const modules = new Map<string, Promise<Record<string, unknown>>>();
  return async (ref) => {
    let module = modules.get(ref.file);
    if (!module) {
      module = import(pathToFileURL(resolve(rootDir, ref.file)).href) as Promise<Record<string, unknown>>;
      modules.set(ref.file, module);
      module.catch(() => modules.delete(ref.file));
    }
    const handler = (await module)[ref.export];
    if (typeof handler !== 'function')
      throw new ConfigurationError(`${ref.file} has no export ${ref.export}`);
    return handler as GatewayLambda;
  };
}

// --- routing -----------------------------------------------------------------------------------------

interface CompiledRoute {
  route: RouteSpec;
  pattern: RegExp;
  names: string[];
  /** `GET /referrals/{id}`, as API Gateway names it. */
  routeKey: string;
  /** The local stand-in for the route's Lambda function name. */
  functionName: string;
  /** The route's handler, once loaded. */
  handler?: GatewayLambda;
}

function compile(route: RouteSpec): CompiledRoute {
  const names: string[] = [];
  const source = route.path
    .split(/(\{[A-Za-z0-9_]+\})/)
    .map((part) => {
      const param = /^\{([A-Za-z0-9_]+)\}$/.exec(part);
      if (param) {
        names.push(param[1]!);
        return '([^/]+)';
      }
      return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('');
  const functionName = `peerpath-local-${route.handler.file.replace(/[^A-Za-z0-9]+/g, '-')}-${route.handler.export}`;
  return {
    route,
    pattern: new RegExp(`^${source}$`),
    names,
    routeKey: `${route.method} ${route.path}`,
    functionName,
  };
}

/** Routes grouped by their number of path segments: a request is only tried against its own group. */
class RouteTable {
  private readonly bySegments = new Map<number, CompiledRoute[]>();

  constructor(routes: readonly RouteSpec[]) {
    for (const route of routes) {
      const compiled = compile(route);
      const count = segmentCount(route.path);
      const group = this.bySegments.get(count) ?? [];
      group.push(compiled);
      this.bySegments.set(count, group);
    }
  }

  match(method: string, path: string): Match {
    const allow: string[] = [];
    for (const compiled of this.bySegments.get(segmentCount(path)) ?? []) {
      const found = compiled.pattern.exec(path);
      if (!found) continue;
      if (compiled.route.method !== method) {
        allow.push(compiled.route.method);
        continue;
      }
      const params: Record<string, string> = {};
      for (let i = 0; i < compiled.names.length; i++) {
        const name = compiled.names[i]!;
        try {
          params[name] = decodeURIComponent(found[i + 1]!);
        } catch {
          throw new ValidationError('The request is invalid', [
            { path: `params.${name}`, message: 'Malformed percent-encoding' },
          ]);
        }
      }
      return { compiled, params };
    }
    return allow.length > 0 ? { allow } : undefined;
  }
}

function segmentCount(path: string): number {
  let count = 0;
  for (let i = 0; i < path.length; i++) if (path.charCodeAt(i) === 47 /* / */) count++;
  return count;
}

type Match = { compiled: CompiledRoute; params: Record<string, string> } | { allow: string[] } | undefined;

// --- the event and the response ----------------------------------------------------------------------

/** API Gateway HTTP API hands claims to the Lambda as strings; arrays as "[a b]". */
export function flattenClaims(claims: Record<string, unknown>): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(claims)) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) flat[name] = `[${value.map(String).join(' ')}]`;
    else if (typeof value === 'object') flat[name] = JSON.stringify(value);
    else flat[name] = String(value);
  }
  return flat;
}

const TEXT_TYPES =
  /^(application\/([\w.+-]*\+)?json|application\/x-www-form-urlencoded|text\/|application\/xml)/i;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
let clfSecond = -1;
let clfText = '';

/** `23/Nov/2026:15:04:02 +0000`, API Gateway's `requestContext.time` (the same second is formatted once). */
function clfTime(epochMs: number): string {
  const second = Math.floor(epochMs / 1000);
  if (second !== clfSecond) {
    const date = new Date(second * 1000);
    const pad = (n: number) => String(n).padStart(2, '0');
    clfText = `${pad(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}:${pad(
      date.getUTCHours(),
    )}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;
    clfSecond = second;
  }
  return clfText;
}

interface EventInput {
  req: IncomingMessage;
  /** The request target's query string, as sent (without `?`). */
  rawQuery: string;
  route: RouteSpec;
  /** `GET /referrals/{id}`. */
  routeKey: string;
  apiPath: string;
  params: Record<string, string>;
  region?: ProgramRegion;
  /** The verified token's claims, flattened to strings (`flattenClaims`). */
  claims?: Record<string, string>;
  body: Buffer | undefined;
  requestId: string;
}

export function buildEvent(input: EventInput): APIGatewayProxyEventV2 {
  const { req, rawQuery, route, routeKey, apiPath, params, region, claims, body, requestId } = input;
  // Node lower-cases header names already; repeated headers arrive as one value (arrays: set-cookie only).
  const headers: Record<string, string> = {};
  const incoming = req.headers;
  for (const name in incoming) {
    const value = incoming[name];
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const epochMs = Date.now();
  const contentType = headers['content-type'] ?? '';
  const hasBody = body !== undefined && body.length > 0;
  const isBase64Encoded = hasBody && !TEXT_TYPES.test(contentType);
  const host = headers.host ?? 'localhost';
  const dot = host.indexOf('.');
  const event: Record<string, unknown> = {
    version: '2.0',
    routeKey,
    rawPath: apiPath,
    rawQueryString: rawQuery,
  };
  if (headers.cookie) event.cookies = headers.cookie.split(/;\s*/);
  event.headers = headers;
  if (rawQuery !== '') {
    const query: Record<string, string> = {};
    for (const [key, value] of new URLSearchParams(rawQuery))
      query[key] = key in query ? `${query[key]},${value}` : value;
    if (Object.keys(query).length > 0) event.queryStringParameters = query;
  }
  if (region) event.pathParameters = { ...params, region };
  else if (Object.keys(params).length > 0) event.pathParameters = params;
  const requestContext: Record<string, unknown> = {
    accountId: 'local',
    apiId: `local-${region ?? 'root'}`,
    domainName: host,
    domainPrefix: dot === -1 ? host : host.slice(0, dot),
    http: {
      method: route.method,
      path: apiPath,
      protocol: `HTTP/${req.httpVersion}`,
      sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
      userAgent: headers['user-agent'] ?? '',
    },
    requestId,
    routeKey,
    stage: '$default',
    time: clfTime(epochMs),
    timeEpoch: epochMs,
  };
  if (claims) requestContext.authorizer = { jwt: { claims, scopes: null } };
  event.requestContext = requestContext;
  if (hasBody) event.body = isBase64Encoded ? body.toString('base64') : body.toString('utf8');
  event.isBase64Encoded = isBase64Encoded;
  return event as unknown as APIGatewayProxyEventV2;
}

/** The Lambda context a handler gets (its methods on the prototype: nothing is built per request but data). */
class LocalContext implements Context {
  callbackWaitsForEmptyEventLoop = false;
  functionVersion = '$LATEST';
  memoryLimitInMB = '512';
  logStreamName = 'local';
  invokedFunctionArn: string;
  logGroupName: string;

  constructor(
    readonly functionName: string,
    readonly awsRequestId: string,
    private readonly deadline: number,
  ) {
    this.invokedFunctionArn = `arn:aws:lambda:local:000000000000:function:${functionName}`;
    this.logGroupName = `/aws/lambda/${functionName}`;
  }

  getRemainingTimeInMillis(): number {
    return Math.max(0, this.deadline - Date.now());
  }

  done(): void {}
  fail(): void {}
  succeed(): void {}
}

interface Reply {
  statusCode: number;
  headers: Record<string, string | string[]>;
  body?: Buffer | string;
}

/** A Lambda's payload-2.0 result → status, headers, body (an unstructured result is a 200 JSON body). */
export function replyFromResult(result: APIGatewayProxyResultV2): Reply {
  if (typeof result === 'object' && result !== null && 'statusCode' in result && result.statusCode) {
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(result.headers ?? {}))
      headers[name.toLowerCase()] = String(value);
    if (result.cookies?.length) headers['set-cookie'] = result.cookies;
    const body =
      result.body === undefined
        ? undefined
        : result.isBase64Encoded
          ? Buffer.from(result.body, 'base64')
          : result.body;
    return { statusCode: result.statusCode, headers, ...(body === undefined ? {} : { body }) };
  }
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/json' },
    body: typeof result === 'string' ? result : JSON.stringify(result ?? null),
  };
}

function errorReply(error: unknown, requestId: string): Reply {
  const { statusCode, headers, body } = toErrorResponse(error, {
    correlationId: requestId,
    route: 'gateway',
  });
  return { statusCode, headers, body };
}

// --- static files ------------------------------------------------------------------------------------

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
};

async function staticFile(staticDir: string, pathname: string): Promise<Reply | undefined> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  const root = resolve(staticDir);
  let file = resolve(join(root, decoded));
  const inside = relative(root, file);
  if (inside.startsWith('..') || isAbsolute(inside)) return undefined;
  try {
    if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
    const body = await readFile(file);
    return {
      statusCode: 200,
      headers: {
        'content-type': CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
        'cache-control': 'no-cache',
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
      },
      body,
    };
  } catch {
    return undefined;
  }
}

// --- the server --------------------------------------------------------------------------------------

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

function jsonReply(statusCode: number, body: unknown, headers: Record<string, string> = {}): Reply {
  return { statusCode, headers: { ...API_RESPONSE_HEADERS, ...headers }, body: JSON.stringify(body) };
}

function isAllowedHost(host: string | undefined, allowed: readonly string[]): boolean {
  if (!host) return false;
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.replace(/:\d+$/, '');
  return allowed.includes(name.toLowerCase());
}

/**
 * Verified tokens, remembered by their exact text until they expire: a page sends the same ID token with
 * every request for an hour, and verifying its RS256 signature each time (a crypto job on the thread pool)
 * was a measurable part of every local call (bench/results). The same bytes verify the same way, so only
 * the expiry and not-before times are checked again. Bounded; the oldest entry goes first. The claims are
 * kept flattened as API Gateway hands them to a Lambda, too.
 */
export class VerifiedTokens {
  private readonly known = new Map<string, { exp: number; nbf?: number; flat: Record<string, string> }>();

  constructor(
    private readonly jwt: Pick<LocalJwt, 'verifyToken'>,
    private readonly limit = 1000,
  ) {}

  /**
   * The token's claims as strings (`flattenClaims`), or a rejection as `verifyToken` gives. A token verified
   * before and still valid is answered at once, not as a promise: the common path does not yield.
   */
  claimsOf(token: string): Record<string, string> | Promise<Record<string, string>> {
    const known = this.known.get(token);
    if (known) {
      const now = Date.now() / 1000;
      if (known.exp > now && (known.nbf === undefined || known.nbf <= now)) return known.flat;
      this.known.delete(token);
    }
    return this.verify(token);
  }

  private async verify(token: string): Promise<Record<string, string>> {
    const claims = (await this.jwt.verifyToken(token)) as Record<string, unknown>;
    const flat = flattenClaims(claims);
    // A token without a numeric expiry is never remembered (verifyToken refuses those anyway).
    if (typeof claims.exp === 'number') {
      if (this.known.size >= this.limit) this.known.delete(this.known.keys().next().value as string);
      this.known.set(token, {
        exp: claims.exp,
        ...(typeof claims.nbf === 'number' ? { nbf: claims.nbf } : {}),
        flat,
      });
    }
    return flat;
  }
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
    const extra = options.extraRoutes?.find((r) => r.path === path && r.method.toUpperCase() === method);
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
