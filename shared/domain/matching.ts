import {
  bitCount,
  type CandidateReason,
  CRITERIA,
  type Criterion,
  type MatchableReferral,
  matcherFor,
  round1,
  slotMask,
} from './matching-criteria.ts';
import { nameOrder, rankOrder, sortName } from './matching-order.ts';
import type { Worker } from './worker.ts';

export {
  type CandidateReason,
  CRITERIA,
  CRITERION_WEIGHTS,
  type Criterion,
  type MatchableReferral,
} from './matching-criteria.ts';

/**
 * Suggests peer workers for a referral. The coordinator chooses; this only ranks and explains.
 *
 * Each criterion that applies to the referral gives a worker up to `weight` points; the score is their sum.
 * A criterion applies when the referral states something for it (a preference, availability, a previous
 * worker); neighbourhood, language and capacity always apply. Criteria that do not apply are not listed.
 *
 * A worker who is inactive, at capacity, or misses a must-have preference is excluded with the reason and
 * never proposed. A must-have with several values is met when the worker shares at least one of them.
 *
 * Explanations are written for a coordinator: they name the vocabulary values that matched (lived-experience
 * areas, languages, interests) and never the client's name, contact or notes.
 */

export interface Candidate {
  workerId: string;
  firstName: string;
  score: number;
  reasons: CandidateReason[];
}

export const EXCLUSION_REASONS = ['INACTIVE', 'AT_CAPACITY', 'MISSING_MUST_HAVE'] as const;
export type ExclusionReason = (typeof EXCLUSION_REASONS)[number];

export interface Exclusion {
  workerId: string;
  firstName: string;
  reason: ExclusionReason;
  detail: string;
}

export interface Ranking {
  items: Candidate[];
  excluded: Exclusion[];
}

/** The parts of a worker matching reads (a stored `Worker` fits). */
export type MatchableWorker = Pick<
  Worker,
  | 'id'
  | 'firstName'
  | 'lastName'
  | 'active'
  | 'activeCaseload'
  | 'maxCaseload'
  | 'livedExperience'
  | 'languages'
  | 'gender'
  | 'culturalBackground'
  | 'neighbourhoods'
  | 'availability'
  | 'interests'
>;

/*
 * Speed: a region's roster is ranked on every candidates request, and the ranking must stay fast for very
 * large rosters (10,000 workers in well under 20 ms). So:
 * - everything about the referral is computed once per call (`matcherFor`): its wanted values, its time
 *   slots as a bitmask, and every explanation, built once per outcome key (which wanted values matched, how
 *   many slots overlap, how many places are free) and shared, frozen, between candidates;
 * - a worker's values are looked up as bitmasks; must-haves are checked first, so an excluded worker costs
 *   no further lookups;
 * - the order is found without comparing strings in a sort callback: all workers are put in name order once
 *   by a radix sort on a numeric prefix of their name (`nameOrder`); excluded workers are then listed in that
 *   order, and candidates are radix sorted by score and free places, ties keeping that name order.
 */

const MISSING_BIT = Object.fromEntries(CRITERIA.map((c, i) => [c, 1 << i])) as Record<Criterion, number>;

/**
 * Ranks a region's workers for a referral: candidates by score (highest first), then most free caseload
 * places, then last name, then id; excluded workers with the reason, by last name then id. The order does not
 * depend on the order of `workers`.
 */
export function rankCandidates(referral: MatchableReferral, workers: readonly MatchableWorker[]): Ranking {
  const matcher = matcherFor(referral);
  const { explain, reasonCount } = matcher;
  const count = workers.length;
  // Per worker (by input index): its sort name and id, and its outcome, a candidate or an exclusion.
  const names = new Array<string>(count);
  const ids = new Array<string>(count);
  const candidateAt = new Array<Candidate | undefined>(count);
  const exclusionAt = new Array<Exclusion | undefined>(count);
  /** A candidate's score in tenths (scores have one decimal) and its free places, for the rank order. */
  const tenthsAt = new Float64Array(count);
  const remainingAt = new Float64Array(count);
  let excludedCount = 0;

  for (let i = 0; i < count; i++) {
    const worker = workers[i]!;
    names[i] = sortName(worker.lastName);
    ids[i] = worker.id;
    if (!worker.active) {
      excludedCount++;
      exclusionAt[i] = {
        workerId: worker.id,
        firstName: worker.firstName,
        reason: 'INACTIVE',
        detail: 'not active on the roster',
      };
      continue;
    }
    const remaining = worker.maxCaseload - worker.activeCaseload;
    if (remaining <= 0) {
      excludedCount++;
      exclusionAt[i] = {
        workerId: worker.id,
        firstName: worker.firstName,
        reason: 'AT_CAPACITY',
        detail: `caseload full (${worker.activeCaseload} of ${worker.maxCaseload})`,
      };
      continue;
    }

    // Must-haves first: a worker who misses one is excluded before any other lookup.
    if (matcher.anyMustHave) {
      let missing = 0;
      if (matcher.areas?.mustHave && matcher.areas.maskOf(worker.livedExperience) === 0) {
        missing |= MISSING_BIT.livedExperience;
      }
      if (matcher.languages.mustHave && matcher.languages.maskOf(worker.languages) === 0) {
        missing |= MISSING_BIT.language;
      }
      if (matcher.genderMust && worker.gender !== matcher.gender) missing |= MISSING_BIT.workerGender;
      if (matcher.cultures?.mustHave && matcher.cultures.maskOf(worker.culturalBackground) === 0) {
        missing |= MISSING_BIT.culturalBackground;
      }
      if (matcher.interests?.mustHave && matcher.interests.maskOf(worker.interests) === 0) {
        missing |= MISSING_BIT.interests;
      }
      if (missing !== 0) {
        excludedCount++;
        exclusionAt[i] = {
          workerId: worker.id,
          firstName: worker.firstName,
          reason: 'MISSING_MUST_HAVE',
          detail: explain.missing.get(missing),
        };
        continue;
      }
    }

    const reasons = new Array<CandidateReason>(reasonCount);
    let r = 0;
    if (matcher.previousWorkerId !== undefined) {
      reasons[r++] = explain.previousWorker[worker.id === matcher.previousWorkerId ? 1 : 0]!;
    }
    if (matcher.areas) {
      reasons[r++] = explain.livedExperience.get(matcher.areas.maskOf(worker.livedExperience));
    }
    reasons[r++] = explain.language.get(matcher.languages.maskOf(worker.languages));
    if (matcher.gender !== undefined) {
      reasons[r++] = explain.workerGender[worker.gender === matcher.gender ? 1 : 0]!;
    }
    if (matcher.cultures) {
      reasons[r++] = explain.culturalBackground.get(matcher.cultures.maskOf(worker.culturalBackground));
    }
    reasons[r++] = explain.neighbourhood[matcher.neighbourhood.maskOf(worker.neighbourhoods) !== 0 ? 1 : 0]!;
    if (matcher.slotCount > 0) {
      reasons[r++] = explain.availability.get(bitCount(slotMask(worker.availability) & matcher.slots));
    }
    if (matcher.interests) reasons[r++] = explain.interests.get(matcher.interests.maskOf(worker.interests));
    reasons[r++] = explain.capacity.get(worker.maxCaseload).get(remaining);

    let score = 0;
    for (let k = 0; k < reasonCount; k++) score += reasons[k]!.points;
    score = round1(score);
    candidateAt[i] = { workerId: worker.id, firstName: worker.firstName, score, reasons };
    tenthsAt[i] = Math.round(score * 10);
    remainingAt[i] = remaining;
  }

  // Excluded workers in name order; candidates in name order, as the tie-break of the rank order below.
  const order = nameOrder(names, ids);
  const excluded = new Array<Exclusion>(excludedCount);
  const named = new Array<number>(count - excludedCount);
  for (let p = 0, e = 0, c = 0; p < count; p++) {
    const i = order[p]!;
    const exclusion = exclusionAt[i];
    if (exclusion !== undefined) excluded[e++] = exclusion;
    else named[c++] = i;
  }
  return { items: rankOrder(named, tenthsAt, remainingAt).map((i) => candidateAt[i]!), excluded };
}
