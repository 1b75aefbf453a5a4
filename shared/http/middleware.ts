import { randomUUID } from 'node:crypto';
import middy, { type MiddlewareObj } from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import type * as z from 'zod/mini';
import type { RouteSpec } from '#api/route.ts';
import { NotFoundError } from '#app/errors.ts';
import { ValidationError } from '#domain/errors.ts';
import type { ProgramRegion, Role } from '#domain/roles.ts';
import { authorize, type Caller, isProgramRegion } from './auth.ts';
import {
  API_RESPONSE_HEADERS,
  type ErrorIssue,
  httpLogger,
  MalformedJsonError,
  toErrorResponse,
  UnsupportedMediaTypeError,
} from './errors.ts';
import { issuesFromZod } from './issues.ts';

/**
 * `apiHandler(route, fn)`: the middy chain every API handler sits on, in this order:
 *   header normalizer → caller, region (404) and role (403) → JSON body → zod (body, query, path)
 *   → handler → error handler.
 * A role the route never allows is refused before the body is even parsed.
 */

export type ApiEvent = APIGatewayProxyEventV2WithJWTAuthorizer;
export type ApiResponse = APIGatewayProxyStructuredResultV2;
/** What `apiHandler` returns: a Lambda handler for payload-2.0 events (the JWT authorizer's claims inside). */
export type LambdaHandler = (
  event: APIGatewayProxyEventV2,
  context?: Partial<Context>,
) => Promise<ApiResponse>;

type Out<S> = S extends z.ZodMiniType ? z.output<S> : never;
type RawParams = Record<string, string | undefined>;

export type BodyOf<R> = R extends { request: { body: infer S extends z.ZodMiniType } } ? Out<S> : undefined;
export type QueryOf<R> = R extends { request: { query: infer S extends z.ZodMiniType } } ? Out<S> : RawParams;
export type ParamsOf<R> = R extends { request: { params: infer S extends z.ZodMiniType } }
  ? Out<S>
  : RawParams;

export interface ApiRequest<R = RouteSpec> {
  caller: Caller;
  body: BodyOf<R>;
  query: QueryOf<R>;
  params: ParamsOf<R>;
  /** Lower-cased header names. */
  headers: Record<string, string | undefined>;
  event: ApiEvent;
  /** Request id (API Gateway's, else the Lambda's): in every error body and log line. */
  correlationId: string;
}

export interface PublicRequest<R = RouteSpec> {
  query: QueryOf<R>;
  params: ParamsOf<R>;
  headers: Record<string, string | undefined>;
  event: APIGatewayProxyEventV2;
  /** The region whose API this is, when known (a region's path or the stack's PROGRAM_REGION). */
  region?: ProgramRegion;
  correlationId: string;
}

export interface ApiResult {
  statusCode: number;
  /** Serialised as JSON (or sent as is when the route produces text/html or text/csv); omitted when undefined. */
  body?: unknown;
  headers?: Record<string, string>;
}

interface State {
  correlationId: string;
  caller?: Caller;
  body?: unknown;
  query?: unknown;
  params?: unknown;
}

const states = new WeakMap<object, State>();
function stateOf(event: object): State {
  let state = states.get(event);
  if (!state) {
    state = { correlationId: randomUUID() };
    states.set(event, state);
  }
  return state;
}

function correlationIdOf(event: APIGatewayProxyEventV2, context: Partial<Context> | undefined): string {
  return event.requestContext?.requestId || context?.awsRequestId || randomUUID();
}

// --- middlewares -------------------------------------------------------------------------------

type Mw = MiddlewareObj<ApiEvent, ApiResponse>;

function correlation(): Mw {
  return {
    name: 'correlation',
    before: (request) => {
      stateOf(request.event).correlationId = correlationIdOf(request.event, request.context);
    },
  };
}

function callerAndRole(route: RouteSpec): Mw {
  return {
    name: 'callerAndRole',
    before: (request) => {
      stateOf(request.event).caller = authorize(request.event, route.roles);
    },
  };
}

/** middy's JSON parser, with an absent body left to the schema and its errors made value-free. */
function jsonBody(): Mw {
  const parser = httpJsonBodyParser() as Mw;
  return {
    name: 'jsonBody',
    before: async (request) => {
      const { body } = request.event as { body?: unknown };
      if (body === undefined || body === null || body === '') {
        (request.event as { body?: unknown }).body = undefined;
        return;
      }
      try {
        await parser.before?.(request);
      } catch (error) {
        // The parser's own error keeps the raw body as its cause: never let it travel further.
        if ((error as { statusCode?: number }).statusCode !== 415) throw error;
        if (/malformed/i.test((error as Error).message)) throw new MalformedJsonError();
        throw new UnsupportedMediaTypeError();
      }
    },
  };
}

function routeParams(event: APIGatewayProxyEventV2): RawParams {
  const { region: _region, ...rest } = event.pathParameters ?? {};
  return rest;
}

/** `input` parsed by `schema` (as is without one); its problems, if any, added to `issues`. */
function checked(
  schema: z.ZodMiniType | undefined,
  input: unknown,
  issues: ErrorIssue[],
  prefix?: string,
): unknown {
  if (!schema) return input;
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  issues.push(...issuesFromZod(result.error.issues, { input, schema, ...(prefix ? { prefix } : {}) }));
  return undefined;
}

function validation(route: RouteSpec): Mw {
  const schemas = route.request;
  return {
    name: 'validation',
    before: (request) => {
      const state = stateOf(request.event);
      const issues: ErrorIssue[] = [];
      state.params = checked(schemas?.params, routeParams(request.event), issues, 'params');
      state.query = checked(schemas?.query, request.event.queryStringParameters ?? {}, issues, 'query');
      if (schemas?.body) {
        state.body = checked(schemas.body, (request.event as { body?: unknown }).body, issues);
      }
      if (issues.length > 0) throw new ValidationError('The request is invalid', issues);
    },
  };
}

function errorHandler(route: RouteSpec): Mw {
  return {
    name: 'errorHandler',
    onError: (request) => {
      const correlationId = stateOf(request.event).correlationId;
      request.response = toErrorResponse(request.error, { correlationId, route: route.id });
    },
  };
}

// --- responses ---------------------------------------------------------------------------------

/**
 * Opt-in (`PEERPATH_CHECK_RESPONSES=1`, meant for tests): a success body that does not match the
 * route's declared response schema becomes a 500, so the OpenAPI document cannot drift from the code.
 */
function checkResponse(route: RouteSpec, result: ApiResult): void {
  if (process.env.PEERPATH_CHECK_RESPONSES !== '1' || result.statusCode >= 400) return;
  if (!(result.statusCode in route.responses)) {
    throw new Error(`Route ${route.id} answered an undeclared status ${result.statusCode}`);
  }
  const schema = route.responses[result.statusCode];
  if (!schema) return;
  const parsed = schema.safeParse(result.body);
  if (!parsed.success) {
    const paths = parsed.error.issues.map((issue) => issue.path.join('.')).join(', ');
    throw new Error(`Route ${route.id} answered a body not matching its schema at: ${paths}`);
  }
}

function toResponse(route: RouteSpec, result: ApiResult, correlationId: string): ApiResponse {
  checkResponse(route, result);
  const html = route.produces === 'text/html';
  // A text route (a page, a CSV export) sends its string body as it is.
  const text = html || route.produces === 'text/csv';
  const headers: Record<string, string> = { ...API_RESPONSE_HEADERS };
  if (text) headers['content-type'] = `${route.produces}; charset=utf-8`;
  if (result.headers) Object.assign(headers, result.headers);
  headers['x-correlation-id'] = correlationId;
  if (result.body === undefined || result.statusCode === 204) {
    return { statusCode: result.statusCode, headers };
  }
  const body = text && typeof result.body === 'string' ? result.body : JSON.stringify(result.body);
  return { statusCode: result.statusCode, headers, body };
}

/** A JSON response (convenience for handlers). */
export const json = (statusCode: number, body?: unknown, headers?: Record<string, string>): ApiResult => ({
  statusCode,
  ...(body === undefined ? {} : { body }),
  ...(headers ? { headers } : {}),
});

// --- handler factories -------------------------------------------------------------------------

/** A Lambda handler for an authenticated route of the table. */
export function apiHandler<const R extends RouteSpec>(
  route: R,
  handler: (request: ApiRequest<R>) => Promise<ApiResult>,
): LambdaHandler {
  if (route.public) throw new Error(`Route ${route.id} is public: use publicHandler`);
  const chain = middy<ApiEvent, ApiResponse>()
    .use(httpHeaderNormalizer() as Mw)
    .use(correlation())
    .use(callerAndRole(route));
  if (route.request?.body) chain.use(jsonBody());
  chain.use(validation(route)).use(errorHandler(route));
  const lambda = chain.handler(async (event) => {
    const state = stateOf(event);
    const result = await handler({
      caller: state.caller!,
      body: state.body as BodyOf<R>,
      query: state.query as QueryOf<R>,
      params: state.params as ParamsOf<R>,
      headers: (event.headers ?? {}) as Record<string, string | undefined>,
      event,
      correlationId: state.correlationId,
    });
    return toResponse(route, result, state.correlationId);
  });
  return lambda as unknown as LambdaHandler;
}

/** A Lambda handler for a public route (no token): health, the OpenAPI document, the docs page. */
export function publicHandler<const R extends RouteSpec>(
  route: R,
  handler: (request: PublicRequest<R>) => Promise<ApiResult>,
): LambdaHandler {
  const lambda = middy<ApiEvent, ApiResponse>()
    .use(httpHeaderNormalizer() as Mw)
    .use(correlation())
    .use(validation(route))
    .use(errorHandler(route))
    .handler(async (event) => {
      const state = stateOf(event);
      const pathRegion = event.pathParameters?.region;
      if (pathRegion !== undefined && !isProgramRegion(pathRegion)) throw new NotFoundError();
      const envRegion = process.env.PROGRAM_REGION;
      const region = pathRegion ?? (isProgramRegion(envRegion) ? envRegion : undefined);
      const result = await handler({
        query: state.query as QueryOf<R>,
        params: state.params as ParamsOf<R>,
        headers: (event.headers ?? {}) as Record<string, string | undefined>,
        event,
        ...(region ? { region } : {}),
        correlationId: state.correlationId,
      });
      return toResponse(route, result, state.correlationId);
    });
  return lambda as unknown as LambdaHandler;
}

// --- access log --------------------------------------------------------------------------------

export interface AccessEntry {
  callerSub: string;
  role: Role;
  referralId: string;
  /** The route id (`getReferral`) or route key. */
  route: string;
}

/**
 * One structured line per read of a referral's details: who, which referral, which route.
 * Handlers call it on every such read. Ids only: nothing about the client.
 */
export function logAccess(entry: AccessEntry): void {
  httpLogger.info('referral accessed', {
    audit: 'referral-access',
    callerSub: entry.callerSub,
    role: entry.role,
    referralId: entry.referralId,
    route: entry.route,
  });
}

// --- one Lambda per handler file ---------------------------------------------------------------

/**
 * One Lambda entry point for a whole handler file: picks the file's export for `event.routeKey`
 * (`POST /referrals/{id}/match`) from the route table. Lets the stack deploy one function per file
 * (`handler: 'dispatch'`) while each route keeps its own export; an unknown route key is 404.
 */
export function routeDispatcher(
  routes: readonly RouteSpec[],
  file: string,
  handlers: Readonly<Record<string, unknown>>,
): LambdaHandler {
  const byRouteKey = new Map<string, LambdaHandler>();
  for (const route of routes) {
    if (route.handler.file !== file) continue;
    const handler = handlers[route.handler.export];
    if (typeof handler !== 'function') throw new Error(`${file} does not export ${route.handler.export}`);
    byRouteKey.set(`${route.method} ${route.path}`, handler as LambdaHandler);
  }
  return async (event, context) => {
    const handler = byRouteKey.get(event.routeKey);
    if (handler) return handler(event, context);
    return toErrorResponse(new NotFoundError(), { correlationId: correlationIdOf(event, context) });
  };
}
