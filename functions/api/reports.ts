import { ROUTES, routes } from '#api/routes.ts';
import { listGoals } from '#data/goals.ts';
import { listLinksCreatedBetween } from '#data/links.ts';
import { listMeetingsBetween } from '#data/meetings.ts';
import { listReferralsClosedBetween, listReferralsCreatedBetween } from '#data/referrals/report-index.ts';
import { listSessionsBetween } from '#data/sessions.ts';
import type { Store } from '#data/store.ts';
import { listAllWorkers } from '#data/workers.ts';
import {
  programDayRange,
  REPORT_REFERRAL_ATTRIBUTES,
  REPORT_SESSION_ATTRIBUTES,
  type ReportReferral,
  type ReportSummary,
  referralsWithGoals,
  summarize,
} from '#domain/reports.ts';
import type { Goal } from '#domain/work.ts';
import type { Caller } from '#http/auth.ts';
import { apiHandler, json, logAccess, routeDispatcher } from '#http/middleware.ts';
import { depsFor } from './access.ts';

/**
 * `GET /reports/summary?from=&to=` (local dates, inclusive; the schema bounds the range). Every read is a
 * Query on a month partition or a key lookup (created / closed audit events per month, the referrals they
 * name, the region's sessions per month, each closed referral's goals, the roster): never a Scan.
 * The numbers themselves are computed in shared/domain/reports.ts.
 */

/** Goal queries run a few at a time: a year's closures must not fire hundreds of queries at once. */
const GOAL_QUERY_CONCURRENCY = 8;

async function goalsOf(store: Store, referrals: readonly ReportReferral[]): Promise<Map<string, Goal[]>> {
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

/** The summary report of the caller's region (also exported as CSV: functions/api/exports.ts). */
export async function buildSummary(
  caller: Caller,
  query: { from: string; to: string },
): Promise<ReportSummary> {
  const { store } = depsFor(caller);
  const instants = programDayRange(query.from, query.to);
  const [created, closed, sessions, meetings, links] = await Promise.all([
    listReferralsCreatedBetween(store, instants, REPORT_REFERRAL_ATTRIBUTES),
    listReferralsClosedBetween(store, instants, REPORT_REFERRAL_ATTRIBUTES),
    listSessionsBetween(store, { from: query.from, to: query.to }, REPORT_SESSION_ATTRIBUTES),
    listMeetingsBetween(store, { from: query.from, to: query.to }),
    listLinksCreatedBetween(store, instants),
  ]);
  const [goalsByReferral, workers] = await Promise.all([
    goalsOf(store, referralsWithGoals(closed)),
    sessions.length + meetings.length > 0 ? listAllWorkers(store) : Promise.resolve([]),
  ]);
  return summarize({
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
  });
}

export const summary = apiHandler(routes.reportSummary, async ({ caller, query }) => {
  const report = await buildSummary(caller, query);
  // A T-score is a referral's outcome: each one in the answer is a read of that referral's details.
  for (const { referralId } of report.tScores) {
    logAccess({ callerSub: caller.sub, role: caller.role, referralId, route: routes.reportSummary.id });
  }
  return json(200, report);
});

export const dispatch = routeDispatcher(ROUTES, 'functions/api/reports.ts', { summary });
