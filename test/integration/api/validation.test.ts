import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../../support/api.ts';
import { referralInput } from '../../support/store.ts';

/** Distinctive text the caller sends: it must never come back in a 400 body. */
const CANARY = 'Quorvalinthe';

let api: TestApi;

beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await api?.stop();
});

/** A valid referral form as JSON (dates and all), to spoil field by field. */
// biome-ignore lint/suspicious/noExplicitAny: the form is spoiled field by field, in ways its type forbids.
function form(): Record<string, any> {
  return JSON.parse(JSON.stringify(referralInput()));
}

describe('validation messages over HTTP', () => {
  it('never echoes a canary sent in many fields, keys included', async () => {
    // Prepare
    const body = form();
    body.client.givenName = CANARY;
    body.client.dateOfBirth = CANARY;
    body.client.phone = `+${CANARY}`;
    body.client.language = CANARY.repeat(5);
    body.referrer.email = CANARY;
    body.consent.scope = [CANARY, 'SHARE_WITH_PEER_WORKER'];
    body.consent.date = CANARY;
    body.goals = [{ text: CANARY, [CANARY]: CANARY }];
    body.urgency = CANARY;
    body.region = CANARY;
    body[CANARY] = CANARY;
    body[`${CANARY}Key`] = 1;

    // Act
    const refused = await api.as('clinician').post('/referrals', body);

    // Assess
    expect(refused.status).toBe(400);
    expect(refused.body.error).toBe('ValidationError');
    expect(refused.body.issues.length).toBeGreaterThan(8);
    expect(JSON.stringify(refused.body)).not.toContain(CANARY);
  });

  it("names the consent rule's values although one of them was sent", async () => {
    // Prepare
    const body = form();
    body.consent.scope = ['SHARE_WITH_PEER_WORKER'];

    // Act
    const refused = await api.as('clinician').post('/referrals', body);

    // Assess
    expect(refused.status).toBe(400);
    expect(refused.body.issues).toEqual([
      { path: 'consent.scope', message: 'Consent must include SHARE_WITH_PEER_WORKER and CONTACT_CLIENT' },
    ]);
  });

  it('names the allowed values of an enum', async () => {
    // Prepare
    const body = form();
    body.urgency = 'WHENEVER';

    // Act
    const refused = await api.as('clinician').post('/referrals', body);

    // Assess
    expect(refused.status).toBe(400);
    expect(refused.body.issues).toEqual([
      { path: 'urgency', message: expect.stringMatching(/^Invalid option: expected one of .*"ROUTINE"/) },
    ]);
  });

  it('says Required for missing report dates and missing body fields', async () => {
    // Act
    const noDates = await api.as('coordinator').get('/reports/summary');
    const noTo = await api.as('coordinator').get('/reports/summary?from=2023-03-01');
    const { consent: _consent, ...withoutConsent } = form();
    const noConsent = await api.as('clinician').post('/referrals', withoutConsent);

    // Assess
    expect(noDates.status).toBe(400);
    expect(noDates.body.issues).toEqual([
      { path: 'query.from', message: 'Required' },
      { path: 'query.to', message: 'Required' },
    ]);
    expect(noTo.body.issues).toEqual([{ path: 'query.to', message: 'Required' }]);
    expect(noConsent.status).toBe(400);
    expect(noConsent.body.issues).toEqual([{ path: 'consent', message: 'Required' }]);
  });
});
