import { z } from 'zod';
import type { TimerName } from './lifecycle.ts';

const DAY = 24 * 60 * 60;
const HOUR = 60 * 60;

/** Timer lengths in seconds. Every wait of the state machine and every follow-up uses one. */
export const TimersSchema = z.object({
  triage: z.number().int().positive(),
  match: z.number().int().positive(),
  goals: z.number().int().positive(),
  noSession: z.number().int().positive(),
  closure: z.number().int().positive(),
  holdReview: z.number().int().positive(),
  /** A session flagged for debrief must be debriefed within this. */
  debrief: z.number().int().positive(),
  /** Warn this long before a referral's consent expires. */
  consentWarning: z.number().int().positive(),
});
export type Timers = z.infer<typeof TimersSchema> & Record<TimerName, number>;

export const DEFAULT_TIMERS: Timers = {
  triage: 2 * DAY,
  match: 5 * DAY,
  goals: 14 * DAY,
  noSession: 14 * DAY,
  closure: 7 * DAY,
  holdReview: 30 * DAY,
  debrief: 72 * HOUR,
  consentWarning: 14 * DAY,
};

export function timersWith(overrides: Partial<Timers> = {}): Timers {
  return TimersSchema.parse({ ...DEFAULT_TIMERS, ...overrides }) as Timers;
}

/** The timers a deployed function runs with: the stack's `TIMERS` (JSON, seconds) over the defaults. */
export function timersFromEnv(env: Readonly<Record<string, string | undefined>>): Timers {
  return timersWith(env.TIMERS ? (JSON.parse(env.TIMERS) as Partial<Timers>) : {});
}
