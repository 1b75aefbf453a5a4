import { DomainValidationError } from '#domain/errors.ts';
import type { Stage } from '#domain/lifecycle.ts';
import type { ProgramRegion } from '#domain/roles.ts';
import { INDEX, type IndexName } from './table.ts';

/**
 * Every key of the single table is built here and nowhere else. `ACCESS_PATTERNS` below lists how each
 * item is read (a GetItem or a Query, never a Scan); test/integration/data/access-patterns.test.ts runs
 * every entry against DynamoDB Local and checks the operation and index each one really uses.
 *
 * | item            | pk                                 | sk                    | GSI1 pk / sk                                       | GSI2 pk / sk                               | GSI3 pk / sk                                   |
 * |-----------------|------------------------------------|-----------------------|----------------------------------------------------|--------------------------------------------|------------------------------------------------|
 * | referral        | REF#<id>                           | REF                   | REGION#<r>#STAGE#<stage> / <priority>#<createdAt> | REFERRER#<sub> / <createdAt>               | REGION#<r>#CONSENT / <expiresOn>#<id> (open)   |
 * | goal            | REF#<id>                           | GOAL#<goalId>         |                                                    |                                            |                                                |
 * | session         | REF#<id>                           | SESSION#<sessionId>   | WORKER#<w>#SESSIONS / <date>#<sessionId>           | REGION#<r>#SESSIONS#<yyyy-mm> / <date>#<sid> |                                              |
 * | audit event     | REF#<id>                           | EVENT#<ulid>          |                                                    |                                            | REGION#<r>#CREATED|CLOSED#<yyyy-mm> / <at>#<id> |
 * | client pointer  | CLIENT#<r>#<clientMatchKey>        | CLIENT                |                                                    |                                            |                                                |
 * | worker          | WORKER#<sub>                       | PROFILE               | REGION#<r>#WORKERS / ACTIVE|INACTIVE#<lastName>#<sub> |                                         |                                                |
 * | worker change   | WORKER#<sub>                       | EVENT#<ulid>          |                                                    |                                            |                                                |
 * | assignment      | WORKER#<sub>                       | CLIENT#<referralId>   |                                                    |                                            |                                                |
 * | paid day        | WORKER#<sub>                       | PAID#<date>           |                                                    |                                            |                                                |
 * | alert           | ALERTS#<audience>                  | ALERT#<ulid>          | ALERTS#<audience>#UNACKNOWLEDGED / <ulid> (until acknowledged) |                                |                                                |
 * | debrief         | REGION#<r>#DEBRIEFS                | DEBRIEF#<sessionId>   | REGION#<r>#DEBRIEFS#OPEN / <dueAt>#<sessionId> (until done) | REGION#<r>#DEBRIEFS / <dueAt>#<sid> |                                                |
 * | idempotency     | IDEMPOTENCY#<r>#<sub>#<key>        | IDEMPOTENCY           |                                                    |                                            |                                                |
 * | delivery        | DELIVERY#<alertId>#<sub>#<channel> | DELIVERY              | DELIVERIES#<r>#DUE / <nextAttemptAt>#<deliveryId> (while due) |                               |                                                |
 * | notify prefs    | USER#<sub>                         | NOTIFY_PREFS          |                                                    |                                            |                                                |
 * | escalation watch| ESCALATION#<r>                     | <raisedAt>#<alertId>  |                                                    |                                            |                                                |
 *
 * Deviations from the starting design, and why: a session's sort key is `SESSION#<sessionId>` (not
 * `SESSION#<date>#…`) so a correction that changes the date stays one conditional update of one item; a
 * debrief's sort key is `DEBRIEF#<sessionId>` so "mark done" is a GetItem-addressable update, with the due
 * date in GSI1 (open debriefs only) and GSI2 (all). Created/closed months are the program time zone's.
 * An escalation watch is sorted by the time the URGENT concern was raised (not by its due time), so the
 * sweep applies the `urgentEscalation` timer it runs with, and raising an alert needs no timers.
 * STAGE_CHANGED alerts never enter the unacknowledged index: they are information, not a task.
 */

/** An id or sub used inside a key must not contain the separator (no key can reach into another). */
function part(value: string, what: string): string {
  if (value.length === 0 || value.includes('#')) {
    throw new DomainValidationError(`Invalid ${what}`, [{ path: what, message: 'Must be an id' }]);
  }
  return value;
}

export interface ItemKey {
  pk: string;
  sk: string;
}

/** Item `type` values (every item carries one). */
export const ItemType = {
  REFERRAL: 'REFERRAL',
  GOAL: 'GOAL',
  SESSION: 'SESSION',
  EVENT: 'EVENT',
  CLIENT_POINTER: 'CLIENT_POINTER',
  WORKER: 'WORKER',
  WORKER_EVENT: 'WORKER_EVENT',
  ASSIGNMENT: 'ASSIGNMENT',
  ALERT: 'ALERT',
  DEBRIEF: 'DEBRIEF',
  IDEMPOTENCY: 'IDEMPOTENCY',
  PAID_DAY: 'PAID_DAY',
  DELIVERY: 'DELIVERY',
  NOTIFY_PREFS: 'NOTIFY_PREFS',
  ESCALATION: 'ESCALATION',
} as const;
export type ItemType = (typeof ItemType)[keyof typeof ItemType];

/** Who an alert is for: the region's coordinators, or one person (clinician, worker) by `sub`. */
export const Audience = {
  coordinators: (region: ProgramRegion): string => `coordinators#${region}`,
  user: (sub: string): string => `user#${part(sub, 'sub')}`,
};

export const SK = {
  REFERRAL: 'REF',
  GOAL_PREFIX: 'GOAL#',
  SESSION_PREFIX: 'SESSION#',
  EVENT_PREFIX: 'EVENT#',
  CLIENT_POINTER: 'CLIENT',
  WORKER_PROFILE: 'PROFILE',
  ASSIGNMENT_PREFIX: 'CLIENT#',
  ALERT_PREFIX: 'ALERT#',
  DEBRIEF_PREFIX: 'DEBRIEF#',
  IDEMPOTENCY: 'IDEMPOTENCY',
  PAID_DAY_PREFIX: 'PAID#',
  DELIVERY: 'DELIVERY',
  NOTIFY_PREFS: 'NOTIFY_PREFS',
} as const;

const referralPartition = (id: string) => `REF#${part(id, 'referralId')}`;
const workerPartition = (sub: string) => `WORKER#${part(sub, 'workerId')}`;

export const Keys = {
  // --- referral and the items under it -----------------------------------------------------------
  referralPartition,
  referral: (id: string): ItemKey => ({ pk: referralPartition(id), sk: SK.REFERRAL }),
  goal: (referralId: string, goalId: string): ItemKey => ({
    pk: referralPartition(referralId),
    sk: `${SK.GOAL_PREFIX}${part(goalId, 'goalId')}`,
  }),
  session: (referralId: string, sessionId: string): ItemKey => ({
    pk: referralPartition(referralId),
    sk: `${SK.SESSION_PREFIX}${part(sessionId, 'sessionId')}`,
  }),
  event: (referralId: string, eventId: string): ItemKey => ({
    pk: referralPartition(referralId),
    sk: `${SK.EVENT_PREFIX}${part(eventId, 'eventId')}`,
  }),
  /** One per (region, client): the ids of that client's open referrals (duplicate check). */
  clientPointer: (region: ProgramRegion, clientMatchKey: string): ItemKey => ({
    pk: `CLIENT#${region}#${part(clientMatchKey, 'clientMatchKey')}`,
    sk: SK.CLIENT_POINTER,
  }),

  // --- workers ---------------------------------------------------------------------------------------
  workerPartition,
  worker: (sub: string): ItemKey => ({ pk: workerPartition(sub), sk: SK.WORKER_PROFILE }),
  workerEvent: (sub: string, eventId: string): ItemKey => ({
    pk: workerPartition(sub),
    sk: `${SK.EVENT_PREFIX}${part(eventId, 'eventId')}`,
  }),
  assignment: (workerId: string, referralId: string): ItemKey => ({
    pk: workerPartition(workerId),
    sk: `${SK.ASSIGNMENT_PREFIX}${part(referralId, 'referralId')}`,
  }),
  /** A worker's paid session minutes on one local date (`YYYY-MM-DD`): the daily cap's counter. */
  paidDay: (workerId: string, date: string): ItemKey => ({
    pk: workerPartition(workerId),
    sk: `${SK.PAID_DAY_PREFIX}${part(date, 'date')}`,
  }),

  // --- alerts, debriefs, idempotency -----------------------------------------------------------------
  alertPartition: (audience: string): string => `ALERTS#${audience}`,
  alert: (audience: string, alertId: string): ItemKey => ({
    pk: `ALERTS#${audience}`,
    sk: `${SK.ALERT_PREFIX}${part(alertId, 'alertId')}`,
  }),
  debriefPartition: (region: ProgramRegion): string => `REGION#${region}#DEBRIEFS`,
  debrief: (region: ProgramRegion, sessionId: string): ItemKey => ({
    pk: `REGION#${region}#DEBRIEFS`,
    sk: `${SK.DEBRIEF_PREFIX}${part(sessionId, 'debriefId')}`,
  }),
  /** Scoped to the caller: two people may use the same key without meeting. */
  idempotency: (region: ProgramRegion, sub: string, key: string): ItemKey => ({
    pk: `IDEMPOTENCY#${region}#${part(sub, 'sub')}#${key}`,
    sk: SK.IDEMPOTENCY,
  }),

  // --- notifications -----------------------------------------------------------------------------------
  /** `deliveryId` is `<alertId>#<sub>#<channel>` (see `deliveryId` in #domain/notifications.ts). */
  delivery: (deliveryId: string): ItemKey => {
    if (!/^[^#]+#[^#]+#(EMAIL|SMS)(#ESCALATION)?$/.test(deliveryId)) part('#', 'deliveryId');
    return { pk: `DELIVERY#${deliveryId}`, sk: SK.DELIVERY };
  },
  notificationPreferences: (sub: string): ItemKey => ({
    pk: `USER#${part(sub, 'sub')}`,
    sk: SK.NOTIFY_PREFS,
  }),
  escalationPartition: (region: ProgramRegion): string => `ESCALATION#${region}`,
  escalation: (region: ProgramRegion, raisedAt: string, alertId: string): ItemKey => ({
    pk: `ESCALATION#${region}`,
    sk: `${raisedAt}#${part(alertId, 'alertId')}`,
  }),
};

/** Secondary-index keys (attribute values written on items, and the partitions queried). */
export const IndexKeys = {
  /** GSI1: the region's queue for one stage, most urgent then oldest first. */
  queue: (region: ProgramRegion, stage: Stage) => `REGION#${region}#STAGE#${stage}`,
  queueSort: (priority: string, createdAt: string) => `${priority}#${createdAt}`,
  /** GSI2: a clinician's referrals by creation time. */
  referrer: (sub: string) => `REFERRER#${part(sub, 'referrerSub')}`,
  referrerSort: (createdAt: string) => createdAt,
  /** GSI3 (open referrals only): consent expiry per region. */
  consent: (region: ProgramRegion) => `REGION#${region}#CONSENT`,
  consentSort: (expiresOn: string, referralId: string) => `${expiresOn}#${referralId}`,
  /** GSI3 on the SUBMITTED audit event: referrals created in a month (program time zone). */
  created: (region: ProgramRegion, month: string) => `REGION#${region}#CREATED#${month}`,
  /** GSI3 on the final (close, withdraw, decline) audit event: referrals closed in a month. */
  closed: (region: ProgramRegion, month: string) => `REGION#${region}#CLOSED#${month}`,
  /** Sort key of both month partitions above. */
  reportSort: (at: string, referralId: string) => `${at}#${referralId}`,
  /** GSI1: a worker's sessions by local date (paid minutes per month). */
  workerSessions: (workerId: string) => `WORKER#${part(workerId, 'workerId')}#SESSIONS`,
  sessionSort: (date: string, sessionId: string) => `${date}#${sessionId}`,
  /** GSI2: every session of a region in a month (reports: sessions by mode, minutes per worker). */
  regionSessions: (region: ProgramRegion, month: string) => `REGION#${region}#SESSIONS#${month}`,
  /** GSI1: the region's workers, active first, by last name. */
  regionWorkers: (region: ProgramRegion) => `REGION#${region}#WORKERS`,
  workerSort: (active: boolean, lastName: string, sub: string) =>
    `${active ? 'ACTIVE' : 'INACTIVE'}#${lastName.normalize('NFKD').toLowerCase()}#${sub}`,
  activeWorkersPrefix: 'ACTIVE#',
  /** GSI1 (until acknowledged): an audience's unacknowledged alerts. */
  unacknowledgedAlerts: (audience: string) => `ALERTS#${audience}#UNACKNOWLEDGED`,
  /** GSI1 (until done): a region's open debriefs by due time. */
  openDebriefs: (region: ProgramRegion) => `REGION#${region}#DEBRIEFS#OPEN`,
  /** GSI2: all of a region's debriefs by due time. */
  allDebriefs: (region: ProgramRegion) => `REGION#${region}#DEBRIEFS`,
  debriefSort: (dueAt: string, sessionId: string) => `${dueAt}#${sessionId}`,
  /** GSI1 (while PENDING, SENDING or FAILED with attempts left): a region's deliveries by due time. */
  dueDeliveries: (region: ProgramRegion) => `DELIVERIES#${region}#DUE`,
  deliverySort: (nextAttemptAt: string, deliveryId: string) => `${nextAttemptAt}#${deliveryId}`,
};

// --- workforce: training, contracts, paid time, supervision (issue 17) -------------------------------
//
// | training record | WORKER#<sub> | TRAINING#<recordId>            | REGION#<r>#TRAINING#EXPIRY / <expiresOn>#<sub>#<id> (expiring ones) |
// | contract        | WORKER#<sub> | CONTRACT                       | REGION#<r>#CONTRACTS / <end>#<sub>                                  |
// | time entry      | WORKER#<sub> | TIME#<date>#<entryId>          |                                                                     |
// | supervision     | WORKER#<sub> | SUPERVISION#<date>#<entryId>   |                                                                     |
//
// A worker's own items share the worker's partition (one Query per list, by date where it matters); the
// region-wide sweeps (expiring training, ending contracts) read GSI1 partitions ordered by date.

export const WorkforceItemType = {
  TRAINING_RECORD: 'TRAINING_RECORD',
  CONTRACT: 'CONTRACT',
  TIME_ENTRY: 'TIME_ENTRY',
  SUPERVISION: 'SUPERVISION',
} as const;

export const WorkforceSK = {
  TRAINING_PREFIX: 'TRAINING#',
  CONTRACT: 'CONTRACT',
  TIME_PREFIX: 'TIME#',
  SUPERVISION_PREFIX: 'SUPERVISION#',
} as const;

export const WorkforceKeys = {
  trainingRecord: (workerId: string, recordId: string): ItemKey => ({
    pk: workerPartition(workerId),
    sk: `${WorkforceSK.TRAINING_PREFIX}${part(recordId, 'recordId')}`,
  }),
  contract: (workerId: string): ItemKey => ({ pk: workerPartition(workerId), sk: WorkforceSK.CONTRACT }),
  timeEntry: (workerId: string, date: string, entryId: string): ItemKey => ({
    pk: workerPartition(workerId),
    sk: `${WorkforceSK.TIME_PREFIX}${part(date, 'date')}#${part(entryId, 'entryId')}`,
  }),
  supervision: (workerId: string, date: string, entryId: string): ItemKey => ({
    pk: workerPartition(workerId),
    sk: `${WorkforceSK.SUPERVISION_PREFIX}${part(date, 'date')}#${part(entryId, 'entryId')}`,
  }),
  /** GSI1 (records with an expiry): a region's training records by expiry date. */
  trainingExpiry: (region: ProgramRegion) => `REGION#${region}#TRAINING#EXPIRY`,
  trainingExpirySort: (expiresOn: string, workerId: string, recordId: string) =>
    `${expiresOn}#${workerId}#${recordId}`,
  /** GSI1: a region's contracts by end date. */
  contracts: (region: ProgramRegion) => `REGION#${region}#CONTRACTS`,
  contractSort: (end: string, workerId: string) => `${end}#${workerId}`,
};

export const WORKFORCE_ACCESS_PATTERN_NAMES = [
  'training records of a worker',
  'training expiring in a region',
  'contract of a worker',
  'contracts ending in a region',
  'time entries of a worker by month',
  'supervision log of a worker',
] as const;

const WORKFORCE_ACCESS_PATTERNS: readonly AccessPattern[] = [
  {
    name: 'training records of a worker',
    operation: 'Query',
    key: 'pk = WORKER#<sub>, begins_with(sk, TRAINING#)',
  },
  {
    name: 'training expiring in a region',
    operation: 'Query',
    index: INDEX.GSI1,
    key: 'gsi1pk = REGION#<r>#TRAINING#EXPIRY, gsi1sk < <date> (records with an expiry only)',
  },
  { name: 'contract of a worker', operation: 'GetItem', key: 'pk = WORKER#<sub>, sk = CONTRACT' },
  {
    name: 'contracts ending in a region',
    operation: 'Query',
    index: INDEX.GSI1,
    key: 'gsi1pk = REGION#<r>#CONTRACTS, gsi1sk BETWEEN <from> AND <to> (by end date)',
  },
  {
    name: 'time entries of a worker by month',
    operation: 'Query',
    key: 'pk = WORKER#<sub>, begins_with(sk, TIME#<yyyy-mm>-)',
  },
  {
    name: 'supervision log of a worker',
    operation: 'Query',
    key: 'pk = WORKER#<sub>, begins_with(sk, SUPERVISION#) newest first (or by month)',
  },
];

export interface AccessPattern {
  name: AccessPatternName;
  operation: 'GetItem' | 'Query';
  index?: IndexName;
  key: string;
}

export const ACCESS_PATTERN_NAMES = [
  'referral by id',
  'referral with goals, sessions and events',
  'audit events of a referral',
  'goal by id',
  'session by id',
  'region queue by stage',
  'referrals by referrer',
  'clients by worker',
  'open referrals for the same client',
  'consent expiring in a region',
  'referrals created in a date range',
  'referrals closed in a date range',
  'worker by id',
  'workers of a region',
  'worker change records',
  'worker sessions by month',
  'worker paid minutes on a day',
  'region sessions in a date range',
  'alerts by audience',
  'unacknowledged alerts by audience',
  'alert by id',
  'debrief by id',
  'open debriefs due in a region',
  'all debriefs of a region',
  'idempotency record',
  'delivery by id',
  'due deliveries of a region',
  'notification preferences of a person',
  'escalation watches due in a region',
  ...WORKFORCE_ACCESS_PATTERN_NAMES,
  'referrals by client name prefix or birth date',
] as const;
export type AccessPatternName = (typeof ACCESS_PATTERN_NAMES)[number];

export const ACCESS_PATTERNS: readonly AccessPattern[] = [
  { name: 'referral by id', operation: 'GetItem', key: 'pk = REF#<id>, sk = REF' },
  { name: 'referral with goals, sessions and events', operation: 'Query', key: 'pk = REF#<id>' },
  {
    name: 'audit events of a referral',
    operation: 'Query',
    key: 'pk = REF#<id>, begins_with(sk, EVENT#), oldest first',
  },
  { name: 'goal by id', operation: 'GetItem', key: 'pk = REF#<id>, sk = GOAL#<goalId>' },
  { name: 'session by id', operation: 'GetItem', key: 'pk = REF#<id>, sk = SESSION#<sessionId>' },
  {
    name: 'region queue by stage',
    operation: 'Query',
    index: INDEX.GSI1,
    key: 'gsi1pk = REGION#<r>#STAGE#<stage>, gsi1sk = <priority>#<createdAt> ascending (urgent, then oldest)',
  },
  {
    name: 'referrals by referrer',
    operation: 'Query',
    index: INDEX.GSI2,
    key: 'gsi2pk = REFERRER#<sub>, gsi2sk = <createdAt> descending',
  },
  {
    name: 'clients by worker',
    operation: 'Query',
    key: 'pk = WORKER#<sub>, begins_with(sk, CLIENT#); then BatchGetItem of the referrals',
  },
  {
    name: 'open referrals for the same client',
    operation: 'GetItem',
    key: 'pk = CLIENT#<r>#<clientMatchKey>, sk = CLIENT (ids of the open referrals)',
  },
  {
    name: 'consent expiring in a region',
    operation: 'Query',
    index: INDEX.GSI3,
    key: 'gsi3pk = REGION#<r>#CONSENT, gsi3sk < <date> (open referrals only)',
  },
  {
    name: 'referrals created in a date range',
    operation: 'Query',
    index: INDEX.GSI3,
    key: 'gsi3pk = REGION#<r>#CREATED#<yyyy-mm> per month, gsi3sk BETWEEN <from> AND <to> (SUBMITTED events)',
  },
  {
    name: 'referrals closed in a date range',
    operation: 'Query',
    index: INDEX.GSI3,
    key: 'gsi3pk = REGION#<r>#CLOSED#<yyyy-mm> per month, gsi3sk BETWEEN <from> AND <to> (final events)',
  },
  { name: 'worker by id', operation: 'GetItem', key: 'pk = WORKER#<sub>, sk = PROFILE' },
  {
    name: 'workers of a region',
    operation: 'Query',
    index: INDEX.GSI1,
    key: 'gsi1pk = REGION#<r>#WORKERS, gsi1sk = ACTIVE|INACTIVE#<lastName>#<sub> (begins_with ACTIVE# for active only)',
  },
  {
    name: 'worker change records',
    operation: 'Query',
    key: 'pk = WORKER#<sub>, begins_with(sk, EVENT#)',
  },
  {
    name: 'worker sessions by month',
    operation: 'Query',
    index: INDEX.GSI1,
    key: 'gsi1pk = WORKER#<id>#SESSIONS, begins_with(gsi1sk, <yyyy-mm>-)',
  },
  {
    name: 'worker paid minutes on a day',
    operation: 'GetItem',
    key: 'pk = WORKER#<sub>, sk = PAID#<date> (updated with a conditional ADD in each session write)',
  },
  {
    name: 'region sessions in a date range',
    operation: 'Query',
    index: INDEX.GSI2,
    key: 'gsi2pk = REGION#<r>#SESSIONS#<yyyy-mm> per month, gsi2sk BETWEEN <from> AND <to>',
  },
  {
    name: 'alerts by audience',
    operation: 'Query',
    key: 'pk = ALERTS#<audience>, begins_with(sk, ALERT#) descending (newest first)',
  },
  {
    name: 'unacknowledged alerts by audience',
    operation: 'Query',
    index: INDEX.GSI1,
    key: 'gsi1pk = ALERTS#<audience>#UNACKNOWLEDGED descending (removed on acknowledge)',
  },
  { name: 'alert by id', operation: 'GetItem', key: 'pk = ALERTS#<audience>, sk = ALERT#<ulid>' },
  { name: 'debrief by id', operation: 'GetItem', key: 'pk = REGION#<r>#DEBRIEFS, sk = DEBRIEF#<sessionId>' },
  {
    name: 'open debriefs due in a region',
    operation: 'Query',
    index: INDEX.GSI1,
    key: 'gsi1pk = REGION#<r>#DEBRIEFS#OPEN, gsi1sk <= <dueBefore> (removed when done)',
  },
  {
    name: 'all debriefs of a region',
    operation: 'Query',
    index: INDEX.GSI2,
    key: 'gsi2pk = REGION#<r>#DEBRIEFS, gsi2sk = <dueAt>#<sessionId>',
  },
  {
    name: 'idempotency record',
    operation: 'GetItem',
    key: 'pk = IDEMPOTENCY#<r>#<sub>#<key>, sk = IDEMPOTENCY (claimed by a conditional Put in the create transaction, ALL_OLD on refusal)',
  },
  {
    name: 'delivery by id',
    operation: 'GetItem',
    key: 'pk = DELIVERY#<alertId>#<sub>#<channel>, sk = DELIVERY',
  },
  {
    name: 'due deliveries of a region',
    operation: 'Query',
    index: INDEX.GSI1,
    key: 'gsi1pk = DELIVERIES#<r>#DUE, gsi1sk <= <now>#~ (removed when SENT, SUPPRESSED or dead)',
  },
  {
    name: 'notification preferences of a person',
    operation: 'GetItem',
    key: 'pk = USER#<sub>, sk = NOTIFY_PREFS',
  },
  {
    name: 'escalation watches due in a region',
    operation: 'Query',
    key: 'pk = ESCALATION#<r>, sk <= <now - urgentEscalation>#~ (deleted when escalated or acknowledged)',
  },
  ...WORKFORCE_ACCESS_PATTERNS,
  {
    name: 'referrals by client name prefix or birth date',
    operation: 'Query',
    key: 'pk = SEARCH#<r>#<hmac of token>, sk = <createdAt>#<id> descending (newest first); then BatchGetItem of the referrals',
  },
];

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

// --- client search (search index entries) --------------------------------------------------------------
//
// | search entry | SEARCH#<r>#<hmac of a token> | <createdAt>#<referralId> | | | |
//
// One entry per (referral, token): each folded name prefix (`n:<prefix>`) and the birth date (`d:<date>`),
// each keyed with the region's secret (shared/data/referral-search.ts), written in the referral's create
// and correction transactions. Base-table items (no index): a search is one Query of one partition.

export const SEARCH_ENTRY_TYPE = 'SEARCH_ENTRY';

export const SearchKeys = {
  partition: (region: ProgramRegion, tokenKey: string): string =>
    `SEARCH#${region}#${part(tokenKey, 'searchKey')}`,
  sort: (createdAt: string, referralId: string): string => `${createdAt}#${part(referralId, 'referralId')}`,
  entry: (region: ProgramRegion, tokenKey: string, createdAt: string, referralId: string): ItemKey => ({
    pk: SearchKeys.partition(region, tokenKey),
    sk: SearchKeys.sort(createdAt, referralId),
  }),
};
