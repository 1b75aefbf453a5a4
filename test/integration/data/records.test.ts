import { beforeEach, describe, expect, it } from 'vitest';
import { ALERT_RETENTION_SECONDS, ackAlert, getAlert, listAlerts, putAlert } from '#data/alerts.ts';
import {
  getDebrief,
  listDebriefs,
  listOverdueDebriefs,
  markDebriefAlerted,
  markDebriefDone,
} from '#data/debriefs.ts';
import {
  ConcurrentUpdateError,
  DomainValidationError,
  IdempotencyKeyUsedError,
  IllegalTransitionError,
  NotFoundError,
  StoreUnavailableError,
} from '#data/errors.ts';
import { listEvents } from '#data/events.ts';
import { addGoals, getGoal, listGoals, rateGoal } from '#data/goals.ts';
import { getIdempotencyRecord } from '#data/idempotency.ts';
import { Audience } from '#data/keys.ts';
import { listConsentExpiring, markConsentAlerted } from '#data/referrals/consent.ts';
import { createReferral } from '#data/referrals/create.ts';
import { getReferral, listByReferrer } from '#data/referrals/reads.ts';
import { getSession, logSession, minutesByWorkerMonth, patchSession } from '#data/sessions.ts';
import { createStore } from '#data/store.ts';
import { Stage } from '#domain/lifecycle.ts';
import { DEFAULT_TIMERS } from '#domain/settings.ts';
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

let store: TestStore;

beforeEach(async () => {
  store = await makeTestStore();
});

describe('idempotency records', () => {
  const claim = { sub: actors.clinician.sub, key: 'submit-7f3a', requestHash: 'hash-a' };
  const submit = (overrides: { sub?: string; requestHash?: string; details?: unknown } = {}) =>
    createReferral(store, {
      details: (overrides.details ?? referralInput()) as ReturnType<typeof referralInput>,
      referrerSub: overrides.sub ?? actors.clinician.sub,
      idempotency: { ...claim, ...overrides },
    });
  const referralsOf = async (sub: string) => (await listByReferrer(store, sub, { limit: 100 })).items;

  it('creates one referral from 20 concurrent submissions with one key; the others learn its id', async () => {
    // Act
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => submit()));

    // Assess
    const created = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const refused = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    expect(created).toHaveLength(1);
    expect(refused).toHaveLength(19);
    for (const error of refused) {
      expect(error).toBeInstanceOf(IdempotencyKeyUsedError);
      expect((error as IdempotencyKeyUsedError).record).toMatchObject({
        referralId: created[0]?.id,
        requestHash: 'hash-a',
      });
    }
    expect(await referralsOf(actors.clinician.sub)).toHaveLength(1);
  });

  it('writes nothing when the key was used, whatever the body, and keeps ids and the hash only', async () => {
    // Prepare
    const first = await submit();

    // Act
    const again = await submit({ requestHash: 'hash-b' }).catch((error: unknown) => error);

    // Assess
    expect(again).toBeInstanceOf(IdempotencyKeyUsedError);
    expect((again as IdempotencyKeyUsedError).record).toMatchObject({
      referralId: first.id,
      requestHash: 'hash-a',
    });
    expect(await referralsOf(actors.clinician.sub)).toHaveLength(1);
    const record = await getIdempotencyRecord(store, claim);
    expect(Object.keys(record ?? {}).sort()).toEqual(['createdAt', 'expiresAt', 'referralId', 'requestHash']);
    expect(JSON.stringify(record)).not.toContain(first.details.client.givenName);
  });

  it('scopes keys by caller and frees a key after 24 hours', async () => {
    // Prepare
    const now = new Date('2025-03-01T12:00:00.000Z');
    store.setNow(now);
    await submit();

    // Act
    const otherCaller = await submit({ sub: 'clinician-2' });
    const record = await getIdempotencyRecord(store, claim);
    store.setNow(new Date(now.getTime() + 25 * 3600 * 1000));
    const expired = await getIdempotencyRecord(store, claim);
    const afterADay = await submit({ requestHash: 'hash-b' });

    // Assess
    expect(otherCaller.referrerSub).toBe('clinician-2');
    expect(record?.expiresAt).toBe(now.getTime() / 1000 + 24 * 3600);
    expect(expired).toBeUndefined();
    expect((await getIdempotencyRecord(store, claim))?.referralId).toBe(afterADay.id);
  });

  it('leaves the key free when the submission itself is refused', async () => {
    // Prepare
    const otherRegion = { ...referralInput(), region: 'richmond' };

    // Act
    const refused = await submit({ details: otherRegion }).catch((error: unknown) => error);

    // Assess
    expect(refused).toBeInstanceOf(DomainValidationError);
    expect(await getIdempotencyRecord(store, claim)).toBeUndefined();
    await expect(submit()).resolves.toMatchObject({ referrerSub: actors.clinician.sub });
  });
});

describe('alerts', () => {
  const audience = Audience.coordinators('vancouver');

  it('keeps an alert until acknowledged, then sets it to expire 90 days later', async () => {
    const now = new Date('2025-05-01T08:00:00.000Z');
    store.setNow(now);
    const alert = await putAlert(store, {
      audience,
      kind: 'CONCERN_RAISED',
      referralId: 'R1',
      stage: Stage.IN_SESSIONS,
      level: 'URGENT',
      details: { category: 'SAFETY' },
    });
    expect((await getAlert(store, audience, alert.id)).expiresAt).toBeUndefined();

    const acked = await ackAlert(store, audience, alert.id, actors.coordinator.sub);
    const again = await ackAlert(store, audience, alert.id, 'someone-else');

    expect(acked).toMatchObject({
      acknowledgedBy: actors.coordinator.sub,
      expiresAt: now.getTime() / 1000 + ALERT_RETENTION_SECONDS,
    });
    expect(again.acknowledgedBy).toBe(actors.coordinator.sub);
    expect((await listAlerts(store, audience, { unacknowledgedOnly: true })).items).toEqual([]);
    expect((await listAlerts(store, audience)).items.map((a) => a.id)).toEqual([alert.id]);
  });

  it('does not acknowledge an alert of another audience', async () => {
    const alert = await putAlert(store, { audience, kind: 'NEW_REFERRAL', referralId: 'R1' });

    await expect(ackAlert(store, Audience.user('intruder'), alert.id, 'intruder')).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });

  it('refuses free text in an alert (ids and codes only)', async () => {
    await expect(
      putAlert(store, { audience, kind: 'CONCERN_RAISED', details: { note: 'Client said she is unsafe' } }),
    ).rejects.toBeInstanceOf(DomainValidationError);
  });

  it('stores a retried alert with the same id once', async () => {
    const first = await putAlert(store, { audience, kind: 'TRIAGE_OVERDUE', referralId: 'R1', id: 'A1' });
    const retry = await putAlert(store, { audience, kind: 'TRIAGE_OVERDUE', referralId: 'R1', id: 'A1' });

    expect(retry).toEqual(first);
    expect((await listAlerts(store, audience)).items).toHaveLength(1);
  });

  it('pages newest first', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await putAlert(store, { audience, kind: 'NEW_REFERRAL' })).id);

    const first = await listAlerts(store, audience, { limit: 3 });
    const second = await listAlerts(store, audience, { limit: 3, nextToken: first.nextToken });

    expect([...first.items, ...second.items].map((a) => a.id)).toEqual([...ids].reverse());
  });
});

describe('sessions and debriefs', () => {
  let worker: Worker;

  beforeEach(async () => {
    worker = await seedWorker(store);
  });

  it('logs a session with a debrief due 72 hours later, and moves lastSessionAt forward only', async () => {
    const now = new Date();
    // Matched a month ago: sessions are dated from the match on.
    store.setNow(new Date(now.getTime() - 30 * 86_400_000));
    const referral = await seedReferral(store, { stage: Stage.IN_SESSIONS, workerId: worker.id });
    store.setNow(now);

    const recent = await logSession(store, {
      referralId: referral.id,
      workerId: worker.id,
      input: { date: localDate(-1), mode: 'HOME_VISIT', minutes: 90, debriefNeeded: true },
      actor: actors.worker(worker.id),
      debriefDueSeconds: DEFAULT_TIMERS.debrief,
    });
    await logSession(store, {
      referralId: referral.id,
      workerId: worker.id,
      input: { date: localDate(-20), mode: 'PHONE', minutes: 15, debriefNeeded: false },
      actor: actors.worker(worker.id),
    });

    expect((await getReferral(store, referral.id)).lastSessionAt).toBe(localDate(-1));
    const debrief = await getDebrief(store, recent.id);
    expect(debrief).toMatchObject({ referralId: referral.id, workerId: worker.id });
    expect(Date.parse(debrief.dueAt) - now.getTime()).toBe(72 * 3600 * 1000);
    expect((await listEvents(store, referral.id)).filter((e) => e.kind === 'SESSION_LOGGED')).toHaveLength(2);
  });

  it('refuses a session before the match, and from a worker who is not assigned', async () => {
    const waiting = await seedReferral(store, { stage: Stage.AWAITING_MATCH });
    const assigned = await seedReferral(store, { stage: Stage.GOAL_SETTING, workerId: worker.id });
    const input = { date: localDate(0), mode: 'PHONE' as const, minutes: 20, debriefNeeded: false };

    await expect(
      logSession(store, {
        referralId: waiting.id,
        workerId: worker.id,
        input,
        actor: actors.worker(worker.id),
      }),
    ).rejects.toBeInstanceOf(IllegalTransitionError);
    await expect(
      logSession(store, { referralId: assigned.id, workerId: 'other', input, actor: actors.worker('other') }),
    ).rejects.toBeInstanceOf(NotFoundError);
    expect(await minutesByWorkerMonth(store, worker.id, localDate(0).slice(0, 7))).toMatchObject({
      minutes: 0,
    });
  });

  it('sums paid minutes by the local month, moving a corrected session to its new month', async () => {
    // Matched before the sessions below, which are logged a month later.
    store.setNow(new Date('2025-01-02T20:00:00.000Z'));
    const referral = await seedReferral(store, { stage: Stage.IN_SESSIONS, workerId: worker.id });
    store.setNow(new Date('2025-03-02T20:00:00.000Z'));
    const log = (date: string, minutes: number) =>
      logSession(store, {
        referralId: referral.id,
        workerId: worker.id,
        input: { date, mode: 'WALK', minutes, debriefNeeded: false },
        actor: actors.worker(worker.id),
      });
    const lastOfJan = await log('2025-01-31', 60);
    await log('2025-02-01', 30);
    await log('2025-02-28', 45);

    const corrected = await patchSession(store, {
      referralId: referral.id,
      sessionId: lastOfJan.id,
      version: lastOfJan.version,
      patch: { date: '2025-02-03', note: 'Walked further than planned' },
      actor: actors.worker(worker.id),
    });

    expect(corrected).toMatchObject({ date: '2025-02-03', version: 2 });
    expect(await getSession(store, referral.id, lastOfJan.id)).toEqual(corrected);
    expect(await minutesByWorkerMonth(store, worker.id, '2025-01')).toMatchObject({
      minutes: 0,
      sessions: 0,
    });
    expect(await minutesByWorkerMonth(store, worker.id, '2025-02')).toMatchObject({
      minutes: 135,
      sessions: 3,
    });
    const correction = (await listEvents(store, referral.id)).find((e) => e.kind === 'SESSION_CORRECTED');
    expect(correction).toMatchObject({ sessionId: lastOfJan.id, fields: ['date', 'note'] });
    expect(JSON.stringify(correction)).not.toContain('Walked');
    store.setNow(undefined);
  });

  it('refuses a session correction on a stale version', async () => {
    const referral = await seedReferral(store, { stage: Stage.IN_SESSIONS, workerId: worker.id });
    const session = await logSession(store, {
      referralId: referral.id,
      workerId: worker.id,
      input: { date: localDate(0), mode: 'TEXT', minutes: 10, debriefNeeded: false },
      actor: actors.worker(worker.id),
    });
    await patchSession(store, {
      referralId: referral.id,
      sessionId: session.id,
      version: 1,
      patch: { minutes: 15 },
      actor: actors.worker(worker.id),
    });

    await expect(
      patchSession(store, {
        referralId: referral.id,
        sessionId: session.id,
        version: 1,
        patch: { minutes: 99 },
        actor: actors.worker(worker.id),
      }),
    ).rejects.toBeInstanceOf(ConcurrentUpdateError);
    expect((await getSession(store, referral.id, session.id)).minutes).toBe(15);
  });

  it('lists open debriefs until done, and alerts an overdue one once', async () => {
    const start = new Date('2025-06-01T10:00:00.000Z');
    store.setNow(start);
    const referral = await seedReferral(store, { stage: Stage.IN_SESSIONS, workerId: worker.id });
    const session = await logSession(store, {
      referralId: referral.id,
      workerId: worker.id,
      input: { date: '2025-06-01', mode: 'OFFICE', minutes: 50, debriefNeeded: true },
      actor: actors.worker(worker.id),
    });
    const later = new Date(start.getTime() + 73 * 3600 * 1000);

    expect(await listOverdueDebriefs(store, new Date(start.getTime() + 71 * 3600 * 1000))).toEqual([]);
    expect((await listOverdueDebriefs(store, later)).map((d) => d.id)).toEqual([session.id]);
    expect(await markDebriefAlerted(store, session.id)).toBe(true);
    expect(await markDebriefAlerted(store, session.id)).toBe(false);
    expect(await listOverdueDebriefs(store, later)).toEqual([]);

    await markDebriefDone(store, session.id, actors.coordinator.sub);

    expect((await listDebriefs(store)).items).toEqual([]);
    expect((await listDebriefs(store, { includeDone: true })).items).toEqual([
      expect.objectContaining({ id: session.id, doneBy: actors.coordinator.sub }),
    ]);
    await expect(markDebriefDone(store, 'missing', 'x')).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('goals', () => {
  it('adds goals in IN_SESSIONS only and appends ratings, the last one being the latest', async () => {
    const worker = await seedWorker(store);
    const inSessions = await seedReferral(store, { stage: Stage.IN_SESSIONS, workerId: worker.id });
    const goalSetting = await seedReferral(store, { stage: Stage.GOAL_SETTING, workerId: worker.id });

    const [added] = await addGoals(store, {
      referralId: inSessions.id,
      goals: [{ title: 'Take the bus alone' }],
      actor: actors.worker(worker.id),
    });
    await expect(
      addGoals(store, {
        referralId: goalSetting.id,
        goals: [{ title: 'x' }],
        actor: actors.worker(worker.id),
      }),
    ).rejects.toBeInstanceOf(IllegalTransitionError);
    await rateGoal(store, {
      referralId: inSessions.id,
      goalId: added?.id ?? '',
      rating: 0,
      actor: actors.worker(worker.id),
    });
    const rated = await rateGoal(store, {
      referralId: inSessions.id,
      goalId: added?.id ?? '',
      rating: 2,
      note: 'Did it twice',
      actor: actors.worker(worker.id),
    });

    expect(await listGoals(store, inSessions.id)).toHaveLength(2);
    expect(rated.ratings.map((r) => r.rating)).toEqual([0, 2]);
    expect(await getGoal(store, inSessions.id, added?.id ?? '')).toMatchObject({
      latestRating: 2,
      baselineRating: -1,
    });
    await expect(
      rateGoal(store, {
        referralId: inSessions.id,
        goalId: added?.id ?? '',
        rating: 3,
        actor: actors.worker(worker.id),
      }),
    ).rejects.toBeInstanceOf(DomainValidationError);
  });
});

describe('consent expiry', () => {
  it('lists open referrals whose consent expires by a date, until alerted', async () => {
    const soon = await seedReferral(store, {
      details: referralInput({
        consent: {
          given: true,
          scope: ['SHARE_WITH_PEER_WORKER', 'CONTACT_CLIENT'],
          date: localDate(-300),
          expiresOn: localDate(10),
        },
      }),
    });
    await seedReferral(store);

    const expiring = await listConsentExpiring(store, localDate(14));
    const first = await markConsentAlerted(store, soon.id, soon.consentExpiresOn);
    const second = await markConsentAlerted(store, soon.id, soon.consentExpiresOn);

    expect(expiring.map((r) => r.id)).toEqual([soon.id]);
    expect([first, second]).toEqual([true, false]);
    expect(await listConsentExpiring(store, localDate(14))).toEqual([]);
    expect(
      (await listConsentExpiring(store, localDate(14), { includeAlerted: true })).map((r) => r.id),
    ).toEqual([soon.id]);
  });
});

describe('an unreachable store', () => {
  it('fails with StoreUnavailableError', async () => {
    const down = createStore({
      region: 'vancouver',
      endpoint: 'http://127.0.0.1:9',
      maxAttempts: 1,
      tableName: 'x',
    });

    await expect(getReferral(down, 'R1')).rejects.toBeInstanceOf(StoreUnavailableError);
  });
});
