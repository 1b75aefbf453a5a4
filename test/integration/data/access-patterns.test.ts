import { beforeAll, describe, expect, it } from 'vitest';
import { ACCESS_PATTERNS, type AccessPatternName } from '#data/access-patterns.ts';
import { ackAlert, getAlert, listAlerts, putAlert } from '#data/alerts.ts';
import { clientKeyOf } from '#data/client-key.ts';
import { getItem } from '#data/common.ts';
import { getDebrief, listDebriefs, markDebriefDone } from '#data/debriefs.ts';
import { getDelivery, listDueDeliveries, writeAlertWithDeliveries } from '#data/deliveries.ts';
import { listDueEscalations } from '#data/escalations.ts';
import { listEvents } from '#data/events.ts';
import { getGoal, listGoals } from '#data/goals.ts';
import { getIdempotencyRecord } from '#data/idempotency.ts';
import { Audience, Keys } from '#data/keys.ts';
import { paidMinutesOn } from '#data/paid-days.ts';
import { getPreferences, putPreferences } from '#data/preferences.ts';
import { searchReferrals } from '#data/referral-search.ts';
import { listConsentExpiring } from '#data/referrals/consent.ts';
import { createReferral } from '#data/referrals/create.ts';
import { listQueue } from '#data/referrals/queue.ts';
import { getReferral, getReferralDetails, listByReferrer, listByWorker } from '#data/referrals/reads.ts';
import { listReferralsClosedBetween, listReferralsCreatedBetween } from '#data/referrals/report-index.ts';
import { getSession, listSessionsBetween, logSession, minutesByWorkerMonth } from '#data/sessions.ts';
import { getWorker, listWorkerChanges, listWorkers } from '#data/workers.ts';
import { type AlertKind, Stage } from '#domain/lifecycle.ts';
import type { Referral } from '#domain/referral.ts';
import type { Worker } from '#domain/worker.ts';
import {
  actors,
  localDate,
  makeTestStore,
  referralInput,
  seedReferral,
  seedWorker,
  type TestStore,
} from '../../support/store.ts';
import { workforceExercises } from './workforce-patterns.ts';

/**
 * Every entry of ACCESS_PATTERNS is exercised here against DynamoDB Local: the data comes back, and the
 * requests sent are the pattern's operation on the pattern's index (and never a Scan). The `exercises`
 * record is typed by AccessPatternName, so a new pattern without a test does not compile.
 */

let store: TestStore;
let worker: Worker;
let inSessions: Referral;
let referred: Referral;
let closed: Referral;
let sessionId: string;
const today = localDate(0);

beforeAll(async () => {
  store = await makeTestStore();
  worker = await seedWorker(store, { lastName: 'Zed' });
  await seedWorker(store, { lastName: 'Able', active: false });
  referred = await seedReferral(store, {
    details: referralInput({ urgency: 'URGENT' }),
  });
  inSessions = await seedReferral(store, { stage: Stage.IN_SESSIONS, workerId: worker.id });
  closed = await seedReferral(store, { stage: Stage.CLOSED });
  const session = await logSession(store, {
    referralId: inSessions.id,
    workerId: worker.id,
    input: { date: today, mode: 'WALK', minutes: 45, debriefNeeded: true },
    actor: actors.worker(worker.id),
  });
  sessionId = session.id;
});

const exercises: Record<AccessPatternName, () => Promise<void>> = {
  'referrals by client name prefix or birth date': async () => {
    const page = await searchReferrals(store, { q: referred.details.client.familyName.slice(0, 9) });
    expect(page.items.map((r) => r.id)).toEqual([referred.id]);
  },
  'referral by id': async () => {
    expect((await getReferral(store, referred.id)).id).toBe(referred.id);
  },
  'referral with goals, sessions and events': async () => {
    const details = await getReferralDetails(store, inSessions.id);
    expect(details.referral.stage).toBe(Stage.IN_SESSIONS);
    expect(details.goals).toHaveLength(1);
    expect(details.sessions.map((s) => s.id)).toEqual([sessionId]);
    expect(details.events.map((e) => e.kind)).toContain('SUBMITTED');
  },
  'audit events of a referral': async () => {
    const events = await listEvents(store, inSessions.id);
    expect(events.map((e) => e.event ?? e.kind)).toEqual([
      'SUBMITTED',
      'accept',
      'match',
      'setGoals',
      'SESSION_LOGGED',
    ]);
  },
  'goal by id': async () => {
    const [goal] = await listGoals(store, inSessions.id);
    expect(goal).toBeDefined();
    store.requests.length = 0;
    expect((await getGoal(store, inSessions.id, goal?.id ?? '')).latestRating).toBe(-1);
  },
  'session by id': async () => {
    expect((await getSession(store, inSessions.id, sessionId)).minutes).toBe(45);
  },
  'region queue by stage': async () => {
    const page = await listQueue(store, { stage: Stage.REFERRED });
    expect(page.items.map((r) => r.id)).toEqual([referred.id]);
  },
  'referrals by referrer': async () => {
    const page = await listByReferrer(store, actors.clinician.sub);
    expect(page.items.map((r) => r.id)).toEqual([closed.id, inSessions.id, referred.id]);
  },
  'clients by worker': async () => {
    expect((await listByWorker(store, worker.id)).map((r) => r.id)).toEqual([inSessions.id]);
  },
  'open referrals for the same client': async () => {
    const pointer = await getItem(
      store,
      Keys.clientPointer(store.region, await clientKeyOf(store, inSessions.details)),
    );
    expect([...((pointer?.referralIds as Set<string>) ?? [])]).toEqual([inSessions.id]);
  },
  'consent expiring in a region': async () => {
    const expiring = await listConsentExpiring(store, localDate(400));
    expect(expiring.map((r) => r.id).sort()).toEqual([referred.id, inSessions.id].sort());
  },
  'referrals created in a date range': async () => {
    const created = await listReferralsCreatedBetween(store, rangeAroundNow());
    expect(created.map((r) => r.id).sort()).toEqual([referred.id, inSessions.id, closed.id].sort());
  },
  'referrals closed in a date range': async () => {
    const done = await listReferralsClosedBetween(store, rangeAroundNow());
    expect(done.map((r) => r.id)).toEqual([closed.id]);
  },
  'worker by id': async () => {
    expect((await getWorker(store, worker.id)).activeCaseload).toBe(1);
  },
  'workers of a region': async () => {
    const all = await listWorkers(store);
    expect(all.items.map((w) => w.lastName)).toEqual(['Zed', 'Able']);
    const active = await listWorkers(store, { activeOnly: true });
    expect(active.items.map((w) => w.id)).toEqual([worker.id]);
  },
  'worker change records': async () => {
    const changes = await listWorkerChanges(store, worker.id);
    expect(changes.map((c) => c.kind)).toEqual(['CREATED']);
  },
  'worker sessions by month': async () => {
    const minutes = await minutesByWorkerMonth(store, worker.id, today.slice(0, 7));
    expect(minutes).toMatchObject({ minutes: 45, sessions: 1 });
  },
  'worker paid minutes on a day': async () => {
    expect(await paidMinutesOn(store, worker.id, today)).toBe(45);
  },
  'region sessions in a date range': async () => {
    const sessions = await listSessionsBetween(store, { from: today, to: today });
    expect(sessions.map((s) => s.id)).toEqual([sessionId]);
  },
  'alerts by audience': async () => {
    const audience = Audience.coordinators(store.region);
    const first = await putAlert(store, { audience, kind: 'NEW_REFERRAL', referralId: referred.id });
    const second = await putAlert(store, { audience, kind: 'MATCH_OVERDUE', referralId: inSessions.id });
    store.requests.length = 0;
    const page = await listAlerts(store, audience);
    expect(page.items.map((a) => a.id)).toEqual([second.id, first.id]);
  },
  'unacknowledged alerts by audience': async () => {
    const audience = Audience.user(worker.id);
    const older = await putAlert(store, { audience, kind: 'NEW_CLIENT', referralId: inSessions.id });
    const newer = await putAlert(store, { audience, kind: 'NEW_CLIENT', referralId: referred.id });
    await ackAlert(store, audience, older.id, worker.id);
    store.requests.length = 0;
    const page = await listAlerts(store, audience, { unacknowledgedOnly: true });
    expect(page.items.map((a) => a.id)).toEqual([newer.id]);
  },
  'alert by id': async () => {
    const audience = Audience.user(actors.clinician.sub);
    const alert = await putAlert(store, { audience, kind: 'MATCH_MADE', referralId: inSessions.id });
    store.requests.length = 0;
    expect((await getAlert(store, audience, alert.id)).kind).toBe('MATCH_MADE');
  },
  'debrief by id': async () => {
    expect((await getDebrief(store, sessionId)).referralId).toBe(inSessions.id);
  },
  'open debriefs due in a region': async () => {
    const page = await listDebriefs(store, {
      dueBefore: new Date(Date.now() + 4 * 86_400_000).toISOString(),
    });
    expect(page.items.map((d) => d.id)).toEqual([sessionId]);
  },
  'all debriefs of a region': async () => {
    const other = await logSession(store, {
      referralId: inSessions.id,
      workerId: worker.id,
      input: { date: today, mode: 'PHONE', minutes: 10, debriefNeeded: true },
      actor: actors.worker(worker.id),
    });
    await markDebriefDone(store, other.id, actors.coordinator.sub);
    store.requests.length = 0;
    const page = await listDebriefs(store, { includeDone: true });
    expect(page.items.map((d) => d.id).sort()).toEqual([sessionId, other.id].sort());
  },
  'idempotency record': async () => {
    const claim = { sub: actors.clinician.sub, key: 'key-1', requestHash: 'h1' };
    const referral = await createReferral(store, {
      details: referralInput(),
      referrerSub: actors.clinician.sub,
      idempotency: claim,
    });
    store.requests.length = 0;
    expect((await getIdempotencyRecord(store, claim))?.referralId).toBe(referral.id);
  },
  'delivery by id': async () => {
    const alert = await outboxAlert('NEW_REFERRAL');
    store.requests.length = 0;
    const delivery = await getDelivery(store, `${alert.id}#coord-1#EMAIL`);
    expect(delivery).toMatchObject({ alertId: alert.id, state: 'PENDING', channel: 'EMAIL', attempts: 0 });
  },
  'due deliveries of a region': async () => {
    const alert = await outboxAlert('MATCH_OVERDUE');
    store.requests.length = 0;
    const due = await listDueDeliveries(store, new Date(Date.now() + 1000));
    expect(due.map((d) => d.id)).toContain(`${alert.id}#coord-1#EMAIL`);
    expect(due.every((d) => d.state === 'PENDING')).toBe(true);
  },
  'notification preferences of a person': async () => {
    await putPreferences(store, 'person-1', { email: 'DAILY_DIGEST', sms: 'OFF' });
    store.requests.length = 0;
    expect(await getPreferences(store, 'person-1')).toEqual({ email: 'DAILY_DIGEST', sms: 'OFF' });
  },
  'escalation watches due in a region': async () => {
    const alert = await outboxAlert('CONCERN_RAISED', { level: 'URGENT', escalationWatch: true });
    store.requests.length = 0;
    const due = await listDueEscalations(store, new Date(Date.now() + 1000));
    expect(due.map((w) => w.alertId)).toContain(alert.id);
    expect(await listDueEscalations(store, new Date(Date.parse(alert.createdAt) - 1000))).toEqual([]);
  },
  ...workforceExercises(() => store),
};

/** An alert to the coordinators written with one email delivery to `coord-1` (as raiseAlert writes it). */
async function outboxAlert(kind: AlertKind, options: { level?: string; escalationWatch?: boolean } = {}) {
  return writeAlertWithDeliveries(
    store,
    {
      audience: Audience.coordinators(store.region),
      kind,
      referralId: referred.id,
      ...(options.level ? { level: options.level } : {}),
    },
    [
      {
        recipient: 'coord-1',
        recipientRole: 'coordinator',
        channel: 'EMAIL',
        address: 'coord-1@example.org',
        digest: false,
      },
    ],
    { escalationWatch: options.escalationWatch ?? false },
  );
}

function rangeAroundNow() {
  return {
    from: new Date(Date.now() - 3_600_000).toISOString(),
    to: new Date(Date.now() + 3_600_000).toISOString(),
  };
}

describe('access patterns', () => {
  it('has one exercise per declared pattern and no exercise without a pattern', () => {
    expect(Object.keys(exercises).sort()).toEqual(ACCESS_PATTERNS.map((p) => p.name).sort());
  });

  it.each(ACCESS_PATTERNS.map((p) => [p.name, p] as const))(
    '%s: reads with the declared operation',
    async (_, pattern) => {
      store.requests.length = 0;
      await exercises[pattern.name]();
      expect(store.requests.some((r) => r.operation === 'Scan')).toBe(false);
      const used = store.requests.filter((r) => r.operation === pattern.operation);
      expect(used.length).toBeGreaterThan(0);
      expect(used.some((r) => r.input.IndexName === pattern.index)).toBe(true);
    },
  );
});
