import type { Referral } from './referral.ts';
import { DAY_PARTS, type DayPart, type Weekday } from './vocabulary.ts';
import type { Worker } from './worker.ts';

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

export const CRITERIA = [
  'previousWorker',
  'livedExperience',
  'language',
  'workerGender',
  'culturalBackground',
  'neighbourhood',
  'availability',
  'interests',
  'capacity',
] as const;
export type Criterion = (typeof CRITERIA)[number];

/** Points a worker can earn per criterion. Continuity with a previous worker outweighs everything else. */
export const CRITERION_WEIGHTS: Readonly<Record<Criterion, number>> = {
  previousWorker: 100,
  livedExperience: 30,
  language: 20,
  workerGender: 15,
  culturalBackground: 10,
  neighbourhood: 10,
  availability: 10,
  interests: 5,
  capacity: 10,
};

/** One criterion's contribution. Reasons are frozen and shared between candidates with the same outcome. */
export interface CandidateReason {
  readonly criterion: Criterion;
  readonly met: boolean;
  /** The most points this criterion can give. */
  readonly weight: number;
  readonly points: number;
  readonly detail: string;
}

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

export type MatchableReferral = Pick<Referral, 'details' | 'previousReferralId'> & {
  /** The worker of the previous referral, on a re-referral. */
  previousWorkerId?: string;
};

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

const CRITERION_LABELS: Record<Criterion, string> = {
  previousWorker: 'previous worker',
  livedExperience: 'lived experience',
  language: 'language',
  workerGender: 'worker gender',
  culturalBackground: 'cultural background',
  neighbourhood: 'neighbourhood',
  availability: 'availability',
  interests: 'interests',
  capacity: 'capacity',
};

/*
 * Speed: a region's roster is ranked on every candidates request, and the ranking must stay fast for very
 * large rosters. Everything about the referral is computed once per call; a worker's values are looked up
 * as bitmasks; and since every explanation depends only on a small key (which wanted values matched, how many
 * slots overlap, how many places are free), explanations are built once per key and shared (frozen) between
 * candidates instead of being rebuilt per worker.
 */

const normalise = (text: string): string =>
  text.normalize('NFKD').replace(/\p{M}/gu, '').trim().replace(/\s+/g, ' ').toLowerCase();

const round1 = (value: number): number => Math.round(value * 10) / 10;
const plural = (count: number, one: string, many: string): string => `${count} ${count === 1 ? one : many}`;

/** Values are matched as bits of a 31-bit mask; the schemas allow far fewer wanted values than that. */
const MAX_WANTED = 31;

/** The referral's wanted values for one criterion, looked up by a worker's values as a bitmask. */
class WantedValues {
  /** The referral's spelling, one per distinct value, in the referral's order. */
  readonly labels: string[] = [];
  private readonly bits = new Map<string, number>();
  /** A worker's raw value → its bit (0 when not wanted); saves normalising the same value per worker. */
  private readonly lookups = new Map<string, number>();

  constructor(
    values: readonly string[],
    readonly mustHave: boolean,
    private readonly caseInsensitive: boolean,
  ) {
    for (const value of values) {
      const key = caseInsensitive ? normalise(value) : value;
      if (this.bits.has(key) || this.labels.length === MAX_WANTED) continue;
      this.bits.set(key, 1 << this.labels.length);
      this.labels.push(value.trim());
    }
  }

  get size(): number {
    return this.labels.length;
  }

  maskOf(values: readonly string[]): number {
    let mask = 0;
    for (let i = 0; i < values.length; i++) {
      const value = values[i]!;
      let bit = this.lookups.get(value);
      if (bit === undefined) {
        bit = this.bits.get(this.caseInsensitive ? normalise(value) : value) ?? 0;
        this.lookups.set(value, bit);
      }
      mask |= bit;
    }
    return mask;
  }

  labelsOf(mask: number): string[] {
    return this.labels.filter((_, i) => (mask & (1 << i)) !== 0);
  }
}

/** Bit positions by day and part; a `switch` is faster than a keyed lookup in the per-worker loop. */
function dayIndex(day: Weekday): number {
  switch (day) {
    case 'MON':
      return 0;
    case 'TUE':
      return 1;
    case 'WED':
      return 2;
    case 'THU':
      return 3;
    case 'FRI':
      return 4;
    case 'SAT':
      return 5;
    case 'SUN':
      return 6;
    default:
      return -1;
  }
}

function partIndex(part: DayPart): number {
  switch (part) {
    case 'MORNING':
      return 0;
    case 'AFTERNOON':
      return 1;
    case 'EVENING':
      return 2;
    default:
      return -1;
  }
}

/** A week's slots as a 21-bit mask, so overlap is one AND. */
function slotMask(slots: readonly { day: Weekday; part: DayPart }[]): number {
  let mask = 0;
  for (let i = 0; i < slots.length; i++) {
    const slot = slots[i]!;
    const day = dayIndex(slot.day);
    const part = partIndex(slot.part);
    if (day >= 0 && part >= 0) mask |= 1 << (day * DAY_PARTS.length + part);
  }
  return mask;
}

function bitCount(mask: number): number {
  let count = 0;
  for (let m = mask; m !== 0; m &= m - 1) count++;
  return count;
}

function reason(criterion: Criterion, fraction: number, detail: string): CandidateReason {
  const weight = CRITERION_WEIGHTS[criterion];
  const bounded = Math.min(1, Math.max(0, fraction));
  return Object.freeze({ criterion, met: bounded > 0, weight, points: round1(weight * bounded), detail });
}

/** Builds a value once per key within one ranking. */
class Memo<K, V> {
  private readonly values = new Map<K, V>();
  constructor(private readonly build: (key: K) => V) {}
  get(key: K): V {
    let value = this.values.get(key);
    if (value === undefined) {
      value = this.build(key);
      this.values.set(key, value);
    }
    return value;
  }
}

/** What the referral asks for, computed once per ranking, with its explanations memoised by key. */
function criteriaFor(referral: MatchableReferral) {
  const { client, preferences, availability } = referral.details;
  const prefs = preferences ?? {};
  const genderPref = prefs.workerGender?.value !== 'NO_PREFERENCE' ? prefs.workerGender : undefined;
  const areas = prefs.livedExperience
    ? new WantedValues(prefs.livedExperience.values, prefs.livedExperience.mustHave, false)
    : undefined;
  const languages = new WantedValues(
    [client.language, ...(prefs.languages?.values ?? [])],
    prefs.languages?.mustHave ?? false,
    true,
  );
  const cultures = prefs.culturalBackground
    ? new WantedValues(prefs.culturalBackground.values, prefs.culturalBackground.mustHave, true)
    : undefined;
  const interests = prefs.interests
    ? new WantedValues(prefs.interests.values, prefs.interests.mustHave, true)
    : undefined;
  const slots = slotMask(availability ?? []);
  const slotCount = bitCount(slots);
  const areaWords = plural(areas?.size ?? 0, 'lived-experience area', 'lived-experience areas');
  const interestWords = plural(interests?.size ?? 0, 'interest', 'interests');

  return {
    previousWorkerId: referral.previousWorkerId,
    areas,
    languages,
    gender: genderPref?.value,
    genderMust: genderPref?.mustHave ?? false,
    cultures,
    interests,
    neighbourhood: new WantedValues([client.neighbourhood], false, true),
    slots,
    slotCount,
    explain: {
      previousWorker: [
        reason('previousWorker', 0, 'not the worker of the previous referral'),
        reason('previousWorker', 1, 'worked with this client on the previous referral'),
      ],
      livedExperience: new Memo((mask: number) => {
        const shared = areas?.labelsOf(mask) ?? [];
        return reason(
          'livedExperience',
          shared.length / (areas?.size ?? 1),
          shared.length > 0
            ? `shares ${shared.length} of ${areaWords}: ${shared.join(', ')}`
            : `shares none of ${areaWords}`,
        );
      }),
      language: new Memo((mask: number) =>
        mask !== 0
          ? reason('language', 1, `speaks ${languages.labelsOf(mask).join(', ')}`)
          : reason('language', 0, `speaks none of: ${languages.labels.join(', ')}`),
      ),
      workerGender: [
        reason('workerGender', 0, `gender differs from the preference (${genderPref?.value})`),
        reason('workerGender', 1, `gender matches the preference (${genderPref?.value})`),
      ],
      culturalBackground: new Memo((mask: number) =>
        mask !== 0
          ? reason(
              'culturalBackground',
              1,
              `shares cultural background: ${cultures?.labelsOf(mask).join(', ')}`,
            )
          : reason('culturalBackground', 0, 'no shared cultural background'),
      ),
      neighbourhood: [
        reason('neighbourhood', 0, "does not work in the client's neighbourhood"),
        reason('neighbourhood', 1, "works in the client's neighbourhood"),
      ],
      availability: new Memo((overlap: number) =>
        reason(
          'availability',
          overlap / slotCount,
          `available in ${overlap} of ${plural(slotCount, 'requested time slot', 'requested time slots')}`,
        ),
      ),
      interests: new Memo((mask: number) => {
        const shared = interests?.labelsOf(mask) ?? [];
        return reason(
          'interests',
          shared.length / (interests?.size ?? 1),
          shared.length > 0
            ? `shares ${shared.length} of ${interestWords}: ${shared.join(', ')}`
            : `shares none of ${interestWords}`,
        );
      }),
      /** Keyed by `remaining * CAPACITY_KEY + max`. */
      capacity: new Memo((key: number) => {
        const remaining = Math.floor(key / CAPACITY_KEY);
        const max = key % CAPACITY_KEY;
        return reason(
          'capacity',
          remaining / max,
          `${remaining} of ${plural(max, 'caseload place', 'caseload places')} free`,
        );
      }),
      missing: new Memo((mask: number) => {
        const names = CRITERIA.filter((_, i) => (mask & (1 << i)) !== 0).map((c) => CRITERION_LABELS[c]);
        return `does not meet must-have: ${names.join(', ')}`;
      }),
    },
  };
}

/** Caseloads are far below this (the schema caps them at 30), so remaining and max fit one number key. */
const CAPACITY_KEY = 1 << 16;

const MISSING_BIT = Object.fromEntries(CRITERIA.map((c, i) => [c, 1 << i])) as Record<Criterion, number>;

/**
 * Last names compared without case or accents (code-unit order, not the host's locale), then ids, so the
 * order is the same on every machine.
 */
function byNameThenId(nameA: string, idA: string, nameB: string, idB: string): number {
  if (nameA !== nameB) return nameA < nameB ? -1 : 1;
  return idA < idB ? -1 : idA > idB ? 1 : 0;
}

const INDEX_SPACE = 2 ** 20;
const REMAINING_SPACE = 1024;

/**
 * Candidate indexes in rank order: score desc, remaining places desc, last name, id. A native numeric sort
 * on a packed (score, remaining) key does the bulk of the work; only runs of equal keys are then sorted by
 * the full comparison, so string comparisons happen only between true ties.
 */
function rankOrder(
  candidates: readonly Candidate[],
  remainingOf: readonly number[],
  names: readonly string[],
) {
  const compare = (i: number, j: number) =>
    candidates[j]!.score - candidates[i]!.score ||
    remainingOf[j]! - remainingOf[i]! ||
    byNameThenId(names[i]!, candidates[i]!.workerId, names[j]!, candidates[j]!.workerId);
  const groupOf = (i: number) =>
    Math.round(candidates[i]!.score * 10) * REMAINING_SPACE + Math.min(remainingOf[i]!, REMAINING_SPACE - 1);

  const count = candidates.length;
  if (count >= INDEX_SPACE) return candidates.map((_, i) => i).sort(compare);
  let top = 0;
  for (let i = 0; i < count; i++) top = Math.max(top, groupOf(i));
  const packed = new Float64Array(count);
  for (let i = 0; i < count; i++) packed[i] = (top - groupOf(i)) * INDEX_SPACE + i;
  packed.sort();

  const order = new Array<number>(count);
  for (let i = 0; i < count; i++) order[i] = packed[i]! % INDEX_SPACE;
  for (let start = 0; start < count; ) {
    const group = Math.floor(packed[start]! / INDEX_SPACE);
    let end = start + 1;
    while (end < count && Math.floor(packed[end]! / INDEX_SPACE) === group) end++;
    if (end - start > 1) {
      const run = order.slice(start, end).sort(compare);
      for (let k = 0; k < run.length; k++) order[start + k] = run[k]!;
    }
    start = end;
  }
  return order;
}

/**
 * Ranks a region's workers for a referral: candidates by score (highest first), then most free caseload
 * places, then last name, then id; excluded workers with the reason, by last name then id. The order does not
 * depend on the order of `workers`.
 */
export function rankCandidates(referral: MatchableReferral, workers: readonly MatchableWorker[]): Ranking {
  const wanted = criteriaFor(referral);
  const { explain } = wanted;
  const reasonCount =
    3 +
    Number(wanted.previousWorkerId !== undefined) +
    Number(wanted.areas !== undefined) +
    Number(wanted.gender !== undefined) +
    Number(wanted.cultures !== undefined) +
    Number(wanted.slotCount > 0) +
    Number(wanted.interests !== undefined);
  const normalised = new Memo(normalise);
  // Candidates and their sort keys in parallel arrays, sorted through an index (no wrapper per worker).
  const candidates: Candidate[] = [];
  const remainingOf: number[] = [];
  const candidateNames: string[] = [];
  const excluded: Exclusion[] = [];
  const excludedNames: string[] = [];
  const exclude = (worker: MatchableWorker, why: ExclusionReason, detail: string) => {
    excluded.push({ workerId: worker.id, firstName: worker.firstName, reason: why, detail });
    excludedNames.push(normalised.get(worker.lastName));
  };

  for (const worker of workers) {
    if (!worker.active) {
      exclude(worker, 'INACTIVE', 'not active on the roster');
      continue;
    }
    const remaining = worker.maxCaseload - worker.activeCaseload;
    if (remaining <= 0) {
      exclude(worker, 'AT_CAPACITY', `caseload full (${worker.activeCaseload} of ${worker.maxCaseload})`);
      continue;
    }

    const areas = wanted.areas ? wanted.areas.maskOf(worker.livedExperience) : 0;
    const languages = wanted.languages.maskOf(worker.languages);
    const genderMet = worker.gender === wanted.gender;
    const cultures = wanted.cultures ? wanted.cultures.maskOf(worker.culturalBackground) : 0;
    const interests = wanted.interests ? wanted.interests.maskOf(worker.interests) : 0;

    let missing = 0;
    if (wanted.areas?.mustHave && areas === 0) missing |= MISSING_BIT.livedExperience;
    if (wanted.languages.mustHave && languages === 0) missing |= MISSING_BIT.language;
    if (wanted.genderMust && !genderMet) missing |= MISSING_BIT.workerGender;
    if (wanted.cultures?.mustHave && cultures === 0) missing |= MISSING_BIT.culturalBackground;
    if (wanted.interests?.mustHave && interests === 0) missing |= MISSING_BIT.interests;
    if (missing !== 0) {
      exclude(worker, 'MISSING_MUST_HAVE', explain.missing.get(missing));
      continue;
    }

    // Which criteria apply depends only on the referral, so every candidate has `reasonCount` reasons.
    const reasons = new Array<CandidateReason>(reasonCount);
    let r = 0;
    if (wanted.previousWorkerId !== undefined) {
      reasons[r++] = explain.previousWorker[worker.id === wanted.previousWorkerId ? 1 : 0]!;
    }
    if (wanted.areas) reasons[r++] = explain.livedExperience.get(areas);
    reasons[r++] = explain.language.get(languages);
    if (wanted.gender !== undefined) reasons[r++] = explain.workerGender[genderMet ? 1 : 0]!;
    if (wanted.cultures) reasons[r++] = explain.culturalBackground.get(cultures);
    reasons[r++] = explain.neighbourhood[wanted.neighbourhood.maskOf(worker.neighbourhoods) !== 0 ? 1 : 0]!;
    if (wanted.slotCount > 0) {
      reasons[r++] = explain.availability.get(bitCount(slotMask(worker.availability) & wanted.slots));
    }
    if (wanted.interests) reasons[r++] = explain.interests.get(interests);
    reasons[r++] = explain.capacity.get(remaining * CAPACITY_KEY + worker.maxCaseload);

    let score = 0;
    for (let k = 0; k < reasonCount; k++) score += reasons[k]!.points;
    candidates.push({ workerId: worker.id, firstName: worker.firstName, score: round1(score), reasons });
    remainingOf.push(remaining);
    candidateNames.push(normalised.get(worker.lastName));
  }

  const order = rankOrder(candidates, remainingOf, candidateNames);
  const excludedOrder = excluded.map((_, i) => i);
  excludedOrder.sort((i, j) =>
    byNameThenId(excludedNames[i]!, excluded[i]!.workerId, excludedNames[j]!, excluded[j]!.workerId),
  );
  return { items: order.map((i) => candidates[i]!), excluded: excludedOrder.map((i) => excluded[i]!) };
}
