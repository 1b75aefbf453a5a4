import { DomainValidationError } from './errors.ts';
import { type Goal, MAX_RATING, MIN_RATING } from './work.ts';

/**
 * Kiresuk–Sherman goal-attainment scaling.
 *
 *   T = 50 + 10·Σ wᵢxᵢ / √((1 − ρ)·Σ wᵢ² + ρ·(Σ wᵢ)²)
 *
 * xᵢ is goal i's rating (−2…+2, 0 = the expected outcome), wᵢ its weight, ρ the assumed correlation
 * between goals (0.3 by convention). T = 50 when every goal lands on its expected outcome; about 10 points
 * is one standard deviation.
 */
export const DEFAULT_RHO = 0.3;

export function tScore(
  ratings: readonly number[],
  rho: number = DEFAULT_RHO,
  weights?: readonly number[],
): number {
  if (ratings.length === 0) throw new DomainValidationError('A T-score needs at least one rating');
  ratings.forEach((rating, i) => {
    if (!Number.isFinite(rating) || rating < MIN_RATING || rating > MAX_RATING) {
      throw new DomainValidationError(`Ratings must be from ${MIN_RATING} to ${MAX_RATING}`, [
        { path: `ratings.${i}`, message: `Must be from ${MIN_RATING} to ${MAX_RATING}` },
      ]);
    }
  });
  if (!Number.isFinite(rho) || rho < 0 || rho >= 1) {
    throw new DomainValidationError('rho must be at least 0 and less than 1');
  }
  const w = weights ?? ratings.map(() => 1);
  if (w.length !== ratings.length) {
    throw new DomainValidationError('There must be one weight per rating');
  }
  if (w.some((weight) => !Number.isFinite(weight) || weight <= 0)) {
    throw new DomainValidationError('Weights must be positive');
  }

  let weighted = 0;
  let sumOfSquares = 0;
  let sum = 0;
  for (let i = 0; i < ratings.length; i++) {
    const weight = w[i]!;
    weighted += weight * ratings[i]!;
    sumOfSquares += weight * weight;
    sum += weight;
  }
  return 50 + (10 * weighted) / Math.sqrt((1 - rho) * sumOfSquares + rho * sum * sum);
}

/**
 * The T-score of a referral from each goal's latest rating, equal weights, ρ = 0.3 (what the report shows
 * per closed referral). `undefined` when there are no goals (e.g. closed before goals were set).
 */
export function tScoreForGoals(goals: readonly Pick<Goal, 'latestRating'>[]): number | undefined {
  return tScoreForRatings(ratingsForTScore(goals));
}

/** The ratings a referral's T-score is computed from: each goal's latest rating. */
export function ratingsForTScore(goals: readonly Pick<Goal, 'latestRating'>[]): number[] {
  return goals.map((goal) => goal.latestRating);
}

/** The T-score of ratings already picked by `ratingsForTScore`; `undefined` when there are none. */
export function tScoreForRatings(ratings: readonly number[]): number | undefined {
  return ratings.length === 0 ? undefined : tScore(ratings);
}
