import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReferralInput } from '#domain/referral.ts';
import { startTestApi, type TestApi } from '../../support/api.ts';
import { referralInput } from '../../support/store.ts';

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
