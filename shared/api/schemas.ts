import * as z from 'zod/mini';
import { _coercedNumber } from 'zod/v4/core';
import { ALERT_KINDS, EventSchema, StageSchema } from '#domain/lifecycle.ts';
import { CRITERIA, EXCLUSION_REASONS } from '#domain/matching.ts';
import {
  CHANNELS,
  DELIVERY_STATES,
  EmailPreferenceSchema,
  SmsPreferenceSchema,
} from '#domain/notifications.ts';
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

/** Descriptions and examples for the document (zod metadata: the one source the OpenAPI generator reads). */
const about = (description: string, example?: unknown) =>
  z.meta(example === undefined ? { description } : { description, examples: [example] });

const PathIdSchema = IdSchema.check(
  about(
    'The id of the item this path names: a referral, worker (their `sub`), debrief or alert, as its list or its creation returned it',
    '01JD3F2Q8X5M7K9P4R6T8V0W2Y',
  ),
);
export const IdParamsSchema = z.object({ id: PathIdSchema });
export const GoalParamsSchema = z.object({
  id: PathIdSchema,
  goalId: IdSchema.check(about('The id of one of the referral’s goals', '01JD3F4B2C6D8E0F2G4H6J8K0M')),
});
export const SessionParamsSchema = z.object({
  id: PathIdSchema,
  sessionId: IdSchema.check(about('The id of one of the referral’s sessions', '01JD3F5N7P9Q1R3S5T7V9W1X3Y')),
});

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
      about(`How many items per page, 1…${MAX_LIMIT} (default ${DEFAULT_LIMIT})`, 20),
    ),
    DEFAULT_LIMIT,
  ),
  nextToken: z.optional(
    z
      .string()
      .check(
        z.minLength(1),
        z.maxLength(2048, 'Must be at most 2048 characters'),
        about('The next page: the `nextToken` of the previous page, as returned', 'eyJwayI6IlJFRiMwMUpEMyJ9'),
      ),
  ),
});

/** A query-string boolean: `true` or `false`. */
export const QueryBooleanSchema = z.pipe(
  z.enum(['true', 'false']),
  z.transform((value: 'true' | 'false') => value === 'true'),
);
const queryBoolean = (description: string, example: 'true' | 'false') =>
  z.pipe(z.enum(['true', 'false']).check(about(description, example)), QueryBooleanSchema);

export const ReferralListQuerySchema = z.extend(ListQuerySchema, {
  stage: z.optional(StageSchema.check(about('Only referrals in this stage', 'AWAITING_MATCH'))),
});
export const WorkerListQuerySchema = z.extend(ListQuerySchema, {
  active: z.optional(queryBoolean('`true`: only active workers; `false`: only inactive ones', 'true')),
});
export const UserListQuerySchema = z.object({
  role: z.optional(RoleSchema.check(about('Only accounts with this role', 'peer-worker'))),
});
export const AlertListQuerySchema = z.extend(ListQuerySchema, {
  acknowledged: z.optional(
    queryBoolean('`false`: only alerts still to acknowledge; `true`: only acknowledged ones', 'false'),
  ),
  unacknowledged: z.optional(
    queryBoolean('`true`: only alerts still to acknowledge (the same as `acknowledged=false`)', 'true'),
  ),
  kind: z.optional(z.enum(ALERT_KINDS).check(about('Only alerts of this kind', 'CONCERN_RAISED'))),
});

/** `POST /alerts/ack`: some of the caller's alerts by id, or all of one kind (at least one of the two). */
export const AlertAckManySchema = z
  .strictObject({
    ids: z.optional(
      z
        .array(z.string().check(z.minLength(1), z.maxLength(64), about('An alert id')))
        .check(z.minLength(1), z.maxLength(100), about('Alerts of the caller to acknowledge (1 to 100)')),
    ),
    kind: z.optional(z.enum(ALERT_KINDS).check(about('Acknowledge every alert of the caller of this kind'))),
  })
  .check(
    z.refine((body) => body.ids !== undefined || body.kind !== undefined, {
      error: 'Give `ids` or `kind`',
      path: ['ids'],
    }),
  )
  .register(z.globalRegistry, {
    id: 'AlertAckManyInput',
    description: 'Give `ids`, `kind` or both; an empty body is 400',
    examples: [{ kind: 'STAGE_CHANGED' }],
  });
export const AlertAckManyViewSchema = z.object({
  acknowledged: z.number().check(z.int(), z.gte(0), about('How many alerts this call acknowledged')),
});

export const NotificationPreferencesViewSchema = z
  .object({
    email: EmailPreferenceSchema.check(
      about('`IMMEDIATE` (each alert), `DAILY_DIGEST` (one email at 08:00 Vancouver time) or `OFF`'),
    ),
    sms: SmsPreferenceSchema.check(
      about('`URGENT_ONLY` or `OFF`; URGENT concerns reach coordinators regardless'),
    ),
    hasPhone: z.boolean().check(about('Whether the directory has a phone number for SMS')),
  })
  .register(z.globalRegistry, {
    id: 'NotificationPreferences',
    description: 'How alerts reach the caller',
  });
export const DebriefListQuerySchema = z.extend(ListQuerySchema, {
  done: z.optional(queryBoolean('`false`: only debriefs still due; `true`: only done ones', 'false')),
});

/** Reports cover at most a little over a year (a fiscal year with margin). */
export const MAX_REPORT_DAYS = 400;
const bothDates = (q: { from: string; to: string }) => isIsoDate(q.from) && isIsoDate(q.to);
export const ReportQuerySchema = z
  .object({
    from: IsoDateSchema.check(about('First day of the range (America/Vancouver), YYYY-MM-DD', '2026-01-01')),
    to: IsoDateSchema.check(
      about(
        `Last day of the range, not before \`from\`, at most ${MAX_REPORT_DAYS} days after`,
        '2026-03-31',
      ),
    ),
  })
  .check(
    z.refine((q) => !bothDates(q) || q.from <= q.to, { error: 'Must not be before `from`', path: ['to'] }),
    z.refine(
      (q) => !bothDates(q) || (Date.parse(q.to) - Date.parse(q.from)) / 86_400_000 <= MAX_REPORT_DAYS,
      {
        error: `The range must be at most ${MAX_REPORT_DAYS} days`,
        path: ['to'],
      },
    ),
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
    message: z.string().check(about('What went wrong, in plain words (never the values sent)')),
    issues: z
      .optional(
        z.array(
          z.object({
            path: z.string().check(about('The field, as a dotted path')),
            message: z.string().check(about('The rule it broke')),
          }),
        ),
      )
      .register(z.globalRegistry, { description: 'Field paths and rules; never the values sent' }),
    correlationId: z.optional(z.string()).check(about('Quote it when reporting an unexpected error')),
  })
  .register(z.globalRegistry, { id: 'Error' });

// ---------------------------------------------------------------------------------------------------------
// Bodies the domain does not define
// ---------------------------------------------------------------------------------------------------------

/**
 * `POST /referrals/{id}/rerefer`: the new referral is prefilled from the old one; any section sent here
 * replaces the copied one (a renewed consent, new goals). An empty body re-refers as is.
 */
export const RereferInputSchema = z
  ._default(
    strictObject(
      Object.fromEntries(
        REFERRAL_SECTIONS.map((section) => [section, ReferralPatchSchema.shape[section]]),
      ) as {
        [K in (typeof REFERRAL_SECTIONS)[number]]: (typeof ReferralPatchSchema.shape)[K];
      },
    ),
    {},
  )
  .check(
    z.meta({
      examples: [
        {
          consent: {
            given: true,
            scope: ['SHARE_WITH_PEER_WORKER', 'CONTACT_CLIENT'],
            date: '2026-11-20',
            expiresOn: '2030-11-19',
          },
        },
      ],
    }),
  );

/** `POST /referrals/{id}/resume`: the reason is optional, and so is the body. */
export const ResumeBodySchema = z
  ._default(ResumeInputSchema, {})
  .check(z.meta({ examples: [{ reason: 'The client is back from travelling' }] }));

// ---------------------------------------------------------------------------------------------------------
// Views
// ---------------------------------------------------------------------------------------------------------

/**
 * The referral form as stored. The same fields as `ReferralInput` without the checks relative to today
 * (a consent valid at submission may have expired since; that raises an alert, not an error).
 */
export const StoredReferralDetailsSchema = z.object({
  ...ReferralInputSchema.shape,
  client: z.object(ClientSchema.shape).check(about('Who is referred')),
  consent: z.object(ConsentSchema.shape).check(about('The client’s consent as given')),
});

/**
 * `details` in a referral view: the stored form. A peer worker's view leaves out what the referrer keeps for
 * themselves (their own contact block, `referrer`, and the client's other services, `currentSupports`).
 */
export const ReferralViewDetailsSchema = z.extend(StoredReferralDetailsSchema, {
  referrer: z.optional(StoredReferralDetailsSchema.shape.referrer),
});

export const GoalViewSchema = strictObject({
  id: z.string().check(about('The item’s id')),
  referralId: z.string().check(about('The referral it belongs to')),
  title: z.string().check(about('The goal, in the client’s words')),
  description: z.optional(z.string()).check(about('What reaching the goal looks like')),
  baselineRating: GoalRatingValueSchema.check(about('The rating when the goal was set (−1)')),
  latestRating: GoalRatingValueSchema.check(about('The latest rating; the one the T-score at closure uses')),
  ratings: z
    .array(
      strictObject({
        rating: GoalRatingValueSchema.check(about('Goal attainment −2…+2')),
        note: z.optional(z.string()).check(about('Free text (only for the worker who wrote it and staff)')),
        at: z.string().check(about('When (ISO-8601 UTC)')),
        by: z.string().check(about('Who (a user `sub`)')),
      }),
    )
    .check(about('Every rating, oldest first')),
  createdAt: z.string().check(about('When it was created (ISO-8601 UTC)')),
  achievedAt: z.optional(z.string()).check(about('When the goal was marked achieved')),
}).register(z.globalRegistry, { id: 'Goal' });

export const SessionViewSchema = strictObject({
  id: z.string().check(about('The item’s id')),
  referralId: z.string().check(about('The referral it belongs to')),
  workerId: z.string().check(about('The worker (their `sub`)')),
  date: z.string().check(about('The day (YYYY-MM-DD, America/Vancouver)')),
  mode: SessionModeSchema.check(about('How the worker and client met')),
  minutes: z
    .number()
    .check(z.int(), z.gte(1), z.lte(MAX_SESSION_MINUTES))
    .check(about('Paid minutes, travel included')),
  /** Only for the worker who wrote it and staff; never for the referring clinician. */
  note: z.optional(z.string()).check(about('Free text (only for the worker who wrote it and staff)')),
  debriefNeeded: z.boolean().check(about('A supervision debrief was asked for')),
  version: z.number().check(z.int()).check(about('Optimistic-lock version: send it back with a correction')),
  createdAt: z.string().check(about('When it was created (ISO-8601 UTC)')),
  updatedAt: z.string().check(about('When it last changed (ISO-8601 UTC)')),
}).register(z.globalRegistry, { id: 'Session' });

/**
 * A referral as one role may see it. Which optional fields are present depends on the caller: a clinician
 * gets stage, worker first name and closure of their own referrals (never sessions or notes); a peer worker
 * their own clients; staff everything in their region. Never: task tokens, execution names, table keys.
 */
export const ReferralViewSchema = strictObject({
  id: z.string().check(about('The item’s id')),
  region: ProgramRegionSchema.check(about('The program region')),
  stage: StageSchema.check(about('The lifecycle stage')),
  version: z.number().check(z.int()).check(about('Optimistic-lock version: send it back with a correction')),
  createdAt: z.string().check(about('When it was created (ISO-8601 UTC)')),
  updatedAt: z.string().check(about('When it last changed (ISO-8601 UTC)')),
  stageEnteredAt: z.optional(z.string()).check(about('When the current stage began')),
  urgency: z.optional(UrgencySchema).check(about('How soon the client should be matched')),
  referrerSub: z.optional(z.string()).check(about('The referring clinician (their `sub`)')),
  details: z
    .optional(ReferralViewDetailsSchema)
    .check(about('The referral form as stored (what the caller’s role may see)')),
  workerId: z.optional(z.string()).check(about('The worker (their `sub`)')),
  workerFirstName: z.optional(z.string()).check(about('The matched worker’s first name')),
  matchedAt: z.optional(z.string()).check(about('When the match was made')),
  closedAt: z.optional(z.string()).check(about('When the referral closed')),
  closure: z
    .optional(
      strictObject({
        reason: ClosureReasonSchema.check(about('The reason, as a code')),
        summary: z.string().check(about('The summary for the referring clinician')),
        closedBy: z.optional(z.string()).check(about('Who closed it')),
      }),
    )
    .check(about('How the referral closed (reason and summary for the referrer)')),
  declinedReason: z
    .optional(
      strictObject({
        reason: DeclineReasonSchema.check(about('The reason, as a code')),
        summary: z.string().check(about('The summary for the referring clinician')),
        declinedBy: z.optional(z.string()).check(about('Who declined it')),
      }),
    )
    .check(about('Why triage declined the referral')),
  previousReferralId: z.optional(z.string()).check(about('The referral this one re-refers')),
  possibleDuplicateOf: z
    .optional(z.string())
    .check(about('An open referral for what looks like the same client')),
  lastSessionAt: z.optional(z.string()).check(about('The day of the latest session')),
  holdReason: z.optional(z.string()).check(about('Why sessions are on hold')),
  consentExpiresOn: z.optional(z.string()).check(about('The last day the client’s consent covers')),
  goals: z
    .optional(z.array(GoalViewSchema))
    .check(about('The client’s goals (not for the referring clinician)')),
  sessions: z
    .optional(z.array(SessionViewSchema))
    .check(about('Logged sessions (staff and the matched worker only)')),
  /** The lifecycle events the caller may send now (the pages show these as actions). */
  allowedEvents: z
    .optional(z.array(EventSchema))
    .check(about('The lifecycle events the caller may send now')),
}).register(z.globalRegistry, { id: 'Referral' });

export const AuditEventViewSchema = z
  .looseObject({
    id: z.string().check(about('The item’s id')),
    at: z.optional(z.string()).check(about('When (ISO-8601 UTC)')),
    kind: z.optional(z.string()).check(about('What happened, as a code')),
    event: z.optional(EventSchema).check(about('The lifecycle event sent')),
    from: z.optional(StageSchema).check(about('The stage before')),
    to: z.optional(StageSchema).check(about('The stage after')),
    by: z.optional(z.string()).check(about('Who (a user `sub`)')),
    role: z.optional(RoleSchema).check(about('The role of who did it')),
    /** Which fields a correction changed (names only). */
    fields: z.optional(z.array(z.string())).check(about('Which fields a correction changed (names only)')),
  })
  .register(z.globalRegistry, { id: 'AuditEvent' });

export const CandidatesViewSchema = z
  .object({
    items: z
      .array(
        z.object({
          workerId: z.string().check(about('The worker (their `sub`)')),
          firstName: z.string().check(about('The worker’s first name')),
          score: z.number().check(about('Total match score (higher is a better fit)')),
          reasons: z
            .array(
              z.object({
                criterion: z.enum(CRITERIA).check(about('The matching criterion')),
                met: z.boolean().check(about('Whether the worker meets it')),
                weight: z.number().check(about('How much the criterion counts')),
                points: z.number().check(about('Points it adds to the score')),
                detail: z.string().check(about('Why, in plain words (no health information)')),
              }),
            )
            .check(about('The score explained per criterion')),
        }),
      )
      .check(about('Workers who may be matched, best first')),
    excluded: z
      .array(
        z.object({
          workerId: z.string().check(about('The worker (their `sub`)')),
          firstName: z.string().check(about('The worker’s first name')),
          reason: z.enum(EXCLUSION_REASONS).check(about('The reason, as a code')),
          detail: z.string().check(about('Why, in plain words (no health information)')),
        }),
      )
      .check(about('Workers never proposed, each with the reason')),
  })
  .register(z.globalRegistry, { id: 'Candidates' });

export const ConcernViewSchema = strictObject({
  id: z.string().check(about('The item’s id')),
  referralId: z.string().check(about('The referral it belongs to')),
  level: ConcernLevelSchema.check(about('URGENT or ROUTINE')),
  category: ConcernCategorySchema.check(about('What the concern is about')),
  createdAt: z.string().check(about('When it was created (ISO-8601 UTC)')),
}).register(z.globalRegistry, { id: 'Concern' });

export const WorkerViewSchema = z
  .extend(WorkerInputSchema, {
    id: z.string().check(about('The item’s id')),
    region: ProgramRegionSchema.check(about('The program region')),
    activeCaseload: z.number().check(z.int(), z.gte(0)).check(about('Clients currently assigned')),
    version: z
      .number()
      .check(z.int())
      .check(about('Optimistic-lock version: send it back with a correction')),
    createdAt: z.string().check(about('When it was created (ISO-8601 UTC)')),
    updatedAt: z.string().check(about('When it last changed (ISO-8601 UTC)')),
    /** Paid minutes per month (program time zone), on a single worker's view. */
    minutesByMonth: z
      .optional(
        z.array(
          strictObject({
            month: z.string().check(about('The month (YYYY-MM, America/Vancouver)')),
            minutes: z.number().check(z.int(), z.gte(0), about('Paid session minutes')),
          }),
        ),
      )
      .check(about('Paid minutes per month (single-worker view)')),
    /** Referral ids of current clients, on a single worker's view. */
    clients: z
      .optional(z.array(z.string()))
      .check(about('Referral ids of current clients (single-worker view)')),
  })
  .register(z.globalRegistry, { id: 'Worker' });

export const CreatedUserSchema = strictObject({
  sub: z.string().check(about('The user’s id in the user pool')),
  email: z.string().check(about('Email address')),
  givenName: z.string().check(about('Given name')),
  familyName: z.string().check(about('Family name')),
  role: RoleSchema.check(about('The role of who did it')),
  region: ProgramRegionSchema.check(about('The program region')),
}).register(z.globalRegistry, { id: 'CreatedUser' });

export const DebriefViewSchema = z
  .object({
    id: z.string().check(about('The item’s id')),
    referralId: z.string().check(about('The referral it belongs to')),
    sessionId: z.string().check(about('The session that asked for the debrief')),
    workerId: z.string().check(about('The worker (their `sub`)')),
    dueAt: z.string().check(about('When the debrief is due (72 hours after the session)')),
    done: z.boolean().check(about('The debrief took place')),
    doneAt: z.optional(z.string()).check(about('When it was marked done')),
    doneBy: z.optional(z.string()).check(about('Who marked it done')),
  })
  .register(z.globalRegistry, { id: 'Debrief' });

export const AlertViewSchema = z
  .object({
    id: z.string().check(about('The item’s id')),
    kind: z.enum(ALERT_KINDS).check(about('What happened, as a code')),
    referralId: z.optional(z.string()).check(about('The referral it belongs to')),
    stage: z.optional(StageSchema).check(about('The lifecycle stage')),
    level: z.optional(ConcernLevelSchema).check(about('URGENT or ROUTINE')),
    /** Ids and codes only (a reason code, a concern category, a session or worker id): never free text. */
    details: z
      .optional(z.record(z.string(), z.union([z.string(), z.number()])))
      .check(about('The referral form as stored (what the caller’s role may see)')),
    createdAt: z.string().check(about('When it was created (ISO-8601 UTC)')),
    acknowledgedAt: z.optional(z.string()).check(about('When the caller acknowledged it')),
    acknowledgedBy: z.optional(z.string()).check(about('Who acknowledged it')),
    deliveries: z.optional(
      z
        .array(
          z.object({
            recipient: z.string().check(about('The id of the person it is for')),
            channel: z.enum(CHANNELS).check(about('`EMAIL` or `SMS`')),
            state: z
              .enum(DELIVERY_STATES)
              .check(about('`PENDING`, `SENDING`, `SENT`, `FAILED` (retried) or `SUPPRESSED` (not sent)')),
            escalation: z.optional(
              z.boolean().check(about('Sent again because nobody acknowledged in time')),
            ),
          }),
        )
        .check(about('Each delivery: every one to coordinators and admins, only their own to anyone else')),
    ),
    escalatedAt: z.optional(z.string()).check(about('When an unacknowledged URGENT concern was escalated')),
  })
  .register(z.globalRegistry, { id: 'Alert' });

const count = z.number().check(z.int(), z.gte(0));
const durationStats = z.object({
  count: count.check(about('How many referrals the figures cover')),
  medianDays: z.nullable(z.number()).check(about('Median days; null when there are none')),
  p90Days: z.nullable(z.number()).check(about('90th percentile of days; null when there are none')),
});

export const ReportSummarySchema = z
  .object({
    region: ProgramRegionSchema.check(about('The program region')),
    from: IsoDateSchema.check(about('First day of the range')),
    to: IsoDateSchema.check(about('Last day of the range')),
    /** Referrals now in each stage among those created in the range. */
    byStage: z
      .partialRecord(StageSchema, count)
      .check(about('Referrals created in the range, by their stage now')),
    created: count.check(about('Referrals created in the range')),
    closed: count.check(about('Referrals closed in the range')),
    /** Days from referral to match, and to closure. */
    daysToMatch: durationStats.check(about('Days from referral to match')),
    daysToClosure: durationStats.check(about('Days from referral to closure')),
    closureReasons: z
      .partialRecord(ClosureReasonSchema, count)
      .check(about('Closures in the range by reason')),
    declineReasons: z
      .optional(z.partialRecord(DeclineReasonSchema, count))
      .check(about('Declines at triage in the range by reason')),
    sessionsByMode: z.partialRecord(SessionModeSchema, count).check(about('Sessions in the range by mode')),
    minutesByWorkerMonth: z
      .array(
        z.object({
          workerId: z.string().check(about('The worker (their `sub`)')),
          firstName: z.optional(z.string()).check(about('The worker’s first name')),
          month: z.string().check(about('The month (YYYY-MM, America/Vancouver)')),
          minutes: count.check(about('Paid session minutes')),
        }),
      )
      .check(about('Paid session minutes per worker per month')),
    /** Kiresuk–Sherman T-score per closed referral that had goals. */
    tScores: z
      .array(
        z.object({
          referralId: z.string().check(about('The closed referral')),
          closedAt: z.string().check(about('When it closed')),
          tScore: z.number().check(about('Kiresuk–Sherman goal-attainment T-score (50 = as expected)')),
        }),
      )
      .check(about('T-score per referral closed in the range that had goals')),
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
