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

const normalise = (text: string): string =>
  text.normalize('NFKD').replace(/\p{M}/gu, '').trim().replace(/\s+/g, ' ').toLowerCase();

/**
 * `normalise(name)`, skipping the Unicode work for the usual name: printable ASCII with single inner spaces
 * has nothing to decompose, strip, trim or collapse, so only its case changes (and often not even that).
 */
function sortName(name: string): string {
  const last = name.length - 1;
  let upper = false;
  for (let k = 0; k <= last; k++) {
    const c = name.charCodeAt(k);
    if (c > 0x20 && c < 0x7f) {
      if (c >= 0x41 && c <= 0x5a) upper = true;
    } else if (c !== 0x20 || k === 0 || k === last || name.charCodeAt(k - 1) === 0x20) {
      return normalise(name);
    }
  }
  return upper ? name.toLowerCase() : name;
}

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

/** Memo keys below this are looked up in an array; larger ones (rare) in a map. */
const MEMO_ARRAY_SIZE = 4096;

/**
 * Builds a value once per number key within one ranking. Keys are small whole numbers (bitmasks, counts), so
 * they are looked up in a preallocated array: map lookups per candidate and criterion were about 15% of the
 * ranking on a large roster.
 */
class Memo<V> {
  private readonly small: (V | undefined)[];
  private readonly large = new Map<number, V>();

  /** `size`: how many keys from 0 the key space has (an upper bound is fine). */
  constructor(
    size: number,
    private readonly build: (key: number) => V,
  ) {
    this.small = new Array<V | undefined>(Math.max(0, Math.min(size, MEMO_ARRAY_SIZE) | 0)).fill(undefined);
  }

  get(key: number): V {
    const small = this.small;
    if (key >= 0 && key < small.length) {
      let value = small[key];
      if (value === undefined) {
        value = this.build(key);
        small[key] = value;
      }
      return value;
    }
    let value = this.large.get(key);
    if (value === undefined) {
      value = this.build(key);
      this.large.set(key, value);
    }
    return value;
  }
}

/** How many masks a set of wanted values has (capped: large spaces go to the memo's map). */
const maskSpace = (wanted: WantedValues | undefined) => 2 ** Math.min(wanted?.size ?? 0, 12);

/** What the referral asks for, computed once per ranking, with its explanations memoised by key. */
function matcherFor(referral: MatchableReferral) {
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
  const genderMust = genderPref?.mustHave ?? false;
  const slots = slotMask(availability ?? []);
  const slotCount = bitCount(slots);
  const areaWords = plural(areas?.size ?? 0, 'lived-experience area', 'lived-experience areas');
  const interestWords = plural(interests?.size ?? 0, 'interest', 'interests');

  return {
    previousWorkerId: referral.previousWorkerId,
    areas,
    languages,
    gender: genderPref?.value,
    genderMust,
    cultures,
    interests,
    /** Whether any preference is a must-have (most referrals have none). */
    anyMustHave:
      (areas?.mustHave ?? false) ||
      languages.mustHave ||
      genderMust ||
      (cultures?.mustHave ?? false) ||
      (interests?.mustHave ?? false),
    neighbourhood: new WantedValues([client.neighbourhood], false, true),
    slots,
    slotCount,
    /** Which criteria apply depends only on the referral, so every candidate has this many reasons. */
    reasonCount:
      3 +
      Number(referral.previousWorkerId !== undefined) +
      Number(areas !== undefined) +
      Number(genderPref?.value !== undefined) +
      Number(cultures !== undefined) +
      Number(slotCount > 0) +
      Number(interests !== undefined),
    explain: {
      previousWorker: [
        reason('previousWorker', 0, 'not the worker of the previous referral'),
        reason('previousWorker', 1, 'worked with this client on the previous referral'),
      ],
      livedExperience: new Memo(maskSpace(areas), (mask) => {
        const shared = areas?.labelsOf(mask) ?? [];
        return reason(
          'livedExperience',
          shared.length / (areas?.size ?? 1),
          shared.length > 0
            ? `shares ${shared.length} of ${areaWords}: ${shared.join(', ')}`
            : `shares none of ${areaWords}`,
        );
      }),
      language: new Memo(maskSpace(languages), (mask) =>
        mask !== 0
          ? reason('language', 1, `speaks ${languages.labelsOf(mask).join(', ')}`)
          : reason('language', 0, `speaks none of: ${languages.labels.join(', ')}`),
      ),
      workerGender: [
        reason('workerGender', 0, `gender differs from the preference (${genderPref?.value})`),
        reason('workerGender', 1, `gender matches the preference (${genderPref?.value})`),
      ],
      culturalBackground: new Memo(maskSpace(cultures), (mask) =>
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
      availability: new Memo(slotCount + 1, (overlap) =>
        reason(
          'availability',
          overlap / slotCount,
          `available in ${overlap} of ${plural(slotCount, 'requested time slot', 'requested time slots')}`,
        ),
      ),
      interests: new Memo(maskSpace(interests), (mask) => {
        const shared = interests?.labelsOf(mask) ?? [];
        return reason(
          'interests',
          shared.length / (interests?.size ?? 1),
          shared.length > 0
            ? `shares ${shared.length} of ${interestWords}: ${shared.join(', ')}`
            : `shares none of ${interestWords}`,
        );
      }),
      /** By caseload size, then by free places. */
      capacity: new Memo(
        CAPACITY_SIZES,
        (max) =>
          new Memo(max + 1, (remaining) =>
            reason(
              'capacity',
              remaining / max,
              `${remaining} of ${plural(max, 'caseload place', 'caseload places')} free`,
            ),
          ),
      ),
      missing: new Memo(2 ** CRITERIA.length, (mask) => {
        const names = CRITERIA.filter((_, i) => (mask & (1 << i)) !== 0).map((c) => CRITERION_LABELS[c]);
        return `does not meet must-have: ${names.join(', ')}`;
      }),
    },
  };
}

/** Caseload sizes memoised by array (the schema caps caseloads at 30). */
const CAPACITY_SIZES = 64;

const MISSING_BIT = Object.fromEntries(CRITERIA.map((c, i) => [c, 1 << i])) as Record<Criterion, number>;

/**
 * Last names compared without case or accents (code-unit order, not the host's locale), then ids, so the
 * order is the same on every machine.
 */
function byNameThenId(nameA: string, idA: string, nameB: string, idB: string): number {
  if (nameA !== nameB) return nameA < nameB ? -1 : 1;
  return idA < idB ? -1 : idA > idB ? 1 : 0;
}

const RADIX_BITS = 11;
const RADIX_MASK = (1 << RADIX_BITS) - 1;

/**
 * The indexes 0..n-1 ordered by `keys` (unsigned 32-bit), equal keys keeping index order: a least-significant
 * digit radix sort, three passes of 11 bits (a pass is skipped when every key has the same digit).
 */
function radixOrder(keys: Uint32Array): Uint32Array {
  const count = keys.length;
  let order = new Uint32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  if (count < 2) return order;
  let spare = new Uint32Array(count);
  const starts = new Uint32Array(RADIX_MASK + 1);
  for (let shift = 0; shift < 32; shift += RADIX_BITS) {
    starts.fill(0);
    for (let i = 0; i < count; i++) starts[(keys[i]! >>> shift) & RADIX_MASK]!++;
    if (starts[(keys[0]! >>> shift) & RADIX_MASK] === count) continue;
    for (let digit = 0, sum = 0; digit <= RADIX_MASK; digit++) {
      const size = starts[digit]!;
      starts[digit] = sum;
      sum += size;
    }
    for (let i = 0; i < count; i++) {
      const index = order[i]!;
      spare[starts[(keys[index]! >>> shift) & RADIX_MASK]!++] = index;
    }
    [order, spare] = [spare, order];
  }
  return order;
}

/**
 * Worker indexes ordered by `byNameThenId`, equal names and ids keeping input order (what a stable sort with
 * that comparison gives). Each name's first characters are packed into a 32-bit key, each character as its
 * rank among the characters the names use (0 past a name's end, so a prefix sorts first); a radix sort on the
 * keys does nearly all the work, and only runs of equal keys (same name, or same first characters) are then
 * sorted with the full comparison.
 */
function nameOrder(names: readonly string[], ids: readonly string[]): Uint32Array {
  const count = names.length;
  // The distinct code units the names use, ranked from 1 in code-unit order; each takes `charBits` bits.
  const rankOf = new Uint32Array(0x10000);
  const used: number[] = [];
  for (let i = 0; i < count; i++) {
    const name = names[i]!;
    for (let k = 0; k < name.length; k++) {
      const code = name.charCodeAt(k);
      if (rankOf[code] === 0) {
        rankOf[code] = 1;
        used.push(code);
      }
    }
  }
  used.sort((a, b) => a - b);
  for (let r = 0; r < used.length; r++) rankOf[used[r]!] = r + 1;
  let charBits = 1;
  while (2 ** charBits <= used.length) charBits++;
  const charBase = 2 ** charBits;
  const width = Math.floor(32 / charBits);

  const keys = new Uint32Array(count);
  for (let i = 0; i < count; i++) {
    const name = names[i]!;
    let key = 0;
    for (let k = 0; k < width; k++) {
      key = key * charBase + (k < name.length ? rankOf[name.charCodeAt(k)]! : 0);
    }
    keys[i] = key;
  }
  const order = radixOrder(keys);
  sortEqualKeys(order, keys, (i, j) => byNameThenId(names[i]!, ids[i]!, names[j]!, ids[j]!));
  return order;
}

/**
 * Sorts each run of equal keys in `order` (indexes sorted by `keys`) by `compare`, stably. Runs are short (a
 * shared name): insertion sort; a long one goes to the built-in sort, which is stable too.
 */
function sortEqualKeys(order: Uint32Array, keys: Uint32Array, compare: (i: number, j: number) => number) {
  const count = order.length;
  for (let start = 0; start < count; ) {
    const key = keys[order[start]!];
    let end = start + 1;
    while (end < count && keys[order[end]!] === key) end++;
    if (end - start > 16) {
      order.set(Array.from(order.subarray(start, end)).sort(compare), start);
    } else {
      for (let a = start + 1; a < end; a++) {
        const index = order[a]!;
        let b = a - 1;
        for (; b >= start && compare(order[b]!, index) > 0; b--) order[b + 1] = order[b]!;
        order[b + 1] = index;
      }
    }
    start = end;
  }
}

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

/**
 * Candidates (worker indexes, given in name order) by score, highest first, then most free places; ties keep
 * the name order. Scores in tenths and places are small whole numbers, so (score, places) packs into one
 * 32-bit key for a radix sort; anything else falls back to a stable comparison sort.
 */
function rankOrder(named: readonly number[], tenthsAt: Float64Array, remainingAt: Float64Array): number[] {
  let topTenths = 0;
  let topRemaining = 0;
  let whole = true;
  for (const i of named) {
    const tenths = tenthsAt[i]!;
    const remaining = remainingAt[i]!;
    whole &&= Number.isInteger(tenths) && tenths >= 0 && Number.isInteger(remaining);
    topTenths = Math.max(topTenths, tenths);
    topRemaining = Math.max(topRemaining, remaining);
  }
  if (!whole || (topTenths + 1) * (topRemaining + 1) > 2 ** 32) {
    return [...named].sort((i, j) => tenthsAt[j]! - tenthsAt[i]! || remainingAt[j]! - remainingAt[i]!);
  }
  const keys = new Uint32Array(named.length);
  for (let k = 0; k < named.length; k++) {
    const i = named[k]!;
    keys[k] = (topTenths - tenthsAt[i]!) * (topRemaining + 1) + (topRemaining - remainingAt[i]!);
  }
  const order = radixOrder(keys);
  const ranked = new Array<number>(order.length);
  for (let k = 0; k < order.length; k++) ranked[k] = named[order[k]!]!;
  return ranked;
}
