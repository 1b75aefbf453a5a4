import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '#api/routes.ts';
import { queryAll } from '#data/common.ts';
import { Audience, IndexKeys, Keys } from '#data/keys.ts';
import { INDEX } from '#data/table.ts';
import { Stage } from '#domain/lifecycle.ts';
import { Role } from '#domain/roles.ts';
import { timersWith } from '#domain/settings.ts';
import type { MemoryEventPublisher } from '../../local/notifications.ts';
import { type ReliabilityApi, startReliabilityApi } from '../support/reliability-api.ts';
import {
  type Driver,
  driveReferral,
  programDate,
  type Reply,
  referralForm,
  sessionBody,
  workerForm,
} from '../support/reliability-flow.ts';
import { eventually } from '../support/workflow.ts';

/**
 * A canary client — a name no one has, with the same words in every free-text field — is submitted through
 * every route of the table: in referral forms and corrections, goals, ratings, sessions, holds, closures,
 * re-referrals, worker profiles, and in query strings and headers where a route takes no body; also in
 * bodies the API must refuse. Then the canary must appear nowhere the program writes for people other than
 * the record's readers: log lines (the handlers', the runner's, the gateway's access lines), alert notices,
 * alert items, published events. And no refusal echoes it back.
 */

const tag = randomUUID().replace(/-/g, '').slice(0, 10);
/** The part every canary word shares: what the checks look for. */
const MARK = `canary${tag}`;
const GIVEN = `Q${MARK}`;
const FAMILY = `V${MARK}`;
const TEXT = `${GIVEN} ${FAMILY}`;

let r: ReliabilityApi;
let driver: Driver;
const replies: { route: string; reply: Reply }[] = [];

/** Triage and match waits time out after 2 s (overdue alerts happen too); the rest stay quiet. */
const TIMERS = timersWith({
  triage: 2,
  match: 2,
  goals: 3600,
  noSession: 3600,
  closure: 3600,
  holdReview: 3600,
});

beforeAll(async () => {
  r = await startReliabilityApi({ timers: TIMERS });
  driver = { api: r, region: 'vancouver', waitingIn: (id, stage) => r.waitingIn(id, stage), text: TEXT };
});

afterAll(async () => {
  await r?.stop();
});

function keep(route: string, reply: Reply): Reply {
  replies.push({ route, reply });
  return reply;
}

const canaryForm = (expiresInDays = 355) => {
  const form = referralForm('vancouver', {
    givenName: GIVEN,
    familyName: FAMILY,
    text: TEXT,
    urgency: 'URGENT',
  });
  return { ...form, consent: { ...form.consent, expiresOn: programDate(expiresInDays) } };
};

describe('a canary client name', () => {
  it('goes through every route and never reaches logs, alerts or events', async () => {
    const clinician = r.as(Role.CLINICIAN);
    const coordinator = r.as(Role.COORDINATOR);
    const [a, b] = await r.addWorkers(2);
    const worker = (id: string) => r.as(Role.PEER_WORKER, 'vancouver', id);
    const q = `?note=${encodeURIComponent(TEXT)}`;
    const h = { 'x-client-name': TEXT };

    // --- the referral routes, with the canary in every free-text field ------------------------------
    const submitted = keep('submitReferral', await clinician.post('/referrals', canaryForm(5)));
    expect(submitted.status).toBe(201);
    const id = String(submitted.body.id);
    // The same client again: a possible duplicate (and its alert).
    const twin = keep('submitReferral', await clinician.post('/referrals', canaryForm()));
    await r.waitingIn(id, Stage.REFERRED);
    const read = keep('getReferral', await coordinator.get(`/referrals/${id}${q}`, h));
    keep(
      'correctReferral',
      await clinician.patch(`/referrals/${id}`, {
        version: read.body.version,
        reasonForReferral: `${TEXT} again`,
        client: { ...canaryForm().client, preferredName: TEXT },
      }),
    );
    keep('listReferrals', await coordinator.get(`/referrals${q}`, h));
    keep('listReferrals', await clinician.get(`/referrals${q}`, h));
    keep('acceptReferral', await coordinator.post(`/referrals/${id}/accept${q}`, undefined, h));
    keep('referralCandidates', await coordinator.get(`/referrals/${id}/candidates${q}`, h));
    await r.waitingIn(id, Stage.AWAITING_MATCH);
    keep('matchReferral', await coordinator.post(`/referrals/${id}/match${q}`, { workerId: a }, h));
    const session = keep(
      'logSession',
      await worker(a!).post(`/referrals/${id}/sessions`, sessionBody(TEXT, true)),
    );
    keep(
      'correctSession',
      await worker(a!).patch(`/referrals/${id}/sessions/${session.body.id}`, {
        version: session.body.version,
        note: `${TEXT} corrected`,
      }),
    );
    await r.waitingIn(id, Stage.GOAL_SETTING);
    keep(
      'reassignReferral',
      await coordinator.post(`/referrals/${id}/reassign`, { workerId: b, reason: TEXT }),
    );
    await r.waitingIn(id, Stage.GOAL_SETTING);
    const goals = keep(
      'setGoals',
      await worker(b!).post(`/referrals/${id}/goals`, { goals: [{ title: TEXT, description: TEXT }] }),
    );
    const goalId =
      (goals.body.goals as { id: string }[] | undefined)?.[0]?.id ??
      ((await worker(b!).get(`/referrals/${id}`)).body.goals as { id: string }[])[0]!.id;
    keep(
      'rateGoal',
      await worker(b!).post(`/referrals/${id}/goals/${goalId}/ratings`, { rating: 1, note: TEXT }),
    );
    keep(
      'raiseConcern',
      await worker(b!).post(`/referrals/${id}/concerns${q}`, { level: 'URGENT', category: 'SAFETY' }, h),
    );
    await r.waitingIn(id, Stage.IN_SESSIONS);
    keep('holdReferral', await worker(b!).post(`/referrals/${id}/hold`, { reason: TEXT }));
    await r.waitingIn(id, Stage.ON_HOLD);
    keep('resumeReferral', await worker(b!).post(`/referrals/${id}/resume`, { reason: TEXT }));
    await r.waitingIn(id, Stage.IN_SESSIONS);
    keep('goalsAchieved', await worker(b!).post(`/referrals/${id}/goals-achieved${q}`, undefined, h));
    keep('referralHistory', await coordinator.get(`/referrals/${id}/history${q}`, h));
    await r.waitingIn(id, Stage.GOALS_ACHIEVED);
    keep(
      'closeReferral',
      await coordinator.post(`/referrals/${id}/close`, { reason: 'GOALS_MET', summary: TEXT }),
    );
    const again = keep(
      'rereferReferral',
      await clinician.post(`/referrals/${id}/rerefer`, { reasonForReferral: TEXT, currentSupports: TEXT }),
    );
    await r.waitingIn(String(again.body.id), Stage.REFERRED);
    keep('withdrawReferral', await clinician.post(`/referrals/${again.body.id}/withdraw`, { reason: TEXT }));
    const declined = await driveReferral(driver, Stage.REFERRED, { form: canaryForm() });
    keep(
      'declineReferral',
      await coordinator.post(`/referrals/${declined.id}/decline`, { reason: 'INELIGIBLE', summary: TEXT }),
    );
    // Left waiting at triage and for a match until their timers raise overdue alerts.
    await driveReferral(driver, Stage.AWAITING_MATCH, { form: canaryForm() });

    // --- the other routes: the canary in whatever they take --------------------------------------------
    const created = keep('createWorker', await coordinator.post('/workers', workerForm({ bio: TEXT })));
    keep('listWorkers', await coordinator.get(`/workers${q}`, h));
    const profile = keep('getWorker', await coordinator.get(`/workers/${created.body.id ?? a}${q}`, h));
    keep(
      'correctWorker',
      await coordinator.patch(`/workers/${created.body.id ?? a}`, {
        version: profile.body.version,
        bio: TEXT,
      }),
    );
    keep('listUsers', await coordinator.get(`/users${q}`, h));
    keep(
      'createUser',
      await coordinator.post('/users', {
        email: `${MARK}@example.org`,
        givenName: GIVEN,
        familyName: FAMILY,
        role: 'clinician',
      }),
    );
    const debriefs = keep('listDebriefs', await coordinator.get(`/debriefs${q}`, h));
    const debrief = (debriefs.body.items as { id: string }[] | undefined)?.[0];
    keep(
      'completeDebrief',
      await coordinator.post(`/debriefs/${debrief?.id ?? session.body.id}/done${q}`, undefined, h),
    );
    const alerts = keep('listAlerts', await coordinator.get(`/alerts${q}`, h));
    const alert = (alerts.body.items as { id: string }[] | undefined)?.[0];
    keep('acknowledgeAlert', await coordinator.post(`/alerts/${alert?.id ?? 'none'}/ack${q}`, undefined, h));
    keep(
      'reportSummary',
      await coordinator.get(`/reports/summary?from=${programDate(-30)}&to=${programDate(0)}&note=${MARK}`, h),
    );
    keep('health', await coordinator.get(`/health${q}`, h));
    keep('openapi', await coordinator.get(`/openapi.json${q}`, h));
    keep('docs', await coordinator.get(`/docs${q}`, h));

    // --- groups and resources: the canary in names, places, purposes and reasons -------------------------
    const schedule = { frequency: 'MONTHLY', weekday: 'THU', time: '18:00' };
    const group = keep(
      'createGroup',
      await coordinator.post('/groups', {
        name: TEXT,
        purpose: TEXT,
        facilitators: [b],
        schedule,
        place: TEXT,
        capacity: 10,
      }),
    );
    const groupId = String(group.body.id);
    keep('listGroups', await worker(b!).get(`/groups${q}`, h));
    keep('addGroupMember', await coordinator.post(`/groups/${groupId}/members`, { referralId: id }));
    const groupRead = keep('getGroup', await worker(b!).get(`/groups/${groupId}${q}`, h));
    keep(
      'correctGroup',
      await coordinator.patch(`/groups/${groupId}`, {
        version: groupRead.body.version,
        purpose: `${TEXT} again`,
      }),
    );
    const meeting = keep(
      'logMeeting',
      await worker(b!).post(`/groups/${groupId}/meetings`, {
        date: programDate(0),
        minutes: 90,
        facilitators: [b],
        attendance: [{ referralId: id, present: true }],
      }),
    );
    keep('listMeetings', await worker(b!).get(`/groups/${groupId}/meetings${q}`, h));
    keep(
      'correctMeeting',
      await worker(b!).patch(`/groups/${groupId}/meetings/${meeting.body.id}`, {
        version: meeting.body.version,
        minutes: 60,
      }),
    );
    const resource = keep(
      'createResource',
      await coordinator.post('/resources', {
        name: TEXT,
        category: 'FOOD',
        neighbourhood: TEXT,
        address: TEXT,
        hours: TEXT,
        description: TEXT,
      }),
    );
    keep(
      'listResources',
      await worker(b!).get(`/resources?q=${GIVEN}&neighbourhood=${encodeURIComponent(TEXT)}`, h),
    );
    const resourceRead = keep('getResource', await clinician.get(`/resources/${resource.body.id}${q}`, h));
    keep(
      'correctResource',
      await coordinator.patch(`/resources/${resource.body.id}`, {
        version: resourceRead.body.version,
        hours: TEXT,
      }),
    );
    const link = keep(
      'createLink',
      await coordinator.post(`/referrals/${id}/links`, { resourceId: resource.body.id }),
    );
    keep(
      'moveLink',
      await coordinator.patch(`/referrals/${id}/links/${link.body.id}`, {
        status: 'DID_NOT_CONNECT',
        reason: TEXT,
      }),
    );
    keep('referralCommunity', await coordinator.get(`/referrals/${id}/community${q}`, h));
    keep(
      'removeGroupMember',
      await r.send('DELETE', `/vancouver/groups/${groupId}/members/${id}${q}`, {
        token: await r.api.tokenFor(Role.COORDINATOR, 'vancouver'),
        headers: h,
      }),
    );
    keep(
      'moveLink',
      await coordinator.patch(`/referrals/${id}/links/${link.body.id}`, {
        status: 'CONTACTED',
        reason: TEXT,
      }),
    );
    keep('addGroupMember', await coordinator.post(`/groups/${groupId}/members`, { referralId: TEXT }));

    // --- refusals carrying the canary ------------------------------------------------------------------
    const bad = { ...canaryForm(), client: { ...canaryForm().client, dateOfBirth: TEXT, email: TEXT } };
    keep('submitReferral', await clinician.post('/referrals', bad));
    keep('submitReferral', await clinician.post('/referrals', `{"client": "${TEXT}"`));
    keep('correctReferral', await clinician.patch(`/referrals/${id}`, { version: 1, [TEXT]: TEXT }));
    keep('holdReferral', await worker(b!).post(`/referrals/${id}/hold`, { reason: TEXT, note: TEXT }));
    keep(
      'logSession',
      await worker(b!).post(`/referrals/${id}/sessions`, { ...sessionBody(TEXT), minutes: TEXT }),
    );
    keep(
      'createUser',
      await coordinator.post('/users', { email: TEXT, givenName: GIVEN, familyName: FAMILY, role: TEXT }),
    );

    // --- follow-ups and timers run; the machine settles --------------------------------------------------
    await r.api.runners.vancouver.followUpNow();
    await eventually('the overdue alerts', async () => {
      const items = await alertItems();
      return items.some((i) => i.kind === 'TRIAGE_OVERDUE' || i.kind === 'MATCH_OVERDUE');
    });

    // Assess: every route got the canary; the program's outputs never carry it.
    const called = new Set(replies.map((x) => x.route));
    expect(ROUTES.map((route) => route.id).filter((route) => !called.has(route))).toEqual([]);
    // The canary really went in: each route's first call succeeded, and the record holds the name.
    const first = ROUTES.map((route) => replies.find((x) => x.route === route.id)!);
    expect(first.filter((x) => x.reply.status >= 400).map((x) => `${x.route} ${x.reply.status}`)).toEqual([]);
    expect(JSON.stringify((await coordinator.get(`/referrals/${id}`)).body)).toContain(MARK);
    expect(twin.body.possibleDuplicateOf).toBe(id);
    const refusals = replies.filter((x) => x.reply.status >= 400);
    expect(refusals.length).toBeGreaterThanOrEqual(8);
    expect(refusals.filter((x) => JSON.stringify(x.reply.body).includes(MARK)).map((x) => x.route)).toEqual(
      [],
    );

    const logs = r.api.output;
    expect(logs.length).toBeGreaterThan(50);
    expect(logs.some((line) => line.includes('referral accessed'))).toBe(true);
    expect(logs.filter((line) => line.includes(MARK))).toEqual([]);

    const items = await alertItems();
    const kinds = new Set(items.map((i) => String(i.kind)));
    for (const kind of [
      'NEW_REFERRAL',
      'POSSIBLE_DUPLICATE',
      'MATCH_MADE',
      'CONCERN_RAISED',
      'DEBRIEF_REQUESTED',
    ]) {
      expect(kinds, `an alert of kind ${kind}`).toContain(kind);
    }
    expect(items.filter((i) => JSON.stringify(i).includes(MARK)).map((i) => i.kind)).toEqual([]);

    const events = (r.api.events.vancouver as MemoryEventPublisher).published;
    expect(events.length).toBeGreaterThan(5);
    expect(events.filter((e) => JSON.stringify(e).includes(MARK))).toEqual([]);
  });
});

/** Every alert item of the region: the coordinators' inbox and each person's. */
async function alertItems(): Promise<Record<string, unknown>[]> {
  const store = r.api.stores.vancouver;
  const workers = (
    await queryAll(store, {
      IndexName: INDEX.GSI1,
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': IndexKeys.regionWorkers('vancouver') },
    })
  ).map((w) => String(w.id));
  const audiences = [
    Audience.coordinators('vancouver'),
    Audience.user(r.api.demo.vancouver.staff.clinician),
    Audience.user(r.api.demo.vancouver.staff.coordinator),
    ...workers.map(Audience.user),
  ];
  const all = await Promise.all(
    audiences.map((audience) =>
      queryAll(store, {
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': Keys.alertPartition(audience) },
      }),
    ),
  );
  return all.flat();
}
