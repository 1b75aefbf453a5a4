import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ListUsersQuery, OpsChannel, UserDirectory } from '#app/ports.ts';
import { ackAlert, getAlert } from '#data/alerts.ts';
import { Audience } from '#data/keys.ts';
import { putPreferences } from '#data/preferences.ts';
import { type ProgramRegion, Role } from '#domain/roles.ts';
import type { DirectoryUser } from '#domain/users.ts';
import { COORDINATORS, raiseAlert, userTarget } from '#services/alerts.ts';
import { type DeliveryDeps, sweep } from '#services/deliveries.ts';
import { MemoryEventPublisher } from '../../../local/notifications.ts';
import { type MailCatcher, MemorySms, startMailCatcher } from '../../support/mail.ts';
import { makeTestStore, type TestStore } from '../../support/store.ts';

/**
 * Alerts reaching people, end to end below the API: raiseAlert's outbox on DynamoDB Local, the delivery
 * worker's sweep, a real SMTP server (test/support/mail.ts) and an in-memory SMS sender.
 */

const CANARY = 'CANARY_7F3E';
const PAGES = 'http://localhost:3000/';

function person(sub: string, role: Role, extra: Partial<DirectoryUser> = {}): DirectoryUser {
  return {
    sub,
    email: `${sub}@example.org`,
    givenName: `Given${CANARY}`,
    familyName: `Family${CANARY}`,
    role,
    region: 'vancouver',
    enabled: true,
    createdAt: '2026-01-01T00:00:00.000Z',
    ...extra,
  };
}

const PEOPLE = [
  person('coord-a', Role.COORDINATOR, { phone: '+16045550101' }),
  person('coord-b', Role.COORDINATOR, { phone: '+16045550102' }),
  person('coord-gone', Role.COORDINATOR, { phone: '+16045550103', enabled: false }),
  person('admin-a', Role.ADMIN, { phone: '+16045550104' }),
  person('clin-a', Role.CLINICIAN),
];

const directory: UserDirectory = {
  createUser: async () => ({ sub: 'x' }),
  listUsers: async (q: ListUsersQuery) =>
    PEOPLE.filter(
      (p) => p.region === (q.region as ProgramRegion) && (q.role === undefined || p.role === q.role),
    ),
};

let store: TestStore;
let catcher: MailCatcher;
let sms: MemorySms;
let escalations: Parameters<OpsChannel['escalate']>[0][];
let deps: DeliveryDeps;
const events = new MemoryEventPublisher();
const raiseDeps = () => ({ store, directory, events });
let clock: Date;

beforeAll(async () => {
  catcher = await startMailCatcher();
});
afterAll(async () => {
  await catcher.close();
});
beforeEach(async () => {
  store = await makeTestStore();
  clock = new Date('2026-12-02T18:00:00.000Z'); // 10:00 in Vancouver
  store.setNow(clock);
  catcher.messages.length = 0;
  sms = new MemorySms();
  escalations = [];
  deps = {
    store,
    directory,
    mailer: catcher.mailer,
    sms,
    ops: { escalate: async (m) => void escalations.push(m) },
    pagesUrl: PAGES,
    timers: { urgentEscalation: 120 },
    log: () => {},
  };
});

const advance = (seconds: number) => {
  clock = new Date(clock.getTime() + seconds * 1000);
  store.setNow(clock);
};

async function urgentConcern(referralId: string) {
  const input = {
    kind: 'CONCERN_RAISED' as const,
    referralId,
    level: 'URGENT',
    details: { category: CANARY, workerId: 'worker-1' },
  };
  const toCoordinators = await raiseAlert(raiseDeps(), { ...input, target: COORDINATORS });
  await raiseAlert(raiseDeps(), { ...input, id: toCoordinators.id, target: userTarget('clin-a') });
  return toCoordinators;
}

describe('an URGENT concern', () => {
  it('emails and texts every enabled coordinator and emails the referring clinician, once, without PHI', async () => {
    // Act
    const alert = await urgentConcern('01JREFERRAL0000000000ABC123');
    const report = await sweep(deps);
    const again = await sweep(deps);

    // Assess
    expect(report).toMatchObject({ sent: 7, failed: 0 });
    expect(again).toMatchObject({ sent: 0, failed: 0 });
    expect(catcher.messages.map((m) => m.to).sort()).toEqual(
      ['admin-a', 'clin-a', 'coord-a', 'coord-b'].map((s) => `${s}@example.org`),
    );
    expect(sms.sent.map((s) => s.to).sort()).toEqual(['+16045550101', '+16045550102', '+16045550104']);
    for (const message of catcher.messages) {
      expect(message.messageId).toMatch(new RegExp(`^<${alert.id}#[a-z-]+#EMAIL@peerpath>$`));
      expect(message.subject).toContain('URGENT');
      expect(message.text).toContain(`${PAGES}#/referrals/01JREFERRAL0000000000ABC123`);
      expect(message.html).toContain(`href="${PAGES}#/referrals/01JREFERRAL0000000000ABC123"`);
      expect(message.raw).not.toContain(CANARY);
      expect(message.raw).not.toContain('worker-1');
    }
    for (const text of sms.sent) {
      expect(text.body.length).toBeLessThanOrEqual(160);
      expect(text.body).not.toContain(CANARY);
      expect(text.body).toContain('ABC123');
    }
    const stored = await getAlert(store, Audience.coordinators('vancouver'), alert.id);
    expect(Object.values(stored.deliveries ?? {})).toEqual(Array(6).fill('SENT'));
    expect(Object.keys(stored.deliveries ?? {})).not.toContain('coord-gone#EMAIL');
  });

  it('escalates after the timer when no coordinator acknowledged it, and only then', async () => {
    // Prepare
    const open = await urgentConcern('01JREFERRAL0000000000OPEN01');
    const acked = await urgentConcern('01JREFERRAL0000000000ACKD01');
    await sweep(deps);
    await ackAlert(store, Audience.coordinators('vancouver'), acked.id, 'coord-a');
    // The clinician acknowledging their own copy does not stop the escalation.
    await ackAlert(store, Audience.user('clin-a'), open.id, 'clin-a');
    catcher.messages.length = 0;
    sms.sent.length = 0;

    // Act
    advance(60);
    const early = await sweep(deps);
    advance(61);
    const due = await sweep(deps);
    const later = await sweep(deps);

    // Assess
    expect(early.escalated).toBe(0);
    expect(due.escalated).toBe(1);
    expect(later.escalated).toBe(0);
    expect(escalations).toEqual([expect.objectContaining({ alertId: open.id, kind: 'CONCERN_RAISED' })]);
    expect(catcher.messages.map((m) => m.to).sort()).toEqual(
      ['admin-a', 'coord-a', 'coord-b'].map((s) => `${s}@example.org`),
    );
    expect(catcher.messages.every((m) => m.subject.includes('ESCALATED'))).toBe(true);
    expect(catcher.messages.every((m) => m.messageId.includes(open.id))).toBe(true);
    expect(sms.sent).toHaveLength(3);
    const escalated = await getAlert(store, Audience.coordinators('vancouver'), open.id);
    expect(escalated.escalatedAt).toBe(clock.toISOString());
    expect((await getAlert(store, Audience.coordinators('vancouver'), acked.id)).escalatedAt).toBeUndefined();
  });
});

describe('preferences', () => {
  it('holds routine alerts for a DAILY_DIGEST person and sends one email listing them at 08:00', async () => {
    // Prepare
    await putPreferences(store, 'coord-b', { email: 'DAILY_DIGEST', sms: 'URGENT_ONLY' });
    for (const ref of ['01JREFERRAL0000000000DIG001', '01JREFERRAL0000000000DIG002']) {
      await raiseAlert(raiseDeps(), { target: COORDINATORS, kind: 'NEW_REFERRAL', referralId: ref });
    }
    await raiseAlert(raiseDeps(), {
      target: COORDINATORS,
      kind: 'MATCH_OVERDUE',
      referralId: '01JREFERRAL0000000000DIG003',
    });

    // Act
    await sweep(deps);
    const immediate = catcher.messages.filter((m) => m.to === 'coord-b@example.org');
    advance(22 * 3600 - 60); // 07:59 the next morning
    const before = await sweep(deps);
    advance(60); // 08:00
    const digest = await sweep(deps);
    const again = await sweep(deps);

    // Assess
    expect(immediate).toEqual([]);
    expect(catcher.messages.filter((m) => m.to === 'coord-a@example.org')).toHaveLength(3);
    expect(before.digests).toBe(0);
    expect(digest.digests).toBe(1);
    expect(again.digests).toBe(0);
    const [sent, ...more] = catcher.messages.filter((m) => m.to === 'coord-b@example.org');
    expect(more).toEqual([]);
    expect(sent?.subject).toContain('3 alerts');
    for (const ref of ['DIG001', 'DIG002', 'DIG003']) expect(sent?.text).toContain(ref);
  });

  it('writes no email delivery for a person whose email is OFF (the inbox still has the alert)', async () => {
    // Prepare
    await putPreferences(store, 'clin-a', { email: 'OFF', sms: 'OFF' });

    // Act
    const alert = await raiseAlert(raiseDeps(), {
      target: userTarget('clin-a'),
      kind: 'MATCH_MADE',
      referralId: '01JREFERRAL0000000000OFF001',
    });
    await sweep(deps);

    // Assess
    expect(alert.deliveries).toEqual({});
    expect(catcher.messages).toEqual([]);
    expect((await getAlert(store, Audience.user('clin-a'), alert.id)).kind).toBe('MATCH_MADE');
  });

  it('never delivers STAGE_CHANGED', async () => {
    const alert = await raiseAlert(raiseDeps(), { target: COORDINATORS, kind: 'STAGE_CHANGED' });
    await sweep(deps);
    expect(alert.deliveries).toEqual({});
    expect(catcher.messages).toEqual([]);
  });
});

describe('a mail server that goes away', () => {
  it('keeps the deliveries FAILED while it is down and sends each exactly once when it is back', async () => {
    // Prepare
    await catcher.stop();
    const alerts = [];
    for (const ref of ['01JREFERRAL0000000000DOWN01', '01JREFERRAL0000000000DOWN02']) {
      alerts.push(
        await raiseAlert(raiseDeps(), { target: COORDINATORS, kind: 'NEW_REFERRAL', referralId: ref }),
      );
    }

    // Act
    const down = await sweep(deps);
    const tooSoon = await sweep(deps);
    await catcher.start();
    advance(61);
    const back = await sweep(deps);
    advance(3600);
    const after = await sweep(deps);

    // Assess
    expect(down).toMatchObject({ sent: 0, failed: 6 });
    expect(tooSoon).toMatchObject({ sent: 0, failed: 0 }); // backing off, not hammering
    expect(back).toMatchObject({ sent: 6, failed: 0 });
    expect(after).toMatchObject({ sent: 0, failed: 0 });
    const ids = catcher.messages.map((m) => m.messageId);
    expect(ids).toHaveLength(6);
    expect(new Set(ids).size).toBe(6); // one message per delivery id: no crash here, so no resend either
    for (const alert of alerts) {
      const stored = await getAlert(store, Audience.coordinators('vancouver'), alert.id);
      expect(Object.values(stored.deliveries ?? {})).toEqual(['SENT', 'SENT', 'SENT']);
    }
  });
});
