import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { logSession } from '#data/sessions.ts';
import { Stage } from '#domain/lifecycle.ts';
import type { Referral } from '#domain/referral.ts';
import type { Worker } from '#domain/worker.ts';
import { captureHttpLog, startTestApi, type TestApi } from '../../support/api.ts';
import { actors, localDate, referralInput, seedReferral, seedWorker } from '../../support/store.ts';

/** The CSV exports, parsed back and compared with the JSON report; never a client's name or a note. */

const NAME_CANARY = 'Xanthoriel';
const NOTE_CANARY = 'Plumbavesk';

let api: TestApi;
let logLines: string[] = [];
let workerA: Worker;
let workerB: Worker;
const referrals: Referral[] = [];
const today = localDate(0);
const range = `from=${localDate(-2)}&to=${today}`;
const month = today.slice(0, 7);

/** RFC 4180 rows of a CSV text (after its BOM). */
function parseCsv(text: string): string[][] {
  expect(text.startsWith('\uFEFF')).toBe(true);
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  const body = text.slice(1);
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (quoted && c === '"' && body[i + 1] === '"') {
      cell += '"';
      i++;
    } else if (quoted && c === '"') {
      quoted = false;
    } else if (quoted) {
      cell += c;
    } else if (c === '"') {
      quoted = true;
    } else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && body[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else {
      cell += c;
    }
  }
  expect(cell).toBe('');
  return rows;
}

/** The export as its bytes decode (a BOM kept: `Response.text()` would drop it). */
async function getCsv(path: string) {
  const token = await api.as('coordinator').token();
  const response = await fetch(`${api.url}/vancouver${path}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  const bytes = new Uint8Array(await response.arrayBuffer());
  const body = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
  return { status: response.status, body, headers: response.headers };
}

beforeAll(async () => {
  logLines = captureHttpLog();
  api = await startTestApi();
  const store = api.stores.vancouver;
  workerA = await seedWorker(store, { firstName: 'Ada' });
  workerB = await seedWorker(store, { firstName: 'Bo' });
  const base = referralInput();
  const details = { ...base, client: { ...base.client, givenName: NAME_CANARY } };
  for (const workerId of [workerA.id, workerB.id]) {
    const referral = await seedReferral(store, { stage: Stage.IN_SESSIONS, workerId, details });
    referrals.push(referral);
    for (const minutes of [45, 30]) {
      await logSession(store, {
        referralId: referral.id,
        workerId,
        input: { date: today, mode: 'WALK', minutes, note: NOTE_CANARY, debriefNeeded: false },
        actor: actors.worker(workerId),
      });
    }
  }
  referrals.push(await seedReferral(store, { stage: Stage.DECLINED, details }));
});
afterAll(async () => {
  vi.restoreAllMocks();
  await api?.stop();
});

describe('CSV exports', () => {
  it('exports the summary as CSV with the figures of the JSON report', async () => {
    const json = (await api.as('coordinator').get(`/reports/summary?${range}`)).body;
    const csv = await getCsv(`/reports/summary.csv?${range}`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.headers.get('content-disposition')).toMatch(/^attachment; filename="summary-[\d-]+\.csv"$/);
    const rows = parseCsv(csv.body);
    expect(rows[0]).toEqual(['section', 'item', 'month', 'value']);
    const value = (section: string, item: string) => rows.find((r) => r[0] === section && r[1] === item)?.[3];
    expect(Number(value('referrals', 'created'))).toBe(json.created);
    expect(Number(value('referrals', 'closed'))).toBe(json.closed);
    for (const [stage, n] of Object.entries(json.byStage))
      expect(Number(value('created by stage now', stage))).toBe(n);
    for (const [mode, n] of Object.entries(json.sessionsByMode))
      expect(Number(value('sessions by mode', mode))).toBe(n);
    const minutes = rows.filter((r) => r[0] === 'paid session minutes');
    expect(minutes.map((r) => [r[1], r[2], Number(r[3])])).toEqual(
      json.minutesByWorkerMonth.map((m: { workerId: string; month: string; minutes: number }) => [
        m.workerId,
        m.month,
        m.minutes,
      ]),
    );
    expect(Number(value('decline reasons', 'INELIGIBLE'))).toBe(json.declineReasons.INELIGIBLE);
  });

  it('exports paid time: a header row, one row per worker, hours per kind and a total', async () => {
    const json = (await api.as('coordinator').get(`/reports/summary?from=${month}-01&to=${today}`)).body;
    const csv = await getCsv(`/reports/paid-time.csv?month=${month}`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-disposition')).toBe(`attachment; filename="paid-time-${month}.csv"`);
    const rows = parseCsv(csv.body);
    expect(rows[0]).toEqual(['worker_id', 'first_name', 'session_hours', 'total_hours']);
    expect(rows.slice(1)).toEqual([
      [workerA.id, 'Ada', '1.25', '1.25'],
      [workerB.id, 'Bo', '1.25', '1.25'],
    ]);
    for (const m of json.minutesByWorkerMonth.filter((x: { month: string }) => x.month === month)) {
      expect(Number(rows.find((r) => r[0] === m.workerId)?.[3])).toBe(
        Math.round((m.minutes / 60) * 100) / 100,
      );
    }
  });

  it('exports referrals of a period with ids, stages and reasons, never names or notes', async () => {
    logLines.length = 0;
    const csv = await getCsv(`/reports/referrals.csv?${range}`);
    expect(csv.status).toBe(200);
    const rows = parseCsv(csv.body);
    expect(rows[0]?.slice(0, 3)).toEqual(['id', 'created_at', 'stage']);
    expect(
      rows
        .slice(1)
        .map((r) => r[0])
        .sort(),
    ).toEqual(referrals.map((r) => r.id).sort());
    expect(rows.find((r) => r[2] === Stage.DECLINED)?.[6]).toBe('INELIGIBLE');
    for (const text of [csv.body, logLines.join('\n')]) {
      expect(text).not.toContain(NAME_CANARY);
      expect(text).not.toContain(NOTE_CANARY);
    }
    const access = logLines.filter((line) => line.includes('exportReferrals'));
    expect(access.length).toBe(referrals.length);
  });

  it('writes an access-log line for every export', async () => {
    logLines.length = 0;
    await getCsv(`/reports/paid-time.csv?month=${month}`);
    await getCsv(`/reports/summary.csv?${range}`);
    expect(logLines.some((line) => line.includes('exportPaidTime'))).toBe(true);
    expect(logLines.filter((line) => line.includes('exportSummary')).length).toBeGreaterThanOrEqual(1);
  });

  it('refuses clinicians and workers (403) and bad input (400)', async () => {
    for (const role of ['clinician', 'peer-worker'] as const) {
      for (const path of [
        `/reports/summary.csv?${range}`,
        `/reports/paid-time.csv?month=${month}`,
        `/reports/referrals.csv?${range}`,
      ]) {
        expect((await api.as(role).get(path)).status, `${role} ${path}`).toBe(403);
      }
    }
    for (const path of [
      '/reports/paid-time.csv',
      '/reports/paid-time.csv?month=2026-13',
      '/reports/referrals.csv?from=2026-02-01',
      `/reports/summary.csv?from=${today}&to=${localDate(-3)}`,
    ]) {
      const refused = await api.as('coordinator').get(path);
      expect(refused.status, path).toBe(400);
      expect(refused.body.issues.length).toBeGreaterThan(0);
    }
  });
});
