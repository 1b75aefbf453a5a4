/**
 * What the DynamoDB adapter throws. Its failures are the ports' errors (shared/app/errors.ts) and the
 * domain's rule violations (shared/domain/errors.ts), re-exported here so the adapter's files import them
 * from one place; the HTTP layer imports them from where they are defined, never from here. Messages carry
 * ids, stages and attribute names only, never values.
 */
import type { IdempotencyRecord } from './idempotency.ts';

export {
  ConcurrentUpdateError,
  IdempotencyConflictError,
  NotFoundError,
  StoreUnavailableError,
} from '#app/errors.ts';
export {
  CapacityExceededError,
  DomainValidationError,
  IllegalTransitionError,
  ValidationError,
  WorkerUnavailableError,
} from '#domain/errors.ts';

/**
 * The `Idempotency-Key` was claimed already (by an earlier or a concurrent request that committed): not a
 * failure of the request, which the caller answers from `record` (a replay, or an
 * `IdempotencyConflictError` for another body). Never reaches the HTTP layer as such.
 */
export class IdempotencyKeyUsedError extends Error {
  override readonly name: string = 'IdempotencyKeyUsedError';

  constructor(
    readonly record: IdempotencyRecord,
    options?: { cause?: unknown },
  ) {
    super('The idempotency key was already used', options);
  }
}
