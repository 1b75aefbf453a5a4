import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { putAlert } from '#data/alerts.ts';
import { Audience } from '#data/keys.ts';
import { getReferralDetails } from '#data/referrals/reads.ts';
import { Stage } from '#domain/lifecycle.ts';
import type { Referral } from '#domain/referral.ts';
import { captureHttpLog, startTestApi, type TestApi } from '../../support/api.ts';
import { localDate, referralInput, seedReferral, seedWorker } from '../../support/store.ts';

// Every success body is checked against the route's declared response schema (a mismatch is a 500).
process.env.PEERPATH_CHECK_RESPONSES = '1';

const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'TransactWriteItems', 'BatchWriteItem']);

let api: TestApi;
let workerA: string;
let workerB: string;
let clinician: string;
/** What the handlers wrote through the HTTP logger (access lines, errors), as text. */
let logLines: string[] = [];
const everything = () => [...api.output, ...logLines].join('\n');

beforeAll(async () => {
  logLines = captureHttpLog();
  api = await startTestApi();
  clinician = api.demo.vancouver.staff.clinician;
  workerA = (await seedWorker(api.stores.vancouver, { maxCaseload: 30, firstName: 'Ari' })).id;
  workerB = (await seedWorker(api.stores.vancouver, { maxCaseload: 30, firstName: 'Bo' })).id;
});
afterAll(async () => {
  await api?.stop();
});

/** A referral of the demo clinician's, driven through the data layer to `stage` with `workerId`. */
function clientOf(workerId: string | undefined, stage: Stage): Promise<Referral> {
  return seedReferral(api.stores.vancouver, {
    stage,
    ...(workerId ? { workerId } : {}),
    referrerSub: clinician,
    details: referralInput(),
  });
}

const session = (overrides: Record<string, unknown> = {}) => ({
  date: localDate(0),
  mode: 'WALK',
  minutes: 50,
  ...overrides,
});

describe('sessions', () => {
  it('logs a session flagged for debrief: the debrief is listed for coordinators and they are alerted', async () => {
    // Prepare
    const referral = await clientOf(workerA, Stage.IN_SESSIONS);
    const note = `Talked about the hard week ${randomUUID()}`;
    api.requests.length = 0;

    // Act
    const logged = await api
      .as('peer-worker', 'vancouver', workerA)
      .post(`/referrals/${referral.id}/sessions`, session({ note, debriefNeeded: true }));

    // Assess
    expect(logged.status).toBe(201);
    expect(logged.body).toMatchObject({
      referralId: referral.id,
      workerId: workerA,
      note,
      debriefNeeded: true,
    });
    // The referral, the session, then the alert: the recipients' preferences (one batch) and the alert with
    // its deliveries (one transaction).
    expect(api.requests.map((r) => r.operation)).toEqual([
      'GetItem',
      'TransactWriteItems',
      'BatchGetItem',
      'TransactWriteItems',
    ]);
    const debriefs = await api.as('coordinator').get('/debriefs');
    expect(debriefs.body.items).toContainEqual(
      expect.objectContaining({
        id: logged.body.id,
        referralId: referral.id,
        workerId: workerA,
        done: false,
      }),
    );
    const alerts = await api.as('coordinator').get('/alerts');
    const alert = alerts.body.items.find(
      (a: { kind: string; details?: { sessionId?: string } }) =>
        a.kind === 'DEBRIEF_REQUESTED' && a.details?.sessionId === logged.body.id,
    );
    expect(alert).toMatchObject({ referralId: referral.id });
    expect(JSON.stringify(alerts.body)).not.toContain('hard week');
    expect(everything()).not.toContain('hard week');
    expect(logLines.some((line) => line.includes(referral.id) && line.includes('logSession'))).toBe(true);
  });

  it('marks a debrief done: it leaves the open list and shows among the done ones', async () => {
    // Prepare
    const referral = await clientOf(workerA, Stage.IN_SESSIONS);
    const logged = await api
      .as('peer-worker', 'vancouver', workerA)
      .post(`/referrals/${referral.id}/sessions`, session({ debriefNeeded: true }));

    // Act
    const done = await api.as('coordinator').post(`/debriefs/${logged.body.id}/done`);

    // Assess
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({
      id: logged.body.id,
      done: true,
      doneBy: api.demo.vancouver.staff.coordinator,
    });
    const open = await api.as('coordinator').get('/debriefs?limit=100');
    expect(open.body.items.map((d: { id: string }) => d.id)).not.toContain(logged.body.id);
    const finished = await api.as('coordinator').get('/debriefs?done=true&limit=100');
    expect(finished.body.items.map((d: { id: string }) => d.id)).toContain(logged.body.id);
    expect((await api.as('coordinator').post('/debriefs/no-such-debrief/done')).status).toBe(404);
  });

  it("answers 404 to a worker logging on another worker's client or an unmatched referral, writing nothing", async () => {
    // Prepare
    const others = await clientOf(workerB, Stage.IN_SESSIONS);
    const unmatched = await clientOf(undefined, Stage.AWAITING_MATCH);
    const asA = api.as('peer-worker', 'vancouver', workerA);

    // Act
    const onOthers = await asA.post(`/referrals/${others.id}/sessions`, session());
    const onUnmatched = await asA.post(`/referrals/${unmatched.id}/sessions`, session());

    // Assess
    expect(onOthers.status).toBe(404);
    expect(onUnmatched.status).toBe(404);
    expect((await getReferralDetails(api.stores.vancouver, others.id)).sessions).toEqual([]);
    expect((await getReferralDetails(api.stores.vancouver, unmatched.id)).sessions).toEqual([]);
  });

  it('answers 409 to a session on an own client on hold, and 400 to a future date, writing nothing', async () => {
    // Prepare
    const onHold = await clientOf(workerA, Stage.ON_HOLD);
    const active = await clientOf(workerA, Stage.IN_SESSIONS);
    const asA = api.as('peer-worker', 'vancouver', workerA);

    // Act
    const held = await asA.post(`/referrals/${onHold.id}/sessions`, session());
    const future = await asA.post(`/referrals/${active.id}/sessions`, session({ date: localDate(2) }));

    // Assess
    expect(held.status).toBe(409);
    expect(future.status).toBe(400);
    expect(future.body.issues).toContainEqual(expect.objectContaining({ path: 'date' }));
    expect((await getReferralDetails(api.stores.vancouver, onHold.id)).sessions).toEqual([]);
    expect((await getReferralDetails(api.stores.vancouver, active.id)).sessions).toEqual([]);
  });

  it('corrects a session with the version read, and answers 409 to a stale version', async () => {
    // Prepare
    const referral = await clientOf(workerA, Stage.IN_SESSIONS);
    const asA = api.as('peer-worker', 'vancouver', workerA);
    const logged = await asA.post(`/referrals/${referral.id}/sessions`, session({ minutes: 30 }));
    const path = `/referrals/${referral.id}/sessions/${logged.body.id}`;

    // Act
    const corrected = await asA.patch(path, { minutes: 45, version: logged.body.version });
    const stale = await asA.patch(path, { minutes: 60, version: logged.body.version });

    // Assess
    expect(corrected.status).toBe(200);
    expect(corrected.body).toMatchObject({ minutes: 45, version: logged.body.version + 1 });
    expect(stale.status).toBe(409);
    const stored = (await getReferralDetails(api.stores.vancouver, referral.id)).sessions;
    expect(stored).toEqual([expect.objectContaining({ minutes: 45 })]);
  });

  it('answers 404 to a worker correcting a session they did not log', async () => {
    // Prepare
    const referral = await clientOf(workerA, Stage.IN_SESSIONS);
    const logged = await api
      .as('peer-worker', 'vancouver', workerA)
      .post(`/referrals/${referral.id}/sessions`, session());

    // Act
    const response = await api
      .as('peer-worker', 'vancouver', workerB)
      .patch(`/referrals/${referral.id}/sessions/${logged.body.id}`, { minutes: 5, version: 1 });

    // Assess
    expect(response.status).toBe(404);
    expect((await getReferralDetails(api.stores.vancouver, referral.id)).sessions[0]?.minutes).toBe(50);
  });

  it('asks for a debrief through a correction once, however often the correction says so', async () => {
    // Prepare
    const referral = await clientOf(workerA, Stage.IN_SESSIONS);
    const asA = api.as('peer-worker', 'vancouver', workerA);
    const logged = await asA.post(`/referrals/${referral.id}/sessions`, session());
    const path = `/referrals/${referral.id}/sessions/${logged.body.id}`;

    // Act
    const first = await asA.patch(path, { debriefNeeded: true, version: 1 });
    await asA.patch(path, { debriefNeeded: true, version: first.body.version });

    // Assess
    expect(first.status).toBe(200);
    const alerts = await api.as('coordinator').get('/alerts?limit=100');
    const forSession = alerts.body.items.filter(
      (a: { details?: { sessionId?: string } }) => a.details?.sessionId === logged.body.id,
    );
    expect(forSession).toHaveLength(1);
    const debriefs = await api.as('coordinator').get('/debriefs?limit=100');
    expect(debriefs.body.items.map((d: { id: string }) => d.id)).toContain(logged.body.id);
  });
});

describe('goal ratings', () => {
  it('answers 400 to a rating outside −2…+2 and writes nothing', async () => {
    // Prepare
    const referral = await clientOf(workerA, Stage.IN_SESSIONS);
    const [goal] = (await getReferralDetails(api.stores.vancouver, referral.id)).goals;
    api.requests.length = 0;

    // Act
    const response = await api
      .as('peer-worker', 'vancouver', workerA)
      .post(`/referrals/${referral.id}/goals/${goal!.id}/ratings`, { rating: 3 });

    // Assess
    expect(response.status).toBe(400);
    expect(response.body.issues).toEqual([expect.objectContaining({ path: 'rating' })]);
    expect(api.requests.filter((r) => WRITES.has(r.operation))).toEqual([]);
    const [after] = (await getReferralDetails(api.stores.vancouver, referral.id)).goals;
    expect(after).toMatchObject({ latestRating: -1, ratings: [] });
  });

  it("rates the matched worker's goal and makes it the latest, within three requests", async () => {
    // Prepare
    const referral = await clientOf(workerA, Stage.IN_SESSIONS);
    const [goal] = (await getReferralDetails(api.stores.vancouver, referral.id)).goals;
    api.requests.length = 0;

    // Act
    const response = await api
      .as('peer-worker', 'vancouver', workerA)
      .post(`/referrals/${referral.id}/goals/${goal!.id}/ratings`, { rating: 1 });

    // Assess
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({
      id: goal!.id,
      latestRating: 1,
      ratings: [{ rating: 1, by: workerA }],
    });
    expect(api.requests.length).toBeLessThanOrEqual(3);
  });

  it("answers 404 to a worker rating another worker's client's goal", async () => {
    // Prepare
    const referral = await clientOf(workerB, Stage.IN_SESSIONS);
    const [goal] = (await getReferralDetails(api.stores.vancouver, referral.id)).goals;

    // Act
    const response = await api
      .as('peer-worker', 'vancouver', workerA)
      .post(`/referrals/${referral.id}/goals/${goal!.id}/ratings`, { rating: 2 });

    // Assess
    expect(response.status).toBe(404);
    const [after] = (await getReferralDetails(api.stores.vancouver, referral.id)).goals;
    expect(after?.ratings).toEqual([]);
  });
});

describe('concerns', () => {
  it('alerts the coordinators and the referring clinician at once, with level and category only', async () => {
    // Prepare
    const referral = await clientOf(workerA, Stage.IN_SESSIONS);

    // Act
    const raised = await api
      .as('peer-worker', 'vancouver', workerA)
      .post(`/referrals/${referral.id}/concerns`, { level: 'URGENT', category: 'SAFETY' });

    // Assess
    expect(raised.status).toBe(201);
    expect(raised.body).toMatchObject({ referralId: referral.id, level: 'URGENT', category: 'SAFETY' });
    const expected = (details: Record<string, string>) =>
      expect.objectContaining({
        id: raised.body.id,
        kind: 'CONCERN_RAISED',
        referralId: referral.id,
        level: 'URGENT',
        details,
      });
    expect((await api.as('coordinator').get('/alerts')).body.items).toContainEqual(
      expected({ category: 'SAFETY', workerId: workerA }),
    );
    // Alerts to a clinician never carry a worker id.
    expect((await api.as('clinician').get('/alerts')).body.items).toContainEqual(
      expected({ category: 'SAFETY' }),
    );
  });

  it('refuses a concern carrying free text (400) and raises nothing', async () => {
    // Prepare
    const referral = await clientOf(workerA, Stage.IN_SESSIONS);
    const text = `Said something worrying ${randomUUID()}`;

    // Act
    const response = await api
      .as('peer-worker', 'vancouver', workerA)
      .post(`/referrals/${referral.id}/concerns`, { level: 'ROUTINE', category: 'HEALTH', text });

    // Assess
    expect(response.status).toBe(400);
    expect(JSON.stringify(response.body)).not.toContain(text);
    const alerts = (await api.as('coordinator').get('/alerts?limit=100')).body.items;
    expect(alerts.filter((a: { referralId?: string }) => a.referralId === referral.id)).toEqual([]);
    expect(everything()).not.toContain('worrying');
  });

  it("answers 404 to a concern about another worker's client, and about a former client once closed", async () => {
    // Prepare
    const others = await clientOf(workerB, Stage.IN_SESSIONS);
    const closed = await clientOf(workerA, Stage.CLOSED);
    const asA = api.as('peer-worker', 'vancouver', workerA);
    const body = { level: 'ROUTINE', category: 'WELLBEING' };

    // Act
    const onOthers = await asA.post(`/referrals/${others.id}/concerns`, body);
    const onClosed = await asA.post(`/referrals/${closed.id}/concerns`, body);

    // Assess
    expect(onOthers.status).toBe(404);
    // A closed relationship is no longer the worker's: its client is invisible to them, like any other.
    expect(onClosed.status).toBe(404);
  });
});

describe('alerts', () => {
  it('acknowledges an alert in the caller inbox; anyone else gets 404 for it', async () => {
    // Prepare
    const referral = await clientOf(workerA, Stage.IN_SESSIONS);
    const raised = await api
      .as('peer-worker', 'vancouver', workerA)
      .post(`/referrals/${referral.id}/concerns`, { level: 'ROUTINE', category: 'HOUSING' });

    // Act
    const byWorker = await api.as('peer-worker', 'vancouver', workerA).post(`/alerts/${raised.body.id}/ack`);
    const acked = await api.as('coordinator').post(`/alerts/${raised.body.id}/ack`);

    // Assess
    expect(byWorker.status).toBe(404);
    expect(acked.status).toBe(200);
    expect(acked.body).toMatchObject({
      id: raised.body.id,
      acknowledgedBy: api.demo.vancouver.staff.coordinator,
    });
    expect(acked.body.acknowledgedAt).toEqual(expect.any(String));
    const open = await api.as('coordinator').get('/alerts?acknowledged=false&limit=100');
    expect(open.body.items.map((a: { id: string }) => a.id)).not.toContain(raised.body.id);
    const done = await api.as('coordinator').get('/alerts?acknowledged=true&limit=100');
    expect(done.body.items.map((a: { id: string }) => a.id)).toContain(raised.body.id);
    // The clinician's copy is theirs to acknowledge: still open.
    const clinicians = await api.as('clinician').get('/alerts?acknowledged=false&limit=100');
    expect(clinicians.body.items.map((a: { id: string }) => a.id)).toContain(raised.body.id);
  });

  it("pages a coordinator's two inboxes newest first, each alert once", async () => {
    // Prepare: alerts in the coordinator's own inbox besides the region's coordinators' inbox.
    const store = api.stores.vancouver;
    for (let i = 0; i < 3; i++) {
      await putAlert(store, {
        audience: Audience.user(api.demo.vancouver.staff.coordinator),
        kind: 'STAGE_CHANGED',
        referralId: `own-${i}`,
      });
      await putAlert(store, { audience: Audience.coordinators('vancouver'), kind: 'NEW_REFERRAL' });
    }
    const all = (await api.as('coordinator').get('/alerts?limit=100')).body.items as { id: string }[];

    // Act
    const paged: string[] = [];
    let token: string | undefined;
    do {
      const page = await api
        .as('coordinator')
        .get(`/alerts?limit=2${token ? `&nextToken=${encodeURIComponent(token)}` : ''}`);
      expect(page.status).toBe(200);
      paged.push(...page.body.items.map((a: { id: string }) => a.id));
      token = page.body.nextToken;
    } while (token);

    // Assess
    const expected = all.map((a) => a.id);
    expect(expected.length).toBeGreaterThanOrEqual(6);
    expect(paged).toEqual([...expected].sort().reverse());
    expect(paged).toEqual(expected);
    expect(new Set(paged).size).toBe(paged.length);
  });

  it("shows a worker only their own inbox, and refuses another inbox's page token (400)", async () => {
    // Prepare
    await putAlert(api.stores.vancouver, { audience: Audience.user(workerB), kind: 'NEW_CLIENT' });
    const coordinatorPage = await api.as('coordinator').get('/alerts?limit=1');

    // Act
    const mine = await api.as('peer-worker', 'vancouver', workerB).get('/alerts');
    const crafted = await api
      .as('peer-worker', 'vancouver', workerB)
      .get(`/alerts?nextToken=${encodeURIComponent(coordinatorPage.body.nextToken)}`);

    // Assess
    expect(mine.status).toBe(200);
    expect(mine.body.items.length).toBeGreaterThan(0);
    expect(mine.body.items.map((a: { kind: string }) => a.kind)).toEqual(['NEW_CLIENT']);
    expect(crafted.status).toBe(400);
  });
});
