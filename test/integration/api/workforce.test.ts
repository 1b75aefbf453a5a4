import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routes } from '#api/routes.ts';
import { workforceRoutes } from '#api/routes-workforce.ts';
import { listTimeEntries } from '#data/contracts.ts';
import { paidMinutesOn } from '#data/paid-days.ts';
import { listSupervision } from '#data/supervision.ts';
import { listTrainingRecords } from '#data/training.ts';
import { Stage } from '#domain/lifecycle.ts';
import { ROLES, type Role } from '#domain/roles.ts';
import { startTestApi, type TestApi } from '../../support/api.ts';
import { localDate, referralInput, seedReferral } from '../../support/store.ts';

// Every success body is checked against the route's declared response schema (a mismatch is a 500).
process.env.PEERPATH_CHECK_RESPONSES = '1';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await api?.stop();
});

const today = localDate(0);

/** A new worker (with their login) through the API; their id is their `sub`. */
async function newWorker(): Promise<string> {
  const suffix = randomUUID().slice(0, 8);
  const created = await api.as('coordinator').post('/workers', {
    firstName: 'Wren',
    lastName: `Workforce-${suffix}`,
    email: `wren-${suffix}@example.org`,
    phone: '604-555-0142',
    gender: 'WOMAN',
    languages: ['English'],
    livedExperience: ['ANXIETY'],
    neighbourhoods: ['Strathcona'],
    maxCaseload: 4,
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body.id as string;
}

async function put(role: Role, path: string, body: unknown, sub?: string) {
  const token = await api.as(role, 'vancouver', sub).token();
  return api.call({ method: 'PUT', path: `/vancouver${path}`, token, body });
}

const asWorker = (id: string) => api.as('peer-worker', 'vancouver', id);

describe('training records', () => {
  it('records a training that the worker reads as their own, and another worker gets 404', async () => {
    // Prepare
    const [worker, other] = [await newWorker(), await newWorker()];

    // Act
    const added = await api.as('coordinator').post(`/workers/${worker}/training`, {
      course: 'NALOXONE',
      completedOn: localDate(-10),
      expiresOn: localDate(355),
    });
    const own = await asWorker(worker).get(`/workers/${worker}/training`);
    const notTheirs = await asWorker(other).get(`/workers/${worker}/training`);

    // Assess
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ course: 'NALOXONE', current: true, workerId: worker });
    expect(own.status).toBe(200);
    expect(own.body.items.map((r: { id: string }) => r.id)).toEqual([added.body.id]);
    expect(notTheirs.status).toBe(404);
  });

  it('answers 400 to an expiry before completion and writes nothing', async () => {
    // Prepare
    const worker = await newWorker();

    // Act
    const response = await api.as('coordinator').post(`/workers/${worker}/training`, {
      course: 'NALOXONE',
      completedOn: localDate(-10),
      expiresOn: localDate(-20),
    });

    // Assess
    expect(response.status).toBe(400);
    expect(response.body.issues.map((i: { path: string }) => i.path)).toEqual(['expiresOn']);
    expect(await listTrainingRecords(api.stores.vancouver, worker)).toEqual([]);
  });

  it('answers 404 to a training for a worker who does not exist', async () => {
    const response = await api.as('coordinator').post(`/workers/nobody-${randomUUID()}/training`, {
      course: 'PEER_CORE',
      completedOn: today,
    });
    expect(response.status).toBe(404);
  });
});

describe('contracts and paid time', () => {
  it('sets a contract the worker reads with their paid time this month by kind', async () => {
    // Prepare
    const worker = await newWorker();
    const referral = await seedReferral(api.stores.vancouver, {
      stage: Stage.GOAL_SETTING,
      workerId: worker,
      details: referralInput(),
    });
    await asWorker(worker).post(`/referrals/${referral.id}/sessions`, {
      date: today,
      mode: 'PHONE',
      minutes: 25,
    });
    await api.as('coordinator').post(`/workers/${worker}/supervision`, {
      date: today,
      minutes: 40,
      kind: 'SUPERVISION',
      note: 'Monthly check-in',
    });
    await asWorker(worker).post(`/workers/${worker}/time`, { date: today, kind: 'TRAVEL', minutes: 15 });

    // Act
    const set = await put('coordinator', `/workers/${worker}/contract`, {
      start: localDate(-30),
      end: localDate(300),
      hoursPerMonth: 40,
    });
    const own = await asWorker(worker).get(`/workers/${worker}/contract`);

    // Assess
    expect(set.status).toBe(200);
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({
      workerId: worker,
      inForce: true,
      contract: { hoursPerMonth: 40, start: localDate(-30), end: localDate(300), version: 1 },
      paidThisMonth: { sessions: 25, supervision: 40, other: 15, total: 80 },
    });
  });

  it('answers 400 to a contract whose end is before its start and writes nothing', async () => {
    // Prepare
    const worker = await newWorker();

    // Act
    const response = await put('coordinator', `/workers/${worker}/contract`, {
      start: localDate(10),
      end: localDate(-10),
      hoursPerMonth: 40,
    });

    // Assess
    expect(response.status).toBe(400);
    expect(response.body.issues.map((i: { path: string }) => i.path)).toEqual(['end']);
    const read = await api.as('coordinator').get(`/workers/${worker}/contract`);
    expect(read.body.contract).toBeUndefined();
    expect(read.body.inForce).toBe(false);
  });

  it('refuses SUPERVISION through /time (400), and time for another worker by a worker (404)', async () => {
    // Prepare
    const [worker, other] = [await newWorker(), await newWorker()];

    // Act
    const supervision = await asWorker(worker).post(`/workers/${worker}/time`, {
      date: today,
      kind: 'SUPERVISION',
      minutes: 30,
    });
    const forOther = await asWorker(worker).post(`/workers/${other}/time`, {
      date: today,
      kind: 'ADMIN',
      minutes: 30,
    });

    // Assess
    expect(supervision.status).toBe(400);
    expect(supervision.body.issues.map((i: { path: string }) => i.path)).toEqual(['kind']);
    expect(forOther.status).toBe(404);
    expect(await listTimeEntries(api.stores.vancouver, worker, today.slice(0, 7))).toEqual([]);
    expect(await listTimeEntries(api.stores.vancouver, other, today.slice(0, 7))).toEqual([]);
  });

  it("caps a day's paid time across other work and supervision (400 past it, nothing written)", async () => {
    // Prepare: 700 of the default 720 minutes already logged today
    const worker = await newWorker();
    const first = await api.as('coordinator').post(`/workers/${worker}/time`, {
      date: today,
      kind: 'TRAINING',
      minutes: 700,
    });

    // Act
    const overTime = await asWorker(worker).post(`/workers/${worker}/time`, {
      date: today,
      kind: 'ADMIN',
      minutes: 30,
    });
    const overSupervision = await api.as('coordinator').post(`/workers/${worker}/supervision`, {
      date: today,
      minutes: 30,
      kind: 'DEBRIEF',
      note: 'After a hard week',
    });
    const within = await asWorker(worker).post(`/workers/${worker}/time`, {
      date: today,
      kind: 'ADMIN',
      minutes: 20,
    });

    // Assess
    expect(first.status).toBe(201);
    expect(overTime.status).toBe(400);
    expect(overTime.body.issues.map((i: { path: string }) => i.path)).toEqual(['minutes']);
    expect(overSupervision.status).toBe(400);
    expect(within.status).toBe(201);
    expect(await paidMinutesOn(api.stores.vancouver, worker, today)).toBe(720);
    expect((await listSupervision(api.stores.vancouver, worker)).items).toEqual([]);
    expect(await listTimeEntries(api.stores.vancouver, worker, today.slice(0, 7))).toHaveLength(2);
  });
});

describe('the supervision log', () => {
  it('is written by coordinators and read by the worker it is about, newest first; others get 404', async () => {
    // Prepare
    const [worker, other] = [await newWorker(), await newWorker()];
    for (const [date, kind] of [
      [localDate(-20), 'SUPERVISION'],
      [localDate(-1), 'DEBRIEF'],
    ] as const) {
      const logged = await api.as('coordinator').post(`/workers/${worker}/supervision`, {
        date,
        minutes: 30,
        kind,
        note: 'Self-care plan reviewed',
      });
      expect(logged.status).toBe(201);
    }

    // Act
    const own = await asWorker(worker).get(`/workers/${worker}/supervision`);
    const notTheirs = await asWorker(other).get(`/workers/${worker}/supervision`);

    // Assess
    expect(own.status).toBe(200);
    expect(own.body.items.map((e: { date: string; kind: string }) => [e.date, e.kind])).toEqual([
      [localDate(-1), 'DEBRIEF'],
      [localDate(-20), 'SUPERVISION'],
    ]);
    expect(own.body.items[0].note).toBe('Self-care plan reviewed');
    expect(notTheirs.status).toBe(404);
  });
});

describe('self-service', () => {
  it.each([
    ['gender', 'MAN'],
    ['languages', ['French']],
    ['livedExperience', ['TRAUMA']],
  ])('refuses a worker changing their own matching attribute %s (403, unchanged)', async (field, value) => {
    // Prepare
    const worker = await newWorker();
    const before = await asWorker(worker).get(`/workers/${worker}`);

    // Act
    const response = await asWorker(worker).patch(`/workers/${worker}`, { [field]: value, version: 1 });
    const byCoordinator = await api
      .as('coordinator')
      .patch(`/workers/${worker}`, { [field]: value, version: before.body.version });

    // Assess
    expect(response.status).toBe(403);
    expect(byCoordinator.status).toBe(200);
    expect(byCoordinator.body[field]).toEqual(value);
    expect(byCoordinator.body.version).toBe(before.body.version + 1);
  });
});

describe('who may call each workforce route', () => {
  const cases = Object.keys(workforceRoutes).flatMap((id) => {
    const route = routes[id as keyof typeof routes];
    return ROLES.map((role) => [id, role, route.roles.includes(role as never)] as const);
  });

  it.each(cases)('%s as %s: allowed=%s', async (id, role, allowed) => {
    // Prepare: a worker who does not exist; a body that is invalid for every route
    const route = routes[id as keyof typeof routes];
    const path = route.path.replace('{id}', `nobody-${randomUUID()}`);
    const token = await api.as(role).token();

    // Act
    const response = await api.call({
      method: route.method,
      path: `/vancouver${path}`,
      token,
      ...(route.method === 'GET' ? {} : { body: { bad: 1 } }),
    });

    // Assess: a wrong role is 403 before its body is read; an allowed one reaches validation or the lookup
    if (!allowed) expect(response.status).toBe(403);
    else expect([400, 404]).toContain(response.status);
  });
});
