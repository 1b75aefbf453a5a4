import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLink, getLink, moveLink } from '#data/links.ts';
import { getResource } from '#data/resources.ts';
import { Stage } from '#domain/lifecycle.ts';
import type { Referral } from '#domain/referral.ts';
import { startTestApi, type TestApi } from '../../support/api.ts';
import { referralInput, seedReferral, seedWorker } from '../../support/store.ts';

// Every success body is checked against the route's declared response schema (a mismatch is a 500).
process.env.PEERPATH_CHECK_RESPONSES = '1';

let api: TestApi;
let workerId: string;
let otherWorkerId: string;
let client: Referral;
let othersClient: Referral;
let foodBankId: string;

const resourceInput = (overrides: Record<string, unknown> = {}) => ({
  name: 'Strathcona Food Bank',
  category: 'FOOD',
  neighbourhood: 'Testhaven',
  address: '100 Example St, Vancouver',
  phone: '604-555-0111',
  website: 'https://food.example.org',
  languages: ['English', 'Cantonese'],
  hours: 'Tue and Thu 10:00–14:00',
  ...overrides,
});

beforeAll(async () => {
  api = await startTestApi();
  const store = api.stores.vancouver;
  workerId = (await seedWorker(store, { lastName: 'Linker', email: 'linker@example.org' })).id;
  otherWorkerId = (await seedWorker(store, { lastName: 'Else', email: 'else@example.org' })).id;
  client = await seedReferral(store, { stage: Stage.IN_SESSIONS, workerId });
  othersClient = await seedReferral(store, { stage: Stage.IN_SESSIONS, workerId: otherWorkerId });
  const coordinator = api.as('coordinator');
  foodBankId = (await coordinator.post('/resources', resourceInput())).body.id;
  await coordinator.post(
    '/resources',
    resourceInput({
      name: 'Qafé Clubhouse',
      category: 'PEER_GROUP',
      neighbourhood: 'Kitsilano',
      languages: ['English'],
    }),
  );
  await coordinator.post(
    '/resources',
    resourceInput({
      name: 'Qafeteria Jobs',
      category: 'EMPLOYMENT',
      neighbourhood: 'Testhaven',
      languages: ['Punjabi'],
    }),
  );
});
afterAll(async () => {
  await api?.stop();
});

const names = (body: { items: { name: string }[] }) => body.items.map((r) => r.name).sort();

describe('the directory', () => {
  it('finds resources by name prefix (case and accents ignored), category, neighbourhood and language', async () => {
    // Act (the demo directory is there too: the checks hold for every entry that comes back)
    const asWorker = api.as('peer-worker', 'vancouver', workerId);
    const byPrefix = await asWorker.get(`/resources?q=${encodeURIComponent('QAFE')}`);
    const byCategory = await asWorker.get('/resources?category=FOOD&limit=100');
    const byNeighbourhood = await api.as('clinician').get('/resources?neighbourhood=Testhaven');
    const byLanguage = await asWorker.get('/resources?language=Punjabi&limit=100');

    // Assess
    expect(byPrefix.status).toBe(200);
    expect(names(byPrefix.body)).toEqual(['Qafeteria Jobs', 'Qafé Clubhouse']);
    expect(names(byCategory.body)).toContain('Strathcona Food Bank');
    expect(byCategory.body.items.every((r: { category: string }) => r.category === 'FOOD')).toBe(true);
    expect(names(byNeighbourhood.body)).toEqual(['Qafeteria Jobs', 'Strathcona Food Bank']);
    expect(names(byLanguage.body)).toContain('Qafeteria Jobs');
    expect(names(byLanguage.body)).not.toContain('Qafé Clubhouse');
    expect(byLanguage.body.items.every((r: { languages: string[] }) => r.languages.includes('Punjabi'))).toBe(
      true,
    );
  });

  it("seeds each region's demo directory", async () => {
    // Act
    const richmond = await api.as('clinician', 'richmond').get('/resources?limit=100');

    // Assess
    expect(richmond.body.items.length).toBeGreaterThanOrEqual(20);
    expect(richmond.body.items.length).toBeLessThanOrEqual(40);
    expect(richmond.body.items.every((r: { region: string }) => r.region === 'richmond')).toBe(true);
  });

  it('pages the directory', async () => {
    // Act
    const first = await api.as('coordinator').get('/resources?limit=2');
    const second = await api.as('coordinator').get(`/resources?limit=2&nextToken=${first.body.nextToken}`);

    // Assess
    expect(first.body.items).toHaveLength(2);
    expect(second.body.items.length).toBeGreaterThan(0);
    expect(new Set([...names(first.body), ...names(second.body)]).size).toBe(
      first.body.items.length + second.body.items.length,
    );
  });

  it('hides an inactive resource from the directory and keeps it for coordinators who ask', async () => {
    // Prepare
    const created = await api
      .as('coordinator')
      .post('/resources', resourceInput({ name: 'Zeta Art Class', category: 'ARTS' }));

    // Act
    const patched = await api
      .as('coordinator')
      .patch(`/resources/${created.body.id}`, { active: false, version: 1 });
    const listed = await api.as('peer-worker', 'vancouver', workerId).get('/resources?category=ARTS&q=zeta');
    const staff = await api.as('coordinator').get('/resources?category=ARTS&q=zeta&inactive=true');

    // Assess
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ active: false, version: 2 });
    expect(listed.body.items).toEqual([]);
    expect(names(staff.body)).toEqual(['Zeta Art Class']);
  });

  it('refuses a resource with a bad website (400, nothing written)', async () => {
    // Act
    const created = await api
      .as('coordinator')
      .post('/resources', resourceInput({ name: 'Bad Site', website: 'javascript:alert(1)' }));

    // Assess
    expect(created.status).toBe(400);
    expect(created.body.issues.map((i: { path: string }) => i.path)).toContain('website');
    expect((await api.as('coordinator').get('/resources?q=bad')).body.items).toEqual([]);
  });
});

describe('links', () => {
  it('links a client to a resource, then moves it CONTACTED → CONNECTED', async () => {
    // Prepare
    const asWorker = api.as('peer-worker', 'vancouver', workerId);

    // Act
    const linked = await asWorker.post(`/referrals/${client.id}/links`, { resourceId: foodBankId });
    const contacted = await asWorker.patch(`/referrals/${client.id}/links/${linked.body.id}`, {
      status: 'CONTACTED',
    });
    const connected = await asWorker.patch(`/referrals/${client.id}/links/${linked.body.id}`, {
      status: 'CONNECTED',
    });
    const page = await asWorker.get(`/referrals/${client.id}/community`);

    // Assess
    expect(linked.status).toBe(201);
    expect(linked.body).toMatchObject({
      status: 'SUGGESTED',
      category: 'FOOD',
      resourceName: 'Strathcona Food Bank',
    });
    expect(contacted.body.status).toBe('CONTACTED');
    expect(connected.status).toBe(200);
    expect(connected.body.status).toBe('CONNECTED');
    expect(page.body.links.map((l: { id: string }) => l.id)).toContain(linked.body.id);
    expect(page.body.counts.connected).toBeGreaterThanOrEqual(1);
  });

  it.each([
    ['SUGGESTED', 'CONNECTED'],
    ['SUGGESTED', 'STILL_CONNECTED'],
    ['SUGGESTED', 'SUGGESTED'],
  ])('refuses %s → %s with 409 and leaves the link as it was', async (_, to) => {
    // Prepare
    const linked = await api
      .as('coordinator')
      .post(`/referrals/${client.id}/links`, { resourceId: foodBankId });

    // Act
    const moved = await api
      .as('coordinator')
      .patch(`/referrals/${client.id}/links/${linked.body.id}`, { status: to });

    // Assess
    expect(moved.status).toBe(409);
    expect((await getLink(api.stores.vancouver, client.id, linked.body.id)).status).toBe('SUGGESTED');
  });

  it('needs a reason for DID_NOT_CONNECT, and allows no move after it', async () => {
    // Prepare
    const asWorker = api.as('peer-worker', 'vancouver', workerId);
    const linked = await asWorker.post(`/referrals/${client.id}/links`, { resourceId: foodBankId });
    const path = `/referrals/${client.id}/links/${linked.body.id}`;

    // Act
    const noReason = await asWorker.patch(path, { status: 'DID_NOT_CONNECT' });
    const withReason = await asWorker.patch(path, { status: 'DID_NOT_CONNECT', reason: 'Hours did not fit' });
    const after = await asWorker.patch(path, { status: 'CONTACTED' });

    // Assess
    expect(noReason.status).toBe(400);
    expect(noReason.body.issues[0].path).toBe('reason');
    expect(withReason.status).toBe(200);
    expect(after.status).toBe(409);
  });

  it('checks STILL_CONNECTED at least 4 weeks after CONNECTED', async () => {
    // Prepare
    const store = api.stores.vancouver;
    const resource = await getResource(store, foodBankId);
    const link = await createLink(store, { referralId: client.id, resource, createdBy: workerId });
    await moveLink(store, { referralId: client.id, linkId: link.id, patch: { status: 'CONTACTED' } });
    await moveLink(store, { referralId: client.id, linkId: link.id, patch: { status: 'CONNECTED' } });
    const path = `/referrals/${client.id}/links/${link.id}`;
    const fourWeeksOn = new Date(Date.now() + 29 * 86_400_000);

    // Act
    const early = await api
      .as('peer-worker', 'vancouver', workerId)
      .patch(path, { status: 'STILL_CONNECTED' });
    const later = await moveLink(
      { ...store, now: () => fourWeeksOn },
      { referralId: client.id, linkId: link.id, patch: { status: 'STILL_CONNECTED' } },
    );

    // Assess
    expect(early.status).toBe(400);
    expect(later.status).toBe('STILL_CONNECTED');
  });

  it.each([
    ['an inactive resource', 'inactive', 'resourceId'],
    ['an unknown resource', 'unknown', 'resourceId'],
    ["a goal that is not the client's", 'goal', 'goalId'],
  ] as const)('refuses a link to %s (400, nothing written)', async (_, kind, path) => {
    // Prepare
    let resourceId = foodBankId;
    if (kind === 'inactive') {
      const created = await api
        .as('coordinator')
        .post('/resources', resourceInput({ name: 'Closed Place', active: false }));
      resourceId = created.body.id;
    } else if (kind === 'unknown') {
      resourceId = 'no-such-resource';
    }
    const before = (await api.as('coordinator').get(`/referrals/${client.id}/community`)).body.counts.links;

    // Act
    const linked = await api.as('peer-worker', 'vancouver', workerId).post(`/referrals/${client.id}/links`, {
      resourceId,
      ...(kind === 'goal' ? { goalId: 'not-a-goal' } : {}),
    });

    // Assess
    expect(linked.status).toBe(400);
    expect(linked.body.issues[0].path).toBe(path);
    expect((await api.as('coordinator').get(`/referrals/${client.id}/community`)).body.counts.links).toBe(
      before,
    );
  });

  it("404s another worker's client, for links and for the client's groups and links", async () => {
    // Act
    const asWorker = api.as('peer-worker', 'vancouver', workerId);
    const linked = await asWorker.post(`/referrals/${othersClient.id}/links`, { resourceId: foodBankId });
    const read = await asWorker.get(`/referrals/${othersClient.id}/community`);

    // Assess
    expect(linked.status).toBe(404);
    expect(read.status).toBe(404);
  });

  it('shows the referring clinician counts only, and only with consent to share outcomes', async () => {
    // Prepare
    const store = api.stores.vancouver;
    const base = referralInput();
    const sharing = await seedReferral(store, {
      stage: Stage.IN_SESSIONS,
      workerId,
      details: {
        ...base,
        consent: { ...base.consent, scope: [...base.consent.scope, 'SHARE_OUTCOMES_WITH_REFERRER'] },
      },
    });
    await api
      .as('peer-worker', 'vancouver', workerId)
      .post(`/referrals/${sharing.id}/links`, { resourceId: foodBankId });
    const clinician = api.as('clinician', 'vancouver', 'clinician-1');

    // Act
    const counts = await clinician.get(`/referrals/${sharing.id}/community`);
    const private_ = await clinician.get(`/referrals/${client.id}/community`);

    // Assess
    expect(counts.status).toBe(200);
    expect(counts.body).toEqual({
      referralId: sharing.id,
      counts: { groups: 0, meetingsAttended: 0, links: 1, connected: 0 },
    });
    expect(private_.status).toBe(404);
  });
});
