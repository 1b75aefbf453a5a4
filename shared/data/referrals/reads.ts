import { OPEN_STAGES } from '#domain/lifecycle.ts';
import type { Referral } from '#domain/referral.ts';
import type { Goal, Session } from '#domain/work.ts';
import { batchGet, type Page, type PageOptions, queryAll, queryPage } from '../common.ts';
import { NotFoundError } from '../errors.ts';
import { type AuditEvent, toAuditEvent } from '../events.ts';
import { toGoal } from '../goals.ts';
import { IndexKeys, Keys, SK } from '../keys.ts';
import { toSession } from '../sessions.ts';
import type { Store } from '../store.ts';
import { INDEX } from '../table.ts';
import { readReferralItem, toReferral } from './item.ts';
import { queueOrder } from './queue.ts';

/** Reading referrals: one by id, with its partition, and the lists by referrer, by worker and open. */

export async function getReferral(store: Store, id: string): Promise<Referral> {
  return toReferral(await readReferralItem(store, id));
}

export interface ReferralDetails {
  referral: Referral;
  goals: Goal[];
  /** By date, then logging order. */
  sessions: Session[];
  /** Oldest first. */
  events: AuditEvent[];
}

/** The referral with its goals, sessions and audit events: ONE Query on its partition. */
export async function getReferralDetails(store: Store, id: string): Promise<ReferralDetails> {
  const items = await queryAll(store, {
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': Keys.referralPartition(id) },
    ConsistentRead: true,
  });
  let referral: Referral | undefined;
  const goals: Goal[] = [];
  const sessions: Session[] = [];
  const events: AuditEvent[] = [];
  for (const item of items) {
    const sk = String(item.sk);
    if (sk === SK.REFERRAL) referral = toReferral(item);
    else if (sk.startsWith(SK.GOAL_PREFIX)) goals.push(toGoal(item));
    else if (sk.startsWith(SK.SESSION_PREFIX)) sessions.push(toSession(item));
    else if (sk.startsWith(SK.EVENT_PREFIX)) events.push(toAuditEvent(item));
  }
  if (!referral) throw new NotFoundError('Referral', id);
  sessions.sort((a, b) => (a.date === b.date ? (a.id < b.id ? -1 : 1) : a.date < b.date ? -1 : 1));
  return { referral, goals, sessions, events };
}

/** A clinician's referrals, newest first. */
export async function listByReferrer(
  store: Store,
  referrerSub: string,
  options: PageOptions = {},
): Promise<Page<Referral>> {
  const partition = IndexKeys.referrer(referrerSub);
  const page = await queryPage(
    store,
    {
      IndexName: INDEX.GSI2,
      KeyConditionExpression: 'gsi2pk = :pk',
      ExpressionAttributeValues: { ':pk': partition },
      ScanIndexForward: false,
    },
    options,
    { attribute: 'gsi2pk', value: partition },
  );
  return { ...page, items: page.items.map(toReferral) };
}

/** A worker's current clients (their assignments), in queue order. */
export async function listByWorker(store: Store, workerId: string): Promise<Referral[]> {
  const assignments = await queryAll(store, {
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': Keys.workerPartition(workerId), ':prefix': SK.ASSIGNMENT_PREFIX },
    ConsistentRead: true,
  });
  const items = await batchGet(
    store,
    assignments.map((a) => Keys.referral(String(a.referralId))),
  );
  return items.sort(queueOrder).map(toReferral);
}

/** Every open referral of the region (the reconciler restarts their executions), up to `limit`. */
export async function listOpenReferrals(store: Store, options: { limit?: number } = {}): Promise<Referral[]> {
  const referrals: Referral[] = [];
  for (const stage of OPEN_STAGES) {
    const items = await queryAll(store, {
      IndexName: INDEX.GSI1,
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': IndexKeys.queue(store.region, stage) },
    });
    referrals.push(...items.map(toReferral));
    if (options.limit !== undefined && referrals.length >= options.limit)
      return referrals.slice(0, options.limit);
  }
  return referrals;
}
