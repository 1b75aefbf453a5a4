import { flattenClaims } from './gateway-event.ts';
import type { LocalJwt } from './jwt.ts';

/**
 * Verified tokens, remembered by their exact text until they expire: a page sends the same ID token with
 * every request for an hour, and verifying its RS256 signature each time (a crypto job on the thread pool)
 * was a measurable part of every local call (bench/results). The same bytes verify the same way, so only
 * the expiry and not-before times are checked again. Bounded; the oldest entry goes first. The claims are
 * kept flattened as API Gateway hands them to a Lambda, too.
 */
export class VerifiedTokens {
  private readonly known = new Map<string, { exp: number; nbf?: number; flat: Record<string, string> }>();

  constructor(
    private readonly jwt: Pick<LocalJwt, 'verifyToken'>,
    private readonly limit = 1000,
  ) {}

  /**
   * The token's claims as strings (`flattenClaims`), or a rejection as `verifyToken` gives. A token verified
   * before and still valid is answered at once, not as a promise: the common path does not yield.
   */
  claimsOf(token: string): Record<string, string> | Promise<Record<string, string>> {
    const known = this.known.get(token);
    if (known) {
      const now = Date.now() / 1000;
      if (known.exp > now && (known.nbf === undefined || known.nbf <= now)) return known.flat;
      this.known.delete(token);
    }
    return this.verify(token);
  }

  private async verify(token: string): Promise<Record<string, string>> {
    const claims = (await this.jwt.verifyToken(token)) as Record<string, unknown>;
    const flat = flattenClaims(claims);
    // A token without a numeric expiry is never remembered (verifyToken refuses those anyway).
    if (typeof claims.exp === 'number') {
      if (this.known.size >= this.limit) this.known.delete(this.known.keys().next().value as string);
      this.known.set(token, {
        exp: claims.exp,
        ...(typeof claims.nbf === 'number' ? { nbf: claims.nbf } : {}),
        flat,
      });
    }
    return flat;
  }
}
