import { beforeAll, describe, expect, it } from 'vitest';
import {
  addMember,
  createGroup,
  getGroup,
  listGroupIdsOfReferral,
  listGroups,
  listGroupsOfWorker,
  listMembers,
} from '#data/groups.ts';
import { COMMUNITY_ACCESS_PATTERNS, type CommunityAccessPatternName } from '#data/keys-community.ts';
import { createLink, listLinks, listLinksCreatedBetween, listQuietLinks } from '#data/links.ts';
import {
  facilitationMinutes,
  getMeeting,
  listAttended,
  listMeetings,
  listMeetingsBetween,
  logMeeting,
} from '#data/meetings.ts';
import { createResource, getResource, listResources } from '#data/resources.ts';
import type { Group, Meeting } from '#domain/groups.ts';
import { Stage } from '#domain/lifecycle.ts';
import type { Referral } from '#domain/referral.ts';
import type { Resource } from '#domain/resources.ts';
import { localDate, makeTestStore, seedReferral, seedWorker, type TestStore } from '../../support/store.ts';

/**
 * Every entry of COMMUNITY_ACCESS_PATTERNS (groups, meetings, resources, links) run against DynamoDB Local:
 * the data comes back, and the requests sent are the pattern's operation on its index (never a Scan). The
 * `exercises` record is typed by the pattern names, so a new pattern without a test does not compile.
 */

let store: TestStore;
let workerId: string;
let referral: Referral;
let group: Group;
let meeting: Meeting;
let foodBank: Resource;
let linkId: string;
const today = localDate(0);

beforeAll(async () => {
  store = await makeTestStore();
  workerId = (await seedWorker(store)).id;
  referral = await seedReferral(store, { stage: Stage.IN_SESSIONS, workerId });
  group = await createGroup(store, {
    name: 'Circle',
    facilitators: [workerId],
    schedule: { frequency: 'WEEKLY', weekday: 'MON', time: '10:00' },
    place: 'ONLINE',
    capacity: 8,
    active: true,
  });
  await addMember(store, { group, referralId: referral.id, firstName: 'Alex', shortRef: 'ABC123' });
  meeting = await logMeeting(store, {
    group,
    meeting: {
      date: today,
      minutes: 90,
      facilitators: [workerId],
      attendance: [{ referralId: referral.id, present: true }],
    },
    loggedBy: workerId,
  });
  foodBank = await createResource(store, {
    name: 'Food Bank',
    category: 'FOOD',
    neighbourhood: 'Strathcona',
    address: 'x',
    languages: ['English'],
    active: true,
  });
  await createResource(store, {
    name: 'Art Class',
    category: 'ARTS',
    address: 'y',
    languages: ['English'],
    active: true,
  });
  linkId = (await createLink(store, { referralId: referral.id, resource: foodBank, createdBy: workerId })).id;
});

const around = () => ({
  from: new Date(Date.now() - 3_600_000).toISOString(),
  to: new Date(Date.now() + 3_600_000).toISOString(),
});

const exercises: Record<CommunityAccessPatternName, () => Promise<void>> = {
  'group by id': async () => {
    expect((await getGroup(store, group.id)).memberCount).toBe(1);
  },
  'groups of a region': async () => {
    expect((await listGroups(store)).items.map((g) => g.id)).toEqual([group.id]);
  },
  'groups a worker facilitates': async () => {
    expect((await listGroupsOfWorker(store, workerId)).map((g) => g.id)).toEqual([group.id]);
  },
  'roster of a group': async () => {
    expect((await listMembers(store, group.id)).map((m) => m.referralId)).toEqual([referral.id]);
  },
  'groups of a referral': async () => {
    expect(await listGroupIdsOfReferral(store, referral.id)).toEqual([group.id]);
  },
  'meeting by id': async () => {
    expect((await getMeeting(store, group.id, meeting.id)).minutes).toBe(90);
  },
  'meetings of a group by date': async () => {
    expect((await listMeetings(store, group.id)).items.map((m) => m.id)).toEqual([meeting.id]);
  },
  'region meetings in a date range': async () => {
    expect((await listMeetingsBetween(store, { from: today, to: today })).map((m) => m.id)).toEqual([
      meeting.id,
    ]);
  },
  'worker facilitation by month': async () => {
    expect(await facilitationMinutes(store, workerId, today.slice(0, 7))).toBe(90);
  },
  'meetings attended by a referral': async () => {
    expect((await listAttended(store, referral.id)).map((m) => m.meetingId)).toEqual([meeting.id]);
  },
  'resource by id': async () => {
    expect((await getResource(store, foodBank.id)).name).toBe('Food Bank');
  },
  'resources of a region by name prefix': async () => {
    expect((await listResources(store, { q: 'FOO' })).items.map((r) => r.id)).toEqual([foodBank.id]);
  },
  'resources of a region by category': async () => {
    expect((await listResources(store, { category: 'FOOD' })).items.map((r) => r.id)).toEqual([foodBank.id]);
  },
  'links of a referral': async () => {
    expect((await listLinks(store, referral.id)).map((l) => l.id)).toEqual([linkId]);
  },
  'open links not updated since': async () => {
    expect((await listQuietLinks(store, new Date(Date.now() + 60_000))).map((l) => l.id)).toEqual([linkId]);
  },
  'links created in a date range': async () => {
    expect((await listLinksCreatedBetween(store, around())).map((l) => l.id)).toEqual([linkId]);
  },
};

describe('group and resource access patterns', () => {
  it('has one exercise per declared pattern and no exercise without a pattern', () => {
    expect(Object.keys(exercises).sort()).toEqual(COMMUNITY_ACCESS_PATTERNS.map((p) => p.name).sort());
  });

  it.each(COMMUNITY_ACCESS_PATTERNS.map((p) => [p.name, p] as const))(
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
