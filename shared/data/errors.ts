/**
 * Data-layer errors. `shared/http/errors.ts` maps them to status codes by class name:
 * NotFoundError 404, ConcurrentUpdateError 409, CapacityExceededError 409, IdempotencyConflictError 422,
 * StoreUnavailableError 503. Messages carry ids, stages and attribute names only, never values.
 */
import type { IdempotencyRecord } from './idempotency.ts';

export { DomainValidationError, IllegalTransitionError } from '#domain/errors.ts';

export class StoreError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The item is absent (or, for the caller, indistinguishable from absent). */
export class NotFoundError extends StoreError {
  constructor(
    readonly entity: string,
    readonly id: string,
    options?: { cause?: unknown },
  ) {
    super(`${entity} ${id} not found`, options);
  }
}

/** The item changed since it was read (stale `version`, or another writer moved it first): 409. */
export class ConcurrentUpdateError extends StoreError {
  constructor(
    readonly entity: string,
    readonly id: string,
    options?: { cause?: unknown },
  ) {
    super(`${entity} ${id} was changed by someone else`, options);
  }
}

/** The worker cannot take another client (at `maxCaseload`): 409. */
export class CapacityExceededError extends StoreError {
  constructor(
    readonly workerId: string,
    options?: { cause?: unknown },
  ) {
    super(`Worker ${workerId} has reached their maximum caseload`, options);
  }
}

/**
 * The worker is inactive and takes no new clients. A subclass of `CapacityExceededError` on purpose: the
 * HTTP layer maps both to 409 (the worker cannot take this client now).
 */
export class WorkerUnavailableError extends CapacityExceededError {
  constructor(workerId: string, options?: { cause?: unknown }) {
    super(workerId, options);
    this.message = `Worker ${workerId} is not active`;
  }
}

/** An `Idempotency-Key` reused with a different request: 422. */
export class IdempotencyConflictError extends StoreError {
  constructor(options?: { cause?: unknown }) {
    super('The idempotency key was already used with a different request', options);
  }
}

/**
 * The `Idempotency-Key` was claimed already (by an earlier or a concurrent request that committed): not a
 * failure of the request, which the caller answers from `record` (a replay, or a 422 for another body).
 */
export class IdempotencyKeyUsedError extends StoreError {
  constructor(
    readonly record: IdempotencyRecord,
    options?: { cause?: unknown },
  ) {
    super('The idempotency key was already used', options);
  }
}

/** DynamoDB cannot be reached, timed out or throttled us: 503, worth retrying later. */
export class StoreUnavailableError extends StoreError {
  constructor(
    readonly retryAfterSeconds = 2,
    options?: { cause?: unknown },
  ) {
    super('The data store is unavailable', options);
  }
}
