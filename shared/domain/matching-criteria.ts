import type { Referral } from './referral.ts';
import { DAY_PARTS, type DayPart, type Weekday } from './vocabulary.ts';

/**
 * Matching's criteria: what each one weighs, and what a referral asks for per criterion (`matcherFor`),
 * with every explanation a candidate can get, built once per ranking. The ranking itself (exclusions, the
 * score, the order) is matching.ts.
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

export type MatchableReferral = Pick<Referral, 'details' | 'previousReferralId'> & {
  /** The worker of the previous referral, on a re-referral. */
  previousWorkerId?: string;
};

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

export const normalise = (text: string): string =>
  text.normalize('NFKD').replace(/\p{M}/gu, '').trim().replace(/\s+/g, ' ').toLowerCase();

export const round1 = (value: number): number => Math.round(value * 10) / 10;
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
export function slotMask(slots: readonly { day: Weekday; part: DayPart }[]): number {
  let mask = 0;
  for (let i = 0; i < slots.length; i++) {
    const slot = slots[i]!;
    const day = dayIndex(slot.day);
    const part = partIndex(slot.part);
    if (day >= 0 && part >= 0) mask |= 1 << (day * DAY_PARTS.length + part);
  }
  return mask;
}

export function bitCount(mask: number): number {
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
export function matcherFor(referral: MatchableReferral) {
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
