import { defineRoutes, type RouteSpec } from '#api/route.ts';
import { workforceRoutes } from '#api/routes-workforce.ts';
import { NotificationPreferencesSchema } from '#domain/notifications.ts';
import { ReferralInputSchema, ReferralPatchSchema } from '#domain/referral.ts';
import { Role, type Role as RoleType } from '#domain/roles.ts';
import { CreateUserBodySchema, DirectoryUserSchema } from '#domain/users.ts';
import {
  ClosureInputSchema,
  ConcernInputSchema,
  DeclineInputSchema,
  GoalRatingInputSchema,
  GoalsInputSchema,
  HoldInputSchema,
  MatchInputSchema,
  ReassignInputSchema,
  SessionInputSchema,
  SessionPatchSchema,
  WithdrawInputSchema,
} from '#domain/work.ts';
import { WorkerInputSchema, WorkerPatchSchema } from '#domain/worker.ts';
import { exportRoutes } from './routes-exports.ts';
import { groupRoutes } from './routes-groups.ts';
import { resourceRoutes } from './routes-resources.ts';
import { searchRoutes } from './routes-search.ts';
import {
  AlertAckManySchema,
  AlertAckManyViewSchema,
  AlertListQuerySchema,
  AlertViewSchema,
  AuditEventViewSchema,
  CandidatesViewSchema,
  ConcernViewSchema,
  CreatedUserSchema,
  DebriefListQuerySchema,
  DebriefViewSchema,
  GoalParamsSchema,
  GoalViewSchema,
  HealthSchema,
  IdParamsSchema,
  ListQuerySchema,
  listOf,
  NotificationPreferencesViewSchema,
  OpenApiDocumentSchema,
  ReferralListQuerySchema,
  ReferralViewSchema,
  ReportQuerySchema,
  ReportSummarySchema,
  RereferInputSchema,
  ResumeBodySchema,
  SessionParamsSchema,
  SessionViewSchema,
  UserListQuerySchema,
  WorkerListQuerySchema,
  WorkerViewSchema,
} from './schemas.ts';

/**
 * THE route table: the local gateway, the CDK stack and the OpenAPI document all read it.
 * Paths are relative to a region's base URL. Handlers are named by file and export (never imported here),
 * so the table can be loaded anywhere without loading handler code.
 *
 * Roles are who may EVER call a route (everyone else gets 403 before the body is read); which referral,
 * which stage and which fields is the handler's business. Admins can do whatever coordinators do.
 * Lifecycle routes name their `event`, and their roles are exactly `rolesFor(event)` (tested).
 */

const ALL: readonly RoleType[] = [Role.CLINICIAN, Role.COORDINATOR, Role.PEER_WORKER, Role.ADMIN];
const STAFF: readonly RoleType[] = [Role.COORDINATOR, Role.ADMIN];
const WORKER: readonly RoleType[] = [Role.PEER_WORKER];
const CLINICIAN: readonly RoleType[] = [Role.CLINICIAN];
const STAFF_AND_WORKER: readonly RoleType[] = [Role.COORDINATOR, Role.ADMIN, Role.PEER_WORKER];

const REFERRALS = 'functions/api/referrals.ts';
const LIFECYCLE = 'functions/api/lifecycle.ts';
const WORK = 'functions/api/work.ts';
const WORKERS = 'functions/api/workers.ts';
const USERS = 'functions/api/users.ts';
const SUPERVISION = 'functions/api/supervision.ts';
const ALERTS = 'functions/api/alerts.ts';
const NOTIFICATIONS = 'functions/api/notifications.ts';
const REPORTS = 'functions/api/reports.ts';
const HEALTH = 'functions/api/health.ts';
const OPENAPI = 'functions/api/openapi.ts';

const referral = { 200: ReferralViewSchema };
const byId = { params: IdParamsSchema };

export const routes = defineRoutes({
  // --- referrals -------------------------------------------------------------------------------------
  submitReferral: {
    method: 'POST',
    path: '/referrals',
    roles: CLINICIAN,
    tag: 'Referrals',
    summary: 'Submit a referral',
    description:
      'Honours `Idempotency-Key` (scoped to the caller): a replay returns the first response; the same key ' +
      'with a different body is 422. A possible duplicate is for staff: an alert and their view only.',
    request: { body: ReferralInputSchema },
    responses: { 201: ReferralViewSchema },
    errors: [422],
    idempotent: true,
    handler: { file: REFERRALS, export: 'submit' },
  },
  listReferrals: {
    method: 'GET',
    path: '/referrals',
    roles: ALL,
    tag: 'Referrals',
    summary: 'List referrals',
    description:
      "Coordinators and admins: the region's queue (most urgent, then oldest, first). Clinicians: the " +
      'referrals they made. Peer workers: their own clients.',
    request: { query: ReferralListQuerySchema },
    responses: { 200: listOf(ReferralViewSchema) },
    handler: { file: REFERRALS, export: 'list' },
  },
  getReferral: {
    method: 'GET',
    path: '/referrals/{id}',
    roles: ALL,
    tag: 'Referrals',
    summary: 'Read a referral (role-scoped view)',
    description:
      'The referral with its goals and sessions as the caller’s role may see it: a clinician sees the stage, the worker’s first name and the closure, never session notes. Each read is access-logged (ids only).',
    request: byId,
    responses: referral,
    handler: { file: REFERRALS, export: 'get' },
  },
  correctReferral: {
    method: 'PATCH',
    path: '/referrals/{id}',
    roles: [Role.CLINICIAN, ...STAFF],
    tag: 'Referrals',
    summary: 'Correct a referral',
    description:
      'Replaces the sections sent; `version` as read (a stale version is 409). The referring clinician may ' +
      'correct until the referral is matched. Every correction writes an audit event naming the fields.',
    request: { ...byId, body: ReferralPatchSchema },
    responses: referral,
    errors: [409],
    handler: { file: REFERRALS, export: 'correct' },
  },
  referralHistory: {
    method: 'GET',
    path: '/referrals/{id}/history',
    roles: STAFF,
    tag: 'Referrals',
    summary: "A referral's audit events",
    description:
      'The append-only audit events of a referral, oldest first: who moved it, when, from which stage to which, and which fields a correction changed.',
    request: { ...byId, query: ListQuerySchema },
    responses: { 200: listOf(AuditEventViewSchema) },
    handler: { file: REFERRALS, export: 'history' },
  },
  rereferReferral: {
    method: 'POST',
    path: '/referrals/{id}/rerefer',
    roles: CLINICIAN,
    tag: 'Referrals',
    summary: 'Re-refer a closed or declined referral',
    description:
      'Creates a new referral prefilled from this one, with `previousReferralId`; sections sent replace the ' +
      'copied ones. Matching then prefers the previous worker.',
    request: { ...byId, body: RereferInputSchema },
    responses: { 201: ReferralViewSchema },
    errors: [409],
    handler: { file: REFERRALS, export: 'rerefer' },
  },

  // --- lifecycle -------------------------------------------------------------------------------------
  acceptReferral: {
    method: 'POST',
    path: '/referrals/{id}/accept',
    roles: STAFF,
    event: 'accept',
    tag: 'Lifecycle',
    summary: 'Accept at triage (REFERRED → AWAITING_MATCH)',
    description:
      'Triage accepts the referral: it waits for a match. 409 when the referral is no longer REFERRED.',
    request: byId,
    responses: referral,
    errors: [409],
    handler: { file: LIFECYCLE, export: 'accept' },
  },
  declineReferral: {
    method: 'POST',
    path: '/referrals/{id}/decline',
    roles: STAFF,
    event: 'decline',
    tag: 'Lifecycle',
    summary: 'Decline at triage (REFERRED → DECLINED)',
    description:
      'Triage declines the referral with a reason; the referring clinician is told. 409 when it is no longer REFERRED.',
    request: { ...byId, body: DeclineInputSchema },
    responses: referral,
    errors: [409],
    handler: { file: LIFECYCLE, export: 'decline' },
  },
  referralCandidates: {
    method: 'GET',
    path: '/referrals/{id}/candidates',
    roles: STAFF,
    tag: 'Lifecycle',
    summary: 'Suggested workers, each score explained; excluded workers with the reason',
    description:
      'The region’s workers ranked for this referral, each score explained per criterion; workers who are inactive, at capacity or miss a must-have are listed as excluded, with the reason. The coordinator chooses.',
    request: byId,
    responses: { 200: CandidatesViewSchema },
    handler: { file: LIFECYCLE, export: 'candidates' },
  },
  matchReferral: {
    method: 'POST',
    path: '/referrals/{id}/match',
    roles: STAFF,
    event: 'match',
    tag: 'Lifecycle',
    summary: 'Match with a worker (AWAITING_MATCH → GOAL_SETTING)',
    description: 'One of two concurrent matches wins; the other is 409. A worker at capacity is 409.',
    request: { ...byId, body: MatchInputSchema },
    responses: referral,
    errors: [409],
    handler: { file: LIFECYCLE, export: 'match' },
  },
  reassignReferral: {
    method: 'POST',
    path: '/referrals/{id}/reassign',
    roles: STAFF,
    event: 'reassign',
    tag: 'Lifecycle',
    summary: 'Move the client to another worker (GOAL_SETTING, IN_SESSIONS, ON_HOLD)',
    description:
      'Moves the client to another worker in the same transaction that releases the first worker’s slot; the new worker is alerted. 409 when the new worker is at capacity.',
    request: { ...byId, body: ReassignInputSchema },
    responses: referral,
    errors: [409],
    handler: { file: LIFECYCLE, export: 'reassign' },
  },
  setGoals: {
    method: 'POST',
    path: '/referrals/{id}/goals',
    roles: WORKER,
    event: 'setGoals',
    tag: 'Lifecycle',
    summary: "Set the client's goals (GOAL_SETTING → IN_SESSIONS); later calls add goals",
    description:
      'The client’s own goals, set with the worker; each gets a baseline rating of −1. The first call moves the referral to IN_SESSIONS.',
    request: { ...byId, body: GoalsInputSchema },
    responses: referral,
    errors: [409],
    handler: { file: LIFECYCLE, export: 'setGoals' },
  },
  holdReferral: {
    method: 'POST',
    path: '/referrals/{id}/hold',
    roles: STAFF_AND_WORKER,
    event: 'hold',
    tag: 'Lifecycle',
    summary: 'Put on hold (IN_SESSIONS → ON_HOLD)',
    description:
      'Pauses the relationship (a hospital stay, travel…): the no-session timer stops and a hold review becomes due.',
    request: { ...byId, body: HoldInputSchema },
    responses: referral,
    errors: [409],
    handler: { file: LIFECYCLE, export: 'hold' },
  },
  resumeReferral: {
    method: 'POST',
    path: '/referrals/{id}/resume',
    roles: STAFF_AND_WORKER,
    event: 'resume',
    tag: 'Lifecycle',
    summary: 'Resume sessions (ON_HOLD → IN_SESSIONS)',
    description: 'Returns from ON_HOLD to IN_SESSIONS; the no-session timer starts again.',
    request: { ...byId, body: ResumeBodySchema },
    responses: referral,
    errors: [409],
    handler: { file: LIFECYCLE, export: 'resume' },
  },
  goalsAchieved: {
    method: 'POST',
    path: '/referrals/{id}/goals-achieved',
    roles: WORKER,
    event: 'goalsAchieved',
    tag: 'Lifecycle',
    summary: 'Mark goals achieved (IN_SESSIONS → GOALS_ACHIEVED)',
    description: 'The worker says the client’s goals are reached; a coordinator confirms the closure.',
    request: byId,
    responses: referral,
    errors: [409],
    handler: { file: LIFECYCLE, export: 'goalsAchieved' },
  },
  closeReferral: {
    method: 'POST',
    path: '/referrals/{id}/close',
    roles: STAFF,
    event: 'close',
    tag: 'Lifecycle',
    summary: 'Close (confirms GOALS_ACHIEVED; an early close from any other open stage)',
    description:
      'Closes with a reason and a summary for the referrer. From GOALS_ACHIEVED it confirms the closure; from any other open stage it is an early close. The worker’s slot is released.',
    request: { ...byId, body: ClosureInputSchema },
    responses: referral,
    errors: [409],
    handler: { file: LIFECYCLE, export: 'close' },
  },
  withdrawReferral: {
    method: 'POST',
    path: '/referrals/{id}/withdraw',
    roles: CLINICIAN,
    event: 'withdraw',
    tag: 'Lifecycle',
    summary: 'Withdraw (the referring clinician; closes with reason WITHDRAWN)',
    description:
      'The referring clinician withdraws their referral from any open stage; it closes with reason WITHDRAWN.',
    request: { ...byId, body: WithdrawInputSchema },
    responses: referral,
    errors: [409],
    handler: { file: LIFECYCLE, export: 'withdraw' },
  },

  // --- the worker's work with the client ------------------------------------------------------------
  rateGoal: {
    method: 'POST',
    path: '/referrals/{id}/goals/{goalId}/ratings',
    roles: WORKER,
    tag: 'Work',
    summary: 'Rate a goal (goal-attainment scale −2…+2)',
    description:
      'A goal-attainment rating from −2 (much less than expected) to +2 (much more); the latest at closure counts in the T-score.',
    request: { params: GoalParamsSchema, body: GoalRatingInputSchema },
    responses: { 201: GoalViewSchema },
    errors: [409],
    handler: { file: WORK, export: 'rateGoal' },
  },
  logSession: {
    method: 'POST',
    path: '/referrals/{id}/sessions',
    roles: WORKER,
    tag: 'Work',
    summary: 'Log a session (GOAL_SETTING, IN_SESSIONS)',
    description: 'With `debriefNeeded`, a supervision debrief becomes due within 72 hours.',
    request: { ...byId, body: SessionInputSchema },
    responses: { 201: SessionViewSchema },
    errors: [409],
    handler: { file: WORK, export: 'logSession' },
  },
  correctSession: {
    method: 'PATCH',
    path: '/referrals/{id}/sessions/{sessionId}',
    roles: WORKER,
    tag: 'Work',
    summary: 'Correct a session (`version` as read)',
    description:
      'Corrects a logged session; the audit event records which fields changed. 409 when `version` is not the one read.',
    request: { params: SessionParamsSchema, body: SessionPatchSchema },
    responses: { 200: SessionViewSchema },
    errors: [409],
    handler: { file: WORK, export: 'correctSession' },
  },
  raiseConcern: {
    method: 'POST',
    path: '/referrals/{id}/concerns',
    roles: WORKER,
    tag: 'Work',
    summary: 'Raise a concern: alerts the coordinators and the referrer at once',
    description: 'PeerPath is not an emergency service: in an emergency call 911.',
    request: { ...byId, body: ConcernInputSchema },
    responses: { 201: ConcernViewSchema },
    errors: [409],
    handler: { file: WORK, export: 'raiseConcern' },
  },

  // --- roster and accounts --------------------------------------------------------------------------
  listWorkers: {
    method: 'GET',
    path: '/workers',
    roles: STAFF,
    tag: 'Workers',
    summary: "The region's roster",
    description: 'The region’s peer support workers, by last name; `active` filters.',
    request: { query: WorkerListQuerySchema },
    responses: { 200: listOf(WorkerViewSchema) },
    handler: { file: WORKERS, export: 'list' },
  },
  createWorker: {
    method: 'POST',
    path: '/workers',
    roles: STAFF,
    tag: 'Workers',
    summary: 'Add a worker (creates their login; their id is its `sub`)',
    description:
      'Adds a worker to the roster and creates their login in the region’s user pool; the worker’s id is that user’s `sub`.',
    request: { body: WorkerInputSchema },
    responses: { 201: WorkerViewSchema },
    errors: [409],
    handler: { file: WORKERS, export: 'create' },
  },
  getWorker: {
    method: 'GET',
    path: '/workers/{id}',
    roles: STAFF_AND_WORKER,
    tag: 'Workers',
    summary: 'A worker with caseload and paid minutes per month (a peer worker: only their own)',
    description: 'A worker’s profile with their current caseload and their paid session minutes per month.',
    request: byId,
    responses: { 200: WorkerViewSchema },
    handler: { file: WORKERS, export: 'get' },
  },
  correctWorker: {
    method: 'PATCH',
    path: '/workers/{id}',
    roles: STAFF_AND_WORKER,
    tag: 'Workers',
    summary: "Correct a worker's profile (`version` as read; a peer worker: only their own)",
    description:
      'Corrects a worker’s profile; lowering `maxCaseload` below the current load is allowed and only blocks new matches.',
    request: { ...byId, body: WorkerPatchSchema },
    responses: { 200: WorkerViewSchema },
    errors: [409],
    handler: { file: WORKERS, export: 'correct' },
  },
  listUsers: {
    method: 'GET',
    path: '/users',
    roles: STAFF,
    tag: 'Users',
    summary: "The region's accounts",
    description: 'The region’s user accounts with their role and whether they are enabled; `role` filters.',
    request: { query: UserListQuerySchema },
    responses: { 200: listOf(DirectoryUserSchema) },
    handler: { file: USERS, export: 'list' },
  },
  createUser: {
    method: 'POST',
    path: '/users',
    roles: STAFF,
    tag: 'Users',
    summary: 'Create an account (coordinators: clinicians and workers; admins: coordinators too)',
    description:
      'Creates a login in the region’s user pool with one role; the person receives an invitation.',
    request: { body: CreateUserBodySchema },
    responses: { 201: CreatedUserSchema },
    errors: [409],
    handler: { file: USERS, export: 'create' },
  },

  // --- supervision, alerts, reports -----------------------------------------------------------------
  listDebriefs: {
    method: 'GET',
    path: '/debriefs',
    roles: STAFF,
    tag: 'Supervision',
    summary: 'Debriefs due in the region',
    description: 'Supervision debriefs requested after sessions, due within 72 hours; `done` filters.',
    request: { query: DebriefListQuerySchema },
    responses: { 200: listOf(DebriefViewSchema) },
    handler: { file: SUPERVISION, export: 'list' },
  },
  completeDebrief: {
    method: 'POST',
    path: '/debriefs/{id}/done',
    roles: STAFF,
    tag: 'Supervision',
    summary: 'Mark a debrief done',
    description: 'Marks a debrief done, which stops its overdue alert.',
    request: byId,
    responses: { 200: DebriefViewSchema },
    errors: [409],
    handler: { file: SUPERVISION, export: 'done' },
  },
  listAlerts: {
    method: 'GET',
    path: '/alerts',
    roles: ALL,
    tag: 'Alerts',
    summary: "The caller's alerts, newest first",
    description:
      'The alerts addressed to the caller (ids, kinds and stages only), newest first; `acknowledged` filters.',
    request: { query: AlertListQuerySchema },
    responses: { 200: listOf(AlertViewSchema) },
    handler: { file: ALERTS, export: 'list' },
  },
  acknowledgeAlert: {
    method: 'POST',
    path: '/alerts/{id}/ack',
    roles: ALL,
    tag: 'Alerts',
    summary: 'Acknowledge an alert (it expires 90 days later)',
    description: 'Acknowledges one of the caller’s alerts; it expires 90 days later.',
    request: byId,
    responses: { 200: AlertViewSchema },
    handler: { file: ALERTS, export: 'acknowledge' },
  },
  acknowledgeAlerts: {
    method: 'POST',
    path: '/alerts/ack',
    roles: ALL,
    tag: 'Alerts',
    summary: "Acknowledge several of the caller's alerts: by `ids`, or every one of a `kind`",
    description:
      'Acknowledges the caller’s own alerts named by `ids` and/or every unacknowledged one of `kind`. ' +
      'Ids of other people’s alerts are ignored. An empty body is 400.',
    request: { body: AlertAckManySchema },
    responses: { 200: AlertAckManyViewSchema },
    handler: { file: ALERTS, export: 'acknowledgeMany' },
  },
  getNotificationPreferences: {
    method: 'GET',
    path: '/me/notifications',
    roles: ALL,
    tag: 'Alerts',
    summary: 'How the caller is told about alerts: email at once, a daily digest or off; SMS for urgent ones',
    description:
      'The caller’s preferences, or the defaults (email at once; SMS for urgent ones with a phone).',
    responses: { 200: NotificationPreferencesViewSchema },
    handler: { file: NOTIFICATIONS, export: 'get' },
  },
  putNotificationPreferences: {
    method: 'PUT',
    path: '/me/notifications',
    roles: ALL,
    tag: 'Alerts',
    summary: "Set the caller's notification preferences (URGENT concerns reach coordinators regardless)",
    description: 'Both fields; an unknown value is 400 and changes nothing.',
    request: { body: NotificationPreferencesSchema },
    responses: { 200: NotificationPreferencesViewSchema },
    handler: { file: NOTIFICATIONS, export: 'put' },
  },
  reportSummary: {
    method: 'GET',
    path: '/reports/summary',
    roles: STAFF,
    tag: 'Reports',
    summary: 'Flow, time to match and to closure, closure reasons, sessions, paid minutes, T-scores',
    description:
      'Program figures for referrals created or closed between `from` and `to` (America/Vancouver days, at most 400 days): flow by stage, days to match and to closure, closure reasons, sessions by mode, minutes per worker per month and T-scores.',
    request: { query: ReportQuerySchema },
    responses: { 200: ReportSummarySchema },
    handler: { file: REPORTS, export: 'summary' },
  },

  ...groupRoutes,
  ...resourceRoutes,

  // --- public ---------------------------------------------------------------------------------------
  health: {
    method: 'GET',
    path: '/health',
    roles: [],
    public: true,
    tag: 'Service',
    summary: 'Liveness',
    description: 'Liveness of the API: answers 200 when the handler runs.',
    responses: { 200: HealthSchema },
    handler: { file: HEALTH, export: 'health' },
  },
  openapi: {
    method: 'GET',
    path: '/openapi.json',
    roles: [],
    public: true,
    tag: 'Service',
    summary: 'This API as an OpenAPI 3.1 document',
    description: 'This API as an OpenAPI 3.1 document, built from the route table and its zod schemas.',
    responses: { 200: OpenApiDocumentSchema },
    handler: { file: OPENAPI, export: 'openapi' },
  },
  docs: {
    method: 'GET',
    path: '/docs',
    roles: [],
    public: true,
    tag: 'Service',
    summary: 'The interactive API reference (try calls with a bearer token)',
    description:
      'The interactive API reference: browse the operations, paste a bearer token and try a call against a region’s server.',
    responses: { 200: null },
    produces: 'text/html',
    handler: { file: OPENAPI, export: 'docs' },
  },
  ...workforceRoutes,

  // --- daily tools (issue 18): search, exports, planned sessions, goals, handover ----------------------
  ...searchRoutes,
  ...exportRoutes,
});

export type RouteId = keyof typeof routes;

/** Every route, in table order. */
export const ROUTES: readonly RouteSpec[] = Object.values(routes);

export function findRoute(id: string): RouteSpec | undefined {
  return ROUTES.find((route) => route.id === id);
}
