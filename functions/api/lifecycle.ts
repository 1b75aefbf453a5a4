import { ROUTES, routes } from '#api/routes.ts';
import { NotFoundError } from '#app/errors.ts';
import { addGoals } from '#data/goals.ts';
import { getReferral } from '#data/referrals/reads.ts';
import type { Store } from '#data/store.ts';
import { listAllWorkers } from '#data/workers.ts';
import { ValidationError } from '#domain/errors.ts';
import { Stage } from '#domain/lifecycle.ts';
import { rankCandidates } from '#domain/matching.ts';
import type { Referral } from '#domain/referral.ts';
import type { TransitionCommand } from '#domain/transition-plan.ts';
import type { Goal, Session } from '#domain/work.ts';
import type { Caller } from '#http/auth.ts';
import { type ApiResult, apiHandler, json, logAccess, routeDispatcher } from '#http/middleware.ts';
import { applyTransition } from '#services/transitions.ts';
import { canSee, depsFor, referralDetailsFor, referralFor } from './access.ts';
import { referralView } from './views.ts';

/**
 * The lifecycle routes: each one is `applyTransition` (the data layer's one conditional transaction, then
 * the state machine's wait completed) with the caller's role as the actor, answering 200 with the caller's
 * view of the referral. Whether the caller may see the referral is decided on the very read the transition
 * makes (404 otherwise), so a transition costs a GetItem and a TransactWriteItems (plus the worker's
 * GetItem on match and reassign). Stage and role rules are the lifecycle table's (409 otherwise).
 */

async function move(
  caller: Caller,
  route: { id: string },
  referralId: string,
  command: TransitionCommand,
  extras: { goals?: readonly Goal[]; sessions?: readonly Session[]; accessLogged?: boolean } = {},
): Promise<ApiResult> {
  const applied = await applyTransition(depsFor(caller), {
    referralId,
    ...command,
    actor: { sub: caller.sub, role: caller.role },
    authorize: (referral) => {
      if (!canSee(caller, referral)) throw new NotFoundError();
    },
  });
  if (!extras.accessLogged) {
    logAccess({ callerSub: caller.sub, role: caller.role, referralId, route: route.id });
  }
  const goals = applied.goals ? [...(extras.goals ?? []), ...applied.goals] : extras.goals;
  return json(
    200,
    referralView(caller, applied.referral, {
      ...(goals ? { goals } : {}),
      ...(extras.sessions ? { sessions: extras.sessions } : {}),
    }),
  );
}

/** A worker id that is not on this region's roster is bad input (400), not a missing referral (404). */
async function withWorker<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof NotFoundError && error.entity === 'Worker') {
      throw new ValidationError('The request is invalid', [
        { path: 'workerId', message: 'No such worker in this region' },
      ]);
    }
    throw error;
  }
}

/** On a re-referral, the worker the client had before (matching prefers them). */
async function previousWorkerOf(store: Store, referral: Referral): Promise<string | undefined> {
  if (referral.previousReferralId === undefined) return undefined;
  try {
    return (await getReferral(store, referral.previousReferralId)).workerId;
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  }
}

export const accept = apiHandler(routes.acceptReferral, async ({ caller, params }) =>
  move(caller, routes.acceptReferral, params.id, { event: 'accept' }),
);

export const decline = apiHandler(routes.declineReferral, async ({ caller, params, body }) =>
  move(caller, routes.declineReferral, params.id, {
    event: 'decline',
    reason: body.reason,
    summary: body.summary,
  }),
);

export const candidates = apiHandler(routes.referralCandidates, async ({ caller, params }) => {
  const referral = await referralFor(caller, params.id, routes.referralCandidates.id);
  const { store } = depsFor(caller);
  const [workers, previousWorkerId] = await Promise.all([
    listAllWorkers(store),
    previousWorkerOf(store, referral),
  ]);
  const ranking = rankCandidates(
    {
      details: referral.details,
      ...(referral.previousReferralId ? { previousReferralId: referral.previousReferralId } : {}),
      ...(previousWorkerId ? { previousWorkerId } : {}),
    },
    workers,
  );
  return json(200, ranking);
});

export const match = apiHandler(routes.matchReferral, async ({ caller, params, body }) =>
  withWorker(() =>
    move(caller, routes.matchReferral, params.id, { event: 'match', workerId: body.workerId }),
  ),
);

export const reassign = apiHandler(routes.reassignReferral, async ({ caller, params, body }) =>
  withWorker(() =>
    move(caller, routes.reassignReferral, params.id, {
      event: 'reassign',
      workerId: body.workerId,
      reason: body.reason,
    }),
  ),
);

/**
 * The client's goals: in GOAL_SETTING the first ones, with the move to IN_SESSIONS; in IN_SESSIONS more
 * goals (no transition). One Query reads the referral with its goals and sessions (and checks it is this
 * worker's client); then one transaction.
 */
export const setGoals = apiHandler(routes.setGoals, async ({ caller, params, body }) => {
  const route = routes.setGoals;
  const { referral, goals, sessions } = await referralDetailsFor(caller, params.id, route.id);
  if (referral.stage !== Stage.IN_SESSIONS) {
    return move(
      caller,
      route,
      params.id,
      { event: 'setGoals', goals: body.goals },
      { goals, sessions, accessLogged: true },
    );
  }
  const added = await addGoals(depsFor(caller).store, {
    referralId: referral.id,
    goals: body.goals,
    actor: { sub: caller.sub, role: caller.role },
  });
  return json(200, referralView(caller, referral, { goals: [...goals, ...added], sessions }));
});

export const hold = apiHandler(routes.holdReferral, async ({ caller, params, body }) =>
  move(caller, routes.holdReferral, params.id, { event: 'hold', reason: body.reason }),
);

export const resume = apiHandler(routes.resumeReferral, async ({ caller, params, body }) =>
  move(caller, routes.resumeReferral, params.id, {
    event: 'resume',
    ...(body.reason ? { reason: body.reason } : {}),
  }),
);

export const goalsAchieved = apiHandler(routes.goalsAchieved, async ({ caller, params }) =>
  move(caller, routes.goalsAchieved, params.id, { event: 'goalsAchieved' }),
);

export const close = apiHandler(routes.closeReferral, async ({ caller, params, body }) =>
  move(caller, routes.closeReferral, params.id, {
    event: 'close',
    reason: body.reason,
    summary: body.summary,
  }),
);

export const withdraw = apiHandler(routes.withdrawReferral, async ({ caller, params, body }) =>
  move(caller, routes.withdrawReferral, params.id, { event: 'withdraw', reason: body.reason }),
);

export const dispatch = routeDispatcher(ROUTES, 'functions/api/lifecycle.ts', {
  accept,
  decline,
  candidates,
  match,
  reassign,
  setGoals,
  hold,
  resume,
  goalsAchieved,
  close,
  withdraw,
});
