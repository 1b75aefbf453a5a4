import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Stage } from '#domain/lifecycle.ts';
import type { Referral } from '#domain/referral.ts';
import { startTestApi, type TestApi } from '../../support/api.ts';
import { localDate, referralInput, seedReferral, seedWorker } from '../../support/store.ts';

// Every success body is checked against the route's declared response schema (a mismatch is a 500).
process.env.PEERPATH_CHECK_RESPONSES = '1';

let api: TestApi;
let facilitatorId: string;
let otherWorkerId: string;
let clients: Referral[];

const today = localDate(0);
const month = today.slice(0, 7);

const groupInput = (overrides: Record<string, unknown> = {}) => ({
  name: 'Hearing Voices Circle',
  purpose: 'Monthly peer support',
  facilitators: [facilitatorId],
  schedule: { frequency: 'MONTHLY', weekday: 'THU', weekOfMonth: 1, time: '18:00' },
  place: 'Strathcona Community Centre, room 2',
  capacity: 12,
  ...overrides,
});

beforeAll(async () => {
  api = await startTestApi();
  const store = api.stores.vancouver;
  facilitatorId = (await seedWorker(store, { lastName: 'Facilitator', email: 'fac@example.org' })).id;
  otherWorkerId = (
    await seedWorker(store, { lastName: 'Other', email: 'other@example.org', maxCaseload: 20 })
  ).id;
  clients = [];
  for (let i = 0; i < 6; i++) {
    clients.push(await seedReferral(store, { stage: Stage.IN_SESSIONS, workerId: otherWorkerId }));
  }
});
afterAll(async () => {
  await api?.stop();
});

async function groupWithRoster(
  members: readonly Referral[] = clients,
  overrides: Record<string, unknown> = {},
) {
  const coordinator = api.as('coordinator');
  const created = await coordinator.post('/groups', groupInput(overrides));
  expect(created.status).toBe(201);
  for (const client of members) {
    const added = await coordinator.post(`/groups/${created.body.id}/members`, { referralId: client.id });
    expect(added.status).toBe(201);
  }
  return created.body as { id: string; version: number };
}

const del = async (path: string, role: 'coordinator' | 'peer-worker' = 'coordinator') =>
  api.call({ method: 'DELETE', path: `/vancouver${path}`, token: await api.as(role).token() });

const paidMinutes = async (workerId: string): Promise<number> => {
  const read = await api.as('coordinator').get(`/workers/${workerId}`);
  return (read.body.minutesByMonth as { month: string; minutes: number }[]).find((m) => m.month === month)!
    .minutes;
};

describe('groups', () => {
  it('creates a group whose next meeting dates follow its schedule', async () => {
    // Act
    const created = await api.as('coordinator').post('/groups', groupInput());

    // Assess
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'Hearing Voices Circle',
      memberCount: 0,
      active: true,
      startedOn: today,
    });
    const next = created.body.nextMeetings as { date: string; time: string }[];
    expect(next).toHaveLength(3);
    for (const meeting of next) {
      const day = new Date(`${meeting.date}T12:00:00Z`);
      expect(day.getUTCDay()).toBe(4); // Thursday
      expect(day.getUTCDate()).toBeLessThanOrEqual(7); // the first of its month
      expect(meeting.date >= today).toBe(true);
      expect(meeting.time).toBe('18:00');
    }
  });

  it("shows a worker the groups they facilitate and 404s anyone else's", async () => {
    // Prepare
    const group = await groupWithRoster([]);

    // Act
    const mine = await api.as('peer-worker', 'vancouver', facilitatorId).get('/groups');
    const theirs = await api.as('peer-worker', 'vancouver', otherWorkerId).get('/groups');
    const read = await api.as('peer-worker', 'vancouver', otherWorkerId).get(`/groups/${group.id}`);

    // Assess
    expect(mine.body.items.map((g: { id: string }) => g.id)).toContain(group.id);
    expect(theirs.body.items.map((g: { id: string }) => g.id)).not.toContain(group.id);
    expect(read.status).toBe(404);
  });

  it('keeps a roster with first names and short references only', async () => {
    // Prepare
    const group = await groupWithRoster(clients.slice(0, 2));

    // Act
    const read = await api.as('peer-worker', 'vancouver', facilitatorId).get(`/groups/${group.id}`);

    // Assess
    expect(read.status).toBe(200);
    expect(read.body.memberCount).toBe(2);
    expect(read.body.members).toHaveLength(2);
    for (const member of read.body.members) {
      expect(Object.keys(member).sort()).toEqual(['addedAt', 'firstName', 'referralId', 'shortRef']);
      expect(member.firstName).toBe('Alex');
    }
    expect(JSON.stringify(read.body)).not.toContain('Client-');
  });

  it('takes a member off the roster, and 404s one who is not on it', async () => {
    // Prepare
    const group = await groupWithRoster(clients.slice(0, 1));

    // Act
    const removed = await del(`/groups/${group.id}/members/${clients[0]!.id}`);
    const again = await del(`/groups/${group.id}/members/${clients[0]!.id}`);

    // Assess
    expect(removed.status).toBe(204);
    expect(again.status).toBe(404);
    expect((await api.as('coordinator').get(`/groups/${group.id}`)).body.memberCount).toBe(0);
  });

  it('accepts a client whose referral closed within the last year', async () => {
    // Prepare
    const closed = await seedReferral(api.stores.vancouver, { stage: Stage.CLOSED });
    const group = await groupWithRoster([]);

    // Act
    const added = await api.as('coordinator').post(`/groups/${group.id}/members`, { referralId: closed.id });

    // Assess
    expect(added.status).toBe(201);
  });

  it.each([
    ['closed over a year ago', 'old'],
    ['declined', 'declined'],
    ['of another region', 'richmond'],
  ] as const)('refuses a roster entry for a referral %s (400, nothing written)', async (_, kind) => {
    // Prepare
    const group = await groupWithRoster([]);
    let referral: Referral;
    if (kind === 'old') {
      const longAgo = new Date(Date.now() - 400 * 86_400_000);
      referral = await seedReferral({ ...api.stores.vancouver, now: () => longAgo }, { stage: Stage.CLOSED });
    } else if (kind === 'declined') {
      referral = await seedReferral(api.stores.vancouver, { stage: Stage.DECLINED });
    } else {
      referral = await seedReferral(api.stores.richmond, { details: referralInput({}, 'richmond') });
    }

    // Act
    const added = await api
      .as('coordinator')
      .post(`/groups/${group.id}/members`, { referralId: referral.id });

    // Assess
    expect(added.status).toBe(400);
    expect(added.body).toMatchObject({ error: 'ValidationError' });
    expect(added.body.issues[0].path).toBe('referralId');
    expect((await api.as('coordinator').get(`/groups/${group.id}`)).body.members).toEqual([]);
  });

  it('refuses a roster past capacity', async () => {
    // Prepare
    const group = await groupWithRoster(clients.slice(0, 2), { capacity: 2 });

    // Act
    const added = await api
      .as('coordinator')
      .post(`/groups/${group.id}/members`, { referralId: clients[2]!.id });

    // Assess
    expect(added.status).toBe(400);
    expect((await api.as('coordinator').get(`/groups/${group.id}`)).body.memberCount).toBe(2);
  });

  it('corrects a group with its version, and 409s a stale one', async () => {
    // Prepare
    const group = await groupWithRoster([]);

    // Act
    const first = await api.as('coordinator').patch(`/groups/${group.id}`, { place: 'ONLINE', version: 1 });
    const stale = await api.as('coordinator').patch(`/groups/${group.id}`, { capacity: 20, version: 1 });

    // Assess
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ place: 'ONLINE', version: 2 });
    expect(stale.status).toBe(409);
  });
});

describe('meetings', () => {
  it('pays a 90-minute meeting with 6 attendees and 1 facilitator 90 minutes', async () => {
    // Prepare
    const group = await groupWithRoster();
    const before = await paidMinutes(facilitatorId);

    // Act
    const logged = await api
      .as('peer-worker', 'vancouver', facilitatorId)
      .post(`/groups/${group.id}/meetings`, {
        date: today,
        minutes: 90,
        facilitators: [facilitatorId],
        attendance: clients.map((c) => ({ referralId: c.id, present: true })),
      });

    // Assess
    expect(logged.status).toBe(201);
    expect(await paidMinutes(facilitatorId)).toBe(before + 90);
  });

  it("puts a meeting on each attendee's timeline with the date and group name only", async () => {
    // Prepare
    const group = await groupWithRoster(clients.slice(0, 2), { name: 'Walking Group' });

    // Act
    const logged = await api.as('coordinator').post(`/groups/${group.id}/meetings`, {
      date: today,
      minutes: 60,
      facilitators: [facilitatorId],
      attendance: [
        { referralId: clients[0]!.id, present: true },
        { referralId: clients[1]!.id, present: false },
      ],
    });
    const present = await api.as('coordinator').get(`/referrals/${clients[0]!.id}/community`);
    const absent = await api.as('coordinator').get(`/referrals/${clients[1]!.id}/community`);

    // Assess
    expect(logged.status).toBe(201);
    expect(present.body.meetings).toContainEqual({
      meetingId: logged.body.id,
      groupId: group.id,
      groupName: 'Walking Group',
      date: today,
    });
    expect(absent.body.meetings.map((m: { meetingId: string }) => m.meetingId)).not.toContain(logged.body.id);
    expect(present.body.groups.map((g: { id: string }) => g.id)).toContain(group.id);
  });

  it.each([
    ['dated in the future', { date: localDate(1) }, 'date'],
    ['dated before the group existed', { date: localDate(-1) }, 'date'],
    [
      'naming someone not on the roster',
      { attendance: [{ referralId: 'not-a-member', present: true }] },
      'attendance.0.referralId',
    ],
    [
      'with a facilitator who does not facilitate the group',
      { facilitators: ['someone-else'] },
      'facilitators.0',
    ],
  ])('refuses a meeting %s (400, nothing written)', async (_, change, path) => {
    // Prepare
    const group = await groupWithRoster(clients.slice(0, 1));
    const before = await paidMinutes(facilitatorId);

    // Act
    const logged = await api.as('coordinator').post(`/groups/${group.id}/meetings`, {
      date: today,
      minutes: 60,
      facilitators: [facilitatorId],
      attendance: [{ referralId: clients[0]!.id, present: true }],
      ...change,
    });

    // Assess
    expect(logged.status).toBe(400);
    expect(logged.body.issues.map((i: { path: string }) => i.path)).toContain(path);
    expect((await api.as('coordinator').get(`/groups/${group.id}/meetings`)).body.items).toEqual([]);
    expect(await paidMinutes(facilitatorId)).toBe(before);
  });

  it('corrects a meeting: paid minutes and timelines follow; a stale version is 409', async () => {
    // Prepare
    const group = await groupWithRoster(clients.slice(0, 2));
    const asFacilitator = api.as('peer-worker', 'vancouver', facilitatorId);
    const logged = await asFacilitator.post(`/groups/${group.id}/meetings`, {
      date: today,
      minutes: 60,
      facilitators: [facilitatorId],
      attendance: [{ referralId: clients[0]!.id, present: true }],
    });
    const before = await paidMinutes(facilitatorId);

    // Act
    const corrected = await asFacilitator.patch(`/groups/${group.id}/meetings/${logged.body.id}`, {
      minutes: 75,
      attendance: [
        { referralId: clients[0]!.id, present: false },
        { referralId: clients[1]!.id, present: true },
      ],
      version: 1,
    });
    const stale = await asFacilitator.patch(`/groups/${group.id}/meetings/${logged.body.id}`, {
      minutes: 80,
      version: 1,
    });

    // Assess
    expect(corrected.status).toBe(200);
    expect(corrected.body.version).toBe(2);
    expect(stale.status).toBe(409);
    expect(await paidMinutes(facilitatorId)).toBe(before + 15);
    const first = await api.as('coordinator').get(`/referrals/${clients[0]!.id}/community`);
    const second = await api.as('coordinator').get(`/referrals/${clients[1]!.id}/community`);
    expect(first.body.meetings.map((m: { meetingId: string }) => m.meetingId)).not.toContain(logged.body.id);
    expect(second.body.meetings.map((m: { meetingId: string }) => m.meetingId)).toContain(logged.body.id);
  });

  it("lists a group's meetings newest first, and 404s a worker who does not facilitate it", async () => {
    // Prepare
    const group = await groupWithRoster(clients.slice(0, 1));
    for (const date of [localDate(0), localDate(0)]) {
      await api.as('coordinator').post(`/groups/${group.id}/meetings`, {
        date,
        minutes: 30,
        facilitators: [facilitatorId],
        attendance: [],
      });
    }

    // Act
    const listed = await api
      .as('peer-worker', 'vancouver', facilitatorId)
      .get(`/groups/${group.id}/meetings?limit=1`);
    const other = await api.as('peer-worker', 'vancouver', otherWorkerId).get(`/groups/${group.id}/meetings`);

    // Assess
    expect(listed.status).toBe(200);
    expect(listed.body.items).toHaveLength(1);
    expect(listed.body.nextToken).toBeDefined();
    expect(other.status).toBe(404);
  });
});
