import { describe, expect, it } from 'vitest';
import { DEFAULT_RHO, tScore, tScoreForGoals } from '#domain/attainment.ts';
import { DomainValidationError } from '#domain/errors.ts';

/*
 * Worked examples, by hand, with T = 50 + 10·Σwᵢxᵢ / √((1 − ρ)·Σwᵢ² + ρ·(Σwᵢ)²) and ρ = 0.3.
 *
 * Three goals, equal weights (w = 1): Σwᵢ² = 3, (Σwᵢ)² = 9, so the denominator is
 *   √(0.7·3 + 0.3·9) = √(2.1 + 2.7) = √4.8 = 2.190890…
 *
 *   ratings  0, +1, −1 → Σwᵢxᵢ = 0  → T = 50
 *   ratings +1, +1, +1 → Σwᵢxᵢ = 3  → T = 50 + 30/2.190890 = 50 + 13.693064 = 63.693064
 *   ratings −1, −1, −1 → Σwᵢxᵢ = −3 → T = 50 − 13.693064 = 36.306936 (every goal still at its baseline)
 *   ratings +2, +2, +2 → Σwᵢxᵢ = 6  → T = 50 + 60/2.190890 = 77.386128
 *
 * One goal: the denominator is √(0.7 + 0.3) = 1, so T = 50 + 10·x: +2 → 70, −2 → 30.
 *
 * Weights 2 and 1, ratings +1 and 0: Σwᵢxᵢ = 2, Σwᵢ² = 5, (Σwᵢ)² = 9,
 *   √(0.7·5 + 0.3·9) = √(3.5 + 2.7) = √6.2 = 2.489980 → T = 50 + 20/2.489980 = 58.032193
 *
 * ρ = 0, two goals at +1: √(1·2 + 0) = √2 → T = 50 + 20/1.414214 = 64.142136
 */

describe('tScore', () => {
  it('is 50 when gains and losses balance (0, +1, −1)', () => {
    expect(tScore([0, 1, -1])).toBe(50);
  });

  it('is 50 + 30/√4.8 ≈ 63.69 for three goals all at +1', () => {
    // Act
    const t = tScore([1, 1, 1]);

    // Assess
    expect(t).toBeCloseTo(63.693064, 5);
    expect(t).toBeCloseTo(50 + 30 / Math.sqrt(4.8), 12);
  });

  it('is ≈ 36.31 when every goal is still at its baseline of −1', () => {
    expect(tScore([-1, -1, -1])).toBeCloseTo(36.306936, 5);
  });

  it('is ≈ 77.39 for three goals all at +2', () => {
    expect(tScore([2, 2, 2])).toBeCloseTo(77.386128, 5);
  });

  it('is 50 + 10·x for a single goal', () => {
    expect(tScore([2])).toBeCloseTo(70, 12);
    expect(tScore([-2])).toBeCloseTo(30, 12);
    expect(tScore([0])).toBe(50);
  });

  it('uses ρ = 0.3 by default', () => {
    expect(DEFAULT_RHO).toBe(0.3);
    expect(tScore([1, 0, 2])).toBe(tScore([1, 0, 2], 0.3));
  });

  it('honours another ρ', () => {
    expect(tScore([1, 1], 0)).toBeCloseTo(64.142136, 5);
  });

  it('applies weights (2 and 1 for ratings +1 and 0 give ≈ 58.03)', () => {
    expect(tScore([1, 0], 0.3, [2, 1])).toBeCloseTo(58.032193, 5);
  });

  it('gives the same score for equal weights of any size', () => {
    // Prepare
    const ratings = [2, -1, 0, 1];

    // Act / Assess
    expect(tScore(ratings, 0.3, [1, 1, 1, 1])).toBeCloseTo(tScore(ratings), 12);
    expect(tScore(ratings, 0.3, [5, 5, 5, 5])).toBeCloseTo(tScore(ratings), 12);
  });

  it('does not depend on the order of the goals', () => {
    expect(tScore([2, -1, 0, 1])).toBeCloseTo(tScore([1, 0, -1, 2]), 12);
  });

  it('rises when any one goal improves', () => {
    expect(tScore([0, 0, 1])).toBeGreaterThan(tScore([0, 0, 0]));
  });

  it('refuses no ratings', () => {
    expect(() => tScore([])).toThrow(DomainValidationError);
  });

  it.each([3, -3, 2.01, Number.NaN, Number.POSITIVE_INFINITY])('refuses a rating of %s', (bad) => {
    // Act
    let error: unknown;
    try {
      tScore([0, bad]);
    } catch (caught) {
      error = caught;
    }

    // Assess
    expect(error).toBeInstanceOf(DomainValidationError);
    expect((error as DomainValidationError).issues).toEqual([
      { path: 'ratings.1', message: expect.any(String) },
    ]);
  });

  it('refuses weights that do not match the ratings, or are not positive', () => {
    expect(() => tScore([1, 1], 0.3, [1])).toThrow(DomainValidationError);
    expect(() => tScore([1, 1], 0.3, [1, 0])).toThrow(DomainValidationError);
    expect(() => tScore([1, 1], 0.3, [1, -1])).toThrow(DomainValidationError);
  });

  it('refuses ρ outside [0, 1)', () => {
    expect(() => tScore([1], 1)).toThrow(DomainValidationError);
    expect(() => tScore([1], -0.1)).toThrow(DomainValidationError);
  });
});

describe('tScoreForGoals', () => {
  it("scores a referral from each goal's latest rating", () => {
    // Prepare
    const goals = [{ latestRating: 1 }, { latestRating: 1 }, { latestRating: 1 }];

    // Act
    const t = tScoreForGoals(goals);

    // Assess
    expect(t).toBeCloseTo(63.693064, 5);
  });

  it('has no score for a referral without goals', () => {
    expect(tScoreForGoals([])).toBeUndefined();
  });

  it('refuses a stored rating outside −2…+2', () => {
    expect(() => tScoreForGoals([{ latestRating: 5 }])).toThrow(DomainValidationError);
  });
});
