import { describe, expect, it } from 'vitest';
import { ReportSummarySchema } from '#api/schemas.ts';
import { Stage } from '#domain/lifecycle.ts';
import type { Referral } from '#domain/referral.ts';
import {
  daysBetween,
  durationStats,
  programDayRange,
  programDayStart,
  quantile,
  referralsWithGoals,
  summarize,
} from '#domain/reports.ts';
import type { Session } from '#domain/work.ts';

/*
 * Worked by hand. Quantiles interpolate between ranks: position = (n − 1)·q over the sorted values.
 *   [2, 4, 10]:    median = 4 (position 1);  p90: position 1.8 → 4 + 0.8·(10 − 4) = 8.8
 *   [1, 2, 3, 4]:  median: position 1.5 → 2.5; p90: position 2.7 → 3 + 0.7·1 = 3.7
 *   [10, 20, 36]:  median 20; p90: position 1.8 → 20 + 0.8·16 = 32.8
 * T-scores (ρ = 0.3, equal weights): one goal at x → 50 + 10x; two goals at +2 and 0 →
 *   50 + 10·2/√(0.7·2 + 0.3·4) = 50 + 20/√2.6 = 62.4035 → 62.40.
 * Vancouver is UTC−8 in winter (PST) and UTC−7 in summer (PDT); clocks change at 02:00 local on
 * 2024-03-10 and 2024-11-03, so those days still begin at the old offset.
 */

describe('quantile', () => {
  it('takes the middle value as the median of an odd count and interpolates the 90th percentile', () => {
    expect(quantile([10, 2, 4], 0.5)).toBe(4);
    expect(quantile([10, 2, 4], 0.9)).toBeCloseTo(8.8, 10);
  });

  it('averages the two middle values for an even count', () => {
    expect(quantile([4, 1, 3, 2], 0.5)).toBe(2.5);
    expect(quantile([4, 1, 3, 2], 0.9)).toBeCloseTo(3.7, 10);
  });

  it('is the value itself for one value and null for none', () => {
    expect(quantile([7], 0.9)).toBe(7);
    expect(quantile([], 0.5)).toBeNull();
  });

  it('refuses a q outside 0…1', () => {
    expect(() => quantile([1], 1.5)).toThrow(RangeError);
  });
});

describe('durationStats', () => {
  it('reports count, median and p90 rounded to two decimals', () => {
    expect(durationStats([1 / 3, 2 / 3, 1])).toEqual({ count: 3, medianDays: 0.67, p90Days: 0.93 });
  });

  it('reports nulls when nothing happened', () => {
    expect(durationStats([])).toEqual({ count: 0, medianDays: null, p90Days: null });
  });
});

describe('program days as instants', () => {
  it('starts a winter day at 08:00 UTC and a summer day at 07:00 UTC', () => {
    expect(programDayStart('2024-01-15').toISOString()).toBe('2024-01-15T08:00:00.000Z');
    expect(programDayStart('2024-07-01').toISOString()).toBe('2024-07-01T07:00:00.000Z');
  });

  it('starts the days the clocks change at the offset before the change', () => {
    expect(programDayStart('2024-03-10').toISOString()).toBe('2024-03-10T08:00:00.000Z');
    expect(programDayStart('2024-03-11').toISOString()).toBe('2024-03-11T07:00:00.000Z');
    expect(programDayStart('2024-11-03').toISOString()).toBe('2024-11-03T07:00:00.000Z');
    expect(programDayStart('2024-11-04').toISOString()).toBe('2024-11-04T08:00:00.000Z');
  });

  it('covers a range of local dates to the last millisecond of the last day, across a DST change', () => {
    expect(programDayRange('2024-03-01', '2024-03-31')).toEqual({
      from: '2024-03-01T08:00:00.000Z',
      to: '2024-04-01T06:59:59.999Z',
    });
    expect(programDayRange('2024-12-31', '2024-12-31')).toEqual({
      from: '2024-12-31T08:00:00.000Z',
      to: '2025-01-01T07:59:59.999Z',
    });
  });

  it('measures days between instants, fractions included', () => {
    expect(daysBetween('2024-03-01T18:00:00.000Z', '2024-03-03T06:00:00.000Z')).toBe(1.5);
  });
});

// --- summarize -------------------------------------------------------------------------------------------

const day = (base: string, days: number) => new Date(Date.parse(base) + days * 86_400_000).toISOString();

function referral(id: string, fields: Partial<Referral>): Referral {
  return { id, region: 'vancouver', createdAt: '2024-03-04T18:00:00.000Z', ...fields } as Referral;
}

function session(
  id: string,
  workerId: string,
  date: string,
  mode: Session['mode'],
  minutes: number,
): Session {
  return { id, referralId: 'r', workerId, date, mode, minutes } as Session;
}

describe('summarize', () => {
  const t0 = '2024-03-04T18:00:00.000Z';
  const matchedIn2 = referral('r1', {
    stage: Stage.CLOSED,
    createdAt: t0,
    matchedAt: day(t0, 2),
    closedAt: day(t0, 20),
    closure: { reason: 'GOALS_MET', summary: 'x', closedBy: 'c' },
  });
  const matchedIn4 = referral('r2', {
    stage: Stage.CLOSED,
    createdAt: t0,
    matchedAt: day(t0, 4),
    closedAt: day(t0, 10),
    closure: { reason: 'MOVED', summary: 'x', closedBy: 'c' },
  });
  const matchedIn10 = referral('r3', { stage: Stage.GOAL_SETTING, createdAt: t0, matchedAt: day(t0, 10) });
  const declined = referral('r4', {
    stage: Stage.DECLINED,
    createdAt: t0,
    closedAt: day(t0, 1),
    declinedReason: { reason: 'INELIGIBLE', summary: 'x', declinedBy: 'c' },
  });
  const olderClosed = referral('r5', {
    stage: Stage.CLOSED,
    createdAt: day(t0, -16),
    matchedAt: day(t0, -15),
    closedAt: day(t0, 20),
    closure: { reason: 'OTHER', summary: 'x', closedBy: 'c' },
  });
  const input = {
    region: 'vancouver' as const,
    from: '2024-03-01',
    to: '2024-03-31',
    created: [matchedIn2, matchedIn4, matchedIn10, declined],
    closed: [matchedIn2, matchedIn4, declined, olderClosed],
    sessions: [
      session('s1', 'w1', '2024-03-06', 'PHONE', 30),
      session('s2', 'w1', '2024-03-08', 'WALK', 60),
      session('s3', 'w2', '2024-03-10', 'PHONE', 15),
      session('s4', 'w1', '2024-04-01', 'VIDEO', 45),
    ],
    goalsByReferral: new Map([
      ['r1', [{ latestRating: 2 }, { latestRating: 0 }]],
      ['r2', [{ latestRating: -1 }]],
      ['r5', []],
    ]),
    workerFirstNames: new Map([['w1', 'Jordan']]),
  };

  it('reads goals only for referrals closed after a match (no declines, no closes before a match)', () => {
    // Prepare
    const closedUnmatched = referral('r6', { stage: Stage.CLOSED, createdAt: t0, closedAt: day(t0, 3) });

    // Act
    const ids = referralsWithGoals([...input.closed, closedUnmatched]).map((r) => r.id);

    // Assess
    expect(ids).toEqual(['r1', 'r2', 'r5']);
  });

  it('scores a referral from the ratings recorded at its closure, reading none of its goals', () => {
    // Prepare
    const recorded = { ...matchedIn2, closingRatings: [2, 2] };
    const withRecorded = {
      ...input,
      closed: [recorded, matchedIn4],
      goalsByReferral: new Map(input.goalsByReferral),
    };

    // Act
    const toRead = referralsWithGoals(withRecorded.closed).map((r) => r.id);
    const scores = summarize(withRecorded).tScores;

    // Assess: r1's goals (+2, 0 → 62.4) are not what it is scored from; its recorded +2, +2 are (74.81).
    expect(toRead).toEqual(['r2']);
    expect(scores).toEqual([
      { referralId: 'r2', closedAt: day(t0, 10), tScore: 40 },
      { referralId: 'r1', closedAt: day(t0, 20), tScore: 74.81 },
    ]);
  });

  it('counts the referrals created by the stage they are in now', () => {
    // Act
    const report = summarize(input);

    // Assess
    expect(report.created).toBe(4);
    expect(report.byStage).toEqual({ CLOSED: 2, GOAL_SETTING: 1, DECLINED: 1 });
  });

  it('gives median and p90 days to match over the matched ones (2, 4, 10 days → 4 and 8.8)', () => {
    expect(summarize(input).daysToMatch).toEqual({ count: 3, medianDays: 4, p90Days: 8.8 });
  });

  it('gives days to closure over the CLOSED ones only (10, 20, 36 days → 20 and 32.8), declines apart', () => {
    // Act
    const report = summarize(input);

    // Assess
    expect(report.closed).toBe(3);
    expect(report.daysToClosure).toEqual({ count: 3, medianDays: 20, p90Days: 32.8 });
    expect(report.closureReasons).toEqual({ GOALS_MET: 1, MOVED: 1, OTHER: 1 });
    expect(report.declineReasons).toEqual({ INELIGIBLE: 1 });
  });

  it('counts sessions by mode and sums paid minutes per worker per month', () => {
    // Act
    const report = summarize(input);

    // Assess
    expect(report.sessionsByMode).toEqual({ PHONE: 2, WALK: 1, VIDEO: 1 });
    expect(report.minutesByWorkerMonth).toEqual([
      { workerId: 'w1', firstName: 'Jordan', month: '2024-03', minutes: 90 },
      { workerId: 'w2', month: '2024-03', minutes: 15 },
      { workerId: 'w1', firstName: 'Jordan', month: '2024-04', minutes: 45 },
    ]);
  });

  it('gives a T-score per closed referral with goals (62.40 for +2 and 0; 40 for one goal at −1)', () => {
    expect(summarize(input).tScores).toEqual([
      { referralId: 'r2', closedAt: day(t0, 10), tScore: 40 },
      { referralId: 'r1', closedAt: day(t0, 20), tScore: 62.4 },
    ]);
  });

  it('produces a body the route declares, and an empty one for an empty range', () => {
    expect(ReportSummarySchema.safeParse(summarize(input)).success).toBe(true);
    const empty = summarize({ ...input, created: [], closed: [], sessions: [], goalsByReferral: new Map() });
    expect(ReportSummarySchema.safeParse(empty).success).toBe(true);
    expect(empty).toMatchObject({
      created: 0,
      closed: 0,
      daysToMatch: { count: 0, medianDays: null, p90Days: null },
      tScores: [],
      minutesByWorkerMonth: [],
    });
  });
});
