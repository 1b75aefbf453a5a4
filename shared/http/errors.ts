import { $ZodError } from 'zod/v4/core';
import {
  ConcurrentUpdateError,
  IdempotencyConflictError,
  isTransientFailure,
  NotFoundError,
  StoreUnavailableError,
  UserExistsError,
} from '#app/errors.ts';
import {
  CapacityExceededError,
  IllegalTransitionError,
  ValidationError,
  WorkerUnavailableError,
} from '#domain/errors.ts';
import { issuesFromZod } from './issues.ts';
import { createLogger, type Logger } from './logger.ts';

/**
 * HTTP-only errors, and the ONE place that turns any error into a response: `errorRegistry`.
 *
 * The other layers' errors are defined where they are raised (shared/domain/errors.ts: rules;
 * shared/app/errors.ts: what a port raises) and mapped here by class. Nothing here echoes request values:
 * validation issues carry field paths and rules, 4xx bodies carry fixed messages, 5xx bodies carry a
 * correlation id (the stack goes to the log only).
 */

export interface ErrorIssue {
  path: string;
  message: string;
}

export interface ErrorBody {
  error: string;
  message: string;
  issues?: ErrorIssue[];
  correlationId?: string;
}

/** An error of the HTTP exchange itself (token, role, body encoding, method): it knows its status. */
export class HttpError extends Error {
  override readonly name: string = 'HttpError';
  readonly statusCode: number;
  /** Machine-readable code, the `error` field of the body. */
  readonly code: string;
  readonly headers: Record<string, string>;

  constructor(
    statusCode: number,
    code: string,
    message: string,
    options: { cause?: unknown; headers?: Record<string, string> } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.statusCode = statusCode;
    this.code = code;
    this.headers = options.headers ?? {};
  }
}

export class MalformedJsonError extends HttpError {
  override readonly name: string = 'MalformedJsonError';

  constructor() {
    super(400, 'MalformedJson', 'The request body is not valid JSON');
  }
}

export class UnauthorizedError extends HttpError {
  override readonly name: string = 'UnauthorizedError';

  constructor(message = 'A valid bearer token is required') {
    super(401, 'Unauthorized', message, { headers: { 'www-authenticate': 'Bearer' } });
  }
}

/** The caller's role may not do this. The message names roles and fields, never values. */
export class ForbiddenError extends HttpError {
  override readonly name: string = 'ForbiddenError';

  constructor(message = 'Your role may not call this route') {
    super(403, 'Forbidden', message);
  }
}

export class MethodNotAllowedError extends HttpError {
  override readonly name: string = 'MethodNotAllowedError';

  constructor(allow: readonly string[]) {
    super(405, 'MethodNotAllowed', 'Method not allowed', { headers: { allow: allow.join(', ') } });
  }
}

/** A 409 a handler decides on (the message is fixed text of the handler's). */
export class ConflictError extends HttpError {
  override readonly name: string = 'ConflictError';

  constructor(message = 'The request conflicts with the current state', code = 'Conflict') {
    super(409, code, message);
  }
}

export class PayloadTooLargeError extends HttpError {
  override readonly name: string = 'PayloadTooLargeError';

  constructor(limitBytes: number) {
    super(413, 'PayloadTooLarge', `The request body exceeds ${limitBytes} bytes`);
  }
}

export class UnsupportedMediaTypeError extends HttpError {
  override readonly name: string = 'UnsupportedMediaTypeError';

  constructor() {
    super(415, 'UnsupportedMediaType', 'The request body must be application/json');
  }
}

/** The handler did not answer in time (the local gateway's timeout): 503. */
export class ServiceUnavailableError extends HttpError {
  override readonly name: string = 'ServiceUnavailableError';

  constructor(retryAfterSeconds = DEFAULT_RETRY_AFTER_SECONDS, options: { cause?: unknown } = {}) {
    super(503, 'ServiceUnavailable', UNAVAILABLE_MESSAGE, {
      ...options,
      headers: { 'retry-after': String(retryAfterSeconds) },
    });
  }
}

/** A deployment or wiring mistake (missing env, unknown handler): a 500, never the caller's fault. */
export class ConfigurationError extends Error {
  override readonly name: string = 'ConfigurationError';
}

export const DEFAULT_RETRY_AFTER_SECONDS = 2;
const UNAVAILABLE_MESSAGE = 'The service is temporarily unavailable; retry later';
const INVALID_REQUEST_MESSAGE = 'The request is invalid';

/** Logger for the HTTP layer (JSON lines; ids only, never PHI). Tests may spy on it. */
export const httpLogger: Logger = createLogger({ service: 'peerpath-api' });

// ---------------------------------------------------------------------------------------------
// The registry
// ---------------------------------------------------------------------------------------------

/** What an error becomes: the status, the body's `error` code, message and issues, extra headers. */
export interface ErrorReply {
  statusCode: number;
  code: string;
  message: string;
  headers?: Record<string, string>;
  issues?: ErrorIssue[];
}

// biome-ignore lint/suspicious/noExplicitAny: any constructor signature; only the prototype is used.
type ErrorClass<E extends Error> = abstract new (...args: any[]) => E;
type ErrorHandler<E extends Error> = (error: E) => ErrorReply;

/**
 * Error classes → replies, as Powertools' event-handler `ErrorHandlerRegistry` does it: a Map from class
 * to handler, resolved by walking the error's prototype chain, so the most specific registered class wins
 * (WorkerUnavailableError before its parent CapacityExceededError) and a subclass maps as its parent.
 * Classes only: an error is never recognised by its name.
 */
export class ErrorRegistry {
  readonly #handlers = new Map<unknown, ErrorHandler<Error>>();

  register<E extends Error>(types: ErrorClass<E> | readonly ErrorClass<E>[], handler: ErrorHandler<E>): this {
    for (const type of Array.isArray(types) ? types : [types]) {
      this.#handlers.set(type, handler as ErrorHandler<Error>);
    }
    return this;
  }

  /** The handler of the error's class or its nearest registered ancestor; undefined when none is. */
  resolve(error: unknown): ErrorHandler<Error> | undefined {
    if (typeof error !== 'object' || error === null) return undefined;
    for (let proto = Object.getPrototypeOf(error); proto !== null; proto = Object.getPrototypeOf(proto)) {
      const handler = this.#handlers.get(proto.constructor);
      if (handler) return handler;
    }
    return undefined;
  }
}

const fixed =
  (statusCode: number, code: string, message: string): ErrorHandler<Error> =>
  () => ({ statusCode, code, message });

/** 503 with `Retry-After` (whole seconds). */
function unavailable(retryAfterSeconds: unknown): ErrorReply {
  const seconds =
    typeof retryAfterSeconds === 'number' && retryAfterSeconds > 0
      ? Math.ceil(retryAfterSeconds)
      : DEFAULT_RETRY_AFTER_SECONDS;
  return {
    statusCode: 503,
    code: 'ServiceUnavailable',
    message: UNAVAILABLE_MESSAGE,
    headers: { 'retry-after': String(seconds) },
  };
}

export const errorRegistry: ErrorRegistry = new ErrorRegistry()
  .register(HttpError, (error) => ({
    statusCode: error.statusCode,
    code: error.code,
    message: error.message,
    headers: error.headers,
  }))
  .register(ValidationError, (error) => ({
    statusCode: 400,
    code: 'ValidationError',
    message: INVALID_REQUEST_MESSAGE,
    issues: error.issues.map((issue) => ({ path: issue.path, message: issue.message })),
  }))
  .register(NotFoundError, fixed(404, 'NotFound', 'Not found'))
  // Stage and event names only: safe to show, and useful to the pages.
  .register(IllegalTransitionError, (error) => ({
    statusCode: 409,
    code: 'IllegalTransition',
    message: error.message,
  }))
  .register(
    ConcurrentUpdateError,
    fixed(409, 'ConcurrentUpdate', 'Someone else changed this item first; reload it and try again'),
  )
  .register(
    CapacityExceededError,
    fixed(409, 'CapacityExceeded', 'The worker has reached their maximum caseload'),
  )
  .register(
    WorkerUnavailableError,
    fixed(409, 'WorkerUnavailable', 'The worker is not active and takes no new clients'),
  )
  .register(UserExistsError, fixed(409, 'UserExists', 'An account with this email already exists'))
  .register(
    IdempotencyConflictError,
    fixed(422, 'IdempotencyConflict', 'This Idempotency-Key was already used with a different request body'),
  )
  .register(StoreUnavailableError, (error) => unavailable(error.retryAfterSeconds));

/**
 * A schema's `parse` in a handler: the same 400 the middleware gives (with no input to check against,
 * messages pass unless they name an unknown key). Zod's errors are recognised by `instanceof` (zod
 * checks its own class marks), not along the prototype chain, so they sit beside the registry.
 */
function fromZod(error: $ZodError): ErrorReply {
  return {
    statusCode: 400,
    code: 'ValidationError',
    message: INVALID_REQUEST_MESSAGE,
    issues: issuesFromZod(error.issues),
  };
}

/** Map any error to a status, a code, a client-safe message and headers (pure; no logging). */
export function classifyError(error: unknown): ErrorReply {
  const handler = errorRegistry.resolve(error);
  if (handler) return handler(error as Error);
  if (error instanceof $ZodError) return fromZod(error);
  // A network failure or throttling an adapter let through (the Step Functions and Cognito clients do not
  // wrap theirs). These are the SDK's and Node's errors, recognised by name and code: see isTransientFailure.
  if (isTransientFailure(error, { serverFaults: false })) return unavailable(undefined);
  return { statusCode: 500, code: 'InternalError', message: 'Internal error' };
}

export interface ErrorResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

/** Headers every API response carries: JSON, never cached (PHI), never sniffed. */
export const API_RESPONSE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
};

/**
 * The one error → HTTP response mapper. 5xx are logged with the error's name and stack and the
 * correlation id (which is also in the body, so a user can quote it); 4xx are not logged as errors.
 */
export function toErrorResponse(
  error: unknown,
  context: { correlationId: string; logger?: Pick<Logger, 'error' | 'warn'>; route?: string },
): ErrorResponse {
  const mapped = classifyError(error);
  const logger = context.logger ?? httpLogger;
  if (mapped.statusCode >= 500) {
    const err = error instanceof Error ? error : undefined;
    const fields = {
      correlationId: context.correlationId,
      route: context.route,
      statusCode: mapped.statusCode,
      errorName: err?.name ?? typeof error,
      stack: err?.stack,
    };
    if (mapped.statusCode === 503) logger.warn('store unavailable', fields);
    else logger.error('unhandled error', fields);
  }
  const body: ErrorBody = {
    error: mapped.code,
    message: mapped.message,
    ...(mapped.issues ? { issues: mapped.issues } : {}),
    correlationId: context.correlationId,
  };
  return {
    statusCode: mapped.statusCode,
    headers: {
      ...API_RESPONSE_HEADERS,
      ...(mapped.headers ?? {}),
      'x-correlation-id': context.correlationId,
    },
    body: JSON.stringify(body),
  };
}
