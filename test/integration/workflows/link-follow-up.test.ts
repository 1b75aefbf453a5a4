import { beforeAll, describe, expect, it } from 'vitest';
import type { AlertMessage } from '#app/ports.ts';
import { listAlerts } from '#data/alerts.ts';
import { Audience } from '#data/keys.ts';
import { createLink, moveLink } from '#data/links.ts';
import { createResource } from '#data/resources.ts';
import { Stage } from '#domain/lifecycle.ts';
import type { Referral } from '#domain/referral.ts';
import type { Resource } from '#domain/resources.ts';
import { DEFAULT_TIMERS, timersWith } from '#domain/settings.ts';
import { followUp } from '../../../workflows/tasks/follow-up.ts';
import { makeTestStore, seedReferral, seedWorker, type TestStore } from '../../support/store.ts';

/** The 4-week nudge of resource links, on DynamoDB Local through the scheduled follow-up. */

let store: TestStore;
let workerId: string;
let referral: Referral;
let resource: Resource;
const messages: AlertMessage[] = [];
const DAY = 86_400_000;

const deps = (timers = DEFAULT_TIMERS) => ({
  store,
  notifier: { notify: async (m: AlertMessage) => void messages.push(m) },
  events: { publish: async () => {} },
  // Nobody to email: the nudge is checked in the worker's inbox.
  directory: { createUser: async () => ({ sub: '' }), listUsers: async () => [] },
  timers,
});

const nudges = async (linkId: string) =>
  (await listAlerts(store, Audience.user(workerId), { limit: 100 })).items.filter(
    (a) => a.kind === 'LINK_FOLLOW_UP_DUE' && a.details?.linkId === linkId,
  );

beforeAll(async () => {
  store = await makeTestStore();
  workerId = (await seedWorker(store)).id;
  referral = await seedReferral(store, { stage: Stage.IN_SESSIONS, workerId });
  resource = await createResource(store, {
    name: 'Kitsilano Clubhouse',
    category: 'PEER_GROUP',
    address: '1 Example Ave',
    languages: ['English'],
    active: true,
  });
});

describe('the link follow-up nudge', () => {
  it('nudges the worker once after 4 weeks without an update, and again after the next quiet 4 weeks', async () => {
    // Prepare
    const start = Date.now();
    store.setNow(new Date(start));
    const link = await createLink(store, { referralId: referral.id, resource, createdBy: workerId });
    store.setNow(undefined);

    // Act
    const early = await followUp(deps(), new Date(start + 27 * DAY));
    const due = await followUp(deps(), new Date(start + 29 * DAY));
    const again = await Promise.all([
      followUp(deps(), new Date(start + 30 * DAY)),
      followUp(deps(), new Date(start + 31 * DAY)),
    ]);
    store.setNow(new Date(start + 32 * DAY));
    await moveLink(store, { referralId: referral.id, linkId: link.id, patch: { status: 'CONTACTED' } });
    store.setNow(undefined);
    const quietAgain = await followUp(deps(), new Date(start + 61 * DAY));

    // Assess
    expect(early.linksNudged).toBe(0);
    expect(due.linksNudged).toBe(1);
    expect(again.map((r) => r.linksNudged)).toEqual([0, 0]);
    expect(quietAgain.linksNudged).toBe(1);
    const alerts = await nudges(link.id);
    expect(alerts).toHaveLength(2);
    expect(alerts[0]).toMatchObject({ referralId: referral.id, details: { linkId: link.id } });
    // Ids, kinds and stages only: no resource name, no client.
    expect(JSON.stringify(alerts)).not.toContain('Kitsilano');
    expect(JSON.stringify(messages)).not.toContain('Kitsilano');
  });

  it('never nudges a link that ended', async () => {
    // Prepare
    const start = Date.now();
    const link = await createLink(store, { referralId: referral.id, resource, createdBy: workerId });
    await moveLink(store, {
      referralId: referral.id,
      linkId: link.id,
      patch: { status: 'DID_NOT_CONNECT', reason: 'Too far' },
    });

    // Act
    await followUp(deps(), new Date(start + 60 * DAY));

    // Assess
    expect(await nudges(link.id)).toEqual([]);
  });

  it('honours a shortened timer (seconds, as PEERPATH_TIMERS sets locally)', async () => {
    // Prepare
    const link = await createLink(store, { referralId: referral.id, resource, createdBy: workerId });

    // Act
    const result = await followUp(deps(timersWith({ linkFollowUp: 2 })), new Date(Date.now() + 3000));

    // Assess
    expect(result.linksNudged).toBeGreaterThanOrEqual(1);
    expect(await nudges(link.id)).toHaveLength(1);
  });
});
