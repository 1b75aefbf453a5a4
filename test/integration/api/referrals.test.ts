import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Alert, listAlerts } from '#data/alerts.ts';
import { getIdempotencyRecord } from '#data/idempotency.ts';
import { Audience } from '#data/keys.ts';
import { getReferral, listByReferrer } from '#data/referrals/reads.ts';
import { transition } from '#data/referrals/transition.ts';
import { logSession } from '#data/sessions.ts';
import { Stage } from '#domain/lifecycle.ts';
import type { Referral, ReferralInput } from '#domain/referral.ts';
import { captureHttpLog, startTestApi, type TestApi } from '../../support/api.ts';
import { type CapturedOutput, captureAllOutput } from '../../support/output.ts';
import { actors, localDate, referralInput, seedReferral, seedWorker } from '../../support/store.ts';
import { eventually } from '../../support/workflow.ts';

// Every success body is checked against the route's declared response schema (a mismatch is a 500).
process.env.PEERPATH_CHECK_RESPONSES = '1';

/** Distinctive personal details: they must never reach a log line, a notice or an error body. */
const CANARY = 'Quorvalinthe';
const NOTE_CANARY = 'Vexmorrowdale';

let api: TestApi;
let clinician: string;
/** What the handlers wrote through the HTTP logger (the access log), as text. */
let logLines: string[] = [];
/** Everything else this process printed: every console method, stdout and stderr (vitest hides console.*). */
let printed: CapturedOutput | undefined;
const everything = () => [...api.output, ...logLines, printed?.text() ?? ''].join('\n');

beforeAll(async () => {
  printed = captureAllOutput();
  logLines = captureHttpLog();
  api = await startTestApi();
  clinician = api.demo.vancouver.staff.clinician;
});
afterAll(async () => {
  vi.restoreAllMocks();
  await api?.stop();
  printed?.restore();
});

/** A valid referral form for a new client named with the canary. */
function form(overrides: Partial<ReferralInput> = {}): ReferralInput {
  const base = referralInput();
  return {
    ...base,
    client: { ...base.client, givenName: CANARY, familyName: `Zembrowicz-${randomUUID().slice(0, 8)}` },
    currentSupports: 'Sees a psychiatrist monthly',
    ...overrides,
  };
}

const store = () => api.stores.vancouver;
const countOfClinician = async (sub = clinician) =>
  (await listByReferrer(store(), sub, { limit: 100 })).items.length;

/** A referral of the demo clinician's, driven through the data layer (no workflow) to `stage`. */
function seeded(stage: Stage, workerId?: string): Promise<Referral> {
  return seedReferral(store(), {
    stage,
    ...(workerId ? { workerId } : {}),
    referrerSub: clinician,
    details: form(),
  });
}

async function coordinatorAlerts(): Promise<Alert[]> {
  const alerts: Alert[] = [];
  let nextToken: string | undefined;
  do {
    const page = await listAlerts(store(), Audience.coordinators('vancouver'), {
      limit: 100,
      ...(nextToken ? { nextToken } : {}),
    });
    alerts.push(...page.items);
    nextToken = page.nextToken;
  } while (nextToken);
  return alerts;
}

const INTERNALS = ['waitToken', 'waitStage', 'executionName', 'clientKey', 'priority', 'pk', 'gsi1pk'];

// Runs first, while no workflow of this file is running: every DynamoDB request during the call is the API's.
describe('bad input', () => {
  it('answers 400 with field paths, never the values, and writes nothing (not even the idempotency key)', async () => {
    // Prepare
    const bad = {
      ...form(),
      client: { ...form().client, dateOfBirth: 'not-a-date', email: `${CANARY} at nowhere` },
      reasonForReferral: undefined,
    };
    const key = `bad-${randomUUID()}`;
    api.requests.length = 0;

    // Act
    const refused = await api.as('clinician').post('/referrals', bad, { 'idempotency-key': key });

    // Assess
    expect(refused.status).toBe(400);
    expect(refused.body.error).toBe('ValidationError');
    const paths = refused.body.issues.map((issue: { path: string }) => issue.path);
    expect(paths).toEqual(
      expect.arrayContaining(['client.dateOfBirth', 'client.email', 'reasonForReferral']),
    );
    expect(JSON.stringify(refused.body)).not.toContain(CANARY);
    expect(api.requests).toEqual([]);
    expect(await countOfClinician()).toBe(0);
    expect(await getIdempotencyRecord(store(), { sub: clinician, key })).toBeUndefined();
    const retried = await api.as('clinician').post('/referrals', form(), { 'idempotency-key': key });
    expect(retried.status).toBe(201);
  });

  it('answers 400 to a malformed Idempotency-Key and writes nothing', async () => {
    // Prepare
    const before = await countOfClinician();

    // Act
    const refused = await api.as('clinician').post('/referrals', form(), { 'idempotency-key': 'has#hash' });

    // Assess
    expect(refused.status).toBe(400);
    expect(refused.body.issues).toEqual([expect.objectContaining({ path: 'headers.idempotency-key' })]);
    expect(await countOfClinician()).toBe(before);
  });
});

describe('submitting a referral', () => {
  it('answers 201 with id, stage and Location, starts its workflow, and alerts the coordinators', async () => {
    // Prepare
    const body = form();

    // Act
    const created = await api.as('clinician').post('/referrals', body);

    // Assess
    expect(created.status).toBe(201);
    const { id } = created.body;
    expect(created.body).toMatchObject({ id, stage: Stage.REFERRED, region: 'vancouver', version: 1 });
    expect(created.body.details.client.familyName).toBe(body.client.familyName);
    expect(created.headers.get('location')).toBe(`/vancouver/referrals/${id}`);
    const started = await eventually('the execution to be recorded', async () => {
      const referral = await getReferral(store(), id);
      return referral.executionName === id && referral.waitStage === Stage.REFERRED ? referral : undefined;
    });
    expect(api.runners.vancouver.execution(started.executionName!)?.status).toBe('RUNNING');
    const alert = await eventually('a NEW_REFERRAL alert', async () =>
      (await coordinatorAlerts()).find((a) => a.kind === 'NEW_REFERRAL' && a.referralId === id),
    );
    expect(alert.stage).toBe(Stage.REFERRED);
    const view = await api.as('coordinator').get(`/referrals/${id}`);
    for (const internal of INTERNALS) expect(view.body).not.toHaveProperty(internal);
  });

  it('replays the first response for the same Idempotency-Key and body, creating one referral', async () => {
    // Prepare
    const body = form();
    const key = randomUUID();
    const before = await countOfClinician();

    // Act
    const first = await api.as('clinician').post('/referrals', body, { 'idempotency-key': key });
    const replay = await api.as('clinician').post('/referrals', body, { 'idempotency-key': key });

    // Assess
    expect(first.status).toBe(201);
    expect(replay.status).toBe(201);
    expect(replay.body).toEqual(first.body);
    expect(replay.headers.get('location')).toBe(first.headers.get('location'));
    expect(await countOfClinician()).toBe(before + 1);
  });

  it('creates one referral from 20 concurrent submissions with one Idempotency-Key, all answered with it', async () => {
    // Prepare
    const body = form();
    const key = randomUUID();
    const before = await countOfClinician();

    // Act
    const answers = await Promise.all(
      Array.from({ length: 20 }, () =>
        api.as('clinician').post('/referrals', body, { 'idempotency-key': key }),
      ),
    );

    // Assess
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(201));
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    expect(await countOfClinician()).toBe(before + 1);
  });

  it('answers 422 to the same Idempotency-Key with another body and creates nothing more', async () => {
    // Prepare
    const key = randomUUID();
    const first = await api.as('clinician').post('/referrals', form(), { 'idempotency-key': key });
    const before = await countOfClinician();

    // Act
    const reused = await api.as('clinician').post('/referrals', form(), { 'idempotency-key': key });

    // Assess
    expect(first.status).toBe(201);
    expect(reused.status).toBe(422);
    expect(await countOfClinician()).toBe(before);
  });

  it('scopes the Idempotency-Key to the caller: another clinician with the same key gets their own referral', async () => {
    // Prepare
    const key = randomUUID();
    const other = `clinician-${randomUUID()}`;
    const mine = await api.as('clinician').post('/referrals', form(), { 'idempotency-key': key });

    // Act
    const theirs = await api
      .as('clinician', 'vancouver', other)
      .post('/referrals', form(), { 'idempotency-key': key });

    // Assess
    expect(theirs.status).toBe(201);
    expect(theirs.body.id).not.toBe(mine.body.id);
    expect(await countOfClinician(other)).toBe(1);
  });

  it('refuses a referral for another region than the API’s with 400', async () => {
    // Act
    const refused = await api.as('clinician').post('/referrals', form({ region: 'richmond' }));

    // Assess
    expect(refused.status).toBe(400);
    expect(refused.body.issues).toEqual([expect.objectContaining({ path: 'region' })]);
  });
});

describe('who sees which referral', () => {
  it("answers 404 to a clinician reading another clinician's referral, and leaves it out of their list", async () => {
    // Prepare
    const referral = await seeded(Stage.REFERRED);
    const other = api.as('clinician', 'vancouver', `clinician-${randomUUID()}`);

    // Act
    const read = await other.get(`/referrals/${referral.id}`);
    const listed = await other.get('/referrals');

    // Assess
    expect(read.status).toBe(404);
    expect(listed.body.items.map((r: { id: string }) => r.id)).not.toContain(referral.id);
    expect((await api.as('clinician').get(`/referrals/${referral.id}`)).status).toBe(200);
  });

  it("answers 404 to a richmond coordinator for a vancouver referral, whatever the path's region", async () => {
    // Prepare
    const referral = await seeded(Stage.REFERRED);
    const richmondToken = await api.tokenFor('coordinator', 'richmond');

    // Act
    const crossed = await api.call({
      method: 'GET',
      path: `/vancouver/referrals/${referral.id}`,
      token: richmondToken,
    });
    const own = await api.as('coordinator', 'richmond').get(`/referrals/${referral.id}`);

    // Assess
    expect(crossed.status).toBe(404);
    expect(own.status).toBe(404);
    expect((await api.as('coordinator').get(`/referrals/${referral.id}`)).status).toBe(200);
  });

  it('shows a peer worker only the clients matched to them', async () => {
    // Prepare
    const [workerA, workerB] = await Promise.all([
      seedWorker(store(), { maxCaseload: 30 }),
      seedWorker(store(), { maxCaseload: 30 }),
    ]);
    const referral = await seeded(Stage.IN_SESSIONS, workerA.id);

    // Act
    const byA = await api.as('peer-worker', 'vancouver', workerA.id).get(`/referrals/${referral.id}`);
    const byB = await api.as('peer-worker', 'vancouver', workerB.id).get(`/referrals/${referral.id}`);
    const listA = await api.as('peer-worker', 'vancouver', workerA.id).get('/referrals');
    const listB = await api.as('peer-worker', 'vancouver', workerB.id).get('/referrals');
    const closedOfA = await api.as('peer-worker', 'vancouver', workerA.id).get('/referrals?stage=CLOSED');

    // Assess
    expect(byA.status).toBe(200);
    expect(byB.status).toBe(404);
    expect(listA.body.items.map((r: { id: string }) => r.id)).toEqual([referral.id]);
    expect(listB.body.items).toEqual([]);
    expect(closedOfA.body.items).toEqual([]);
  });

  it('gives each role its own view: clinician without notes or worker ids, worker without the referrer, staff all', async () => {
    // Prepare: worker A logs a session, the client moves to worker B, who logs one too.
    const [workerA, workerB] = await Promise.all([
      seedWorker(store(), { maxCaseload: 30, firstName: 'Ariadne' }),
      seedWorker(store(), { maxCaseload: 30, firstName: 'Bartholomew' }),
    ]);
    const referral = await seeded(Stage.IN_SESSIONS, workerA.id);
    const sessionBy = (workerId: string) =>
      logSession(store(), {
        referralId: referral.id,
        workerId,
        input: { date: localDate(0), mode: 'WALK', minutes: 45, note: NOTE_CANARY, debriefNeeded: false },
        actor: actors.worker(workerId),
      });
    await sessionBy(workerA.id);
    await transition(store(), {
      referralId: referral.id,
      event: 'reassign',
      workerId: workerB.id,
      reason: 'Schedule',
      actor: actors.coordinator,
    });
    const sessionOfB = await sessionBy(workerB.id);

    // Act
    const asClinician = await api.as('clinician').get(`/referrals/${referral.id}`);
    const asWorker = await api.as('peer-worker', 'vancouver', workerB.id).get(`/referrals/${referral.id}`);
    const asCoordinator = await api.as('coordinator').get(`/referrals/${referral.id}`);
    const asAdmin = await api.as('admin').get(`/referrals/${referral.id}`);

    // Assess
    expect(asClinician.status).toBe(200);
    expect(asClinician.body).toMatchObject({ stage: Stage.IN_SESSIONS, workerFirstName: 'Bartholomew' });
    expect(asClinician.body.details.client.givenName).toBe(CANARY);
    for (const hidden of ['workerId', 'goals', 'sessions', 'holdReason', 'lastSessionAt', ...INTERNALS]) {
      expect(asClinician.body).not.toHaveProperty(hidden);
    }
    expect(JSON.stringify(asClinician.body)).not.toContain(NOTE_CANARY);

    expect(asWorker.status).toBe(200);
    expect(asWorker.body.sessions.map((s: { id: string }) => s.id)).toEqual([sessionOfB.id]);
    expect(asWorker.body.sessions[0].note).toBe(NOTE_CANARY);
    expect(asWorker.body.goals).toHaveLength(1);
    expect(asWorker.body.details.client.givenName).toBe(CANARY);
    expect(asWorker.body.details).not.toHaveProperty('referrer');
    expect(asWorker.body.details).not.toHaveProperty('currentSupports');
    expect(asWorker.body.allowedEvents).toEqual(expect.arrayContaining(['hold', 'goalsAchieved']));

    for (const staff of [asCoordinator, asAdmin]) {
      expect(staff.status).toBe(200);
      expect(staff.body).toMatchObject({ workerId: workerB.id, referrerSub: clinician });
      expect(staff.body.sessions).toHaveLength(2);
      expect(staff.body.details.referrer.email).toBeDefined();
      for (const internal of INTERNALS) expect(staff.body).not.toHaveProperty(internal);
    }
  });

  it("lists the coordinator's queue by stage, most urgent first, a page at a time", async () => {
    // Prepare
    const routine = await seeded(Stage.AWAITING_MATCH);
    const urgent = await seedReferral(store(), {
      stage: Stage.AWAITING_MATCH,
      referrerSub: clinician,
      details: form({ urgency: 'URGENT' }),
    });

    // Act
    const first = await api.as('coordinator').get('/referrals?stage=AWAITING_MATCH&limit=1');
    const rest = await api
      .as('coordinator')
      .get(`/referrals?stage=AWAITING_MATCH&limit=100&nextToken=${first.body.nextToken}`);

    // Assess
    expect(first.status).toBe(200);
    expect(first.body.items.map((r: { id: string }) => r.id)).toEqual([urgent.id]);
    expect(first.body.nextToken).toEqual(expect.any(String));
    expect(rest.body.items.map((r: { id: string }) => r.id)).toContain(routine.id);
    expect(rest.body.items.every((r: { stage: string }) => r.stage === Stage.AWAITING_MATCH)).toBe(true);
    expect((await api.as('coordinator').get('/referrals?stage=NOPE')).status).toBe(400);
  });
});

describe('corrections and history', () => {
  it('corrects with the current version; a stale version is 409 and changes nothing', async () => {
    // Prepare
    const referral = await seeded(Stage.REFERRED);

    // Act
    const corrected = await api
      .as('clinician')
      .patch(`/referrals/${referral.id}`, { version: 1, reasonForReferral: 'Lonely since the move' });
    const stale = await api
      .as('coordinator')
      .patch(`/referrals/${referral.id}`, { version: 1, reasonForReferral: 'Something else' });

    // Assess
    expect(corrected.status).toBe(200);
    expect(corrected.body.version).toBe(2);
    expect(stale.status).toBe(409);
    const now = await getReferral(store(), referral.id);
    expect(now.version).toBe(2);
    expect(now.details.reasonForReferral).toBe('Lonely since the move');
  });

  it("answers 409 to the clinician's correction once matched, and 404 to another clinician's", async () => {
    // Prepare
    const worker = await seedWorker(store(), { maxCaseload: 30 });
    const matched = await seeded(Stage.GOAL_SETTING, worker.id);
    const open = await seeded(Stage.REFERRED);

    // Act
    const late = await api
      .as('clinician')
      .patch(`/referrals/${matched.id}`, { version: matched.version, urgency: 'URGENT' });
    const notMine = await api
      .as('clinician', 'vancouver', `clinician-${randomUUID()}`)
      .patch(`/referrals/${open.id}`, { version: open.version, urgency: 'URGENT' });

    // Assess
    expect(late.status).toBe(409);
    expect(notMine.status).toBe(404);
    expect((await getReferral(store(), open.id)).version).toBe(open.version);
  });

  it('lists the audit history for staff, oldest first and a page at a time, naming corrected fields only', async () => {
    // Prepare
    const referral = await seeded(Stage.AWAITING_MATCH);
    await api.as('coordinator').patch(`/referrals/${referral.id}`, { version: 2, urgency: 'SOON' });

    // Act
    const first = await api.as('coordinator').get(`/referrals/${referral.id}/history?limit=2`);
    const rest = await api
      .as('coordinator')
      .get(`/referrals/${referral.id}/history?nextToken=${first.body.nextToken}`);
    const byClinician = await api.as('clinician').get(`/referrals/${referral.id}/history`);

    // Assess
    expect(first.status).toBe(200);
    expect(first.body.items.map((e: { kind: string }) => e.kind)).toEqual(['SUBMITTED', 'TRANSITIONED']);
    expect(rest.body.items).toEqual([expect.objectContaining({ kind: 'CORRECTED', fields: ['urgency'] })]);
    expect(rest.body).not.toHaveProperty('nextToken');
    expect(byClinician.status).toBe(403);
    expect((await api.as('coordinator').get(`/referrals/${referral.id}/history?nextToken=xx`)).status).toBe(
      400,
    );
  });
});

describe('re-referral', () => {
  it('creates a new referral linked to the closed one, and matching puts the previous worker first', async () => {
    // Prepare
    const worker = await seedWorker(store(), { maxCaseload: 30, livedExperience: ['EATING_DISORDER'] });
    const closed = await seeded(Stage.CLOSED, worker.id);

    // Act
    const rereferred = await api.as('clinician').post(`/referrals/${closed.id}/rerefer`, { urgency: 'SOON' });

    // Assess
    expect(rereferred.status).toBe(201);
    expect(rereferred.body).toMatchObject({ stage: Stage.REFERRED, previousReferralId: closed.id });
    expect(rereferred.body.details).toMatchObject({ urgency: 'SOON', client: closed.details.client });
    expect(rereferred.headers.get('location')).toBe(`/vancouver/referrals/${rereferred.body.id}`);
    const candidates = await api.as('coordinator').get(`/referrals/${rereferred.body.id}/candidates`);
    expect(candidates.body.items[0].workerId).toBe(worker.id);
    expect(candidates.body.items[0].reasons).toContainEqual(
      expect.objectContaining({ criterion: 'previousWorker', met: true }),
    );
  });

  it('answers 409 to re-referring an open referral and 404 to another clinician', async () => {
    // Prepare
    const open = await seeded(Stage.REFERRED);
    const declined = await seeded(Stage.DECLINED);
    const before = await countOfClinician();

    // Act
    const fromOpen = await api.as('clinician').post(`/referrals/${open.id}/rerefer`, {});
    const notMine = await api
      .as('clinician', 'vancouver', `clinician-${randomUUID()}`)
      .post(`/referrals/${declined.id}/rerefer`, {});

    // Assess
    expect(fromOpen.status).toBe(409);
    expect(notMine.status).toBe(404);
    expect(await countOfClinician()).toBe(before);
  });
});

describe('re-referral of an old form', () => {
  it('asks for a renewed consent when the copied one has expired (400), then re-refers with it', async () => {
    // Prepare: a referral whose consent has run out since it was declined.
    const base = form();
    const lapsed = { ...base, consent: { ...base.consent, date: localDate(-400), expiresOn: localDate(-5) } };
    const declined = await seedReferral(store(), {
      stage: Stage.DECLINED,
      referrerSub: clinician,
      details: lapsed,
    });
    const renewed = { ...base.consent, date: localDate(0), expiresOn: localDate(365) };

    // Act
    const refused = await api.as('clinician').post(`/referrals/${declined.id}/rerefer`, {});
    const accepted = await api
      .as('clinician')
      .post(`/referrals/${declined.id}/rerefer`, { consent: renewed });

    // Assess
    expect(refused.status).toBe(400);
    expect(refused.body.issues).toEqual([expect.objectContaining({ path: 'consent.expiresOn' })]);
    expect(accepted.status).toBe(201);
    expect(accepted.body).toMatchObject({
      previousReferralId: declined.id,
      consentExpiresOn: localDate(365),
    });
  });
});

// Last: everything above submitted, read and refused referrals of clients named with the canary.
describe('personal health information', () => {
  it("never writes a client's name or a session note to a log line, a notice or an access line", async () => {
    // Prepare: one more read of each kind, so this test stands even when run alone.
    const referral = await seeded(Stage.REFERRED);
    await api.as('coordinator').get(`/referrals/${referral.id}`);
    await api.as('clinician').get('/referrals');

    // Assess
    const output = everything();
    expect(output).toContain(referral.id);
    expect(output).toContain('referral-access');
    expect(output).not.toContain(CANARY);
    expect(output).not.toContain(NOTE_CANARY);
    expect(output).not.toContain('Zembrowicz');
  });
});
