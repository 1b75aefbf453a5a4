/** Domain errors: pure, no HTTP or AWS knowledge. `shared/http/errors.ts` maps them to status codes. */

export class DomainError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The event is not allowed from the referral's current stage (or not for this role). */
export class IllegalTransitionError extends DomainError {
  constructor(
    readonly from: string,
    readonly event: string,
    options?: { cause?: unknown },
  ) {
    super(`Event '${event}' is not allowed from stage ${from}`, options);
  }
}

/** A value failed a domain rule that a schema cannot express. Messages carry field paths, never values. */
export class DomainValidationError extends DomainError {
  constructor(
    message: string,
    readonly issues: { path: string; message: string }[] = [],
  ) {
    super(message);
  }
}
