import type { RouteDefinition } from '#api/route.ts';
import { Role } from '#domain/roles.ts';
import { ReportQuerySchema } from './schemas.ts';
import { CsvSchema, MonthQuerySchema } from './schemas-exports.ts';

/** CSV exports for funders, managers and payroll (issue 18): spread into the route table. */

const file = 'functions/api/exports.ts';
const STAFF = [Role.COORDINATOR, Role.ADMIN] as const;

export const exportRoutes = {
  exportSummary: {
    method: 'GET',
    path: '/reports/summary.csv',
    roles: STAFF,
    tag: 'Reports',
    summary: 'The summary report as CSV',
    description:
      'The figures of `GET /reports/summary` as one table (section, item, month, value): ids, stages, reasons and counts only.',
    request: { query: ReportQuerySchema },
    responses: { 200: CsvSchema },
    produces: 'text/csv',
    handler: { file, export: 'summaryExport' },
  },
  exportPaidTime: {
    method: 'GET',
    path: '/reports/paid-time.csv',
    roles: STAFF,
    tag: 'Reports',
    summary: 'Paid time per worker in a month as CSV (payroll)',
    description:
      'One row per worker: their id and first name, hours of each kind of paid time that exists in the month, and the total.',
    request: { query: MonthQuerySchema },
    responses: { 200: CsvSchema },
    produces: 'text/csv',
    handler: { file, export: 'paidTimeExport' },
  },
  exportReferrals: {
    method: 'GET',
    path: '/reports/referrals.csv',
    roles: STAFF,
    tag: 'Reports',
    summary: 'Referrals created in a period as CSV',
    description:
      'Referrals created from `from` to `to`: ids, dates, stages, reasons and the referrer’s team and site. Never a name or a note.',
    request: { query: ReportQuerySchema },
    responses: { 200: CsvSchema },
    produces: 'text/csv',
    handler: { file, export: 'referralsExport' },
  },
} as const satisfies Record<string, RouteDefinition>;
