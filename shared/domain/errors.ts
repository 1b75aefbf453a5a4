/**
 * Domain errors: a rule of the program was broken. Pure, no HTTP or AWS knowledge; `shared/http/errors.ts`
 * maps them to status codes. Messages name ids, stages, events and rules, never a value that was sent.
 *
 * Each class sets its `name` as a literal: Lambda bundles are minified, and `new.target.name` would log a
 * mangled name.
 */

export interface ValidationIssue {
  /** Field path (`goals.0.title`); '' for the whole input. */
  path: string;
  /** The rule that was broken, never the value. */
  message: string;
}

/**
 * A value broke a rule: a request that fails its schema, or a domain rule a schema cannot express. The one
 * validation error of the program (400).
 */
export class ValidationError extends Error {
  override readonly name: string = 'ValidationError';

  constructor(
    message: string,
    readonly issues: ValidationIssue[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * The former name of `ValidationError`, kept while shared/data/referrals.ts is being split.
 * @deprecated import `ValidationError`.
 */
export { ValidationError as DomainValidationError };

/** The event is not allowed from the referral's current stage (or not for this role): 409. */
export class IllegalTransitionError extends Error {
  override readonly name: string = 'IllegalTransitionError';

  constructor(
    readonly from: string,
    readonly event: string,
    options?: { cause?: unknown },
  ) {
    super(`Event '${event}' is not allowed from stage ${from}`, options);
  }
}

/** The worker cannot take another client (at `maxCaseload`): 409. */
export class CapacityExceededError extends Error {
  override readonly name: string = 'CapacityExceededError';

  constructor(
    readonly workerId: string,
    options?: { cause?: unknown },
  ) {
    super(`Worker ${workerId} has reached their maximum caseload`, options);
  }
}

/**
 * The worker is inactive and takes no new clients. A subclass of `CapacityExceededError` on purpose: the
 * worker cannot take this client now, whichever the reason (the HTTP layer tells the two apart).
 */
export class WorkerUnavailableError extends CapacityExceededError {
  override readonly name: string = 'WorkerUnavailableError';

  constructor(workerId: string, options?: { cause?: unknown }) {
    super(workerId, options);
    this.message = `Worker ${workerId} is not active`;
  }
}
