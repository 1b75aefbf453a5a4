import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Stage } from '#domain/lifecycle.ts';
import { startTestApi, type TestApi } from '../../support/api.ts';
import { localDate, seedReferral, seedWorker } from '../../support/store.ts';

// Every success body is checked against the route's declared response schema (a mismatch is a 500).
process.env.PEERPATH_CHECK_RESPONSES = '1';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await api?.stop();
});

describe('the summary report', () => {
  it("shows a group meeting for three clients and a client's connection to a food bank", async () => {
    // Prepare
    const store = api.stores.vancouver;
    const workerId = (await seedWorker(store, { lastName: 'Reporter', maxCaseload: 10 })).id;
    const clients = [];
    for (let i = 0; i < 3; i++)
      clients.push(await seedReferral(store, { stage: Stage.IN_SESSIONS, workerId }));
    const coordinator = api.as('coordinator');
    const worker = api.as('peer-worker', 'vancouver', workerId);
    const group = await coordinator.post('/groups', {
      name: 'Thursday Circle',
      facilitators: [workerId],
      schedule: { frequency: 'MONTHLY', weekday: 'THU', weekOfMonth: 1, time: '18:00' },
      place: 'ONLINE',
      capacity: 10,
    });
    for (const client of clients) {
      await coordinator.post(`/groups/${group.body.id}/members`, { referralId: client.id });
    }
    const foodBank = await coordinator.post('/resources', {
      name: 'Downtown Eastside Food Bank',
      category: 'FOOD',
      address: '1 Example St',
    });

    // Act
    const meeting = await worker.post(`/groups/${group.body.id}/meetings`, {
      date: localDate(0),
      minutes: 90,
      facilitators: [workerId],
      attendance: clients.map((c) => ({ referralId: c.id, present: true })),
    });
    const link = await worker.post(`/referrals/${clients[0]!.id}/links`, { resourceId: foodBank.body.id });
    await worker.patch(`/referrals/${clients[0]!.id}/links/${link.body.id}`, { status: 'CONTACTED' });
    await worker.patch(`/referrals/${clients[0]!.id}/links/${link.body.id}`, { status: 'CONNECTED' });
    const report = await coordinator.get(`/reports/summary?from=${localDate(-7)}&to=${localDate(0)}`);

    // Assess
    expect(meeting.status).toBe(201);
    expect(report.status).toBe(200);
    expect(report.body.groups).toEqual({
      meetings: 1,
      attendance: 3,
      uniqueAttendees: 3,
      facilitationMinutes: 90,
    });
    expect(report.body.resources).toEqual({
      links: 1,
      byCategory: { FOOD: { links: 1, connected: 1, stillConnected: 0 } },
      connected: 1,
      stillConnected: 0,
    });
    expect(report.body.minutesByWorkerMonth).toContainEqual({
      workerId,
      firstName: 'Sam',
      month: localDate(0).slice(0, 7),
      minutes: 90,
    });
  });
});
