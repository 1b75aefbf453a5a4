/**
 * The errors a port can raise. Adapters (shared/data, shared/aws, local/) throw these, so the HTTP error
 * registry maps them without importing any adapter. Messages carry entity kinds and ids, never values.
 *
 * Each class sets its `name` as a literal: Lambda bundles are minified, and `new.target.name` would log a
 * mangled name.
 */

/**
 * The item is absent or, for this caller, indistinguishable from absent (not theirs, another region's, no
 * such route): 404. Without arguments it says no more than that.
 */
export class NotFoundError extends Error {
  override readonly name: string = 'NotFoundError';

  constructor(
    readonly entity = 'Resource',
    readonly id?: string,
    options?: { cause?: unknown },
  ) {
    super(id === undefined ? `${entity} not found` : `${entity} ${id} not found`, options);
  }
}

/** The item changed since it was read (stale `version`, or another writer moved it first): 409. */
export class ConcurrentUpdateError extends Error {
  override readonly name: string = 'ConcurrentUpdateError';

  constructor(
    readonly entity: string,
    readonly id: string,
    options?: { cause?: unknown },
  ) {
    super(`${entity} ${id} was changed by someone else`, options);
  }
}

/** The store (or another service behind a port) cannot be reached, timed out or throttled us: 503. */
export class StoreUnavailableError extends Error {
  override readonly name: string = 'StoreUnavailableError';

  constructor(
    readonly retryAfterSeconds = 2,
    options?: { cause?: unknown },
  ) {
    super('The data store is unavailable', options);
  }
}

/** The email already has a login in this region: 409. */
export class UserExistsError extends Error {
  override readonly name: string = 'UserExistsError';

  constructor(options?: { cause?: unknown }) {
    super('An account with this email already exists', options);
  }
}

/** An `Idempotency-Key` reused with a different request body: 422. */
export class IdempotencyConflictError extends Error {
  override readonly name: string = 'IdempotencyConflictError';

  constructor(options?: { cause?: unknown }) {
    super('The idempotency key was already used with a different request', options);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Transient failures of what is behind a port
// ---------------------------------------------------------------------------------------------------------

/**
 * Names of AWS SDK errors meaning "the service cannot be reached right now". Matched by name on purpose:
 * they are the SDK's classes, which nothing above the adapters may import.
 */
export const UNAVAILABLE_NAMES: ReadonlySet<string> = new Set([
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'InternalServerError',
  'LimitExceededException',
]);

/** Node/undici network error codes meaning the same. */
export const NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/**
 * True for a `StoreUnavailableError`, a network error, an SDK timeout or throttling, or (unless
 * `serverFaults` is false) a 5xx from an AWS service, found on the error, its `cause` chain or an
 * AggregateError's members (bounded): transient, worth retrying later. Adapters wrap these in
 * `StoreUnavailableError`; the HTTP layer answers one that an adapter let through with 503 too.
 */
export function isTransientFailure(error: unknown, options: { serverFaults?: boolean } = {}): boolean {
  return transient(error, options.serverFaults ?? true, 0);
}

function transient(error: unknown, serverFaults: boolean, depth: number): boolean {
  if (depth > 6 || typeof error !== 'object' || error === null) return false;
  if (error instanceof StoreUnavailableError) return true;
  const { name, code, message, cause, errors, $metadata, $fault } = error as {
    name?: unknown;
    code?: unknown;
    message?: unknown;
    cause?: unknown;
    errors?: unknown;
    $metadata?: { httpStatusCode?: number };
    $fault?: unknown;
  };
  if (typeof name === 'string' && UNAVAILABLE_NAMES.has(name)) return true;
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
  if (typeof message === 'string' && /socket hang up/i.test(message)) return true;
  if (serverFaults && $fault === 'server' && ($metadata?.httpStatusCode ?? 0) >= 500) return true;
  const members = Array.isArray(errors) ? errors.slice(0, 10) : [];
  if (members.some((member) => transient(member, serverFaults, depth + 1))) return true;
  return transient(cause, serverFaults, depth + 1);
}
