import { DomainValidationError } from '#domain/errors.ts';
import type { Stage } from '#domain/lifecycle.ts';
import type { ProgramRegion } from '#domain/roles.ts';
import type { AccessPattern } from './access-patterns.ts';
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
export function part(value: string, what: string): string {
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

export const referralPartition = (id: string) => `REF#${part(id, 'referralId')}`;
export const workerPartition = (sub: string) => `WORKER#${part(sub, 'workerId')}`;

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

export const WORKFORCE_ACCESS_PATTERNS: readonly AccessPattern[] = [
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
