import { ROUTES, routes } from '#api/routes.ts';
import { type Debrief, listDebriefs, markDebriefDone } from '#data/debriefs.ts';
import { listSupervision, logSupervision } from '#data/supervision.ts';
import { getWorker } from '#data/workers.ts';
import { settingsFromEnv } from '#domain/settings.ts';
import { apiHandler, json, routeDispatcher } from '#http/middleware.ts';
import { depsFor } from './access.ts';
import { checkOwnProfile } from './workers.ts';

/**
 * Supervision debriefs of the caller's region (one per session logged with `debriefNeeded`; its id is the
 * session's). `GET /debriefs`: open ones by due time, soonest first (`done=false`, the default); `done=true`
 * lists the ones already done. Marking one done twice keeps the first record.
 */

export function debriefView(debrief: Debrief) {
  return {
    id: debrief.id,
    referralId: debrief.referralId,
    sessionId: debrief.sessionId,
    workerId: debrief.workerId,
    dueAt: debrief.dueAt,
    done: debrief.doneAt !== undefined,
    ...(debrief.doneAt !== undefined ? { doneAt: debrief.doneAt } : {}),
    ...(debrief.doneBy !== undefined ? { doneBy: debrief.doneBy } : {}),
  };
}

export const list = apiHandler(routes.listDebriefs, async ({ caller, query }) => {
  const done = query.done === true;
  const page = await listDebriefs(depsFor(caller).store, {
    limit: query.limit,
    ...(query.nextToken !== undefined ? { nextToken: query.nextToken } : {}),
    // Done ones are only in the all-debriefs index: read it and keep those (a page may come out shorter).
    includeDone: done,
  });
  const items = done ? page.items.filter((d) => d.doneAt !== undefined) : page.items;
  return json(200, {
    items: items.map(debriefView),
    ...(page.nextToken ? { nextToken: page.nextToken } : {}),
  });
});

export const done = apiHandler(routes.completeDebrief, async ({ caller, params }) => {
  const debrief = await markDebriefDone(depsFor(caller).store, params.id, caller.sub);
  return json(200, debriefView(debrief));
});

/** A worker's supervision log: coordinators write it; the worker reads their own (others' are 404). */
export const listLog = apiHandler(routes.listSupervision, async ({ caller, params, query }) => {
  checkOwnProfile(caller, params.id);
  const { store } = depsFor(caller);
  const [, page] = await Promise.all([
    getWorker(store, params.id),
    listSupervision(store, params.id, {
      limit: query.limit,
      ...(query.nextToken !== undefined ? { nextToken: query.nextToken } : {}),
    }),
  ]);
  return json(200, page);
});

export const logEntry = apiHandler(routes.logSupervision, async ({ caller, params, body }) => {
  const entry = await logSupervision(depsFor(caller).store, {
    workerId: params.id,
    entry: body,
    by: caller.sub,
    maxPaidMinutesPerDay: settingsFromEnv(process.env).maxPaidMinutesPerDay,
  });
  return json(201, entry);
});

export const dispatch = routeDispatcher(ROUTES, 'functions/api/supervision.ts', {
  list,
  done,
  listLog,
  logEntry,
});
