import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Actor } from '#data/events.ts';
import { rateGoal } from '#data/goals.ts';
import { createReferral } from '#data/referrals/create.ts';
import { type TransitionInput, transition } from '#data/referrals/transition.ts';
import { logSession } from '#data/sessions.ts';
import type { Store } from '#data/store.ts';
import { createWorker } from '#data/workers.ts';
import type { LifecycleEvent } from '#domain/lifecycle.ts';
import type { SessionMode } from '#domain/vocabulary.ts';
import { captureHttpLog, startTestApi, type TestApi } from '../../support/api.ts';
import { actors, referralInput, workerInput } from '../../support/store.ts';

// Every success body is checked against the route's declared response schema (a mismatch is a 500).
process.env.PEERPATH_CHECK_RESPONSES = '1';

/*
 * A small program month with known dates (March 2023, America/Vancouver; every instant below is UTC):
 *   R1 submitted 03-02 18:00, matched (A) 2 days later, goals rated +2 and 0, closed GOALS_MET after 20 days
 *   R2 submitted 03-05 18:00, matched (A) after 4 days, its one goal left at −1, closed MOVED after 10 days
 *   R3 submitted 03-10 18:00, matched (B) after 10 days, still in goal setting
 *   R4 submitted 03-12 18:00, declined INELIGIBLE a day later
 *   R5 submitted 02-20 18:00 (before the range), matched (B), closed OTHER 03-28 18:00: 36 days
 *   R6 submitted 04-01 06:30 UTC = 03-31 23:30 in Vancouver: inside the range
 *   R7 submitted 03-01 07:30 UTC = 02-28 23:30 in Vancouver: outside the range
 * Sessions: A 03-06 PHONE 30, A 03-08 WALK 60, A 03-10 VIDEO 45, B 03-25 PHONE 15, B 04-02 WALK 40 (outside).
 *
 * Expected: created 5 (R1, R2, R3, R4, R6); days to match 2, 4, 10 → median 4, p90 4 + 0.8·6 = 8.8;
 * closed 3 (R1, R2, R5) in 20, 10, 36 days → median 20, p90 20 + 0.8·16 = 32.8; T-scores R2 50 − 10 = 40
 * and R1 50 + 10·2/√(0.7·2 + 0.3·4) = 62.40; minutes A 135, B 15.
 */

let api: TestApi;
let clock = '2023-01-01T00:00:00.000Z';
let store: Store;
const workerA = `report-a-${randomUUID()}`;
const workerB = `report-b-${randomUUID()}`;
const ids: Record<string, string> = {};

const DAY = 86_400_000;
const plus = (iso: string, days: number) => new Date(Date.parse(iso) + days * DAY).toISOString();

async function submit(name: string, at: string): Promise<string> {
  clock = at;
  const referral = await createReferral(store, {
    details: referralInput(),
    referrerSub: actors.clinician.sub,
  });
  ids[name] = referral.id;
  return referral.id;
}

async function step(
  referralId: string,
  at: string,
  event: LifecycleEvent,
  extra: Partial<TransitionInput> = {},
  actor: Actor = actors.coordinator,
) {
  clock = at;
  return transition(store, { referralId, event, actor, ...extra } as TransitionInput);
}

async function session(
  referralId: string,
  workerId: string,
  date: string,
  mode: SessionMode,
  minutes: number,
) {
  clock = `${date}T20:00:00.000Z`;
  await logSession(store, {
    referralId,
    workerId,
    input: { date, mode, minutes, debriefNeeded: false },
    actor: actors.worker(workerId),
  });
}

beforeAll(async () => {
  api = await startTestApi();
  store = { ...api.stores.vancouver, now: () => new Date(clock) };
  await createWorker(store, { id: workerA, input: workerInput({ firstName: 'Avery', maxCaseload: 10 }) });
  await createWorker(store, { id: workerB, input: workerInput({ firstName: 'Blake', maxCaseload: 10 }) });

  const t1 = '2023-03-02T18:00:00.000Z';
  const r1 = await submit('R1', t1);
  await step(r1, plus(t1, 0.5), 'accept');
  await step(r1, plus(t1, 2), 'match', { workerId: workerA });
  const set = await step(
    r1,
    plus(t1, 3),
    'setGoals',
    { goals: [{ title: 'One' }, { title: 'Two' }] },
    actors.worker(workerA),
  );
  await session(r1, workerA, '2023-03-06', 'PHONE', 30);
  await session(r1, workerA, '2023-03-08', 'WALK', 60);
  const [g1, g2] = set.goals!;
  await rateGoal(store, { referralId: r1, goalId: g1!.id, rating: 2, actor: actors.worker(workerA) });
  await rateGoal(store, { referralId: r1, goalId: g2!.id, rating: 0, actor: actors.worker(workerA) });
  await step(r1, plus(t1, 19), 'goalsAchieved', {}, actors.worker(workerA));
  await step(r1, plus(t1, 20), 'close', { reason: 'GOALS_MET', summary: 'Met' });

  const t2 = '2023-03-05T18:00:00.000Z';
  const r2 = await submit('R2', t2);
  await step(r2, plus(t2, 1), 'accept');
  await step(r2, plus(t2, 4), 'match', { workerId: workerA });
  await step(r2, plus(t2, 4.5), 'setGoals', { goals: [{ title: 'Three' }] }, actors.worker(workerA));
  await session(r2, workerA, '2023-03-10', 'VIDEO', 45);
  await step(r2, plus(t2, 10), 'close', { reason: 'MOVED', summary: 'Moved away' });

  const t3 = '2023-03-10T18:00:00.000Z';
  const r3 = await submit('R3', t3);
  await step(r3, plus(t3, 1), 'accept');
  await step(r3, plus(t3, 10), 'match', { workerId: workerB });
  await session(r3, workerB, '2023-03-25', 'PHONE', 15);
  await session(r3, workerB, '2023-04-02', 'WALK', 40);

  const t4 = '2023-03-12T18:00:00.000Z';
  const r4 = await submit('R4', t4);
  await step(r4, plus(t4, 1), 'decline', { reason: 'INELIGIBLE', summary: 'Outside criteria' });

  const t5 = '2023-02-20T18:00:00.000Z';
  const r5 = await submit('R5', t5);
  await step(r5, plus(t5, 0.5), 'accept');
  await step(r5, plus(t5, 1), 'match', { workerId: workerB });
  await step(r5, '2023-03-28T18:00:00.000Z', 'close', { reason: 'OTHER', summary: 'Other' });

  await submit('R6', '2023-04-01T06:30:00.000Z');
  await submit('R7', '2023-03-01T07:30:00.000Z');
});
afterAll(async () => {
  await api?.stop();
});

describe('GET /reports/summary', () => {
  it('reports the known month exactly: flow, days to match and to closure, reasons, sessions, minutes, T-scores', async () => {
    // Act
    const response = await api.as('coordinator').get('/reports/summary?from=2023-03-01&to=2023-03-31');

    // Assess
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      region: 'vancouver',
      from: '2023-03-01',
      to: '2023-03-31',
      byStage: { CLOSED: 2, GOAL_SETTING: 1, DECLINED: 1, REFERRED: 1 },
      created: 5,
      closed: 3,
      daysToMatch: { count: 3, medianDays: 4, p90Days: 8.8 },
      daysToClosure: { count: 3, medianDays: 20, p90Days: 32.8 },
      closureReasons: { GOALS_MET: 1, MOVED: 1, OTHER: 1 },
      declineReasons: { INELIGIBLE: 1 },
      sessionsByMode: { PHONE: 2, WALK: 1, VIDEO: 1 },
      minutesByWorkerMonth: [
        { workerId: workerA, firstName: 'Avery', month: '2023-03', minutes: 135 },
        { workerId: workerB, firstName: 'Blake', month: '2023-03', minutes: 15 },
      ],
      tScores: [
        { referralId: ids.R2, closedAt: '2023-03-15T18:00:00.000Z', tScore: 40 },
        { referralId: ids.R1, closedAt: '2023-03-22T18:00:00.000Z', tScore: 62.4 },
      ],
      // No group met and no resource link was made in the month (issue 16's sections).
      groups: { meetings: 0, attendance: 0, uniqueAttendees: 0, facilitationMinutes: 0 },
      resources: { links: 0, byCategory: {}, connected: 0, stillConnected: 0 },
    });
  });

  it('writes an access-log line for each referral whose T-score it returns, ids only', async () => {
    // Prepare
    const lines = captureHttpLog();
    const coordinator = api.demo.vancouver.staff.coordinator;

    // Act
    const response = await api.as('coordinator').get('/reports/summary?from=2023-03-01&to=2023-03-31');
    vi.restoreAllMocks();

    // Assess
    expect(response.status).toBe(200);
    const access = lines
      .map((line) => JSON.parse(line) as [string, Record<string, unknown>])
      .filter(([, entry]) => entry?.audit === 'referral-access')
      .map(([, entry]) => entry);
    expect(access).toEqual(
      expect.arrayContaining(
        [ids.R1, ids.R2].map((referralId) => ({
          audit: 'referral-access',
          callerSub: coordinator,
          role: 'coordinator',
          referralId,
          route: 'reportSummary',
        })),
      ),
    );
    expect(access).toHaveLength(2);
  });

  it('reads with Query and key lookups only, never a Scan', async () => {
    // Prepare
    api.requests.length = 0;

    // Act
    const response = await api.as('admin').get('/reports/summary?from=2023-01-01&to=2023-12-31');

    // Assess
    expect(response.status).toBe(200);
    const operations = new Set(api.requests.map((r) => r.operation));
    expect(operations.has('Query')).toBe(true);
    expect([...operations].filter((op) => !['Query', 'GetItem', 'BatchGetItem'].includes(op))).toEqual([]);
  });

  it("reports only the caller's region", async () => {
    // Act
    const response = await api
      .as('coordinator', 'richmond')
      .get('/reports/summary?from=2023-03-01&to=2023-03-31');

    // Assess
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ region: 'richmond', created: 0, closed: 0, tScores: [] });
  });

  it('answers 400 to a reversed, too long or malformed range without reading anything', async () => {
    // Prepare
    api.requests.length = 0;
    const coordinator = api.as('coordinator');

    // Act
    const reversed = await coordinator.get('/reports/summary?from=2023-03-31&to=2023-03-01');
    const tooLong = await coordinator.get('/reports/summary?from=2022-01-01&to=2023-12-31');
    const malformed = await coordinator.get('/reports/summary?from=March&to=2023-03-31');
    const missing = await coordinator.get('/reports/summary');

    // Assess
    for (const response of [reversed, tooLong, malformed, missing]) expect(response.status).toBe(400);
    expect(reversed.body.issues).toContainEqual(expect.objectContaining({ path: 'query.to' }));
    expect(tooLong.body.issues).toContainEqual(expect.objectContaining({ path: 'query.to' }));
    expect(malformed.body.issues).toContainEqual(expect.objectContaining({ path: 'query.from' }));
    expect(api.requests).toEqual([]);
  });

  it('answers 403 to clinicians and peer workers', async () => {
    expect((await api.as('clinician').get('/reports/summary?from=2023-03-01&to=2023-03-31')).status).toBe(
      403,
    );
    expect((await api.as('peer-worker').get('/reports/summary?from=2023-03-01&to=2023-03-31')).status).toBe(
      403,
    );
  });
});
