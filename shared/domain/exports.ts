import type { Referral } from './referral.ts';
import type { ReportSummary } from './reports.ts';

/**
 * CSV exports (UTF-8 with a BOM so spreadsheets read accents; CRLF rows; RFC 4180 quoting). They carry
 * ids, dates, stages, reasons, counts and workers' first names: never a client's name, a note or a summary.
 */

export type Cell = string | number | null | undefined;

export const CSV_MEDIA_TYPE = 'text/csv; charset=utf-8';
const BOM = '\uFEFF';

/**
 * One cell: quoted when it holds a quote, comma or line break; a text starting with `=`, `+`, `-`, `@`
 * (or a tab or carriage return) gets a leading `'` so a spreadsheet never runs it as a formula.
 */
export function csvCell(value: Cell): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function toCsv(header: readonly string[], rows: readonly (readonly Cell[])[]): string {
  return `${BOM}${[header, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n')}\r\n`;
}

/** The summary report as one long table: section, item, month (where it has one), value. */
export function summaryCsv(report: ReportSummary): string {
  const rows: Cell[][] = [
    ['range', 'from', null, report.from],
    ['range', 'to', null, report.to],
    ['referrals', 'created', null, report.created],
    ['referrals', 'closed', null, report.closed],
  ];
  for (const [stage, n] of Object.entries(report.byStage))
    rows.push(['created by stage now', stage, null, n]);
  for (const [name, stats] of [
    ['days to match', report.daysToMatch],
    ['days to closure', report.daysToClosure],
  ] as const) {
    for (const [key, value] of Object.entries(stats)) rows.push([name, key, null, value as number | null]);
  }
  for (const [reason, n] of Object.entries(report.closureReasons))
    rows.push(['closure reasons', reason, null, n]);
  for (const [reason, n] of Object.entries(report.declineReasons ?? {})) {
    rows.push(['decline reasons', reason, null, n]);
  }
  for (const [mode, n] of Object.entries(report.sessionsByMode))
    rows.push(['sessions by mode', mode, null, n]);
  for (const entry of report.minutesByWorkerMonth) {
    rows.push(['paid session minutes', entry.workerId, entry.month, entry.minutes]);
  }
  for (const t of report.tScores) rows.push(['t-score', t.referralId, t.closedAt.slice(0, 10), t.tScore]);
  return toCsv(['section', 'item', 'month', 'value'], rows);
}

/** Minutes of one kind of paid time of one worker (sessions today; other paid work as it lands). */
export interface PaidTimeEntry {
  workerId: string;
  kind: string;
  minutes: number;
}

const hours = (minutes: number): number => Math.round((minutes / 60) * 100) / 100;

/**
 * Payroll: one row per worker (by first name, then id), one column of hours per kind of paid time that
 * exists in the month, then the total.
 */
export function paidTimeCsv(
  entries: readonly PaidTimeEntry[],
  firstNames: ReadonlyMap<string, string>,
): string {
  const kinds = [...new Set(entries.map((e) => e.kind))].sort();
  const byWorker = new Map<string, Map<string, number>>();
  for (const { workerId, kind, minutes } of entries) {
    const row = byWorker.get(workerId) ?? new Map<string, number>();
    row.set(kind, (row.get(kind) ?? 0) + minutes);
    byWorker.set(workerId, row);
  }
  const name = (id: string) => firstNames.get(id) ?? '';
  const workers = [...byWorker.keys()].sort((a, b) => name(a).localeCompare(name(b)) || a.localeCompare(b));
  const rows = workers.map((id) => {
    const row = byWorker.get(id) as Map<string, number>;
    const total = [...row.values()].reduce((a, b) => a + b, 0);
    return [id, name(id), ...kinds.map((kind) => hours(row.get(kind) ?? 0)), hours(total)];
  });
  return toCsv(
    ['worker_id', 'first_name', ...kinds.map((k) => `${k.toLowerCase()}_hours`), 'total_hours'],
    rows,
  );
}

/** Referrals in a period: ids, dates, stages, reasons, the referrer's team and site (no names, no notes). */
export function referralsCsv(referrals: readonly Referral[]): string {
  const rows = referrals.map((r) => [
    r.id,
    r.createdAt,
    r.stage,
    r.priority,
    r.matchedAt,
    r.closedAt,
    r.closure?.reason ?? r.declinedReason?.reason,
    r.previousReferralId,
    r.details.referrer.team,
    r.details.referrer.site,
  ]);
  return toCsv(
    [
      'id',
      'created_at',
      'stage',
      'priority',
      'matched_at',
      'closed_at',
      'reason',
      'previous_referral_id',
      'team',
      'site',
    ],
    rows,
  );
}
