import { describe, expect, it } from 'vitest';
import { type LifecycleEvent, Stage, WAITS } from '#domain/lifecycle.ts';
import type { NotifyInput } from '#domain/workflow-contract.ts';
import { activityFor, periodsIn, sessionInstant } from '../../../workflows/tasks/check-activity.ts';
import { type PlannedAlert, plannedAlerts } from '../../../workflows/tasks/notify.ts';

/**
 * The pure parts of the timers: how much of the no-session period is used (sessions restart it, a hold
 * pauses it), and which overdue alert a timer raises (none once the person has acted).
 */

const T0 = Date.parse('2025-03-03T18:00:00.000Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();
const transitioned = (seconds: number, from: Stage, event: LifecycleEvent, to: Stage) => ({
  kind: 'TRANSITIONED' as const,
  at: at(seconds),
  from,
  to,
  event,
});

/** Goals set at 0 s, held at 100 s, resumed at 1000 s. */
const HELD_ONCE = [
  { kind: 'SUBMITTED' as const, at: at(-500), to: Stage.REFERRED },
  transitioned(-400, Stage.REFERRED, 'accept', Stage.AWAITING_MATCH),
  transitioned(-300, Stage.AWAITING_MATCH, 'match', Stage.GOAL_SETTING),
  transitioned(0, Stage.GOAL_SETTING, 'setGoals', Stage.IN_SESSIONS),
  transitioned(50, Stage.IN_SESSIONS, 'reassign', Stage.IN_SESSIONS),
  transitioned(100, Stage.IN_SESSIONS, 'hold', Stage.ON_HOLD),
  transitioned(1000, Stage.ON_HOLD, 'resume', Stage.IN_SESSIONS),
];

describe('periodsIn', () => {
  it('finds each stay in a stage from the audit trail; a reassignment neither starts nor ends one', () => {
    expect(periodsIn(Stage.IN_SESSIONS, HELD_ONCE)).toEqual([
      { start: T0, end: T0 + 100_000 },
      { start: T0 + 1_000_000 },
    ]);
    expect(periodsIn(Stage.ON_HOLD, HELD_ONCE)).toEqual([{ start: T0 + 100_000, end: T0 + 1_000_000 }]);
    expect(periodsIn(Stage.REFERRED, HELD_ONCE)).toEqual([{ start: T0 - 500_000, end: T0 - 400_000 }]);
  });
});

describe('activityFor: the no-session timer', () => {
  const referral = { stageEnteredAt: at(1000) };
  const periods = periodsIn(Stage.IN_SESSIONS, HELD_ONCE);

  it('counts the time in sessions before and after a hold, not the hold itself', () => {
    // 100 s before the hold + 200 s after it = 300 s of a 1000 s period.
    expect(activityFor(referral, 1000, new Date(T0 + 1_200_000), periods)).toEqual({
      overdue: false,
      remainingSeconds: 700,
    });
  });

  it('is neither restarted by the resume nor run down by the hold', () => {
    const justResumed = new Date(T0 + 1_000_000);
    // Restarted: 1000 s left. Counting the hold: overdue. Paused: 900 s left.
    expect(activityFor(referral, 1000, justResumed, periods)).toEqual({
      overdue: false,
      remainingSeconds: 900,
    });
  });

  it('is overdue once the time in sessions reaches the period, then reminds a full period later', () => {
    expect(activityFor(referral, 300, new Date(T0 + 1_200_000), periods)).toEqual({
      overdue: true,
      remainingSeconds: 300,
    });
    // Under a second left is due now: no wait is shorter than a second.
    expect(activityFor(referral, 300, new Date(T0 + 1_199_500), periods)).toMatchObject({ overdue: true });
    expect(activityFor(referral, 300, new Date(T0 + 1_198_500), periods)).toEqual({
      overdue: false,
      remainingSeconds: 2,
    });
  });

  it('counts from the end of the day of the last session, in the program’s time zone', () => {
    // 2025-03-03 ends at 08:00 UTC on the 4th in Vancouver (PST, UTC−8).
    const endOfDay = Date.parse('2025-03-04T08:00:00.000Z');
    expect(sessionInstant('2025-03-03')).toBe(endOfDay);
    const withSession = { ...referral, lastSessionAt: '2025-03-03' };
    expect(activityFor(withSession, 3600, new Date(endOfDay + 600_000), periods)).toEqual({
      overdue: false,
      remainingSeconds: 3000,
    });
    // Daylight time (PDT, UTC−7) after the March change.
    expect(sessionInstant('2025-03-10')).toBe(Date.parse('2025-03-11T07:00:00.000Z'));
  });

  it('without a trail counts from entering the stage', () => {
    expect(activityFor(referral, 1000, new Date(T0 + 1_250_000))).toEqual({
      overdue: false,
      remainingSeconds: 750,
    });
  });
});

describe('plannedAlerts for an overdue timer', () => {
  const base = { referralId: 'R1', region: 'vancouver', execution: 'R1', enteredAt: at(0) };
  const facts = (stage: Stage) => ({ stage, referrerSub: 'clinician-1', workerId: 'w-1' });

  it('alerts the coordinators about each wait’s stage while the referral is still in it', () => {
    for (const wait of WAITS) {
      const input: NotifyInput = { ...base, notice: 'OVERDUE', stage: wait.stage, alert: wait.overdueAlert };
      expect(plannedAlerts(input, facts(wait.stage))).toEqual<PlannedAlert[]>([
        { target: { coordinators: true }, kind: wait.overdueAlert, stage: wait.stage },
      ]);
    }
  });

  it('raises nothing when the person acted as the timer ran out', () => {
    const input: NotifyInput = { ...base, notice: 'OVERDUE', stage: Stage.REFERRED, alert: 'TRIAGE_OVERDUE' };
    expect(plannedAlerts(input, facts(Stage.AWAITING_MATCH))).toEqual([]);
    expect(plannedAlerts(input, facts(Stage.CLOSED))).toEqual([]);
  });

  it('refuses an alert kind that does not exist', () => {
    const input = { ...base, notice: 'OVERDUE', stage: Stage.REFERRED, alert: 'NOT_A_KIND' } as NotifyInput;
    expect(() => plannedAlerts(input, facts(Stage.REFERRED))).toThrow('Unknown alert kind');
  });
});
