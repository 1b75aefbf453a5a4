/** Errors the ports raise; adapters throw these, so the HTTP registry needs no adapter. */

/** The email already has a login in this region (mapped to 409 by shared/http/errors.ts). */
export class UserExistsError extends Error {
  constructor(options?: { cause?: unknown }) {
    super('An account with this email already exists', options);
    this.name = 'UserExistsError';
  }
}
