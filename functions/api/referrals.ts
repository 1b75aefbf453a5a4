import { createHash } from 'node:crypto';
import { ROUTES, routes } from '#api/routes.ts';
import { IdempotencyConflictError, NotFoundError } from '#app/errors.ts';
import { IdempotencyKeyUsedError } from '#data/errors.ts';
import type { IdempotencyClaim } from '#data/idempotency.ts';
import { createReferral } from '#data/referrals/create.ts';
import { patchReferral, type ReferralChanges } from '#data/referrals/patch.ts';
import { listQueue } from '#data/referrals/queue.ts';
import { getReferral, listByReferrer, listByWorker } from '#data/referrals/reads.ts';
import { ValidationError } from '#domain/errors.ts';
import { FINAL_STAGES, type Stage } from '#domain/lifecycle.ts';
import {
  applyReferralPatch,
  type Referral,
  type ReferralInput,
  ReferralInputSchema,
} from '#domain/referral.ts';
import { Role } from '#domain/roles.ts';
import type { Caller } from '#http/auth.ts';
import { ConflictError } from '#http/errors.ts';
import {
  type ApiEvent,
  type ApiResult,
  apiHandler,
  json,
  logAccess,
  routeDispatcher,
} from '#http/middleware.ts';
import { startReferralWorkflow } from '#services/transitions.ts';
import { canSee, depsFor, referralDetailsFor, referralFor } from './access.ts';
import type { ApiDeps } from './deps.ts';
import { auditEventView, pageOf, referralView } from './views.ts';

/**
 * Referrals: submission (idempotent per caller and key), the role-scoped list and view, corrections, the
 * audit history and re-referral. The lifecycle's transitions are in lifecycle.ts.
 */

const actorOf = (caller: Caller) => ({ sub: caller.sub, role: caller.role });

/** Every referral whose details a response carries is an access-log line (ids only). */
function logged(caller: Caller, route: string, referrals: readonly Pick<Referral, 'id'>[]): void {
  for (const referral of referrals) {
    logAccess({ callerSub: caller.sub, role: caller.role, referralId: referral.id, route });
  }
}

/** `/referrals/{id}` within this region's API (the local gateway mounts each region under `/{region}`). */
function locationOf(event: ApiEvent, id: string): string {
  const region = event.pathParameters?.region;
  return `${region ? `/${region}` : ''}/referrals/${id}`;
}

/**
 * Starts the new referral's state machine. A failure is not the caller's: the referral stands and the
 * reconciler starts its execution later, so it is logged (ids only) and the submission still succeeds.
 */
async function startWorkflow(deps: ApiDeps, referral: Referral): Promise<void> {
  try {
    await startReferralWorkflow(deps, referral);
  } catch (error) {
    deps.log({
      msg: 'workflow not started; the reconciler will start it',
      referralId: referral.id,
      error: (error as { name?: string }).name ?? 'Error',
    });
  }
}

const created = (caller: Caller, event: ApiEvent, referral: Referral): ApiResult =>
  json(201, referralView(caller, referral), { location: locationOf(event, referral.id) });

/**
 * Stores a new referral, starts its workflow and answers 201 with the submitter's view. With an
 * `Idempotency-Key` claim, a key already used answers as the first request did (its referral, read again),
 * or 422 when it came with another body.
 */
async function submitted(
  caller: Caller,
  deps: ApiDeps,
  event: ApiEvent,
  input: { details: ReferralInput; previousReferralId?: string; idempotency?: IdempotencyClaim },
): Promise<ApiResult> {
  let referral: Referral;
  try {
    referral = await createReferral(deps.store, { ...input, referrerSub: caller.sub });
  } catch (error) {
    if (!(error instanceof IdempotencyKeyUsedError)) throw error;
    if (error.record.requestHash !== input.idempotency?.requestHash) {
      throw new IdempotencyConflictError({ cause: error });
    }
    return created(caller, event, await getReferral(deps.store, error.record.referralId));
  }
  await startWorkflow(deps, referral);
  return created(caller, event, referral);
}

// ---------------------------------------------------------------------------------------------------------
// Idempotency-Key
// ---------------------------------------------------------------------------------------------------------

const IDEMPOTENCY_KEY = /^[\x21-\x22\x24-\x7e]{1,255}$/;

/** The caller's key with the hash of this body, or undefined without an `Idempotency-Key` header. */
function idempotencyClaim(
  caller: Caller,
  headers: Record<string, string | undefined>,
  body: unknown,
): IdempotencyClaim | undefined {
  const key = headers['idempotency-key'];
  if (key === undefined) return undefined;
  if (!IDEMPOTENCY_KEY.test(key)) {
    throw new ValidationError('The request is invalid', [
      { path: 'headers.idempotency-key', message: 'Must be 1 to 255 visible ASCII characters, without #' },
    ]);
  }
  return { sub: caller.sub, key, requestHash: requestHash(body) };
}

/** JSON with sorted keys, so the same body in another key order is the same request. */
function requestHash(body: unknown): string {
  const canonical = JSON.stringify(body, (_key, value: unknown) =>
    value !== null && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : value,
  );
  return createHash('sha256').update(canonical).digest('hex');
}

// ---------------------------------------------------------------------------------------------------------
// Handlers
// ---------------------------------------------------------------------------------------------------------

export const submit = apiHandler(routes.submitReferral, async ({ caller, body, headers, event }) => {
  if (body.region !== caller.region) {
    throw new ValidationError('The request is invalid', [
      { path: 'region', message: 'Must be the region of this API' },
    ]);
  }
  const idempotency = idempotencyClaim(caller, headers, body);
  const result = await submitted(caller, depsFor(caller), event, {
    details: body,
    ...(idempotency ? { idempotency } : {}),
  });
  logged(caller, routes.submitReferral.id, [result.body as Referral]);
  return result;
});

export const list = apiHandler(routes.listReferrals, async ({ caller, query }) => {
  const { store } = depsFor(caller);
  const { stage, limit, nextToken } = query;
  const paging = { limit, ...(nextToken ? { nextToken } : {}) };
  const ofStage = (referral: Referral) => stage === undefined || referral.stage === stage;
  let page: { items: Referral[]; nextToken?: string };
  switch (caller.role) {
    case Role.COORDINATOR:
    case Role.ADMIN:
      page = await listQueue(store, { ...paging, ...(stage ? { stage: stage as Stage } : {}) });
      break;
    case Role.CLINICIAN: {
      // Newest first; a stage filter applies within each page (a page may then hold fewer than `limit`).
      const mine = await listByReferrer(store, caller.sub, paging);
      page = { ...mine, items: mine.items.filter(ofStage) };
      break;
    }
    default:
      page = pageOf((await listByWorker(store, caller.sub)).filter(ofStage), paging);
  }
  const items = page.items.filter((referral) => canSee(caller, referral));
  logged(caller, routes.listReferrals.id, items);
  return json(200, {
    items: items.map((referral) => referralView(caller, referral)),
    ...(page.nextToken ? { nextToken: page.nextToken } : {}),
  });
});

export const get = apiHandler(routes.getReferral, async ({ caller, params }) => {
  const { referral, goals, sessions } = await referralDetailsFor(caller, params.id, routes.getReferral.id);
  return json(200, referralView(caller, referral, { goals, sessions }));
});

export const correct = apiHandler(routes.correctReferral, async ({ caller, params, body }) => {
  const { version, ...patch } = body;
  const referral = await patchReferral(depsFor(caller).store, {
    id: params.id,
    version,
    patch: patch as ReferralChanges,
    actor: actorOf(caller),
    authorize: (current) => {
      if (!canSee(caller, current)) throw new NotFoundError();
    },
  });
  logged(caller, routes.correctReferral.id, [referral]);
  return json(200, referralView(caller, referral));
});

export const history = apiHandler(routes.referralHistory, async ({ caller, params, query }) => {
  const { events } = await referralDetailsFor(caller, params.id, routes.referralHistory.id);
  const page = pageOf(events, {
    limit: query.limit,
    ...(query.nextToken ? { nextToken: query.nextToken } : {}),
  });
  return json(200, { ...page, items: page.items.map(auditEventView) });
});

export const rerefer = apiHandler(routes.rereferReferral, async ({ caller, params, body, event }) => {
  const previous = await referralFor(caller, params.id, routes.rereferReferral.id);
  if (!FINAL_STAGES.includes(previous.stage)) {
    throw new ConflictError('Only a closed or declined referral can be re-referred', 'IllegalTransition');
  }
  // The copied form is checked again as a new submission (a consent that has expired since must be renewed).
  const details = ReferralInputSchema.parse({
    ...applyReferralPatch(previous.details, body),
    region: caller.region,
  });
  const result = await submitted(caller, depsFor(caller), event, {
    details,
    previousReferralId: previous.id,
  });
  logged(caller, routes.rereferReferral.id, [result.body as Referral]);
  return result;
});

export const dispatch = routeDispatcher(ROUTES, 'functions/api/referrals.ts', {
  submit,
  list,
  get,
  correct,
  history,
  rerefer,
});
