import type { IncomingMessage } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import type { RouteSpec } from '#api/route.ts';
import type { ProgramRegion } from '#domain/roles.ts';
import { API_RESPONSE_HEADERS, toErrorResponse } from '#http/errors.ts';

/**
 * What the local gateway hands a handler and sends back: the API Gateway v2 (payload 2.0) event with the
 * claims flattened as the JWT authorizer passes them, the Lambda context, and the reply built from the
 * handler's result or from an error.
 */

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

export interface EventInput {
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
export class LocalContext implements Context {
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

export interface Reply {
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

export function errorReply(error: unknown, requestId: string): Reply {
  const { statusCode, headers, body } = toErrorResponse(error, {
    correlationId: requestId,
    route: 'gateway',
  });
  return { statusCode, headers, body };
}

/** A JSON reply with the API's response headers. */
export function jsonReply(statusCode: number, body: unknown, headers: Record<string, string> = {}): Reply {
  return { statusCode, headers: { ...API_RESPONSE_HEADERS, ...headers }, body: JSON.stringify(body) };
}
