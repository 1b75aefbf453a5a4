import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { putAlert } from '#data/alerts.ts';
import { Audience } from '#data/keys.ts';
import { Stage } from '#domain/lifecycle.ts';
import { startTestApi, type TestApi } from '../../support/api.ts';
import { type MailCatcher, MemorySms, startMailCatcher } from '../../support/mail.ts';
import { referralInput, seedReferral, seedWorker } from '../../support/store.ts';

// Every success body is checked against the route's declared response schema (a mismatch is a 500).
process.env.PEERPATH_CHECK_RESPONSES = '1';

/**
 * Alerts through the API with the delivery loop running in-process (as `npm start` runs it): a concern
 * raised on the worker's route reaches people's mailboxes; preferences; acknowledging several; filters.
 */

let api: TestApi;
let catcher: MailCatcher;
const sms = new MemorySms();
let worker: string;

beforeAll(async () => {
  catcher = await startMailCatcher();
  api = await startTestApi({ delivery: { mailer: catcher.mailer, sms, everyMs: 100 } });
  worker = (await seedWorker(api.stores.vancouver, { maxCaseload: 30, firstName: 'Ari' })).id;
});
afterAll(async () => {
  await api?.stop();
  await catcher?.close();
});

async function until<T>(read: () => T, done: (value: T) => boolean, ms = 10_000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const value = read();
    if (done(value) || Date.now() - start > ms) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const clientOf = () =>
  seedReferral(api.stores.vancouver, {
    stage: Stage.IN_SESSIONS,
    workerId: worker,
    referrerSub: api.demo.vancouver.staff.clinician,
    details: referralInput(),
  });

const put = async (role: 'clinician' | 'coordinator', body: unknown) =>
  api.call({
    method: 'PUT',
    path: '/vancouver/me/notifications',
    token: await api.as(role).token(),
    body,
  });

describe('an URGENT concern raised on the API', () => {
  it('reaches the coordinator, the admin and the referring clinician by email within seconds', async () => {
    // Prepare
    const referral = await clientOf();

    // Act
    const raised = await api
      .as('peer-worker', 'vancouver', worker)
      .post(`/referrals/${referral.id}/concerns`, {
        level: 'URGENT',
        category: 'SAFETY',
      });
    const mail = await until(
      () => catcher.messages.filter((m) => m.messageId.startsWith(`<${raised.body.id}#`)),
      (found) => found.length >= 3,
    );

    // Assess
    expect(raised.status).toBe(201);
    expect(mail.map((m) => m.to).sort()).toEqual(
      ['admin', 'clinician', 'coordinator'].map((role) => `${role}@vancouver.peerpath.example.org`),
    );
    for (const message of mail) {
      expect(message.text).toContain(`#/referrals/${referral.id}`);
      expect(message.raw).not.toContain('SAFETY');
      expect(message.raw).not.toContain(referral.details.client.familyName);
      expect(message.raw).not.toContain(worker);
    }
    const seen = await until(
      async () => (await api.as('coordinator').get(`/alerts?kind=CONCERN_RAISED`)).body.items,
      () => true,
    );
    const [alert] = (await seen).filter((a: { id: string }) => a.id === raised.body.id);
    expect(alert.deliveries).toEqual(
      expect.arrayContaining([expect.objectContaining({ channel: 'EMAIL', state: 'SENT' })]),
    );
    const clinicianView = (await api.as('clinician').get('/alerts')).body.items.find(
      (a: { id: string }) => a.id === raised.body.id,
    );
    expect(JSON.stringify(clinicianView)).not.toContain(worker);
    expect(clinicianView.deliveries.map((d: { recipient: string }) => d.recipient)).toEqual([
      api.demo.vancouver.staff.clinician,
    ]);
  });
});

describe('GET/PUT /me/notifications', () => {
  it('starts at the defaults, refuses an unknown value without changing anything, and saves a choice', async () => {
    // Act
    const initial = await api.as('clinician').get('/me/notifications');
    const bad = await put('clinician', { email: 'SOMETIMES', sms: 'OFF' });
    const extra = await put('clinician', { email: 'OFF', sms: 'OFF', pager: 'ON' });
    const afterBad = await api.as('clinician').get('/me/notifications');
    const saved = await put('clinician', { email: 'DAILY_DIGEST', sms: 'OFF' });
    const afterSave = await api.as('clinician').get('/me/notifications');

    // Assess
    expect(initial.body).toEqual({ email: 'IMMEDIATE', sms: 'OFF', hasPhone: false });
    expect(bad.status).toBe(400);
    expect(extra.status).toBe(400);
    expect(afterBad.body).toEqual(initial.body);
    expect(saved.status).toBe(200);
    expect(saved.body).toEqual({ email: 'DAILY_DIGEST', sms: 'OFF', hasPhone: false });
    expect(afterSave.body).toEqual(saved.body);
  });
});

describe('POST /alerts/ack and filters', () => {
  it('refuses an empty body, acknowledges by ids and by kind, and keeps STAGE_CHANGED out of the badge', async () => {
    // Prepare: two concerns (action needed) and a STAGE_CHANGED (information).
    const coordinator = api.as('coordinator');
    const referral = await clientOf();
    const ids: string[] = [];
    for (const level of ['ROUTINE', 'ROUTINE']) {
      const raised = await api
        .as('peer-worker', 'vancouver', worker)
        .post(`/referrals/${referral.id}/concerns`, { level, category: 'HEALTH' });
      ids.push(raised.body.id);
    }
    const info = await putAlert(api.stores.vancouver, {
      audience: Audience.coordinators('vancouver'),
      kind: 'STAGE_CHANGED',
      referralId: referral.id,
      stage: Stage.ON_HOLD,
    });

    // Act
    const empty = await coordinator.post('/alerts/ack', {});
    const badge = (await coordinator.get('/alerts?unacknowledged=true&limit=100')).body.items;
    const byIds = await coordinator.post('/alerts/ack', { ids: [ids[0]] });
    const byKind = await coordinator.post('/alerts/ack', { kind: 'CONCERN_RAISED' });
    const left = (await coordinator.get('/alerts?acknowledged=false&kind=CONCERN_RAISED&limit=100')).body
      .items;
    const notMine = await api.as('peer-worker', 'vancouver', worker).post('/alerts/ack', { ids: [ids[1]] });
    const listed = (await coordinator.get('/alerts?kind=STAGE_CHANGED&limit=100')).body.items;
    const infoAcked = await coordinator.post('/alerts/ack', { kind: 'STAGE_CHANGED' });

    // Assess
    expect(empty.status).toBe(400);
    expect(badge.map((a: { kind: string }) => a.kind)).not.toContain('STAGE_CHANGED');
    expect(badge.map((a: { id: string }) => a.id)).toEqual(expect.arrayContaining(ids));
    expect(byIds.body).toEqual({ acknowledged: 1 });
    expect(byKind.status).toBe(200);
    expect(byKind.body.acknowledged).toBeGreaterThanOrEqual(1);
    expect(left).toEqual([]);
    expect(notMine.body).toEqual({ acknowledged: 0 });
    expect(listed.map((a: { id: string }) => a.id)).toContain(info.id);
    expect(listed.every((a: { kind: string }) => a.kind === 'STAGE_CHANGED')).toBe(true);
    expect(infoAcked.body.acknowledged).toBeGreaterThanOrEqual(1);
  });
});
