import * as z from 'zod/mini';
import type { TimerName } from './lifecycle.ts';
// zod's English messages (roles.ts configures them; nothing else is needed from it here).
import './roles.ts';

const DAY = 24 * 60 * 60;
const HOUR = 60 * 60;

/** Timer lengths in seconds. Every wait of the state machine and every follow-up uses one. */
export const TimersSchema = z.object({
  triage: z.number().check(z.int(), z.positive()),
  match: z.number().check(z.int(), z.positive()),
  goals: z.number().check(z.int(), z.positive()),
  noSession: z.number().check(z.int(), z.positive()),
  closure: z.number().check(z.int(), z.positive()),
  holdReview: z.number().check(z.int(), z.positive()),
  /** A session flagged for debrief must be debriefed within this. */
  debrief: z.number().check(z.int(), z.positive()),
  /** Warn this long before a referral's consent expires. */
  consentWarning: z.number().check(z.int(), z.positive()),
  /** An URGENT concern not acknowledged by a coordinator within this is escalated. */
  urgentEscalation: z.number().check(z.int(), z.positive()),
  /** A resource link with no update for this long nudges the worker (default 4 weeks; issue 16). */
  linkFollowUp: z.optional(z.number().check(z.int(), z.positive())),
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
  urgentEscalation: HOUR,
};

/** The default of the optional `linkFollowUp` timer. */
export const LINK_FOLLOW_UP_SECONDS = 28 * DAY;

export function timersWith(overrides: Partial<Timers> = {}): Timers {
  return TimersSchema.parse({ ...DEFAULT_TIMERS, ...overrides }) as Timers;
}

/** The timers a deployed function runs with: the stack's `TIMERS` (JSON, seconds) over the defaults. */
export function timersFromEnv(env: Readonly<Record<string, string | undefined>>): Timers {
  return timersWith(env.TIMERS ? (JSON.parse(env.TIMERS) as Partial<Timers>) : {});
}

/**
 * A region's settings beyond its timers. `maxPaidMinutesPerDay` caps a worker's paid session minutes in
 * one local day, across all their sessions (one session is at most `MAX_SESSION_MINUTES` by itself).
 */
export const RegionSettingsSchema = z.object({
  maxPaidMinutesPerDay: z.number().check(z.int(), z.positive(), z.lte(24 * 60)),
});
export type RegionSettings = z.infer<typeof RegionSettingsSchema>;

export const DEFAULT_SETTINGS: RegionSettings = { maxPaidMinutesPerDay: 720 };

export function settingsWith(overrides: Partial<RegionSettings> = {}): RegionSettings {
  return RegionSettingsSchema.parse({ ...DEFAULT_SETTINGS, ...overrides });
}

/** The settings a deployed function runs with: the stack's `SETTINGS` (JSON) over the defaults. */
export function settingsFromEnv(env: Readonly<Record<string, string | undefined>>): RegionSettings {
  return settingsWith(env.SETTINGS ? (JSON.parse(env.SETTINGS) as Partial<RegionSettings>) : {});
}

/**
 * Where a region's HMAC key (client pointers, search indexes) lives in the cloud: an SSM SecureString
 * parameter. The stack names it in each function's environment; shared/aws/ssm-secret-keys.ts reads it.
 */
export const hmacKeyParameterName = (region: string): string => `/peerpath/${region}/hmac-key`;
