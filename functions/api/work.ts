import { ROUTES, routes } from '#api/routes.ts';
import type { EventPublisher } from '#app/ports.ts';
import { newId } from '#data/common.ts';
import type { Actor } from '#data/events.ts';
import { rateGoal as rateGoalData } from '#data/goals.ts';
import { logSession as logSessionData, patchSession } from '#data/sessions.ts';
import { IllegalTransitionError } from '#domain/errors.ts';
import { isAssigned } from '#domain/lifecycle.ts';
import { settingsFromEnv, timersFromEnv } from '#domain/settings.ts';
import type { Session } from '#domain/work.ts';
import type { Caller } from '#http/auth.ts';
import { apiHandler, json, logAccess, routeDispatcher } from '#http/middleware.ts';
import {
  type AlertDeps,
  type AlertTarget,
  COORDINATORS,
  deterministicAlertId,
  raiseAlert,
  userTarget,
} from '#services/alerts.ts';
import { depsFor, referralFor } from './access.ts';
import { goalView, sessionView } from './views.ts';

/**
 * The matched worker's work with the client: goal ratings, sessions (and their corrections), concerns.
 * A worker acts only on clients matched to them (404 otherwise, as if absent). Each call is at most three
 * DynamoDB requests on its happy path, plus two for an alert it raises (the recipients' preferences, then
 * the alert with its deliveries). Alerts carry ids and codes only: never a note or a typed word.
 */

const actorOf = (caller: Caller): Actor => ({ sub: caller.sub, role: caller.role });

/** `timers.debrief` of this deployment (`TIMERS`, JSON seconds, as the workflow tasks read it). */
function debriefDueSeconds(env: Readonly<Record<string, string | undefined>> = process.env): number {
  return timersFromEnv(env).debrief;
}

/**
 * Tells the region's coordinators a debrief was asked for. The id is derived from the session, so a
 * correction that asks again does not alert twice. The session is already saved: if the alert cannot be
 * written now, the debrief is still listed and its overdue sweep alerts later, so this never fails the call.
 */
async function alertDebriefRequested(
  caller: Pick<Caller, 'region'>,
  session: Session,
  log: (entry: Record<string, unknown>) => void,
): Promise<void> {
  try {
    await raiseAlert(alertDepsFor(caller), {
      id: deterministicAlertId(`debrief-requested|${session.id}`, session.createdAt),
      target: COORDINATORS,
      kind: 'DEBRIEF_REQUESTED',
      referralId: session.referralId,
      details: { sessionId: session.id, workerId: session.workerId },
    });
  } catch (error) {
    log({
      msg: 'debrief alert not written',
      referralId: session.referralId,
      sessionId: session.id,
      error: (error as { name?: string }).name ?? 'Error',
    });
  }
}

const NOT_PUBLISHED: EventPublisher = { publish: async () => {} };

/** What raising an alert needs, from the caller's region's API dependencies. */
function alertDepsFor(caller: Pick<Caller, 'region'>): AlertDeps {
  const deps = depsFor(caller);
  return { store: deps.store, directory: deps.users, events: deps.events ?? NOT_PUBLISHED };
}

export const rateGoal = apiHandler(routes.rateGoal, async ({ caller, params, body }) => {
  await referralFor(caller, params.id, routes.rateGoal.id);
  const goal = await rateGoalData(depsFor(caller).store, {
    referralId: params.id,
    goalId: params.goalId,
    rating: body.rating,
    ...(body.note !== undefined ? { note: body.note } : {}),
    actor: actorOf(caller),
  });
  return json(201, goalView(goal));
});

export const logSession = apiHandler(routes.logSession, async ({ caller, params, body }) => {
  const { store, log } = depsFor(caller);
  let session: Session;
  try {
    // The data layer reads the referral and refuses one that is not this worker's (404) or not in a
    // session stage (409): no separate read first.
    session = await logSessionData(store, {
      referralId: params.id,
      workerId: caller.sub,
      input: body,
      actor: actorOf(caller),
      debriefDueSeconds: debriefDueSeconds(),
      maxPaidMinutesPerDay: settingsFromEnv(process.env).maxPaidMinutesPerDay,
    });
  } catch (error) {
    // A 409 must not tell a worker that someone else's client exists: 404 unless it is theirs.
    if (error instanceof IllegalTransitionError) await referralFor(caller, params.id, routes.logSession.id);
    throw error;
  }
  logAccess({ callerSub: caller.sub, role: caller.role, referralId: params.id, route: routes.logSession.id });
  if (session.debriefNeeded) await alertDebriefRequested(caller, session, log);
  return json(201, sessionView(session));
});

export const correctSession = apiHandler(routes.correctSession, async ({ caller, params, body }) => {
  const { store, log } = depsFor(caller);
  const { version, ...patch } = body;
  let session: Session;
  try {
    // `workerId`: a session someone else logged, or on a client no longer assigned to the caller, is not
    // found (before its version or the referral's stage is compared).
    session = await patchSession(store, {
      referralId: params.id,
      sessionId: params.sessionId,
      version,
      patch,
      actor: actorOf(caller),
      debriefDueSeconds: debriefDueSeconds(),
      maxPaidMinutesPerDay: settingsFromEnv(process.env).maxPaidMinutesPerDay,
      workerId: caller.sub,
    });
  } catch (error) {
    // A closed client's last worker is still named on it: 409 only while the client is theirs.
    if (error instanceof IllegalTransitionError)
      await referralFor(caller, params.id, routes.correctSession.id);
    throw error;
  }
  logAccess({
    callerSub: caller.sub,
    role: caller.role,
    referralId: params.id,
    route: routes.correctSession.id,
  });
  if (patch.debriefNeeded === true) await alertDebriefRequested(caller, session, log);
  return json(200, sessionView(session));
});

export const raiseConcern = apiHandler(routes.raiseConcern, async ({ caller, params, body }) => {
  const referral = await referralFor(caller, params.id, routes.raiseConcern.id);
  if (!isAssigned(referral.stage)) throw new IllegalTransitionError(referral.stage, 'raiseConcern');
  const { store } = depsFor(caller);
  // One id for the concern, used by both alerts (the coordinators' and the referrer's inbox); the
  // referrer's copy has no worker id (raiseAlert drops it for a clinician).
  const id = newId(store);
  const deps = alertDepsFor(caller);
  const alert = (target: AlertTarget) =>
    raiseAlert(deps, {
      id,
      target,
      kind: 'CONCERN_RAISED',
      referralId: referral.id,
      stage: referral.stage,
      level: body.level,
      details: { category: body.category, workerId: caller.sub },
    });
  const [coordinators] = await Promise.all([alert(COORDINATORS), alert(userTarget(referral.referrerSub))]);
  return json(201, {
    id,
    referralId: referral.id,
    level: body.level,
    category: body.category,
    createdAt: coordinators.createdAt,
  });
});

export const dispatch = routeDispatcher(ROUTES, 'functions/api/work.ts', {
  rateGoal,
  logSession,
  correctSession,
  raiseConcern,
});
