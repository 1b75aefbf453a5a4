import { createHash } from 'node:crypto';
import { IdempotencyConflictError } from '#data/errors.ts';
import {
  beginIdempotent,
  completeIdempotent,
  getIdempotencyRecord,
  type IdempotencyScope,
  releaseIdempotent,
} from '#data/idempotency.ts';
import {
  createReferral,
  listByReferrer,
  listByWorker,
  listQueue,
  patchReferral,
  type ReferralChanges,
} from '#data/referrals.ts';
import type { Store } from '#data/store.ts';
import { FINAL_STAGES, type Stage } from '#domain/lifecycle.ts';
import {
  applyReferralPatch,
  type Referral,
  type ReferralInput,
  ReferralInputSchema,
} from '#domain/referral.ts';
import { Role } from '#domain/roles.ts';
import type { Caller } from '#http/auth.ts';
import { ConflictError, HttpError, HttpNotFoundError, ValidationError } from '#http/errors.ts';
import {
  type ApiEvent,
  type ApiResult,
  apiHandler,
  json,
  logAccess,
  routeDispatcher,
} from '#http/middleware.ts';
import { startReferralWorkflow } from '../../workflows/commands.ts';
import { ROUTES, routes } from '../routes.ts';
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

/** Stores a new referral, starts its workflow and answers 201 with the submitter's view. */
async function submitted(
  caller: Caller,
  deps: ApiDeps,
  event: ApiEvent,
  details: ReferralInput,
  previousReferralId?: string,
): Promise<ApiResult> {
  const referral = await createReferral(deps.store, {
    details,
    referrerSub: caller.sub,
    ...(previousReferralId ? { previousReferralId } : {}),
  });
  await startWorkflow(deps, referral);
  return json(201, referralView(caller, referral), { location: locationOf(event, referral.id) });
}

// ---------------------------------------------------------------------------------------------------------
// Idempotency-Key
// ---------------------------------------------------------------------------------------------------------

const IDEMPOTENCY_KEY = /^[\x21-\x22\x24-\x7e]{1,255}$/;
/** How long a replay waits for the first request with its key to finish before answering 409. */
const IN_PROGRESS_WAIT_MS = 10_000;

function idempotencyScope(caller: Caller, headers: Record<string, string | undefined>) {
  const key = headers['idempotency-key'];
  if (key === undefined) return undefined;
  if (!IDEMPOTENCY_KEY.test(key)) {
    throw new ValidationError([
      { path: 'headers.idempotency-key', message: 'Must be 1 to 255 visible ASCII characters, without #' },
    ]);
  }
  return { sub: caller.sub, key };
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

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits for the request holding the key: its response, or undefined if it failed and freed the key. */
async function completionOf(
  store: Store,
  scope: IdempotencyScope,
  hash: string,
): Promise<ApiResult | undefined> {
  const deadline = Date.now() + IN_PROGRESS_WAIT_MS;
  for (let round = 0; Date.now() < deadline; round++) {
    await sleep(Math.min(20 * 2 ** round, 200));
    const record = await getIdempotencyRecord(store, scope);
    if (!record) return undefined;
    if (record.requestHash !== hash) throw new IdempotencyConflictError();
    if (record.state === 'COMPLETE') return record.response as ApiResult;
  }
  throw new HttpError(409, 'IdempotencyInProgress', 'A request with this Idempotency-Key is in progress', {
    headers: { 'retry-after': '1' },
  });
}

/**
 * Runs `work` once per (caller, key): the first request claims the key and does it; a replay gets the first
 * response (waiting while the first is still running); the same key with another body is 422 (thrown by
 * `beginIdempotent`). A failed first attempt frees the key so the client may retry with it.
 */
async function once(
  { store, log }: Pick<ApiDeps, 'store' | 'log'>,
  scope: IdempotencyScope | undefined,
  body: unknown,
  work: () => Promise<ApiResult>,
): Promise<ApiResult> {
  if (!scope) return work();
  const hash = requestHash(body);
  for (;;) {
    const begun = await beginIdempotent(store, { ...scope, requestHash: hash });
    if (begun.state === 'replay') return begun.response as ApiResult;
    if (begun.state === 'new') break;
    const first = await completionOf(store, scope, hash);
    if (first) return first;
    // The first attempt failed and freed the key: claim it again.
  }
  let result: ApiResult;
  try {
    result = await work();
  } catch (error) {
    await releaseIdempotent(store, scope).catch(() => undefined);
    throw error;
  }
  // The referral exists now: a failure to record the response must not turn its 201 into an error (a retry
  // after the lock would then create a second referral, flagged as a possible duplicate of this one).
  await completeIdempotent(store, { ...scope, response: result }).catch((error: unknown) => {
    log({ msg: 'idempotency record not completed', error: (error as { name?: string }).name ?? 'Error' });
  });
  return result;
}

// ---------------------------------------------------------------------------------------------------------
// Handlers
// ---------------------------------------------------------------------------------------------------------

export const submit = apiHandler(routes.submitReferral, async ({ caller, body, headers, event }) => {
  if (body.region !== caller.region) {
    throw new ValidationError([{ path: 'region', message: 'Must be the region of this API' }]);
  }
  const deps = depsFor(caller);
  const result = await once(deps, idempotencyScope(caller, headers), body, () =>
    submitted(caller, deps, event, body),
  );
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
      if (!canSee(caller, current)) throw new HttpNotFoundError();
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
  const result = await submitted(caller, depsFor(caller), event, details, previous.id);
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
