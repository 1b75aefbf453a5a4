import { ROUTES, routes } from '#api/routes.ts';
import { NotFoundError, UserExistsError } from '#app/errors.ts';
import type { UserDirectory } from '#app/ports.ts';
import { programMonth } from '#data/common.ts';
import { facilitationMinutes } from '#data/meetings.ts';
import { listByWorker } from '#data/referrals/reads.ts';
import { minutesByWorkerMonth } from '#data/sessions.ts';
import type { Store } from '#data/store.ts';
import { createWorker, getWorker, listWorkers, patchWorker } from '#data/workers.ts';
import { type ProgramRegion, Role } from '#domain/roles.ts';
import type { Worker, WorkerInput } from '#domain/worker.ts';
import type { Caller } from '#http/auth.ts';
import { ForbiddenError } from '#http/errors.ts';
import { apiHandler, json, routeDispatcher } from '#http/middleware.ts';
import { depsFor } from './access.ts';

/**
 * The roster. Coordinators and admins manage their region's workers; a peer worker reads and corrects
 * only their own profile (anyone else's is 404), and never the fields the program decides (caseload,
 * active, training). Creating a worker creates their login first: the worker's id is the login's `sub`.
 */

/** Months of paid minutes on a worker's view: this one and the two before (program time zone). */
const MINUTES_MONTHS = 3;

/**
 * Fields only staff may change on a profile: what the program decides, and the matching attributes
 * (gender, languages, lived experience), which a worker editing their own would steer their matches.
 */
const STAFF_ONLY_FIELDS = [
  'maxCaseload',
  'active',
  'trainingCompleted',
  'gender',
  'languages',
  'livedExperience',
] as const;

const isStaff = (caller: Caller) => caller.role === Role.COORDINATOR || caller.role === Role.ADMIN;

export function workerView(worker: Worker, extra: Record<string, unknown> = {}) {
  const { caseloadUpdatedAt: _internal, ...view } = worker as Worker & { caseloadUpdatedAt?: string };
  return { ...view, ...extra };
}

/** `YYYY-MM` of this month and the `count - 1` before it, newest first. */
export function recentMonths(current: string, count: number): string[] {
  const [year, month] = current.split('-').map(Number) as [number, number];
  return Array.from({ length: count }, (_, back) => {
    const date = new Date(Date.UTC(year, month - 1 - back, 1));
    return date.toISOString().slice(0, 7);
  });
}

/** A peer worker may touch only their own profile: anyone else's is 404, as if absent. */
export function checkOwnProfile(caller: Caller, id: string): void {
  if (!isStaff(caller) && id !== caller.sub) throw new NotFoundError();
}

/**
 * The login for a new worker. If the email already has a peer-worker login without a profile (an earlier
 * attempt created the login and then failed, or the account was made through `POST /users`), that login
 * is used, so a retry completes the roster entry instead of being stuck at 409.
 */
async function loginFor(
  users: UserDirectory,
  store: Store,
  region: ProgramRegion,
  input: WorkerInput,
): Promise<string> {
  try {
    const { sub } = await users.createUser({
      email: input.email,
      givenName: input.firstName,
      familyName: input.lastName,
      role: Role.PEER_WORKER,
      region,
    });
    return sub;
  } catch (error) {
    if (!(error instanceof UserExistsError)) throw error;
    const email = input.email.toLowerCase();
    const existing = (await users.listUsers({ region, role: Role.PEER_WORKER })).find(
      (user) => user.email.toLowerCase() === email,
    );
    if (!existing || (await hasProfile(store, existing.sub))) throw error;
    return existing.sub;
  }
}

async function hasProfile(store: Store, id: string): Promise<boolean> {
  try {
    await getWorker(store, id);
    return true;
  } catch (error) {
    if (error instanceof NotFoundError) return false;
    throw error;
  }
}

export const list = apiHandler(routes.listWorkers, async ({ caller, query }) => {
  const { store } = depsFor(caller);
  const page = await listWorkers(store, {
    limit: query.limit,
    ...(query.nextToken !== undefined ? { nextToken: query.nextToken } : {}),
    activeOnly: query.active === true,
  });
  // Inactive ones sort after the active: `active=false` keeps just those (the page may come out shorter).
  const items = query.active === false ? page.items.filter((w) => !w.active) : page.items;
  return json(200, {
    items: items.map((w) => workerView(w)),
    ...(page.nextToken ? { nextToken: page.nextToken } : {}),
  });
});

export const create = apiHandler(routes.createWorker, async ({ caller, body }) => {
  const { store, users } = depsFor(caller);
  const id = await loginFor(users, store, caller.region, body);
  const worker = await createWorker(store, {
    id,
    input: body,
    actor: { sub: caller.sub, role: caller.role },
  });
  return json(201, workerView(worker));
});

export const get = apiHandler(routes.getWorker, async ({ caller, params }) => {
  checkOwnProfile(caller, params.id);
  const { store } = depsFor(caller);
  const months = recentMonths(programMonth(store.now()), MINUTES_MONTHS);
  const [worker, clients, ...minutes] = await Promise.all([
    getWorker(store, params.id),
    listByWorker(store, params.id),
    // Paid minutes: sessions plus group facilitation (each meeting once).
    ...months.map(async (month) => {
      const [sessions, facilitation] = await Promise.all([
        minutesByWorkerMonth(store, params.id, month),
        facilitationMinutes(store, params.id, month),
      ]);
      return { month, minutes: sessions.minutes + facilitation };
    }),
  ]);
  return json(
    200,
    workerView(worker, {
      minutesByMonth: minutes.map((m) => ({ month: m.month, minutes: m.minutes })),
      clients: clients.map((referral) => referral.id),
    }),
  );
});

export const correct = apiHandler(routes.correctWorker, async ({ caller, params, body }) => {
  checkOwnProfile(caller, params.id);
  const { version, ...patch } = body;
  if (!isStaff(caller) && STAFF_ONLY_FIELDS.some((field) => patch[field] !== undefined)) {
    throw new ForbiddenError(`Only coordinators may change ${STAFF_ONLY_FIELDS.join(', ')}`);
  }
  const worker = await patchWorker(depsFor(caller).store, {
    id: params.id,
    version,
    patch,
    actor: { sub: caller.sub, role: caller.role },
  });
  return json(200, workerView(worker));
});

export const dispatch = routeDispatcher(ROUTES, 'functions/api/workers.ts', { list, create, get, correct });
