import { tScoreForGoals, tScoreForRatings } from './attainment.ts';
import type { Meeting } from './groups.ts';
import { Stage } from './lifecycle.ts';
import type { Referral } from './referral.ts';
import {
  facilitationByWorkerMonth,
  type GroupsSection,
  groupsSection,
  type ResourcesSection,
  resourcesSection,
} from './report-community.ts';
import type { Link } from './resources.ts';
import type { ProgramRegion } from './roles.ts';
import type { ClosureReason, DeclineReason, SessionMode } from './vocabulary.ts';
import { zoneOffsetMs } from './vocabulary.ts';
import type { Goal, Session } from './work.ts';

/** The referral attributes the summary reads (its reads fetch only these: a year is thousands of referrals). */
export const REPORT_REFERRAL_ATTRIBUTES = [
  'id',
  'stage',
  'createdAt',
  'matchedAt',
  'closedAt',
  'closure',
  'declinedReason',
  'closingRatings',
] as const satisfies readonly (keyof Referral)[];

export type ReportReferral = Pick<Referral, (typeof REPORT_REFERRAL_ATTRIBUTES)[number]>;

/** The session attributes the summary reads. */
export const REPORT_SESSION_ATTRIBUTES = [
  'workerId',
  'date',
  'mode',
  'minutes',
] as const satisfies readonly (keyof Session)[];

export type ReportSession = Pick<Session, (typeof REPORT_SESSION_ATTRIBUTES)[number]>;

/**
 * The summary report as pure computation over records the handler read with Queries
 * (functions/api/reports.ts): no I/O here, so every number is unit-tested against hand-worked examples.
 *
 * Definitions (the program's dates are America/Vancouver's):
 * - `byStage`, `created`: referrals submitted in the range, by the stage they are in now.
 * - `closed`, `closureReasons`, `daysToClosure`: referrals CLOSED in the range (declines are a triage
 *   outcome, counted in `declineReasons` and not in the time to closure).
 * - `daysToMatch`: referrals submitted in the range that have been matched, submission → first match.
 * - `sessionsByMode`: sessions dated in the range; `minutesByWorkerMonth`: what the program pays, session
 *   minutes plus group facilitation (each meeting once per facilitator).
 * - `groups`, `resources`: see shared/domain/report-community.ts.
 * - `tScores`: Kiresuk–Sherman T (equal weights, ρ = 0.3) from each goal's latest rating, per referral
 *   CLOSED in the range that had goals.
 * Medians and 90th percentiles interpolate linearly between ranks (Excel's PERCENTILE.INC, R's type 7).
 */

export interface ReportInput {
  region: ProgramRegion;
  /** `YYYY-MM-DD`, inclusive. */
  from: string;
  to: string;
  created: readonly ReportReferral[];
  /** Referrals that reached CLOSED or DECLINED in the range. */
  closed: readonly ReportReferral[];
  sessions: readonly ReportSession[];
  /**
   * Goals per closed referral that has no `closingRatings` recorded (only their latest ratings are used);
   * a referral with `closingRatings` is scored from those.
   */
  goalsByReferral: ReadonlyMap<string, readonly Pick<Goal, 'latestRating'>[]>;
  /** Worker first names by id (a roster lookup), shown beside the paid minutes. */
  workerFirstNames?: ReadonlyMap<string, string>;
  /** Group meetings dated in the range (their facilitation is paid time too). */
  meetings?: readonly Meeting[];
  /** Resource links created in the range. */
  links?: readonly Link[];
}

export interface DurationStats {
  count: number;
  medianDays: number | null;
  p90Days: number | null;
}

export interface ReportSummary {
  region: ProgramRegion;
  from: string;
  to: string;
  byStage: Partial<Record<Stage, number>>;
  created: number;
  closed: number;
  daysToMatch: DurationStats;
  daysToClosure: DurationStats;
  closureReasons: Partial<Record<ClosureReason, number>>;
  declineReasons: Partial<Record<DeclineReason, number>>;
  sessionsByMode: Partial<Record<SessionMode, number>>;
  minutesByWorkerMonth: { workerId: string; firstName?: string; month: string; minutes: number }[];
  tScores: { referralId: string; closedAt: string; tScore: number }[];
  groups: GroupsSection;
  resources: ResourcesSection;
}

const DAY_MS = 86_400_000;

/** Days (fractional) from one ISO instant to another. */
export function daysBetween(fromIso: string, toIso: string): number {
  return (Date.parse(toIso) - Date.parse(fromIso)) / DAY_MS;
}

/** The q-quantile (0…1) of values, interpolating between ranks; `null` for no values. */
export function quantile(values: readonly number[], q: number): number | null {
  if (!(q >= 0 && q <= 1)) throw new RangeError('q must be from 0 to 1');
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.ceil(position);
  const low = sorted[below]!;
  const high = sorted[above]!;
  return low + (high - low) * (position - below);
}

/** Rounded for display: two decimals (a quarter of an hour is 0.01 day). */
export const round2 = (value: number): number => Math.round(value * 100) / 100;

export function durationStats(days: readonly number[]): DurationStats {
  const median = quantile(days, 0.5);
  const p90 = quantile(days, 0.9);
  return {
    count: days.length,
    medianDays: median === null ? null : round2(median),
    p90Days: p90 === null ? null : round2(p90),
  };
}

/**
 * The closed referrals whose goals the T-scores need. Goals are set after a match: a referral closed (or
 * declined) before one has none to read.
 */
export function referralsWithGoals<R extends ReportReferral>(closed: readonly R[]): R[] {
  return closed.filter(
    (r) => r.stage === Stage.CLOSED && r.matchedAt !== undefined && r.closingRatings === undefined,
  );
}

function countBy<K extends string>(keys: readonly (K | undefined)[]): Partial<Record<K, number>> {
  const counts: Partial<Record<K, number>> = {};
  for (const key of keys) if (key !== undefined) counts[key] = (counts[key] ?? 0) + 1;
  return counts;
}

export function summarize(input: ReportInput): ReportSummary {
  const closedOnes = input.closed.filter((r) => r.stage === Stage.CLOSED && r.closedAt !== undefined);
  const declined = input.closed.filter((r) => r.stage === Stage.DECLINED);
  const matched = input.created.filter((r) => r.matchedAt !== undefined);

  const minutes = new Map<string, { workerId: string; month: string; minutes: number }>();
  const paid = [
    ...input.sessions.map((s) => ({ workerId: s.workerId, month: s.date.slice(0, 7), minutes: s.minutes })),
    ...facilitationByWorkerMonth(input.meetings ?? []),
  ];
  for (const item of paid) {
    const key = `${item.month}|${item.workerId}`;
    const entry = minutes.get(key) ?? { workerId: item.workerId, month: item.month, minutes: 0 };
    entry.minutes += item.minutes;
    minutes.set(key, entry);
  }

  const tScores: ReportSummary['tScores'] = [];
  for (const referral of closedOnes) {
    const score =
      referral.closingRatings !== undefined
        ? tScoreForRatings(referral.closingRatings)
        : tScoreForGoals(input.goalsByReferral.get(referral.id) ?? []);
    if (score !== undefined) {
      tScores.push({ referralId: referral.id, closedAt: referral.closedAt!, tScore: round2(score) });
    }
  }

  return {
    region: input.region,
    from: input.from,
    to: input.to,
    byStage: countBy(input.created.map((r) => r.stage)),
    created: input.created.length,
    closed: closedOnes.length,
    daysToMatch: durationStats(matched.map((r) => daysBetween(r.createdAt, r.matchedAt!))),
    daysToClosure: durationStats(closedOnes.map((r) => daysBetween(r.createdAt, r.closedAt!))),
    closureReasons: countBy(closedOnes.map((r) => r.closure?.reason)),
    declineReasons: countBy(declined.map((r) => r.declinedReason?.reason)),
    sessionsByMode: countBy(input.sessions.map((s) => s.mode)),
    minutesByWorkerMonth: [...minutes.values()]
      .sort((a, b) => a.month.localeCompare(b.month) || a.workerId.localeCompare(b.workerId))
      .map((entry) => {
        const firstName = input.workerFirstNames?.get(entry.workerId);
        return { ...entry, ...(firstName !== undefined ? { firstName } : {}) };
      }),
    tScores: tScores.sort((a, b) => a.closedAt.localeCompare(b.closedAt)),
    groups: groupsSection(input.meetings ?? []),
    resources: resourcesSection(input.links ?? []),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Program-time-zone days as instants
// ---------------------------------------------------------------------------------------------------------

/** The instant a local date (`YYYY-MM-DD`) begins in the program's time zone. */
export function programDayStart(date: string): Date {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const midnightUtc = Date.UTC(year, month - 1, day);
  // Twice: the offset at the guess may differ from the offset at the answer across a DST change.
  let instant = midnightUtc - zoneOffsetMs(midnightUtc);
  instant = midnightUtc - zoneOffsetMs(instant);
  return new Date(instant);
}

/** The local dates `from`…`to` (inclusive) as ISO instants: from the first's start to the last millisecond. */
export function programDayRange(from: string, to: string): { from: string; to: string } {
  const [year, month, day] = to.split('-').map(Number) as [number, number, number];
  const next = new Date(Date.UTC(year, month - 1, day + 1)).toISOString().slice(0, 10);
  return {
    from: programDayStart(from).toISOString(),
    to: new Date(programDayStart(next).getTime() - 1).toISOString(),
  };
}
