import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getReferralDetails } from '#data/referrals/reads.ts';
import { type TransitionInput, transition } from '#data/referrals/transition.ts';
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
      for (const event of events)
        await transition(store, { ...step, event, ...extras[event] } as TransitionInput);

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

describe('paid minutes', () => {
  /** A worker with a client matched today (the seeded transitions run now). */
  async function workerWithClient() {
    const store = api.stores.vancouver;
    const worker = await seedWorker(store, { maxCaseload: 30 });
    const referral = await seedReferral(store, {
      stage: Stage.IN_SESSIONS,
      workerId: worker.id,
      details: form(),
    });
    return { store, worker, referral, as: api.as('peer-worker', 'vancouver', worker.id) };
  }

  it('refuses a session dated before the match (1901, yesterday) with 400, writing nothing', async () => {
    // Prepare
    const { store, referral, as } = await workerWithClient();
    const path = `/referrals/${referral.id}/sessions`;

    // Act
    const ancient = await as.post(path, { date: '1901-01-01', mode: 'WALK', minutes: 60 });
    const beforeMatch = await as.post(path, { date: localDate(-1), mode: 'WALK', minutes: 60 });
    const onMatchDay = await as.post(path, { date: localDate(0), mode: 'WALK', minutes: 60 });

    // Assess
    expect(ancient.status).toBe(400);
    expect(beforeMatch.status).toBe(400);
    expect(beforeMatch.body.issues).toEqual([
      { path: 'date', message: 'Must not be before the client was matched' },
    ]);
    expect(onMatchDay.status).toBe(201);
    expect((await getReferralDetails(store, referral.id)).sessions).toHaveLength(1);
  });

  it('refuses a correction moving a session before the match with 400, changing nothing', async () => {
    // Prepare
    const { store, referral, as } = await workerWithClient();
    const logged = await as.post(`/referrals/${referral.id}/sessions`, {
      date: localDate(0),
      mode: 'WALK',
      minutes: 60,
    });

    // Act
    const moved = await as.patch(`/referrals/${referral.id}/sessions/${logged.body.id}`, {
      date: '1901-01-01',
      version: 1,
    });

    // Assess
    expect(moved.status).toBe(400);
    expect((await getReferralDetails(store, referral.id)).sessions).toEqual([
      expect.objectContaining({ date: localDate(0), version: 1 }),
    ]);
  });

  it("caps a worker's paid minutes in one day across sessions and clients (720), writing nothing past it", async () => {
    // Prepare: two clients of one worker.
    const { store, worker, referral, as } = await workerWithClient();
    const other = await seedReferral(store, {
      stage: Stage.IN_SESSIONS,
      workerId: worker.id,
      details: form(),
    });
    const today = localDate(0);
    const log = (id: string, minutes: number) =>
      as.post(`/referrals/${id}/sessions`, { date: today, mode: 'WALK', minutes });

    // Act
    const first = await log(referral.id, 700);
    const second = await log(other.id, 20);
    const overOne = await log(other.id, 1);
    const overMany = await log(referral.id, 720);

    // Assess
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(overOne.status).toBe(400);
    expect(overMany.status).toBe(400);
    expect(overOne.body.issues).toEqual([
      { path: 'minutes', message: "A worker's paid minutes in one day must not exceed 720" },
    ]);
    expect((await getReferralDetails(store, referral.id)).sessions.map((s) => s.minutes)).toEqual([700]);
    expect((await getReferralDetails(store, other.id)).sessions.map((s) => s.minutes)).toEqual([20]);
  });

  it('caps a correction that raises the day past the limit, and frees minutes a correction lowers', async () => {
    // Prepare
    const { store, referral, as } = await workerWithClient();
    const today = localDate(0);
    const path = `/referrals/${referral.id}/sessions`;
    const a = await as.post(path, { date: today, mode: 'WALK', minutes: 400 });
    const b = await as.post(path, { date: today, mode: 'PHONE', minutes: 300 });

    // Act
    const raised = await as.patch(`${path}/${b.body.id}`, { minutes: 321, version: 1 });
    const lowered = await as.patch(`${path}/${a.body.id}`, { minutes: 100, version: 1 });
    const thenRaised = await as.patch(`${path}/${b.body.id}`, { minutes: 620, version: 1 });
    const full = await as.post(path, { date: today, mode: 'TEXT', minutes: 1 });

    // Assess
    expect(raised.status).toBe(400);
    expect(lowered.status).toBe(200);
    expect(thenRaised.status).toBe(200);
    expect(full.status).toBe(400);
    const minutes = (await getReferralDetails(store, referral.id)).sessions.map((s) => s.minutes).sort();
    expect(minutes).toEqual([100, 620]);
  });

  it('lets 20 concurrent 60-minute sessions of one worker on one day add up to 720 at most', async () => {
    // Prepare
    const { store, referral, as } = await workerWithClient();
    const today = localDate(0);

    // Act
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        as.post(`/referrals/${referral.id}/sessions`, { date: today, mode: 'WALK', minutes: 60 }),
      ),
    );

    // Assess
    expect(results.filter((r) => r.status === 201)).toHaveLength(12);
    expect(results.filter((r) => r.status === 400)).toHaveLength(8);
    const total = (await getReferralDetails(store, referral.id)).sessions.reduce(
      (sum, s) => sum + s.minutes,
      0,
    );
    expect(total).toBe(720);
  });
});
