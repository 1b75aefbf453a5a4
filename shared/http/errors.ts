import {
  CapacityExceededError,
  ConcurrentUpdateError,
  IdempotencyConflictError,
  NotFoundError,
  WorkerUnavailableError,
} from '#data/errors.ts';
import { NETWORK_CODES, UNAVAILABLE_NAMES as STORE_UNAVAILABLE_NAMES } from '#data/failures.ts';
import { DomainValidationError, IllegalTransitionError } from '#domain/errors.ts';
import { createLogger, type Logger } from './logger.ts';

/**
 * HTTP errors and the ONE place that turns any error into a response.
 *
 * Nothing here echoes request values: validation issues carry field paths and generic messages,
 * 4xx bodies carry fixed messages, 5xx bodies carry a correlation id (the stack goes to the log only).
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

export class HttpError extends Error {
  readonly statusCode: number;
  /** Machine-readable code, the `error` field of the body. */
  readonly code: string;
  readonly headers: Record<string, string>;
  readonly issues: ErrorIssue[] | undefined;

  constructor(
    statusCode: number,
    code: string,
    message: string,
    options: { cause?: unknown; headers?: Record<string, string>; issues?: ErrorIssue[] } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.statusCode = statusCode;
    this.code = code;
    this.headers = options.headers ?? {};
    this.issues = options.issues;
  }
}

export class ValidationError extends HttpError {
  constructor(issues: ErrorIssue[], message = 'The request is invalid') {
    super(400, 'ValidationError', message, { issues });
  }
}

export class MalformedJsonError extends HttpError {
  constructor() {
    super(400, 'MalformedJson', 'The request body is not valid JSON');
  }
}

export class UnauthorizedError extends HttpError {
  constructor(message = 'A valid bearer token is required') {
    super(401, 'Unauthorized', message, { headers: { 'www-authenticate': 'Bearer' } });
  }
}

export class ForbiddenError extends HttpError {
  constructor(message = 'Your role may not call this route') {
    super(403, 'Forbidden', message);
  }
}

/** 404: absent, or not the caller's (the two are indistinguishable on purpose). */
export class HttpNotFoundError extends HttpError {
  constructor(message = 'Not found') {
    super(404, 'NotFound', message);
  }
}

export class MethodNotAllowedError extends HttpError {
  constructor(allow: readonly string[]) {
    super(405, 'MethodNotAllowed', 'Method not allowed', { headers: { allow: allow.join(', ') } });
  }
}

export class ConflictError extends HttpError {
  constructor(message = 'The request conflicts with the current state', code = 'Conflict') {
    super(409, code, message);
  }
}

export class PayloadTooLargeError extends HttpError {
  constructor(limitBytes: number) {
    super(413, 'PayloadTooLarge', `The request body exceeds ${limitBytes} bytes`);
  }
}

export class UnsupportedMediaTypeError extends HttpError {
  constructor() {
    super(415, 'UnsupportedMediaType', 'The request body must be application/json');
  }
}

export class ServiceUnavailableError extends HttpError {
  constructor(retryAfterSeconds = DEFAULT_RETRY_AFTER_SECONDS, options: { cause?: unknown } = {}) {
    super(503, 'ServiceUnavailable', 'The service is temporarily unavailable; retry later', {
      ...options,
      headers: { 'retry-after': String(retryAfterSeconds) },
    });
  }
}

/** A deployment or wiring mistake (missing env, unknown handler): a 500, never the caller's fault. */
export class ConfigurationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigurationError';
  }
}

export const DEFAULT_RETRY_AFTER_SECONDS = 2;

/** Logger for the HTTP layer (JSON lines; ids only, never PHI). Tests may spy on it. */
export const httpLogger: Logger = createLogger({ service: 'peerpath-api' });

// ---------------------------------------------------------------------------------------------
// Classification of errors raised below the HTTP layer. The data layer's classes are matched with
// instanceof, and also by class name (own or inherited), so an error from a second copy of the module
// (another bundle, a test double) maps the same way.
// ---------------------------------------------------------------------------------------------

interface Mapped {
  statusCode: number;
  code: string;
  message: string;
  headers?: Record<string, string>;
  issues?: ErrorIssue[];
}

const BY_NAME: Record<string, Mapped> = {
  NotFoundError: { statusCode: 404, code: 'NotFound', message: 'Not found' },
  WorkerUnavailableError: {
    statusCode: 409,
    code: 'WorkerUnavailable',
    message: 'The worker is not active and takes no new clients',
  },
  ConcurrentUpdateError: {
    statusCode: 409,
    code: 'ConcurrentUpdate',
    message: 'Someone else changed this item first; reload it and try again',
  },
  CapacityExceededError: {
    statusCode: 409,
    code: 'CapacityExceeded',
    message: 'The worker has reached their maximum caseload',
  },
  IdempotencyConflictError: {
    statusCode: 422,
    code: 'IdempotencyConflict',
    message: 'This Idempotency-Key was already used with a different request body',
  },
  UserExistsError: {
    statusCode: 409,
    code: 'UserExists',
    message: 'An account with this email already exists',
  },
};

/** Most specific first (WorkerUnavailableError is a CapacityExceededError). */
const DATA_ERRORS: [abstract new (...args: never[]) => Error, keyof typeof BY_NAME][] = [
  [NotFoundError, 'NotFoundError'],
  [ConcurrentUpdateError, 'ConcurrentUpdateError'],
  [WorkerUnavailableError, 'WorkerUnavailableError'],
  [CapacityExceededError, 'CapacityExceededError'],
  [IdempotencyConflictError, 'IdempotencyConflictError'],
];

/** Names of errors meaning "the store (or an AWS service) cannot be reached right now". */
const UNAVAILABLE_NAMES = new Set(['StoreUnavailableError', ...STORE_UNAVAILABLE_NAMES]);

function errorNames(error: object): string[] {
  const names: string[] = [];
  const own = (error as { name?: unknown }).name;
  if (typeof own === 'string') names.push(own);
  // Class names along the prototype chain, so a subclass of a mapped error maps the same way.
  for (let proto = Object.getPrototypeOf(error); proto && proto !== Object.prototype; ) {
    const ctorName = (proto.constructor as { name?: unknown } | undefined)?.name;
    if (typeof ctorName === 'string' && ctorName) names.push(ctorName);
    proto = Object.getPrototypeOf(proto);
  }
  return names;
}

/** The error itself, its `cause` chain and an AggregateError's members (bounded). */
function* errorChain(error: unknown, depth = 0): Generator<object> {
  if (depth > 6 || typeof error !== 'object' || error === null) return;
  yield error;
  const { cause, errors } = error as { cause?: unknown; errors?: unknown };
  if (Array.isArray(errors)) for (const member of errors.slice(0, 10)) yield* errorChain(member, depth + 1);
  if (cause !== undefined) yield* errorChain(cause, depth + 1);
}

export function isStoreUnavailable(error: unknown): boolean {
  for (const link of errorChain(error)) {
    if (errorNames(link).some((name) => UNAVAILABLE_NAMES.has(name))) return true;
    const { code, message } = link as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
    if (typeof message === 'string' && /socket hang up/i.test(message)) return true;
  }
  return false;
}

function isZodError(error: object): error is { issues: ZodLikeIssue[] } {
  return (
    errorNames(error).some((name) => name === 'ZodError' || name === '$ZodError') &&
    Array.isArray((error as { issues?: unknown }).issues)
  );
}

export interface ZodLikeIssue {
  code?: string;
  path: readonly PropertyKey[];
  message: string;
}

/** `goals.0.title`; a root-level issue has the path ''. */
export function issuePath(path: readonly PropertyKey[], prefix?: string): string {
  const parts = path.map((part) => (typeof part === 'symbol' ? (part.description ?? '') : String(part)));
  return [prefix, ...parts].filter((part) => part !== undefined && part !== '').join('.');
}

function stringLeaves(value: unknown, out: Set<string>, depth = 0): Set<string> {
  if (depth > 20 || out.size > 5000) return out;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint') {
    const text = String(value);
    if (text.length >= 3) out.add(text);
  } else if (Array.isArray(value)) {
    for (const item of value) stringLeaves(item, out, depth + 1);
  } else if (typeof value === 'object' && value !== null) {
    for (const item of Object.values(value)) stringLeaves(item, out, depth + 1);
  }
  return out;
}

const GENERIC_ISSUE_MESSAGES: Record<string, string> = {
  invalid_type: 'Invalid type',
  too_big: 'Too big',
  too_small: 'Too small',
  invalid_format: 'Invalid format',
  not_multiple_of: 'Invalid number',
  unrecognized_keys: 'Unrecognized key',
  invalid_union: 'Invalid input',
  invalid_key: 'Invalid key',
  invalid_element: 'Invalid element',
  invalid_value: 'Invalid value',
};

/**
 * Zod issues → `{path, message}`. Zod's built-in messages never contain the input; a custom
 * message might, so any message containing a value of `input` is replaced by a generic one.
 */
export function issuesFromZod(
  issues: readonly ZodLikeIssue[],
  options: { prefix?: string; input?: unknown } = {},
): ErrorIssue[] {
  const leaves = options.input === undefined ? undefined : stringLeaves(options.input, new Set());
  return issues.map((issue) => {
    const echoes = leaves ? [...leaves].some((leaf) => issue.message.includes(leaf)) : false;
    const message = echoes
      ? (GENERIC_ISSUE_MESSAGES[issue.code ?? ''] ?? 'Invalid value')
      : issue.message.slice(0, 300);
    return { path: issuePath(issue.path, options.prefix), message };
  });
}

/** Map any error to a status, a code, a client-safe message and headers (pure; no logging). */
export function classifyError(error: unknown): Mapped {
  if (error instanceof HttpError) {
    return {
      statusCode: error.statusCode,
      code: error.code,
      message: error.message,
      headers: error.headers,
      ...(error.issues ? { issues: error.issues } : {}),
    };
  }
  if (typeof error === 'object' && error !== null) {
    if (isZodError(error)) {
      return {
        statusCode: 400,
        code: 'ValidationError',
        message: 'The request is invalid',
        issues: issuesFromZod(error.issues),
      };
    }
    if (error instanceof DomainValidationError) {
      return {
        statusCode: 400,
        code: 'ValidationError',
        message: 'The request is invalid',
        issues: error.issues.map((issue) => ({ path: issue.path, message: issue.message })),
      };
    }
    if (error instanceof IllegalTransitionError) {
      // Stage and event names only: safe to show, and useful to the pages.
      return { statusCode: 409, code: 'IllegalTransition', message: error.message };
    }
    const known = DATA_ERRORS.find(([type]) => error instanceof type);
    if (known) return BY_NAME[known[1]]!;
    const names = errorNames(error);
    if (names.includes('IllegalTransitionError')) {
      return { statusCode: 409, code: 'IllegalTransition', message: 'This action is not allowed now' };
    }
    for (const name of names) {
      const mapped = BY_NAME[name];
      if (mapped) return mapped;
    }
  }
  if (isStoreUnavailable(error)) {
    const retryAfter = (error as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
    const seconds =
      typeof retryAfter === 'number' && retryAfter > 0 ? Math.ceil(retryAfter) : DEFAULT_RETRY_AFTER_SECONDS;
    return {
      statusCode: 503,
      code: 'ServiceUnavailable',
      message: 'The service is temporarily unavailable; retry later',
      headers: { 'retry-after': String(seconds) },
    };
  }
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
