import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getReferralDetails, transition } from '#data/referrals.ts';
import { Stage } from '#domain/lifecycle.ts';
import type { ReferralInput } from '#domain/referral.ts';
import { startTestApi, type TestApi } from '../../support/api.ts';
import { actors, localDate, referralInput, seedReferral, seedWorker } from '../../support/store.ts';

/**
 * Confidentiality and integrity ("Trust"): what one caller can learn about, or inflate in, records that
 * are not theirs.
 */

let api: TestApi;

beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await api?.stop();
});

/** A new client, named uniquely. */
function form(): ReferralInput {
  const base = referralInput();
  return { ...base, client: { ...base.client, familyName: `Trust-${randomUUID().slice(0, 8)}` } };
}

const anotherClinician = () => api.as('clinician', 'vancouver', `clinician-${randomUUID()}`);

describe("a clinician and another clinician's client", () => {
  it('gets the same answer to a submission whether or not the client is open elsewhere', async () => {
    // Prepare: the demo clinician's open referral for a client.
    const theirs = form();
    const open = await api.as('clinician').post('/referrals', theirs);
    const prober = anotherClinician();

    // Act: another clinician submits the same name and birth date, and a fresh client.
    const probe = await prober.post('/referrals', { ...form(), client: theirs.client });
    const control = await prober.post('/referrals', form());

    // Assess
    expect(open.status).toBe(201);
    expect(probe.status).toBe(201);
    expect(control.status).toBe(201);
    expect(Object.keys(probe.body).sort()).toEqual(Object.keys(control.body).sort());
    expect(probe.body).not.toHaveProperty('possibleDuplicateOf');
    expect(JSON.stringify(probe.body)).not.toContain(open.body.id);
    expect(JSON.stringify((await prober.get(`/referrals/${probe.body.id}`)).body)).not.toContain(
      open.body.id,
    );
    // Staff still see it.
    const staffView = await api.as('coordinator').get(`/referrals/${probe.body.id}`);
    expect(staffView.body.possibleDuplicateOf).toBe(open.body.id);
  });

  it('gets the same answer to a correction that renames their referral to that client', async () => {
    // Prepare
    const theirs = form();
    const open = await api.as('clinician').post('/referrals', theirs);
    const prober = anotherClinician();
    const mine = await prober.post('/referrals', form());
    const control = await prober.post('/referrals', form());

    // Act
    const probe = await prober.patch(`/referrals/${mine.body.id}`, { version: 1, client: theirs.client });
    const fresh = await prober.patch(`/referrals/${control.body.id}`, { version: 1, client: form().client });

    // Assess
    expect(probe.status).toBe(200);
    expect(fresh.status).toBe(200);
    expect(Object.keys(probe.body).sort()).toEqual(Object.keys(fresh.body).sort());
    expect(JSON.stringify(probe.body)).not.toContain(open.body.id);
    const staffView = await api.as('coordinator').get(`/referrals/${mine.body.id}`);
    expect(staffView.body.possibleDuplicateOf).toBe(open.body.id);
  });
});

describe("a former worker and their old client's sessions", () => {
  it.each([
    ['reassigned, in sessions with the new worker', ['reassign']],
    ['reassigned, on hold with the new worker', ['reassign', 'hold']],
    ['closed', ['close']],
  ] as const)(
    'answers 404 to correcting a session once the client is %s, changing nothing',
    async (_label, events) => {
      // Prepare: A logs a session, then the client goes to B (and on hold), or is closed.
      const store = api.stores.vancouver;
      const [a, b] = await Promise.all([
        seedWorker(store, { maxCaseload: 30 }),
        seedWorker(store, { maxCaseload: 30 }),
      ]);
      const referral = await seedReferral(store, {
        stage: Stage.IN_SESSIONS,
        workerId: a.id,
        details: form(),
      });
      const asA = api.as('peer-worker', 'vancouver', a.id);
      const logged = await asA.post(`/referrals/${referral.id}/sessions`, {
        date: localDate(0),
        mode: 'WALK',
        minutes: 50,
      });
      const step = { referralId: referral.id, actor: actors.coordinator };
      const extras = {
        reassign: { workerId: b.id, reason: 'Worker moved' },
        hold: { reason: 'Travelling' },
        close: { reason: 'MOVED', summary: 'Moved away' },
      } as const;
      for (const event of events) await transition(store, { ...step, event, ...extras[event] });

      // Act
      const response = await asA.patch(`/referrals/${referral.id}/sessions/${logged.body.id}`, {
        minutes: 600,
        version: logged.body.version,
      });

      // Assess
      expect(logged.status).toBe(201);
      expect(response.status).toBe(404);
      expect(JSON.stringify(response.body)).not.toContain('ON_HOLD');
      expect((await getReferralDetails(store, referral.id)).sessions).toEqual([
        expect.objectContaining({ minutes: 50, version: 1 }),
      ]);
    },
  );
});
