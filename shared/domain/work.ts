import * as z from 'zod/mini';
import {
  ClosureReasonSchema,
  ConcernCategorySchema,
  ConcernLevelSchema,
  DeclineReasonSchema,
  IdSchema,
  PastOrTodayDateSchema,
  requiredText,
  type SessionMode,
  SessionModeSchema,
  strictObject,
  todayInProgramZone,
} from './vocabulary.ts';

/**
 * The bodies of the actions taken on a referral after it is submitted (goals, ratings, sessions, triage,
 * matching, holds, closure, concerns) and the stored goal and session.
 */

// ---------------------------------------------------------------------------------------------------------
// Goals and goal attainment
// ---------------------------------------------------------------------------------------------------------

/** Goal-attainment scale: −2 much less than expected … 0 expected outcome … +2 much more than expected. */
export const MIN_RATING = -2;
export const MAX_RATING = 2;
/** Where every goal starts when it is set (somewhat less than expected). */
export const BASELINE_RATING = -1;

export const GoalRatingValueSchema = z
  .number()
  .check(
    z.int('Must be a whole number'),
    z.gte(MIN_RATING, `Must be from ${MIN_RATING} to ${MAX_RATING}`),
    z.lte(MAX_RATING, `Must be from ${MIN_RATING} to ${MAX_RATING}`),
  );

/** A goal as the worker and client write it together, in the client's words. */
export const GoalInputSchema = strictObject({
  title: requiredText(200).check(z.describe('The goal, in the client’s words')),
  description: z.optional(requiredText(1000).check(z.describe('What reaching it looks like'))),
});
export type GoalInput = z.infer<typeof GoalInputSchema>;

export const GoalsInputSchema = strictObject({
  goals: z
    .array(GoalInputSchema)
    .check(
      z.minLength(1, 'At least one goal'),
      z.maxLength(10, 'At most 10 goals'),
      z.describe('One to ten goals; each starts at the baseline rating −1'),
    ),
}).check(
  z.meta({
    examples: [
      { goals: [{ title: 'Walk to the community centre twice a week', description: 'Saturdays first' }] },
    ],
  }),
);
export type GoalsInput = z.infer<typeof GoalsInputSchema>;

export const GoalRatingInputSchema = strictObject({
  rating: GoalRatingValueSchema.check(
    z.describe('Goal attainment: −2 much less, 0 as expected, +2 much more than expected'),
  ),
  note: z.optional(
    requiredText(1000).check(z.describe('Why this rating (seen by the worker and coordinators)')),
  ),
}).check(z.meta({ examples: [{ rating: 1, note: 'Walking most weeks now' }] }));
export type GoalRatingInput = z.infer<typeof GoalRatingInputSchema>;

export interface GoalRating {
  rating: number;
  note?: string;
  /** ISO timestamp. */
  at: string;
  /** The `sub` of who rated. */
  by: string;
}

export interface Goal {
  id: string;
  referralId: string;
  title: string;
  description?: string;
  baselineRating: typeof BASELINE_RATING;
  /** Every rating after the baseline, oldest first. */
  ratings: GoalRating[];
  /** The last rating (the baseline until the first rating); the one the T-score at closure uses. */
  latestRating: number;
  createdAt: string;
  achievedAt?: string;
}

// ---------------------------------------------------------------------------------------------------------
// Sessions
// ---------------------------------------------------------------------------------------------------------

export const MAX_SESSION_MINUTES = 720;

const sessionFields = {
  /** The day it took place, in the program's time zone; not in the future. */
  date: PastOrTodayDateSchema.check(
    z.describe('The day it took place (America/Vancouver), not in the future'),
  ),
  mode: SessionModeSchema.check(z.describe('How the worker and client met')),
  /** Paid minutes, travel included. */
  minutes: z
    .number()
    .check(
      z.int('Must be a whole number'),
      z.gte(1, 'Must be at least 1'),
      z.lte(MAX_SESSION_MINUTES, `Must be at most ${MAX_SESSION_MINUTES}`),
      z.describe('Paid minutes, travel included'),
    ),
  note: z.optional(
    requiredText(4000).check(z.describe('Session notes (never shown to the referring clinician)')),
  ),
  /** The worker wants a supervision debrief about this session. */
  debriefNeeded: z
    .boolean()
    .check(z.describe('The worker wants a supervision debrief (due within 72 hours)')),
};

/**
 * What is wrong with a session's date beyond its shape, as validation issues (none when it is fine): it
 * must fall from the day the client was matched (`matchedAt`, an instant, taken as its date in the program's
 * time zone) to today (`now`'s date there). Paid minutes are claimed by date: a session dated 1901, or
 * before the worker had the client, is not a session of this relationship.
 */
export function sessionDateIssues(
  date: string,
  bounds: { matchedAt?: string | undefined; now: Date },
): { path: string; message: string }[] {
  if (date > todayInProgramZone(bounds.now)) return [{ path: 'date', message: 'Must not be in the future' }];
  if (bounds.matchedAt !== undefined && date < todayInProgramZone(new Date(bounds.matchedAt))) {
    return [{ path: 'date', message: 'Must not be before the client was matched' }];
  }
  return [];
}

/** The validation issue of a day's paid minutes past the region's `maxPaidMinutesPerDay`. */
export const paidMinutesIssue = (maxPaidMinutesPerDay: number) => ({
  path: 'minutes',
  message: `A worker's paid minutes in one day must not exceed ${maxPaidMinutesPerDay}`,
});

export const SessionInputSchema = strictObject({
  ...sessionFields,
  debriefNeeded: z._default(sessionFields.debriefNeeded, false),
}).check(
  // A session falls between the match and today, so the example is today (when the document is built):
  // a fixed date would stop being accepted as the days pass.
  z.meta({ examples: [{ date: todayInProgramZone(), mode: 'WALK', minutes: 60, debriefNeeded: false }] }),
);
export type SessionInput = z.infer<typeof SessionInputSchema>;

/** A session correction: any fields, `version` as read. Nothing defaults, so omitted fields stay. */
export const SessionPatchSchema = strictObject({
  date: z.optional(sessionFields.date),
  mode: z.optional(sessionFields.mode),
  minutes: z.optional(sessionFields.minutes),
  note: sessionFields.note,
  debriefNeeded: z.optional(sessionFields.debriefNeeded),
  version: z
    .number()
    .check(
      z.int('Must be a whole number'),
      z.gte(1, 'Must be at least 1'),
      z.describe('The `version` of the session as read; another is 409'),
    ),
}).check(
  z.refine((patch) => Object.keys(patch).some((key) => key !== 'version'), {
    error: 'Nothing to change: send at least one field',
  }),
  z.meta({ examples: [{ minutes: 45, version: 1 }] }),
);
export type SessionPatch = z.infer<typeof SessionPatchSchema>;

export interface Session {
  id: string;
  referralId: string;
  workerId: string;
  date: string;
  mode: SessionMode;
  minutes: number;
  note?: string;
  debriefNeeded: boolean;
  version: number;
  createdAt: string;
  updatedAt: string;
}

// ---------------------------------------------------------------------------------------------------------
// Lifecycle action bodies
// ---------------------------------------------------------------------------------------------------------

/** `close`: the reason and a summary the referrer will read. */
export const ClosureInputSchema = strictObject({
  reason: ClosureReasonSchema.check(z.describe('Why the relationship closes')),
  summary: requiredText(2000).check(z.describe('A summary for the referring clinician')),
}).check(
  z.meta({
    examples: [{ reason: 'GOALS_MET', summary: 'Goals reached: weekly walks and a community class.' }],
  }),
);
export type ClosureInput = z.infer<typeof ClosureInputSchema>;

/** `decline` at triage: its own reasons (`DECLINE_REASONS`), since nothing was started. */
export const DeclineInputSchema = strictObject({
  reason: DeclineReasonSchema.check(z.describe('Why the referral is declined at triage')),
  summary: requiredText(2000).check(z.describe('An explanation for the referring clinician')),
}).check(
  z.meta({
    examples: [{ reason: 'OUTSIDE_REGION', summary: 'Please refer to the program where the client lives.' }],
  }),
);
export type DeclineInput = z.infer<typeof DeclineInputSchema>;

/** `withdraw` by the referring clinician: closes with reason `WITHDRAWN` and this text as the summary. */
export const WithdrawInputSchema = strictObject({
  reason: requiredText(2000).check(z.describe('Why the clinician withdraws it (the closure summary)')),
}).check(z.meta({ examples: [{ reason: 'The client now has support from another program.' }] }));
export type WithdrawInput = z.infer<typeof WithdrawInputSchema>;

export const HoldInputSchema = strictObject({
  reason: requiredText(500).check(z.describe('Why sessions pause (no health details)')),
}).check(z.meta({ examples: [{ reason: 'The client is travelling until the end of the month.' }] }));
export type HoldInput = z.infer<typeof HoldInputSchema>;

export const ResumeInputSchema = strictObject({
  reason: z.optional(requiredText(500).check(z.describe('Why sessions resume'))),
});
export type ResumeInput = z.infer<typeof ResumeInputSchema>;

const WorkerIdSchema = IdSchema.check(
  z.describe('The id (`sub`) of a worker of the region, from the roster or the candidates'),
);
export const MatchInputSchema = strictObject({ workerId: WorkerIdSchema }).check(
  z.meta({ examples: [{ workerId: '6f1c2a9e-3b4d-4e5f-8a7b-9c0d1e2f3a4b' }] }),
);
export type MatchInput = z.infer<typeof MatchInputSchema>;

export const ReassignInputSchema = strictObject({
  workerId: WorkerIdSchema,
  reason: requiredText(500).check(z.describe('Why the client moves to another worker')),
}).check(
  z.meta({
    examples: [
      {
        workerId: '6f1c2a9e-3b4d-4e5f-8a7b-9c0d1e2f3a4b',
        reason: 'A worker closer to the client’s neighbourhood',
      },
    ],
  }),
);
export type ReassignInput = z.infer<typeof ReassignInputSchema>;

/**
 * A worker's concern about a client. Deliberately no free text: a concern becomes an alert (SNS, email, SMS)
 * and those carry no health information. The details are discussed person to person.
 */
export const ConcernInputSchema = strictObject({
  level: ConcernLevelSchema.check(
    z.describe('URGENT alerts coordinators by email and SMS at once; ROUTINE by email'),
  ),
  category: ConcernCategorySchema.check(
    z.describe('What the concern is about, for the coordinator (never put in an alert)'),
  ),
}).check(z.meta({ examples: [{ level: 'ROUTINE', category: 'WELLBEING' }] }));
export type ConcernInput = z.infer<typeof ConcernInputSchema>;
