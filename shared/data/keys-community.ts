import type { ProgramRegion } from '#domain/roles.ts';
import { type ItemKey, part, referralPartition, workerPartition } from './keys.ts';
import { INDEX, type IndexName } from './table.ts';

// ---------------------------------------------------------------------------------------------------------
// Peer support groups and community resources (issue 16)
//
// | item            | pk                  | sk                                   | GSI1 pk / sk                                          | GSI2 pk / sk                                       | GSI3 pk / sk                          |
// |-----------------|---------------------|--------------------------------------|-------------------------------------------------------|----------------------------------------------------|---------------------------------------|
// | group           | GROUP#<id>          | GROUP                                | REGION#<r>#GROUPS / ACTIVE|INACTIVE#<name>#<id>       |                                                    |                                       |
// | facilitation ptr| WORKER#<sub>        | GROUP#<groupId>                      |                                                       |                                                    |                                       |
// | group member    | GROUP#<id>          | MEMBER#<referralId>                  | REF#<referralId>#GROUPS / <groupId>                   |                                                    |                                       |
// | meeting         | GROUP#<id>          | MEETING#<meetingId>                  |                                                       | REGION#<r>#MEETINGS#<yyyy-mm> / <date>#<meetingId> | GROUP#<id>#MEETINGS / <date>#<mid>    |
// | facilitation    | GROUP#<id>          | FACILITATION#<meetingId>#<workerId>  | WORKER#<w>#FACILITATION / <date>#<meetingId>          |                                                    |                                       |
// | attendance      | REF#<referralId>    | ATTENDED#<meetingId>                 |                                                       |                                                    |                                       |
// | resource        | RESOURCE#<id>       | RESOURCE                             | REGION#<r>#RESOURCES / <name>#<id>                    | REGION#<r>#RESOURCES#<category> / <name>#<id>      |                                       |
// | link            | REF#<referralId>    | LINK#<linkId>                        | REGION#<r>#LINKS#OPEN / <updatedAt>#<linkId> (open)   | REGION#<r>#LINKS#<yyyy-mm> / <createdAt>#<linkId>  |                                       |
//
// A facilitator is paid a meeting's minutes once: one facilitation item per (meeting, facilitator), read by
// worker and month like sessions. An attendee's timeline entry (date and group name only) sits under their
// referral, so the referral page reads it with the referral's own partition.
// ---------------------------------------------------------------------------------------------------------

export const CommunityItemType = {
  GROUP: 'GROUP',
  GROUP_FACILITATOR: 'GROUP_FACILITATOR',
  GROUP_MEMBER: 'GROUP_MEMBER',
  MEETING: 'MEETING',
  FACILITATION: 'FACILITATION',
  ATTENDANCE: 'ATTENDANCE',
  RESOURCE: 'RESOURCE',
  LINK: 'LINK',
} as const;

const groupPartition = (id: string) => `GROUP#${part(id, 'groupId')}`;

export const CommunityKeys = {
  groupPartition,
  group: (id: string): ItemKey => ({ pk: groupPartition(id), sk: 'GROUP' }),
  facilitatorPointer: (workerId: string, groupId: string): ItemKey => ({
    pk: workerPartition(workerId),
    sk: `GROUP#${part(groupId, 'groupId')}`,
  }),
  member: (groupId: string, referralId: string): ItemKey => ({
    pk: groupPartition(groupId),
    sk: `MEMBER#${part(referralId, 'referralId')}`,
  }),
  meeting: (groupId: string, meetingId: string): ItemKey => ({
    pk: groupPartition(groupId),
    sk: `MEETING#${part(meetingId, 'meetingId')}`,
  }),
  facilitation: (groupId: string, meetingId: string, workerId: string): ItemKey => ({
    pk: groupPartition(groupId),
    sk: `FACILITATION#${part(meetingId, 'meetingId')}#${part(workerId, 'workerId')}`,
  }),
  attendance: (referralId: string, meetingId: string): ItemKey => ({
    pk: referralPartition(referralId),
    sk: `ATTENDED#${part(meetingId, 'meetingId')}`,
  }),
  resource: (id: string): ItemKey => ({ pk: `RESOURCE#${part(id, 'resourceId')}`, sk: 'RESOURCE' }),
  link: (referralId: string, linkId: string): ItemKey => ({
    pk: referralPartition(referralId),
    sk: `LINK#${part(linkId, 'linkId')}`,
  }),
  SK: {
    GROUP_PREFIX: 'GROUP#',
    MEMBER_PREFIX: 'MEMBER#',
    ATTENDED_PREFIX: 'ATTENDED#',
    LINK_PREFIX: 'LINK#',
  },
};

export const CommunityIndexKeys = {
  regionGroups: (region: ProgramRegion) => `REGION#${region}#GROUPS`,
  groupSort: (active: boolean, name: string, id: string) => `${active ? 'ACTIVE' : 'INACTIVE'}#${name}#${id}`,
  referralGroups: (referralId: string) => `REF#${part(referralId, 'referralId')}#GROUPS`,
  regionMeetings: (region: ProgramRegion, month: string) => `REGION#${region}#MEETINGS#${month}`,
  groupMeetings: (groupId: string) => `GROUP#${part(groupId, 'groupId')}#MEETINGS`,
  meetingSort: (date: string, meetingId: string) => `${date}#${meetingId}`,
  workerFacilitation: (workerId: string) => `WORKER#${part(workerId, 'workerId')}#FACILITATION`,
  regionResources: (region: ProgramRegion) => `REGION#${region}#RESOURCES`,
  regionResourcesByCategory: (region: ProgramRegion, category: string) =>
    `REGION#${region}#RESOURCES#${category}`,
  resourceSort: (searchName: string, id: string) => `${searchName}#${id}`,
  openLinks: (region: ProgramRegion) => `REGION#${region}#LINKS#OPEN`,
  openLinkSort: (updatedAt: string, linkId: string) => `${updatedAt}#${linkId}`,
  regionLinks: (region: ProgramRegion, month: string) => `REGION#${region}#LINKS#${month}`,
  linkSort: (createdAt: string, linkId: string) => `${createdAt}#${linkId}`,
};

export const COMMUNITY_ACCESS_PATTERN_NAMES = [
  'group by id',
  'groups of a region',
  'groups a worker facilitates',
  'roster of a group',
  'groups of a referral',
  'meeting by id',
  'meetings of a group by date',
  'region meetings in a date range',
  'worker facilitation by month',
  'meetings attended by a referral',
  'resource by id',
  'resources of a region by name prefix',
  'resources of a region by category',
  'links of a referral',
  'open links not updated since',
  'links created in a date range',
] as const;
export type CommunityAccessPatternName = (typeof COMMUNITY_ACCESS_PATTERN_NAMES)[number];

export const COMMUNITY_ACCESS_PATTERNS: readonly {
  name: CommunityAccessPatternName;
  operation: 'GetItem' | 'Query';
  index?: IndexName;
  key: string;
}[] = [
  { name: 'group by id', operation: 'GetItem', key: 'pk = GROUP#<id>, sk = GROUP' },
  {
    name: 'groups of a region',
    operation: 'Query',
    index: INDEX.GSI1,
    key: 'gsi1pk = REGION#<r>#GROUPS, gsi1sk = ACTIVE|INACTIVE#<name>#<id> (active first)',
  },
  {
    name: 'groups a worker facilitates',
    operation: 'Query',
    key: 'pk = WORKER#<sub>, begins_with(sk, GROUP#); then BatchGetItem of the groups',
  },
  { name: 'roster of a group', operation: 'Query', key: 'pk = GROUP#<id>, begins_with(sk, MEMBER#)' },
  {
    name: 'groups of a referral',
    operation: 'Query',
    index: INDEX.GSI1,
    key: 'gsi1pk = REF#<referralId>#GROUPS (member items)',
  },
  { name: 'meeting by id', operation: 'GetItem', key: 'pk = GROUP#<id>, sk = MEETING#<meetingId>' },
  {
    name: 'meetings of a group by date',
    operation: 'Query',
    index: INDEX.GSI3,
    key: 'gsi3pk = GROUP#<id>#MEETINGS, gsi3sk = <date>#<meetingId> descending (newest first)',
  },
  {
    name: 'region meetings in a date range',
    operation: 'Query',
    index: INDEX.GSI2,
    key: 'gsi2pk = REGION#<r>#MEETINGS#<yyyy-mm> per month, gsi2sk BETWEEN <from> AND <to>',
  },
  {
    name: 'worker facilitation by month',
    operation: 'Query',
    index: INDEX.GSI1,
    key: 'gsi1pk = WORKER#<id>#FACILITATION, begins_with(gsi1sk, <yyyy-mm>-)',
  },
  {
    name: 'meetings attended by a referral',
    operation: 'Query',
    key: 'pk = REF#<id>, begins_with(sk, ATTENDED#)',
  },
  { name: 'resource by id', operation: 'GetItem', key: 'pk = RESOURCE#<id>, sk = RESOURCE' },
  {
    name: 'resources of a region by name prefix',
    operation: 'Query',
    index: INDEX.GSI1,
    key: 'gsi1pk = REGION#<r>#RESOURCES, begins_with(gsi1sk, <normalised q>) (neighbourhood, language: filters)',
  },
  {
    name: 'resources of a region by category',
    operation: 'Query',
    index: INDEX.GSI2,
    key: 'gsi2pk = REGION#<r>#RESOURCES#<category>, begins_with(gsi2sk, <normalised q>)',
  },
  { name: 'links of a referral', operation: 'Query', key: 'pk = REF#<id>, begins_with(sk, LINK#)' },
  {
    name: 'open links not updated since',
    operation: 'Query',
    index: INDEX.GSI1,
    key: 'gsi1pk = REGION#<r>#LINKS#OPEN, gsi1sk < <instant> (removed when the link ends)',
  },
  {
    name: 'links created in a date range',
    operation: 'Query',
    index: INDEX.GSI2,
    key: 'gsi2pk = REGION#<r>#LINKS#<yyyy-mm> per month, gsi2sk BETWEEN <from> AND <to>',
  },
];
