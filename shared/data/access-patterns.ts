import { WORKFORCE_ACCESS_PATTERN_NAMES, WORKFORCE_ACCESS_PATTERNS } from './keys.ts';
import { INDEX, type IndexName } from './table.ts';

/**
 * Every access pattern of the table, each a GetItem or a Query (never a Scan), with the key it uses: the
 * table in code beside the key builders (keys.ts), each with a test on DynamoDB Local
 * (test/integration/data/access-patterns.test.ts).
 */

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
