import { ratingsForTScore } from '#domain/attainment.ts';
import { Stage } from '#domain/lifecycle.ts';
import { listGoals } from '../goals.ts';
import type { Store } from '../store.ts';
import { setReferralAttributesIf } from './item.ts';

/**
 * Records a CLOSED referral's T-score inputs on the referral item (`closingRatings`), so the summary report
 * scores a year of closures from the referrals it already reads instead of one goal query each.
 *
 * Read after the closure has committed: every goal write is conditioned on an assigned stage, so from then
 * on the goals cannot change and the ratings read here are final. Written once (a retry, or a second
 * caller, finds them there and writes nothing); a referral that never gets them is scored from its goals.
 * True when this call wrote them.
 */
export async function recordClosingRatings(store: Store, referralId: string): Promise<boolean> {
  const ratings = ratingsForTScore(await listGoals(store, referralId));
  return setReferralAttributesIf(store, referralId, {
    update: 'SET closingRatings = :ratings',
    condition: '#stage = :closed AND attribute_not_exists(closingRatings)',
    names: { '#stage': 'stage' },
    values: { ':ratings': ratings, ':closed': Stage.CLOSED },
  });
}
