import { randomUUID } from 'node:crypto';
import { ROUTES } from '#api/routes.ts';
import { Stage } from '#domain/lifecycle.ts';
import { Role } from '#domain/roles.ts';
import {
  type Driver,
  driveReferral,
  type FlowApi,
  programDate,
  type Reply,
  referralForm,
  sessionBody,
  workerForm,
} from './reliability-flow.ts';

/**
 * The PHI canary's walk through the route table, shared by the in-process reliability canary and the
 * `npm start` one: a canary client — a name no one has, with the same words in every free-text field — is
 * submitted through every route: in referral forms and corrections, goals, ratings, sessions, holds,
 * closures, re-referrals, worker profiles, users, and in query strings and headers where a route takes no
 * body; also in bodies the API must refuse. The callers then look for the canary wherever the program
 * writes for people other than the record's readers.
 */

export interface Canary {
  /** The part every canary word shares: what the checks look for. */
  mark: string;
  given: string;
  family: string;
  /** Given and family name together: what goes into free-text fields. */
  text: string;
}

export function newCanary(): Canary {
  const mark = `canary${randomUUID().replace(/-/g, '').slice(0, 10)}`;
  const given = `Q${mark}`;
  const family = `V${mark}`;
  return { mark, given, family, text: `${given} ${family}` };
}

/** The program under test, as the walk needs it. */
export interface CanaryTarget extends FlowApi {
  /** Resolves once the state machine waits in `stage` (at least: the referral is in `stage`). */
  waitingIn(referralId: string, stage: Stage): Promise<void>;
  /** New workers in vancouver's roster, with room for clients. */
  addWorkers(count: number): Promise<string[]>;
}

export interface RouteReply {
  route: string;
  reply: Reply;
}

export interface CanaryWalk {
  replies: RouteReply[];
  /** The first canary referral (read it back to see the canary really went in). */
  referralId: string;
  /** The second submission of the same client: a possible duplicate of `referralId`. */
  twin: Reply;
}

/** A referral form for the canary client, the canary in every free-text field. */
export function canaryForm(canary: Canary, expiresInDays = 355) {
  const form = referralForm('vancouver', {
    givenName: canary.given,
    familyName: canary.family,
    text: canary.text,
    urgency: 'URGENT',
  });
  return { ...form, consent: { ...form.consent, expiresOn: programDate(expiresInDays) } };
}

/**
 * Calls every route of the table in vancouver with the canary; leaves one referral waiting at triage and
 * one waiting for a match (so their timers can raise overdue alerts).
 */
export async function walkEveryRoute(target: CanaryTarget, canary: Canary): Promise<CanaryWalk> {
  const { text: TEXT, given: GIVEN, family: FAMILY, mark: MARK } = canary;
  const replies: RouteReply[] = [];
  const keep = (route: string, reply: Reply): Reply => {
    replies.push({ route, reply });
    return reply;
  };
  const driver: Driver = {
    api: target,
    region: 'vancouver',
    waitingIn: (id, stage) => target.waitingIn(id, stage),
    text: TEXT,
  };
  const clinician = target.as(Role.CLINICIAN);
  const coordinator = target.as(Role.COORDINATOR);
  const [a, b] = await target.addWorkers(2);
  const worker = (id: string) => target.as(Role.PEER_WORKER, 'vancouver', id);
  const q = `?note=${encodeURIComponent(TEXT)}`;
  const h = { 'x-client-name': TEXT };

  // --- the referral routes, with the canary in every free-text field ------------------------------
  const submitted = keep('submitReferral', await clinician.post('/referrals', canaryForm(canary, 5)));
  if (submitted.status !== 201) throw new Error(`submitReferral answered ${submitted.status}`);
  const id = String(submitted.body.id);
  // The same client again: a possible duplicate (and its alert).
  const twin = keep('submitReferral', await clinician.post('/referrals', canaryForm(canary)));
  await target.waitingIn(id, Stage.REFERRED);
  const read = keep('getReferral', await coordinator.get(`/referrals/${id}${q}`, h));
  keep(
    'correctReferral',
    await clinician.patch(`/referrals/${id}`, {
      version: read.body.version,
      reasonForReferral: `${TEXT} again`,
      client: { ...canaryForm(canary).client, preferredName: TEXT },
    }),
  );
  keep('listReferrals', await coordinator.get(`/referrals${q}`, h));
  keep('listReferrals', await clinician.get(`/referrals${q}`, h));
  // The canary's name as a search term: it must reach no log line or access line either.
  const term = `q=${encodeURIComponent(FAMILY)}&note=${encodeURIComponent(TEXT)}`;
  const found = keep('searchReferrals', await coordinator.get(`/referrals/search?${term}`, h));
  if (!found.body.items?.some((r: { id: string }) => r.id === id))
    throw new Error('searchReferrals missed it');
  keep('searchReferrals', await clinician.get(`/referrals/search?q=${encodeURIComponent(GIVEN)}`, h));
  keep('acceptReferral', await coordinator.post(`/referrals/${id}/accept${q}`, undefined, h));
  keep('referralCandidates', await coordinator.get(`/referrals/${id}/candidates${q}`, h));
  await target.waitingIn(id, Stage.AWAITING_MATCH);
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
  await target.waitingIn(id, Stage.GOAL_SETTING);
  keep(
    'reassignReferral',
    await coordinator.post(`/referrals/${id}/reassign`, { workerId: b, reason: TEXT }),
  );
  await target.waitingIn(id, Stage.GOAL_SETTING);
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
  await target.waitingIn(id, Stage.IN_SESSIONS);
  keep('holdReferral', await worker(b!).post(`/referrals/${id}/hold`, { reason: TEXT }));
  await target.waitingIn(id, Stage.ON_HOLD);
  keep('resumeReferral', await worker(b!).post(`/referrals/${id}/resume`, { reason: TEXT }));
  await target.waitingIn(id, Stage.IN_SESSIONS);
  keep('goalsAchieved', await worker(b!).post(`/referrals/${id}/goals-achieved${q}`, undefined, h));
  keep('referralHistory', await coordinator.get(`/referrals/${id}/history${q}`, h));
  await target.waitingIn(id, Stage.GOALS_ACHIEVED);
  keep(
    'closeReferral',
    await coordinator.post(`/referrals/${id}/close`, { reason: 'GOALS_MET', summary: TEXT }),
  );
  const again = keep(
    'rereferReferral',
    await clinician.post(`/referrals/${id}/rerefer`, { reasonForReferral: TEXT, currentSupports: TEXT }),
  );
  await target.waitingIn(String(again.body.id), Stage.REFERRED);
  keep('withdrawReferral', await clinician.post(`/referrals/${again.body.id}/withdraw`, { reason: TEXT }));
  const declined = await driveReferral(driver, Stage.REFERRED, { form: canaryForm(canary) });
  keep(
    'declineReferral',
    await coordinator.post(`/referrals/${declined.id}/decline`, { reason: 'INELIGIBLE', summary: TEXT }),
  );
  // Left waiting at triage and for a match until their timers raise overdue alerts.
  await driveReferral(driver, Stage.AWAITING_MATCH, { form: canaryForm(canary) });

  // --- the other routes: the canary in whatever they take --------------------------------------------
  const created = keep('createWorker', await coordinator.post('/workers', workerForm({ bio: TEXT })));
  keep('listWorkers', await coordinator.get(`/workers${q}`, h));
  const profile = keep('getWorker', await coordinator.get(`/workers/${created.body.id ?? a}${q}`, h));
  keep(
    'correctWorker',
    await coordinator.patch(`/workers/${created.body.id ?? a}`, { version: profile.body.version, bio: TEXT }),
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
  keep('acknowledgeAlerts', await coordinator.post(`/alerts/ack${q}`, { kind: 'NEW_REFERRAL' }, h));
  keep('getNotificationPreferences', await coordinator.get(`/me/notifications${q}`, h));
  keep(
    'putNotificationPreferences',
    await coordinator.put(`/me/notifications${q}`, { email: 'IMMEDIATE', sms: 'URGENT_ONLY' }, h),
  );
  keep(
    'reportSummary',
    await coordinator.get(`/reports/summary?from=${programDate(-30)}&to=${programDate(0)}&note=${MARK}`, h),
  );
  // the workforce: the canary in the supervision note, and in query strings and headers elsewhere
  const w = `/workers/${a}`;
  const day = programDate(0);
  const course = { course: 'NALOXONE', completedOn: programDate(-10), expiresOn: programDate(20) };
  keep('addTrainingRecord', await coordinator.post(`${w}/training${q}`, course, h));
  keep('listTrainingRecords', await worker(a!).get(`${w}/training${q}`, h));
  const contract = { start: programDate(-30), end: programDate(20), hoursPerMonth: 40 };
  keep('putContract', await coordinator.put(`${w}/contract${q}`, contract, h));
  keep('logTime', await worker(a!).post(`${w}/time${q}`, { date: day, kind: 'TRAVEL', minutes: 20 }, h));
  keep('getContract', await worker(a!).get(`${w}/contract${q}`, h));
  const note = { date: day, minutes: 30, kind: 'DEBRIEF', note: TEXT };
  keep('logSupervision', await coordinator.post(`${w}/supervision`, note));
  keep('listSupervision', await worker(a!).get(`${w}/supervision${q}`, h));
  const period = `from=${programDate(-30)}&to=${programDate(0)}&note=${MARK}`;
  keep('exportSummary', await coordinator.get(`/reports/summary.csv?${period}`, h));
  keep(
    'exportPaidTime',
    await coordinator.get(`/reports/paid-time.csv?month=${programDate(0).slice(0, 7)}`, h),
  );
  keep('exportReferrals', await coordinator.get(`/reports/referrals.csv?${period}`, h));
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
  keep('removeGroupMember', await coordinator.delete(`/groups/${groupId}/members/${id}${q}`, h));
  keep(
    'moveLink',
    await coordinator.patch(`/referrals/${id}/links/${link.body.id}`, { status: 'CONTACTED', reason: TEXT }),
  );
  keep('addGroupMember', await coordinator.post(`/groups/${groupId}/members`, { referralId: TEXT }));

  // --- refusals carrying the canary ------------------------------------------------------------------
  const bad = {
    ...canaryForm(canary),
    client: { ...canaryForm(canary).client, dateOfBirth: TEXT, email: TEXT },
  };
  keep('submitReferral', await clinician.post('/referrals', bad));
  keep('submitReferral', await clinician.post('/referrals', `{"client": "${TEXT}"`));
  keep('correctReferral', await clinician.patch(`/referrals/${id}`, { version: 1, [TEXT]: TEXT }));
  keep('holdReferral', await worker(b!).post(`/referrals/${id}/hold`, { reason: TEXT, note: TEXT }));
  keep(
    'logSession',
    await worker(b!).post(`/referrals/${id}/sessions`, { ...sessionBody(TEXT), minutes: TEXT }),
  );
  keep('logSupervision', await coordinator.post(`/workers/${a}/supervision`, { note: TEXT, kind: TEXT }));
  keep('putContract', await coordinator.put(`/workers/${a}/contract`, { start: TEXT, end: TEXT }));
  keep(
    'createUser',
    await coordinator.post('/users', { email: TEXT, givenName: GIVEN, familyName: FAMILY, role: TEXT }),
  );
  return { replies, referralId: id, twin };
}

/** Routes of the table the walk never called (should be none). */
export function uncalledRoutes(replies: readonly RouteReply[]): string[] {
  const called = new Set(replies.map((x) => x.route));
  return ROUTES.map((route) => route.id).filter((route) => !called.has(route));
}

/** Each route's first call, when it failed (`<route> <status>`): the canary must really have gone in. */
export function failedFirstCalls(replies: readonly RouteReply[]): string[] {
  return ROUTES.map((route) => replies.find((x) => x.route === route.id))
    .filter((x): x is RouteReply => x !== undefined && x.reply.status >= 400)
    .map((x) => `${x.route} ${x.reply.status}`);
}

/** Refusals (status ≥ 400) and the routes among them whose body echoed the canary. */
export function refusalsOf(replies: readonly RouteReply[], canary: Canary) {
  const refusals = replies.filter((x) => x.reply.status >= 400);
  return {
    count: refusals.length,
    echoing: refusals.filter((x) => JSON.stringify(x.reply.body).includes(canary.mark)).map((x) => x.route),
  };
}
