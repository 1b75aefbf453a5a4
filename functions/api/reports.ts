import { ROUTES, routes } from '#api/routes.ts';
import { listGoals } from '#data/goals.ts';
import { listLinksCreatedBetween } from '#data/links.ts';
import { listMeetingsBetween } from '#data/meetings.ts';
import { listReferralsClosedBetween, listReferralsCreatedBetween } from '#data/referrals.ts';
import { listSessionsBetween } from '#data/sessions.ts';
import type { Store } from '#data/store.ts';
import { listAllWorkers } from '#data/workers.ts';
import { Stage } from '#domain/lifecycle.ts';
import type { Referral } from '#domain/referral.ts';
import type { Goal } from '#domain/work.ts';
import { apiHandler, json, routeDispatcher } from '#http/middleware.ts';
import { depsFor } from './access.ts';
import { programDayRange, summarize } from './reports-summary.ts';

/**
 * `GET /reports/summary?from=&to=` (local dates, inclusive; the schema bounds the range). Every read is a
 * Query on a month partition or a key lookup (created / closed audit events per month, the referrals they
 * name, the region's sessions per month, each closed referral's goals, the roster): never a Scan.
 * The numbers themselves are computed in reports-summary.ts.
 */

/** Goal queries run a few at a time: a year's closures must not fire hundreds of queries at once. */
const GOAL_QUERY_CONCURRENCY = 8;

async function goalsOf(store: Store, referrals: readonly Referral[]): Promise<Map<string, Goal[]>> {
  const goals = new Map<string, Goal[]>();
  const queue = [...referrals];
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      goals.set(next.id, await listGoals(store, next.id));
    }
  };
  await Promise.all(Array.from({ length: GOAL_QUERY_CONCURRENCY }, worker));
  return goals;
}

export const summary = apiHandler(routes.reportSummary, async ({ caller, query }) => {
  const { store } = depsFor(caller);
  const instants = programDayRange(query.from, query.to);
  const [created, closed, sessions, meetings, links] = await Promise.all([
    listReferralsCreatedBetween(store, instants),
    listReferralsClosedBetween(store, instants),
    listSessionsBetween(store, { from: query.from, to: query.to }),
    listMeetingsBetween(store, { from: query.from, to: query.to }),
    listLinksCreatedBetween(store, instants),
  ]);
  const [goalsByReferral, workers] = await Promise.all([
    // Goals are set after a match: a referral closed before one has none to read.
    goalsOf(
      store,
      closed.filter((r) => r.stage === Stage.CLOSED && r.matchedAt !== undefined),
    ),
    sessions.length + meetings.length > 0 ? listAllWorkers(store) : Promise.resolve([]),
  ]);
  return json(
    200,
    summarize({
      region: caller.region,
      from: query.from,
      to: query.to,
      created,
      closed,
      sessions,
      goalsByReferral,
      meetings,
      links,
      workerFirstNames: new Map(workers.map((w) => [w.id, w.firstName])),
    }),
  );
});

export const dispatch = routeDispatcher(ROUTES, 'functions/api/reports.ts', { summary });
