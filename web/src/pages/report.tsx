import { useState } from 'preact/hooks';
import { MAX_REPORT_DAYS, ReportQuerySchema } from '#api/schemas.ts';
import { OPEN_STAGES, STAGES } from '#domain/lifecycle.ts';
import { CLOSURE_REASONS, SESSION_MODES, todayInProgramZone } from '#domain/vocabulary.ts';
import { useApp } from '../app-context.ts';
import { useLoad } from '../hooks.ts';
import {
  CLOSURE_REASON_LABELS,
  formatDate,
  monthName,
  plural,
  SESSION_MODE_LABELS,
  STAGE_SHORT,
} from '../labels.ts';
import { BarChart, PairedBarChart, TScoreChart } from '../ui/charts.tsx';
import { TextField } from '../ui/fields.tsx';
import { Form } from '../ui/form.tsx';
import { useForm } from '../ui/form-state.ts';
import { LoadStatus, Notice, Page, SubmitButton } from '../ui/layout.tsx';
import { shortId } from '../views.ts';

/** The summary report: how referrals flowed through the program in a period, in charts and a table. */

function daysBefore(date: string, days: number): string {
  const at = new Date(`${date}T12:00:00Z`);
  at.setUTCDate(at.getUTCDate() - days);
  return at.toISOString().slice(0, 10);
}

export function ReportPage() {
  const { api } = useApp();
  const today = todayInProgramZone();
  const [range, setRange] = useState({ from: daysBefore(today, 90), to: today });
  const form = useForm(useState(range));
  const loaded = useLoad(() => api.call('reportSummary', { query: range }), [range.from, range.to]);
  const report = loaded.data;
  const minutesByWorker = new Map<string, { label: string; value: number }>();
  for (const row of report?.minutesByWorkerMonth ?? []) {
    const entry = minutesByWorker.get(row.workerId) ?? {
      label: row.firstName ?? `Worker ${shortId(row.workerId)}`,
      value: 0,
    };
    entry.value += row.minutes;
    minutesByWorker.set(row.workerId, entry);
  }
  return (
    <Page
      title="Summary report"
      wide
      lead={<p>How referrals flowed through the program in a period (at most {MAX_REPORT_DAYS} days).</p>}
    >
      <Form
        form={form}
        label="Report period"
        class="form form-inline"
        onSubmit={(values) => {
          const parsed = ReportQuerySchema.safeParse(values);
          if (!parsed.success) {
            form.showErrors(parsed.error.issues);
            return;
          }
          form.clearErrors();
          setRange(values);
        }}
      >
        <TextField path="from" label="From" type="date" width="medium" />
        <TextField path="to" label="To" type="date" width="medium" />
        <SubmitButton secondary>Show</SubmitButton>
      </Form>
      <LoadStatus loaded={loaded} what="Counting" />
      {report ? (
        <>
          <p class="summary-line">
            {formatDate(report.from)} to {formatDate(report.to)}:{' '}
            <strong>{plural(report.created, 'referral')}</strong> made, <strong>{report.closed}</strong>{' '}
            closed.
          </p>
          <div class="charts">
            <BarChart
              id="chart-stage"
              title="Where this period’s referrals are now"
              unit="Referrals"
              data={STAGES.filter((s) => (report.byStage[s] ?? 0) > 0 || OPEN_STAGES.includes(s)).map(
                (stage) => ({
                  label: STAGE_SHORT[stage],
                  value: report.byStage[stage] ?? 0,
                }),
              )}
            />
            <PairedBarChart
              id="chart-waits"
              title="Waiting times (days)"
              unit="days"
              firstName="Median"
              secondName="90th percentile"
              rows={[
                {
                  label: `To a match (${report.daysToMatch.count})`,
                  first: report.daysToMatch.medianDays,
                  second: report.daysToMatch.p90Days,
                },
                {
                  label: `To closure (${report.daysToClosure.count})`,
                  first: report.daysToClosure.medianDays,
                  second: report.daysToClosure.p90Days,
                },
              ]}
            />
            <BarChart
              id="chart-closures"
              title="Closure reasons"
              unit="Referrals"
              data={CLOSURE_REASONS.filter((r) => (report.closureReasons[r] ?? 0) > 0).map((reason) => ({
                label: CLOSURE_REASON_LABELS[reason],
                value: report.closureReasons[reason] ?? 0,
              }))}
              empty="No referral closed in this period."
            />
            <BarChart
              id="chart-modes"
              title="Sessions by mode"
              unit="Sessions"
              data={SESSION_MODES.filter((m) => (report.sessionsByMode[m] ?? 0) > 0).map((mode) => ({
                label: SESSION_MODE_LABELS[mode],
                value: report.sessionsByMode[mode] ?? 0,
              }))}
              empty="No session logged in this period."
            />
            <BarChart
              id="chart-minutes"
              title="Paid minutes per worker"
              unit="Minutes"
              data={[...minutesByWorker.values()].sort((a, b) => b.value - a.value)}
              empty="No minutes in this period."
            />
            <TScoreChart
              id="chart-attainment"
              title="Goal attainment at closure (T-score)"
              scores={report.tScores.map((t) => ({
                label: `Referral ${shortId(t.referralId)} (${formatDate(t.closedAt)})`,
                value: t.tScore,
              }))}
            />
          </div>
          {report.minutesByWorkerMonth.length > 0 ? (
            <details class="section">
              <summary>Paid minutes per worker and month</summary>
              <table class="table">
                <caption class="visually-hidden">Paid minutes per worker and month</caption>
                <thead>
                  <tr>
                    <th scope="col">Worker</th>
                    <th scope="col">Month</th>
                    <th scope="col" class="num">
                      Minutes
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {report.minutesByWorkerMonth.map((row) => (
                    <tr key={`${row.workerId}-${row.month}`}>
                      <th scope="row">{row.firstName ?? `Worker ${shortId(row.workerId)}`}</th>
                      <td>{monthName(row.month)}</td>
                      <td class="num">{row.minutes}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </details>
          ) : null}
          <Notice>
            T-scores use the Kiresuk–Sherman formula (equal weights, ρ = 0.3): 50 means the goals were reached
            as expected.
          </Notice>
        </>
      ) : null}
    </Page>
  );
}
