import { ROUTES, routes } from '#api/routes.ts';
import { listReferralsCreatedBetween } from '#data/referrals/report-index.ts';
import { listSessionsBetween } from '#data/sessions.ts';
import { listAllWorkers } from '#data/workers.ts';
import { CSV_MEDIA_TYPE, paidTimeCsv, referralsCsv, summaryCsv } from '#domain/exports.ts';
import { programDayRange } from '#domain/reports.ts';
import type { Caller } from '#http/auth.ts';
import { type ApiResult, apiHandler, logAccess, routeDispatcher } from '#http/middleware.ts';
import { depsFor } from './access.ts';
import { buildSummary } from './reports.ts';

/** CSV exports: each one is an access-log line (per referral it names, else one for the export). */

function csv(filename: string, body: string): ApiResult {
  return {
    statusCode: 200,
    body,
    headers: { 'content-type': CSV_MEDIA_TYPE, 'content-disposition': `attachment; filename="${filename}"` },
  };
}

function logged(caller: Caller, route: string, referralIds: readonly string[]): void {
  for (const referralId of referralIds.length ? referralIds : ['-']) {
    logAccess({ callerSub: caller.sub, role: caller.role, referralId, route });
  }
}

export const summaryExport = apiHandler(routes.exportSummary, async ({ caller, query }) => {
  const report = await buildSummary(caller, query);
  logged(
    caller,
    routes.exportSummary.id,
    report.tScores.map((t) => t.referralId),
  );
  return csv(`summary-${query.from}-${query.to}.csv`, summaryCsv(report));
});

export const paidTimeExport = apiHandler(routes.exportPaidTime, async ({ caller, query }) => {
  const { store } = depsFor(caller);
  const [sessions, workers] = await Promise.all([
    listSessionsBetween(store, { from: `${query.month}-01`, to: `${query.month}-31` }),
    listAllWorkers(store),
  ]);
  const entries = sessions.map((s) => ({ workerId: s.workerId, kind: 'SESSION', minutes: s.minutes }));
  logged(caller, routes.exportPaidTime.id, []);
  const names = new Map(workers.map((w) => [w.id, w.firstName]));
  return csv(`paid-time-${query.month}.csv`, paidTimeCsv(entries, names));
});

export const referralsExport = apiHandler(routes.exportReferrals, async ({ caller, query }) => {
  const referrals = await listReferralsCreatedBetween(
    depsFor(caller).store,
    programDayRange(query.from, query.to),
  );
  logged(
    caller,
    routes.exportReferrals.id,
    referrals.map((r) => r.id),
  );
  return csv(`referrals-${query.from}-${query.to}.csv`, referralsCsv(referrals));
});

export const dispatch = routeDispatcher(ROUTES, 'functions/api/exports.ts', {
  summaryExport,
  paidTimeExport,
  referralsExport,
});
