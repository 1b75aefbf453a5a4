import * as z from 'zod/mini';
import { _coercedNumber } from 'zod/v4/core';
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
import { GoalRatingValueSchema, MAX_SESSION_MINUTES, ResumeInputSchema } from '#domain/work.ts';
import { WorkerInputSchema } from '#domain/worker.ts';
import { GroupsReportSchema, ResourcesReportSchema } from './schemas-report-community.ts';

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

/**
 * `?limit=&nextToken=`: lists are `{items, nextToken?}`, `limit` 1…100, default 50. (`limit` is
 * `z.coerce.number()` made the core way: reading `z.coerce.number` keeps every coercion in the bundle.)
 */
export const ListQuerySchema = z.object({
  limit: z._default(
    _coercedNumber(z.ZodMiniNumber).check(
      z.int('Must be a whole number'),
      z.gte(1, 'Must be at least 1'),
      z.lte(MAX_LIMIT, `Must be at most ${MAX_LIMIT}`),
    ),
    DEFAULT_LIMIT,
  ),
  nextToken: z.optional(
    z.string().check(z.minLength(1), z.maxLength(2048, 'Must be at most 2048 characters')),
  ),
});

/** A query-string boolean: `true` or `false`. */
export const QueryBooleanSchema = z.pipe(
  z.enum(['true', 'false']),
  z.transform((value: 'true' | 'false') => value === 'true'),
);

export const ReferralListQuerySchema = z.extend(ListQuerySchema, { stage: z.optional(StageSchema) });
export const WorkerListQuerySchema = z.extend(ListQuerySchema, { active: z.optional(QueryBooleanSchema) });
export const UserListQuerySchema = z.object({ role: z.optional(RoleSchema) });
export const AlertListQuerySchema = z.extend(ListQuerySchema, {
  acknowledged: z.optional(QueryBooleanSchema),
});
export const DebriefListQuerySchema = z.extend(ListQuerySchema, { done: z.optional(QueryBooleanSchema) });

/** Reports cover at most a little over a year (a fiscal year with margin). */
export const MAX_REPORT_DAYS = 400;
const bothDates = (q: { from: string; to: string }) => isIsoDate(q.from) && isIsoDate(q.to);
export const ReportQuerySchema = z.object({ from: IsoDateSchema, to: IsoDateSchema }).check(
  z.refine((q) => !bothDates(q) || q.from <= q.to, { error: 'Must not be before `from`', path: ['to'] }),
  z.refine((q) => !bothDates(q) || (Date.parse(q.to) - Date.parse(q.from)) / 86_400_000 <= MAX_REPORT_DAYS, {
    error: `The range must be at most ${MAX_REPORT_DAYS} days`,
    path: ['to'],
  }),
);

// ---------------------------------------------------------------------------------------------------------
// Envelopes
// ---------------------------------------------------------------------------------------------------------

export function listOf<T extends z.ZodMiniType>(item: T) {
  return z.object({ items: z.array(item), nextToken: z.optional(z.string()) });
}

export const ErrorBodySchema = z
  .object({
    error: z.string().register(z.globalRegistry, {
      description: 'Machine-readable code: ValidationError, NotFound, IllegalTransition, …',
    }),
    message: z.string(),
    issues: z
      .optional(z.array(z.object({ path: z.string(), message: z.string() })))
      .register(z.globalRegistry, { description: 'Field paths and rules; never the values sent' }),
    correlationId: z.optional(z.string()),
  })
  .register(z.globalRegistry, { id: 'Error' });

// ---------------------------------------------------------------------------------------------------------
// Bodies the domain does not define
// ---------------------------------------------------------------------------------------------------------

/**
 * `POST /referrals/{id}/rerefer`: the new referral is prefilled from the old one; any section sent here
 * replaces the copied one (a renewed consent, new goals). An empty body re-refers as is.
 */
export const RereferInputSchema = z._default(
  strictObject(
    Object.fromEntries(REFERRAL_SECTIONS.map((section) => [section, ReferralPatchSchema.shape[section]])) as {
      [K in (typeof REFERRAL_SECTIONS)[number]]: (typeof ReferralPatchSchema.shape)[K];
    },
  ),
  {},
);

/** `POST /referrals/{id}/resume`: the reason is optional, and so is the body. */
export const ResumeBodySchema = z._default(ResumeInputSchema, {});

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
export const ReferralViewDetailsSchema = z.extend(StoredReferralDetailsSchema, {
  referrer: z.optional(StoredReferralDetailsSchema.shape.referrer),
});

export const GoalViewSchema = strictObject({
  id: z.string(),
  referralId: z.string(),
  title: z.string(),
  description: z.optional(z.string()),
  baselineRating: GoalRatingValueSchema,
  latestRating: GoalRatingValueSchema,
  ratings: z.array(
    strictObject({
      rating: GoalRatingValueSchema,
      note: z.optional(z.string()),
      at: z.string(),
      by: z.string(),
    }),
  ),
  createdAt: z.string(),
  achievedAt: z.optional(z.string()),
}).register(z.globalRegistry, { id: 'Goal' });

export const SessionViewSchema = strictObject({
  id: z.string(),
  referralId: z.string(),
  workerId: z.string(),
  date: z.string(),
  mode: SessionModeSchema,
  minutes: z.number().check(z.int(), z.gte(1), z.lte(MAX_SESSION_MINUTES)),
  /** Only for the worker who wrote it and staff; never for the referring clinician. */
  note: z.optional(z.string()),
  debriefNeeded: z.boolean(),
  version: z.number().check(z.int()),
  createdAt: z.string(),
  updatedAt: z.string(),
}).register(z.globalRegistry, { id: 'Session' });

/**
 * A referral as one role may see it. Which optional fields are present depends on the caller: a clinician
 * gets stage, worker first name and closure of their own referrals (never sessions or notes); a peer worker
 * their own clients; staff everything in their region. Never: task tokens, execution names, table keys.
 */
export const ReferralViewSchema = strictObject({
  id: z.string(),
  region: ProgramRegionSchema,
  stage: StageSchema,
  version: z.number().check(z.int()),
  createdAt: z.string(),
  updatedAt: z.string(),
  stageEnteredAt: z.optional(z.string()),
  urgency: z.optional(UrgencySchema),
  referrerSub: z.optional(z.string()),
  details: z.optional(ReferralViewDetailsSchema),
  workerId: z.optional(z.string()),
  workerFirstName: z.optional(z.string()),
  matchedAt: z.optional(z.string()),
  closedAt: z.optional(z.string()),
  closure: z.optional(
    strictObject({
      reason: ClosureReasonSchema,
      summary: z.string(),
      closedBy: z.optional(z.string()),
    }),
  ),
  declinedReason: z.optional(
    strictObject({
      reason: DeclineReasonSchema,
      summary: z.string(),
      declinedBy: z.optional(z.string()),
    }),
  ),
  previousReferralId: z.optional(z.string()),
  possibleDuplicateOf: z.optional(z.string()),
  lastSessionAt: z.optional(z.string()),
  holdReason: z.optional(z.string()),
  consentExpiresOn: z.optional(z.string()),
  goals: z.optional(z.array(GoalViewSchema)),
  sessions: z.optional(z.array(SessionViewSchema)),
  /** The lifecycle events the caller may send now (the pages show these as actions). */
  allowedEvents: z.optional(z.array(EventSchema)),
}).register(z.globalRegistry, { id: 'Referral' });

export const AuditEventViewSchema = z
  .looseObject({
    id: z.string(),
    at: z.optional(z.string()),
    kind: z.optional(z.string()),
    event: z.optional(EventSchema),
    from: z.optional(StageSchema),
    to: z.optional(StageSchema),
    by: z.optional(z.string()),
    role: z.optional(RoleSchema),
    /** Which fields a correction changed (names only). */
    fields: z.optional(z.array(z.string())),
  })
  .register(z.globalRegistry, { id: 'AuditEvent' });

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
  .register(z.globalRegistry, { id: 'Candidates' });

export const ConcernViewSchema = strictObject({
  id: z.string(),
  referralId: z.string(),
  level: ConcernLevelSchema,
  category: ConcernCategorySchema,
  createdAt: z.string(),
}).register(z.globalRegistry, { id: 'Concern' });

export const WorkerViewSchema = z
  .extend(WorkerInputSchema, {
    id: z.string(),
    region: ProgramRegionSchema,
    activeCaseload: z.number().check(z.int(), z.gte(0)),
    version: z.number().check(z.int()),
    createdAt: z.string(),
    updatedAt: z.string(),
    /** Paid minutes per month (program time zone), on a single worker's view. */
    minutesByMonth: z.optional(
      z.array(strictObject({ month: z.string(), minutes: z.number().check(z.int(), z.gte(0)) })),
    ),
    /** Referral ids of current clients, on a single worker's view. */
    clients: z.optional(z.array(z.string())),
  })
  .register(z.globalRegistry, { id: 'Worker' });

export const CreatedUserSchema = strictObject({
  sub: z.string(),
  email: z.string(),
  givenName: z.string(),
  familyName: z.string(),
  role: RoleSchema,
  region: ProgramRegionSchema,
}).register(z.globalRegistry, { id: 'CreatedUser' });

export const DebriefViewSchema = z
  .object({
    id: z.string(),
    referralId: z.string(),
    sessionId: z.string(),
    workerId: z.string(),
    dueAt: z.string(),
    done: z.boolean(),
    doneAt: z.optional(z.string()),
    doneBy: z.optional(z.string()),
  })
  .register(z.globalRegistry, { id: 'Debrief' });

export const AlertViewSchema = z
  .object({
    id: z.string(),
    kind: z.enum(ALERT_KINDS),
    referralId: z.optional(z.string()),
    stage: z.optional(StageSchema),
    level: z.optional(ConcernLevelSchema),
    /** Ids and codes only (a reason code, a concern category, a session or worker id): never free text. */
    details: z.optional(z.record(z.string(), z.union([z.string(), z.number()]))),
    createdAt: z.string(),
    acknowledgedAt: z.optional(z.string()),
    acknowledgedBy: z.optional(z.string()),
  })
  .register(z.globalRegistry, { id: 'Alert' });

const count = z.number().check(z.int(), z.gte(0));
const durationStats = z.object({
  count,
  medianDays: z.nullable(z.number()),
  p90Days: z.nullable(z.number()),
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
    declineReasons: z.optional(z.partialRecord(DeclineReasonSchema, count)),
    sessionsByMode: z.partialRecord(SessionModeSchema, count),
    minutesByWorkerMonth: z.array(
      z.object({
        workerId: z.string(),
        firstName: z.optional(z.string()),
        month: z.string(),
        minutes: count,
      }),
    ),
    /** Kiresuk–Sherman T-score per closed referral that had goals. */
    tScores: z.array(z.object({ referralId: z.string(), closedAt: z.string(), tScore: z.number() })),
    /** Peer support groups and community resource links (issue 16). */
    groups: GroupsReportSchema,
    resources: ResourcesReportSchema,
  })
  .register(z.globalRegistry, { id: 'ReportSummary' });

export const HealthSchema = z.object({
  status: z.literal('ok'),
  service: z.literal('peerpath'),
  region: z.optional(ProgramRegionSchema),
  time: z.string(),
});

export const OpenApiDocumentSchema = z
  .record(z.string(), z.unknown())
  .register(z.globalRegistry, { description: 'An OpenAPI 3.1 document' });
