import { NotFoundError } from '#app/errors.ts';
import { getReferral, getReferralDetails, type ReferralDetails } from '#data/referrals/reads.ts';
import { isAssigned } from '#domain/lifecycle.ts';
import type { Referral } from '#domain/referral.ts';
import { Role } from '#domain/roles.ts';
import type { Caller } from '#http/auth.ts';
import { logAccess } from '#http/middleware.ts';
import { type ApiDeps, apiDeps } from './deps.ts';

/**
 * Which referrals a caller may see, in one place. Coordinators and admins: every referral of their region
 * (the region's store holds nothing else). A clinician: the referrals they made. A peer worker: the
 * referrals assigned to them now. Anything else is 404, exactly as if it did not exist.
 */
export function canSee(
  caller: Pick<Caller, 'sub' | 'role'>,
  referral: Pick<Referral, 'referrerSub' | 'workerId' | 'stage'>,
) {
  switch (caller.role) {
    case Role.COORDINATOR:
    case Role.ADMIN:
      return true;
    case Role.CLINICIAN:
      return referral.referrerSub === caller.sub;
    case Role.PEER_WORKER:
      // Only while the client is theirs: a closed relationship (or a reassigned one) is no longer visible.
      return (
        referral.workerId !== undefined && referral.workerId === caller.sub && isAssigned(referral.stage)
      );
    default:
      return false;
  }
}

/** The caller's region's dependencies. */
export const depsFor = (caller: Pick<Caller, 'region'>): ApiDeps => apiDeps(caller.region);

/**
 * The referral if the caller may see it (404 otherwise; an absent one's NotFoundError maps to 404 too).
 * `route` names the route for the access log: every read of a referral's details writes one line (caller,
 * referral id, route; never its content).
 */
export async function referralFor(caller: Caller, id: string, route: string): Promise<Referral> {
  const referral = await getReferral(depsFor(caller).store, id);
  if (!canSee(caller, referral)) throw new NotFoundError();
  logAccess({ callerSub: caller.sub, role: caller.role, referralId: id, route });
  return referral;
}

/** The referral with its goals, sessions and history (one Query), if the caller may see it. */
export async function referralDetailsFor(
  caller: Caller,
  id: string,
  route: string,
): Promise<ReferralDetails> {
  const details = await getReferralDetails(depsFor(caller).store, id);
  if (!canSee(caller, details.referral)) throw new NotFoundError();
  logAccess({ callerSub: caller.sub, role: caller.role, referralId: id, route });
  return details;
}
