import { z } from 'zod';
import { ALERT_KINDS, EventSchema, StageSchema } from '#domain/lifecycle.ts';
import { CRITERIA, EXCLUSION_REASONS } from '#domain/matching.ts';
import {
  ClientSchema,
  ConsentSchema,
  REFERRAL_SECTIONS,
  ReferralInputSchema,
  ReferralPatchSchema,
} from '#domain/referral.ts';
import { ProgramRegionSchema, RoleSchema } from '#domain/roles.ts';
import {
  ClosureReasonSchema,
  ConcernCategorySchema,
  ConcernLevelSchema,
  DeclineReasonSchema,
  IdSchema,
  IsoDateSchema,
  isIsoDate,
  SessionModeSchema,
  strictObject,
  UrgencySchema,
} from '#domain/vocabulary.ts';
import { GoalRatingValueSchema, MAX_SESSION_MINUTES } from '#domain/work.ts';
import { WorkerInputSchema } from '#domain/worker.ts';

/**
 * The API's own schemas: path and query parameters, list envelopes and the views responses carry.
 * Request bodies are the domain's input schemas (shared/domain); these are what the API adds around them.
 * Views are strict objects: with `PEERPATH_CHECK_RESPONSES=1` a handler returning a field the view does not
 * declare (a task token, a table key, another role's field) fails loudly in tests.
 */

// ---------------------------------------------------------------------------------------------------------
// Parameters
// ---------------------------------------------------------------------------------------------------------

export const IdParamsSchema = z.object({ id: IdSchema });
export const GoalParamsSchema = z.object({ id: IdSchema, goalId: IdSchema });
export const SessionParamsSchema = z.object({ id: IdSchema, sessionId: IdSchema });

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 100;

/** `?limit=&nextToken=`: lists are `{items, nextToken?}`, `limit` 1…100, default 50. */
export const ListQuerySchema = z.object({
  limit: z.coerce
    .number()
    .int('Must be a whole number')
    .min(1, 'Must be at least 1')
    .max(MAX_LIMIT, `Must be at most ${MAX_LIMIT}`)
    .default(DEFAULT_LIMIT),
  nextToken: z.string().min(1).max(2048, 'Must be at most 2048 characters').optional(),
});

/** A query-string boolean: `true` or `false`. */
export const QueryBooleanSchema = z.enum(['true', 'false']).transform((value) => value === 'true');

export const ReferralListQuerySchema = ListQuerySchema.extend({ stage: StageSchema.optional() });
export const WorkerListQuerySchema = ListQuerySchema.extend({ active: QueryBooleanSchema.optional() });
export const UserListQuerySchema = z.object({ role: RoleSchema.optional() });
export const AlertListQuerySchema = ListQuerySchema.extend({ acknowledged: QueryBooleanSchema.optional() });
export const DebriefListQuerySchema = ListQuerySchema.extend({ done: QueryBooleanSchema.optional() });

/** Reports cover at most a little over a year (a fiscal year with margin). */
export const MAX_REPORT_DAYS = 400;
const bothDates = (q: { from: string; to: string }) => isIsoDate(q.from) && isIsoDate(q.to);
export const ReportQuerySchema = z
  .object({ from: IsoDateSchema, to: IsoDateSchema })
  .refine((q) => !bothDates(q) || q.from <= q.to, { error: 'Must not be before `from`', path: ['to'] })
  .refine((q) => !bothDates(q) || (Date.parse(q.to) - Date.parse(q.from)) / 86_400_000 <= MAX_REPORT_DAYS, {
    error: `The range must be at most ${MAX_REPORT_DAYS} days`,
    path: ['to'],
  });

// ---------------------------------------------------------------------------------------------------------
// Envelopes
// ---------------------------------------------------------------------------------------------------------

export function listOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextToken: z.string().optional() });
}

export const ErrorBodySchema = z
  .object({
    error: z.string().describe('Machine-readable code: ValidationError, NotFound, IllegalTransition, …'),
    message: z.string(),
    issues: z
      .array(z.object({ path: z.string(), message: z.string() }))
      .optional()
      .describe('Field paths and rules; never the values sent'),
    correlationId: z.string().optional(),
  })
  .meta({ id: 'Error' });

// ---------------------------------------------------------------------------------------------------------
// Bodies the domain does not define
// ---------------------------------------------------------------------------------------------------------

/**
 * `POST /referrals/{id}/rerefer`: the new referral is prefilled from the old one; any section sent here
 * replaces the copied one (a renewed consent, new goals). An empty body re-refers as is.
 */
export const RereferInputSchema = strictObject(
  Object.fromEntries(REFERRAL_SECTIONS.map((section) => [section, ReferralPatchSchema.shape[section]])) as {
    [K in (typeof REFERRAL_SECTIONS)[number]]: (typeof ReferralPatchSchema.shape)[K];
  },
).default({});

// ---------------------------------------------------------------------------------------------------------
// Views
// ---------------------------------------------------------------------------------------------------------

/**
 * The referral form as stored. The same fields as `ReferralInput` without the checks relative to today
 * (a consent valid at submission may have expired since; that raises an alert, not an error).
 */
export const StoredReferralDetailsSchema = z.object({
  ...ReferralInputSchema.shape,
  client: z.object(ClientSchema.shape),
  consent: z.object(ConsentSchema.shape),
});

/**
 * `details` in a referral view: the stored form. A peer worker's view leaves out what the referrer keeps for
 * themselves (their own contact block, `referrer`, and the client's other services, `currentSupports`).
 */
export const ReferralViewDetailsSchema = StoredReferralDetailsSchema.extend({
  referrer: StoredReferralDetailsSchema.shape.referrer.optional(),
});

export const GoalViewSchema = strictObject({
  id: z.string(),
  referralId: z.string(),
  title: z.string(),
  description: z.string().optional(),
  baselineRating: GoalRatingValueSchema,
  latestRating: GoalRatingValueSchema,
  ratings: z.array(
    strictObject({
      rating: GoalRatingValueSchema,
      note: z.string().optional(),
      at: z.string(),
      by: z.string(),
    }),
  ),
  createdAt: z.string(),
  achievedAt: z.string().optional(),
}).meta({ id: 'Goal' });

export const SessionViewSchema = strictObject({
  id: z.string(),
  referralId: z.string(),
  workerId: z.string(),
  date: z.string(),
  mode: SessionModeSchema,
  minutes: z.number().int().min(1).max(MAX_SESSION_MINUTES),
  /** Only for the worker who wrote it and staff; never for the referring clinician. */
  note: z.string().optional(),
  debriefNeeded: z.boolean(),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
}).meta({ id: 'Session' });

/**
 * A referral as one role may see it. Which optional fields are present depends on the caller: a clinician
 * gets stage, worker first name and closure of their own referrals (never sessions or notes); a peer worker
 * their own clients; staff everything in their region. Never: task tokens, execution names, table keys.
 */
export const ReferralViewSchema = strictObject({
  id: z.string(),
  region: ProgramRegionSchema,
  stage: StageSchema,
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
  stageEnteredAt: z.string().optional(),
  urgency: UrgencySchema.optional(),
  referrerSub: z.string().optional(),
  details: ReferralViewDetailsSchema.optional(),
  workerId: z.string().optional(),
  workerFirstName: z.string().optional(),
  matchedAt: z.string().optional(),
  closedAt: z.string().optional(),
  closure: strictObject({
    reason: ClosureReasonSchema,
    summary: z.string(),
    closedBy: z.string().optional(),
  }).optional(),
  declinedReason: strictObject({
    reason: DeclineReasonSchema,
    summary: z.string(),
    declinedBy: z.string().optional(),
  }).optional(),
  previousReferralId: z.string().optional(),
  possibleDuplicateOf: z.string().optional(),
  lastSessionAt: z.string().optional(),
  holdReason: z.string().optional(),
  consentExpiresOn: z.string().optional(),
  goals: z.array(GoalViewSchema).optional(),
  sessions: z.array(SessionViewSchema).optional(),
  /** The lifecycle events the caller may send now (the pages show these as actions). */
  allowedEvents: z.array(EventSchema).optional(),
}).meta({ id: 'Referral' });

export const AuditEventViewSchema = z
  .object({
    id: z.string(),
    at: z.string().optional(),
    kind: z.string().optional(),
    event: EventSchema.optional(),
    from: StageSchema.optional(),
    to: StageSchema.optional(),
    by: z.string().optional(),
    role: RoleSchema.optional(),
    /** Which fields a correction changed (names only). */
    fields: z.array(z.string()).optional(),
  })
  .loose()
  .meta({ id: 'AuditEvent' });

export const CandidatesViewSchema = z
  .object({
    items: z.array(
      z.object({
        workerId: z.string(),
        firstName: z.string(),
        score: z.number(),
        reasons: z.array(
          z.object({
            criterion: z.enum(CRITERIA),
            met: z.boolean(),
            weight: z.number(),
            points: z.number(),
            detail: z.string(),
          }),
        ),
      }),
    ),
    excluded: z.array(
      z.object({
        workerId: z.string(),
        firstName: z.string(),
        reason: z.enum(EXCLUSION_REASONS),
        detail: z.string(),
      }),
    ),
  })
  .meta({ id: 'Candidates' });

export const ConcernViewSchema = strictObject({
  id: z.string(),
  referralId: z.string(),
  level: ConcernLevelSchema,
  category: ConcernCategorySchema,
  createdAt: z.string(),
}).meta({ id: 'Concern' });

export const WorkerViewSchema = WorkerInputSchema.extend({
  id: z.string(),
  region: ProgramRegionSchema,
  activeCaseload: z.number().int().min(0),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** Paid minutes per month (program time zone), on a single worker's view. */
  minutesByMonth: z.array(strictObject({ month: z.string(), minutes: z.number().int().min(0) })).optional(),
  /** Referral ids of current clients, on a single worker's view. */
  clients: z.array(z.string()).optional(),
}).meta({ id: 'Worker' });

export const CreatedUserSchema = strictObject({
  sub: z.string(),
  email: z.string(),
  givenName: z.string(),
  familyName: z.string(),
  role: RoleSchema,
  region: ProgramRegionSchema,
}).meta({ id: 'CreatedUser' });

export const DebriefViewSchema = z
  .object({
    id: z.string(),
    referralId: z.string(),
    sessionId: z.string(),
    workerId: z.string(),
    dueAt: z.string(),
    done: z.boolean(),
    doneAt: z.string().optional(),
    doneBy: z.string().optional(),
  })
  .meta({ id: 'Debrief' });

export const AlertViewSchema = z
  .object({
    id: z.string(),
    kind: z.enum(ALERT_KINDS),
    referralId: z.string().optional(),
    stage: StageSchema.optional(),
    level: ConcernLevelSchema.optional(),
    /** Ids and codes only (a reason code, a concern category, a session or worker id): never free text. */
    details: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
    createdAt: z.string(),
    acknowledgedAt: z.string().optional(),
    acknowledgedBy: z.string().optional(),
  })
  .meta({ id: 'Alert' });

const count = z.number().int().min(0);
const durationStats = z.object({
  count,
  medianDays: z.number().nullable(),
  p90Days: z.number().nullable(),
});

export const ReportSummarySchema = z
  .object({
    region: ProgramRegionSchema,
    from: IsoDateSchema,
    to: IsoDateSchema,
    /** Referrals now in each stage among those created in the range. */
    byStage: z.partialRecord(StageSchema, count),
    created: count,
    closed: count,
    /** Days from referral to match, and to closure. */
    daysToMatch: durationStats,
    daysToClosure: durationStats,
    closureReasons: z.partialRecord(ClosureReasonSchema, count),
    declineReasons: z.partialRecord(DeclineReasonSchema, count).optional(),
    sessionsByMode: z.partialRecord(SessionModeSchema, count),
    minutesByWorkerMonth: z.array(
      z.object({ workerId: z.string(), firstName: z.string().optional(), month: z.string(), minutes: count }),
    ),
    /** Kiresuk–Sherman T-score per closed referral that had goals. */
    tScores: z.array(z.object({ referralId: z.string(), closedAt: z.string(), tScore: z.number() })),
  })
  .meta({ id: 'ReportSummary' });

export const HealthSchema = z.object({
  status: z.literal('ok'),
  service: z.literal('peerpath'),
  region: ProgramRegionSchema.optional(),
  time: z.string(),
});

export const OpenApiDocumentSchema = z.record(z.string(), z.unknown()).describe('An OpenAPI 3.1 document');
