import { defineRoutes, type RouteSpec } from '#api/route.ts';
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
import { groupRoutes } from './routes-groups.ts';
import { resourceRoutes } from './routes-resources.ts';
import {
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
      'with a different body is 422. `possibleDuplicateOf` names an open referral for the same client.',
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
    request: byId,
    responses: { 200: AlertViewSchema },
    handler: { file: ALERTS, export: 'acknowledge' },
  },
  reportSummary: {
    method: 'GET',
    path: '/reports/summary',
    roles: STAFF,
    tag: 'Reports',
    summary: 'Flow, time to match and to closure, closure reasons, sessions, paid minutes, T-scores',
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
    responses: { 200: OpenApiDocumentSchema },
    handler: { file: OPENAPI, export: 'openapi' },
  },
  docs: {
    method: 'GET',
    path: '/docs',
    roles: [],
    public: true,
    tag: 'Service',
    summary: 'This API as a readable page (offline)',
    responses: { 200: null },
    produces: 'text/html',
    handler: { file: OPENAPI, export: 'docs' },
  },
});

export type RouteId = keyof typeof routes;

/** Every route, in table order. */
export const ROUTES: readonly RouteSpec[] = Object.values(routes);

export function findRoute(id: string): RouteSpec | undefined {
  return ROUTES.find((route) => route.id === id);
}
