import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Stage } from '#domain/lifecycle.ts';
import type { Referral } from '#domain/referral.ts';
import { captureHttpLog, startTestApi, type TestApi } from '../../support/api.ts';
import { referralInput, seedReferral } from '../../support/store.ts';

process.env.PEERPATH_CHECK_RESPONSES = '1';

/** `GET /referrals/search` through the local gateway: who may search what, and bad input. */

let api: TestApi;
let clinician: string;
let logLines: string[] = [];
const tag = randomUUID().slice(0, 6).replace(/[0-9]/g, 'q');
let closedMine: Referral;
let theirs: Referral;

function details(givenName: string, familyName: string, dateOfBirth = '1984-06-15') {
  const base = referralInput();
  return { ...base, client: { ...base.client, givenName, familyName, dateOfBirth } };
}

beforeAll(async () => {
  logLines = captureHttpLog();
  api = await startTestApi();
  clinician = api.demo.vancouver.staff.clinician;
  closedMine = await seedReferral(api.stores.vancouver, {
    stage: Stage.CLOSED,
    referrerSub: clinician,
    details: details('Juniper', `Okonkwo${tag}-Hale`),
  });
  theirs = await seedReferral(api.stores.vancouver, {
    referrerSub: 'another-clinician',
    details: details('Juniper', `Okonkwo${tag}`, '1970-01-01'),
  });
});
afterAll(async () => {
  vi.restoreAllMocks();
  await api?.stop();
});

const ids = (body: { items: { id: string }[] }) => body.items.map((r) => r.id);
const search = (query: string) => `/referrals/search?${query}`;

describe('GET /referrals/search', () => {
  it('lets a coordinator find a closed referral by a two-letter prefix, and both by a longer one', async () => {
    const two = await api.as('coordinator').get(search('q=ok&limit=100'));
    expect(two.status).toBe(200);
    expect(ids(two.body)).toContain(closedMine.id);
    const found = await api.as('coordinator').get(search(`q=okonkwo${tag}`));
    expect(ids(found.body)).toEqual([theirs.id, closedMine.id]);
    expect(found.body.items[1].stage).toBe(Stage.CLOSED);
    const admin = await api.as('admin').get(search('q=HALE'));
    expect(ids(admin.body)).toContain(closedMine.id);
    expect(ids(admin.body)).not.toContain(theirs.id);
  });

  it("never shows a clinician another clinician's client", async () => {
    const found = await api.as('clinician').get(search(`q=okonkwo${tag}`));
    expect(found.status).toBe(200);
    expect(ids(found.body)).toEqual([closedMine.id]);
    const byDob = await api.as('clinician').get(search('dob=1970-01-01'));
    expect(ids(byDob.body)).not.toContain(theirs.id);
  });

  it('finds by date of birth, alone or with a name', async () => {
    const both = await api.as('coordinator').get(search(`dob=1970-01-01&q=Okonkwo${tag}`));
    expect(ids(both.body)).toEqual([theirs.id]);
    const none = await api.as('coordinator').get(search(`dob=1970-01-02&q=Okonkwo${tag}`));
    expect(ids(none.body)).toEqual([]);
  });

  it('refuses peer workers (403) and callers without a token (401)', async () => {
    expect((await api.as('peer-worker').get(search('q=ok'))).status).toBe(403);
    expect((await api.as('peer-worker').get(search(''))).status).toBe(403);
    expect((await api.call({ method: 'GET', path: `/vancouver${search('q=ok')}` })).status).toBe(401);
  });

  it('answers 400 with issues for no term, a one-letter term or a bad date, and reads nothing', async () => {
    for (const query of ['', 'q=a', 'q=-a-', 'dob=1984-13-01', 'q=ok&limit=0', `q=${'x'.repeat(101)}`]) {
      api.requests.length = 0;
      const refused = await api.as('coordinator').get(search(query));
      expect(refused.status, query).toBe(400);
      expect(refused.body).toMatchObject({ error: expect.any(String), message: expect.any(String) });
      expect(refused.body.issues.length, query).toBeGreaterThan(0);
      expect(api.requests, query).toEqual([]);
    }
  });

  it('writes an access-log line per referral shown, with ids only', async () => {
    logLines.length = 0;
    await api.as('coordinator').get(search(`q=okonkwo${tag}-hale`));
    const lines = logLines.filter((line) => line.includes('searchReferrals'));
    expect(lines.some((line) => line.includes(closedMine.id))).toBe(true);
    expect(lines.join('\n').toLowerCase()).not.toContain('okonkwo');
    expect(lines.join('\n')).not.toContain('Juniper');
  });

  it('still serves GET /referrals/{id} beside the literal /referrals/search', async () => {
    const got = await api.as('coordinator').get(`/referrals/${theirs.id}`);
    expect(got.status).toBe(200);
    expect(got.body.id).toBe(theirs.id);
  });
});
