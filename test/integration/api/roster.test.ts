import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAllWorkers, listWorkerChanges } from '#data/workers.ts';
import { Stage } from '#domain/lifecycle.ts';
import { startTestApi, type TestApi } from '../../support/api.ts';
import { referralInput, seedReferral } from '../../support/store.ts';

// Every success body is checked against the route's declared response schema (a mismatch is a 500).
process.env.PEERPATH_CHECK_RESPONSES = '1';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await api?.stop();
});

/** A valid new worker with a unique email. */
function newWorker(overrides: Record<string, unknown> = {}) {
  return {
    firstName: 'Robin',
    lastName: `Roster-${randomUUID().slice(0, 8)}`,
    email: `robin-${randomUUID().slice(0, 8)}@example.org`,
    phone: '604-555-0142',
    gender: 'WOMAN',
    languages: ['English', 'Cantonese'],
    livedExperience: ['ANXIETY'],
    neighbourhoods: ['Strathcona'],
    maxCaseload: 4,
    ...overrides,
  };
}

const emailsOf = async (role?: string) =>
  (
    (await api.as('coordinator').get(`/users${role ? `?role=${role}` : ''}`)).body.items as {
      email: string;
    }[]
  ).map((u) => u.email);

describe('the roster', () => {
  it("creates a worker with a login whose sub is the worker's id, showing their free capacity", async () => {
    // Prepare
    const input = newWorker();

    // Act
    const created = await api.as('coordinator').post('/workers', input);

    // Assess
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      firstName: 'Robin',
      region: 'vancouver',
      activeCaseload: 0,
      maxCaseload: 4,
      active: true,
      version: 1,
    });
    const logins = (await api.users.listUsers({ region: 'vancouver', role: 'peer-worker' })).filter(
      (u) => u.email === input.email,
    );
    expect(logins.map((u) => u.sub)).toEqual([created.body.id]);
    const read = await api.as('coordinator').get(`/workers/${created.body.id}`);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ activeCaseload: 0, maxCaseload: 4, clients: [] });
    expect(read.body.minutesByMonth).toHaveLength(3);
  });

  it('shows the caseload in use, the clients and the paid minutes once the worker is matched', async () => {
    // Prepare
    const created = await api.as('coordinator').post('/workers', newWorker({ maxCaseload: 2 }));
    const referral = await seedReferral(api.stores.vancouver, {
      stage: Stage.GOAL_SETTING,
      workerId: created.body.id,
      details: referralInput(),
    });
    const asWorker = api.as('peer-worker', 'vancouver', created.body.id);
    await asWorker.post(`/referrals/${referral.id}/sessions`, {
      date: new Date().toLocaleDateString('en-CA', { timeZone: 'America/Vancouver' }),
      mode: 'PHONE',
      minutes: 25,
    });

    // Act
    const byCoordinator = await api.as('coordinator').get(`/workers/${created.body.id}`);
    const byThemselves = await asWorker.get(`/workers/${created.body.id}`);

    // Assess
    expect(byCoordinator.body).toMatchObject({ activeCaseload: 1, maxCaseload: 2, clients: [referral.id] });
    expect(byCoordinator.body.minutesByMonth[0]).toMatchObject({ minutes: 25 });
    expect(byThemselves.status).toBe(200);
    expect(byThemselves.body.clients).toEqual([referral.id]);
  });

  it('answers 400 to an invalid worker with the field paths only, and creates neither login nor profile', async () => {
    // Prepare
    const input = newWorker({ maxCaseload: 99, languages: [], email: `Secret-${randomUUID()}` });
    const before = (await listAllWorkers(api.stores.vancouver)).length;

    // Act
    const response = await api.as('coordinator').post('/workers', input);

    // Assess
    expect(response.status).toBe(400);
    const paths = (response.body.issues as { path: string }[]).map((issue) => issue.path).sort();
    expect(paths).toEqual(['email', 'languages', 'maxCaseload']);
    expect(JSON.stringify(response.body)).not.toContain('Secret-');
    expect((await listAllWorkers(api.stores.vancouver)).length).toBe(before);
    expect(await emailsOf()).not.toContain(input.email);
  });

  it('answers 409 to a second worker with the same email', async () => {
    // Prepare
    const input = newWorker();
    await api.as('coordinator').post('/workers', input);

    // Act
    const again = await api.as('coordinator').post('/workers', { ...input, lastName: 'Other' });

    // Assess
    expect(again.status).toBe(409);
  });

  it('completes the roster entry for a peer-worker login that has no profile yet', async () => {
    // Prepare
    const input = newWorker();
    const login = await api.as('coordinator').post('/users', {
      email: input.email,
      givenName: input.firstName,
      familyName: input.lastName,
      role: 'peer-worker',
    });

    // Act
    const created = await api.as('coordinator').post('/workers', input);

    // Assess
    expect(created.status).toBe(201);
    expect(created.body.id).toBe(login.body.sub);
  });

  it('lists the region roster, active workers only on request', async () => {
    // Prepare
    const inactive = await api.as('coordinator').post('/workers', newWorker({ active: false }));

    // Act
    const active = await api.as('coordinator').get('/workers?active=true&limit=100');
    const inactiveOnly = await api.as('coordinator').get('/workers?active=false&limit=100');

    // Assess
    expect(active.status).toBe(200);
    expect(active.body.items.every((w: { active: boolean }) => w.active)).toBe(true);
    expect(active.body.items.map((w: { id: string }) => w.id)).not.toContain(inactive.body.id);
    expect(inactiveOnly.body.items.map((w: { id: string }) => w.id)).toContain(inactive.body.id);
    expect((await api.as('peer-worker').get('/workers')).status).toBe(403);
  });

  it('corrects a profile with the version read and records the fields changed; a stale version is 409', async () => {
    // Prepare
    const created = await api.as('coordinator').post('/workers', newWorker());
    const path = `/workers/${created.body.id}`;

    // Act
    const corrected = await api.as('coordinator').patch(path, { maxCaseload: 6, version: 1 });
    const stale = await api.as('coordinator').patch(path, { maxCaseload: 8, version: 1 });
    const invalid = await api.as('coordinator').patch(path, { maxCaseload: -1, version: 2 });

    // Assess
    expect(corrected.status).toBe(200);
    expect(corrected.body).toMatchObject({ maxCaseload: 6, version: 2 });
    expect(stale.status).toBe(409);
    expect(invalid.status).toBe(400);
    const changes = await listWorkerChanges(api.stores.vancouver, created.body.id);
    expect(changes.map((c) => c.fields ?? c.kind)).toEqual(['CREATED', ['maxCaseload']]);
  });

  it('lets a worker correct their own contact details but not their caseload, nor anyone else', async () => {
    // Prepare
    const me = await api.as('coordinator').post('/workers', newWorker());
    const other = await api.as('coordinator').post('/workers', newWorker());
    const asMe = api.as('peer-worker', 'vancouver', me.body.id);

    // Act
    const phone = await asMe.patch(`/workers/${me.body.id}`, { phone: '604-555-0177', version: 1 });
    const caseload = await asMe.patch(`/workers/${me.body.id}`, { maxCaseload: 20, version: 2 });
    const others = await asMe.patch(`/workers/${other.body.id}`, { phone: '604-555-0178', version: 1 });
    const readOthers = await asMe.get(`/workers/${other.body.id}`);

    // Assess
    expect(phone.status).toBe(200);
    expect(phone.body.phone).toBe('604-555-0177');
    expect(caseload.status).toBe(403);
    expect(others.status).toBe(404);
    expect(readOthers.status).toBe(404);
    const stored = await api.as('coordinator').get(`/workers/${me.body.id}`);
    expect(stored.body).toMatchObject({ maxCaseload: 4, version: 2 });
  });

  it('answers 404 to a worker of another region', async () => {
    // Prepare
    const richmondWorker = api.demo.richmond.workers[0]!;

    // Act
    const response = await api.as('coordinator').get(`/workers/${richmondWorker}`);

    // Assess
    expect(response.status).toBe(404);
  });
});

describe('accounts', () => {
  const account = (role: string) => ({
    email: `${role}-${randomUUID().slice(0, 8)}@example.org`,
    givenName: 'Kim',
    familyName: 'Account',
    role,
  });

  it("lets a coordinator create a clinician in the coordinator's own region", async () => {
    // Prepare
    const input = account('clinician');

    // Act
    const created = await api.as('coordinator').post('/users', input);

    // Assess
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ email: input.email, role: 'clinician', region: 'vancouver' });
    expect(await emailsOf('clinician')).toContain(input.email);
    expect(await emailsOf('peer-worker')).not.toContain(input.email);
  });

  it('answers 403 to a coordinator creating a coordinator or an admin, and creates nothing', async () => {
    // Prepare
    const coordinator = account('coordinator');
    const admin = account('admin');

    // Act
    const asCoordinator = await api.as('coordinator').post('/users', coordinator);
    const asAdmin = await api.as('coordinator').post('/users', admin);

    // Assess
    expect(asCoordinator.status).toBe(403);
    expect(asAdmin.status).toBe(403);
    const emails = await emailsOf();
    expect(emails).not.toContain(coordinator.email);
    expect(emails).not.toContain(admin.email);
  });

  it('lets an admin create a coordinator but not another admin', async () => {
    // Prepare
    const coordinator = account('coordinator');

    // Act
    const created = await api.as('admin').post('/users', coordinator);
    const admin = await api.as('admin').post('/users', account('admin'));

    // Assess
    expect(created.status).toBe(201);
    expect(admin.status).toBe(403);
    expect(await emailsOf('coordinator')).toContain(coordinator.email);
  });

  it('answers 400 to an unknown role or a region in the body, 409 to a taken email, 403 to other roles', async () => {
    // Prepare
    const input = account('clinician');
    await api.as('coordinator').post('/users', input);

    // Act
    const unknownRole = await api.as('coordinator').post('/users', { ...account('x'), role: 'superuser' });
    const withRegion = await api
      .as('coordinator')
      .post('/users', { ...account('clinician'), region: 'richmond' });
    const taken = await api.as('coordinator').post('/users', input);
    const byClinician = await api.as('clinician').post('/users', account('clinician'));

    // Assess
    expect(unknownRole.status).toBe(400);
    expect(unknownRole.body.issues).toContainEqual(expect.objectContaining({ path: 'role' }));
    expect(withRegion.status).toBe(400);
    expect(taken.status).toBe(409);
    expect(byClinician.status).toBe(403);
    expect((await api.as('peer-worker').get('/users')).status).toBe(403);
  });
});
