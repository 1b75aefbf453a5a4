import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { AlertKind } from '#domain/lifecycle.ts';
import {
  type Channel,
  type DeliveryState,
  deliveryId,
  deliverySlot,
  nextDigestAt,
} from '#domain/notifications.ts';
import type { Role } from '#domain/roles.ts';
import { type Alert, type AlertInput, alertItem, getAlert } from './alerts.ts';
import { addSeconds, getItem, iso, newId, query, withoutInternals } from './common.ts';
import { type EscalationWatch, escalationItem } from './escalations.ts';
import { isConditionalCheckFailed, storeCall } from './failures.ts';
import { IndexKeys, ItemType, Keys } from './keys.ts';
import type { Store } from './store.ts';
import { INDEX } from './table.ts';
import { type TxItem, transact, tx } from './tx.ts';

/**
 * The notification outbox: one item per (alert, recipient, channel), written in the alert's own transaction
 * and sent by the delivery worker. A delivery is due (in the region's sparse GSI1 partition) while it may
 * still be sent; its state is mirrored on the alert (`deliveries[<sub>#<channel>]`) in the same
 * transaction as every change. The address is not health information, but it is never logged.
 */
export interface Delivery {
  id: string;
  alertId: string;
  /** The inbox the alert is in (its item is `Keys.alert(audience, alertId)`). */
  audience: string;
  recipient: string;
  recipientRole: Role;
  channel: Channel;
  address: string;
  kind: AlertKind;
  referralId?: string;
  level?: string;
  /** One of the escalation's own copies of an URGENT concern. */
  escalation?: boolean;
  state: DeliveryState;
  attempts: number;
  nextAttemptAt: string;
  leaseUntil?: string;
  /** An error's name only, never its message. */
  lastError?: string;
  sentAt?: string;
  /** Held for the daily digest. */
  digest: boolean;
  createdAt: string;
  version: number;
}

export interface NewDelivery {
  alertId: string;
  audience: string;
  recipient: string;
  recipientRole: Role;
  channel: Channel;
  address: string;
  kind: AlertKind;
  referralId?: string | undefined;
  level?: string | undefined;
  escalation?: boolean;
  digest: boolean;
}

const toDelivery = (item: Record<string, unknown>): Delivery => withoutInternals<Delivery>(item);

export const slotOf = (d: Pick<Delivery, 'recipient' | 'channel' | 'escalation'>): string =>
  deliverySlot(d.recipient, d.channel, d.escalation === true);

/** A new PENDING delivery, due now (or at the next 08:00 Vancouver when held for the digest). */
export function deliveryItem(store: Store, input: NewDelivery, now: Date): Record<string, unknown> {
  const id = deliveryId(input.alertId, input.recipient, input.channel, input.escalation === true);
  const nextAttemptAt = iso(input.digest ? nextDigestAt(now) : now);
  return {
    ...Keys.delivery(id),
    type: ItemType.DELIVERY,
    gsi1pk: IndexKeys.dueDeliveries(store.region),
    gsi1sk: IndexKeys.deliverySort(nextAttemptAt, id),
    id,
    alertId: input.alertId,
    audience: input.audience,
    recipient: input.recipient,
    recipientRole: input.recipientRole,
    channel: input.channel,
    address: input.address,
    kind: input.kind,
    ...(input.referralId !== undefined ? { referralId: input.referralId } : {}),
    ...(input.level !== undefined ? { level: input.level } : {}),
    ...(input.escalation ? { escalation: true } : {}),
    state: 'PENDING',
    attempts: 0,
    nextAttemptAt,
    digest: input.digest,
    createdAt: iso(now),
    updatedAt: iso(now),
    version: 1,
  };
}

export async function getDelivery(store: Store, id: string): Promise<Delivery | undefined> {
  const item = await getItem(store, Keys.delivery(id));
  return item ? toDelivery(item) : undefined;
}

/** The region's deliveries due by `now` (oldest first), at most `limit`. */
export async function listDueDeliveries(store: Store, now: Date, limit = 100): Promise<Delivery[]> {
  const out = await query(store, {
    IndexName: INDEX.GSI1,
    KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk <= :now',
    ExpressionAttributeValues: { ':pk': IndexKeys.dueDeliveries(store.region), ':now': `${iso(now)}#~` },
    Limit: limit,
  });
  return (out.Items ?? []).map(toDelivery);
}

/**
 * Claims a due delivery for one attempt: PENDING, FAILED or SENDING whose lease ran out → SENDING, with a
 * lease (its next due time moves to the lease's end, so a crashed sender's claim becomes due again).
 * Undefined when someone else has it, it is not due, or it is done.
 */
export async function claimDelivery(
  store: Store,
  id: string,
  now: Date,
  leaseSeconds = 60,
): Promise<Delivery | undefined> {
  const leaseUntil = iso(addSeconds(now, leaseSeconds));
  try {
    const out = await storeCall(() =>
      store.doc.send(
        new UpdateCommand({
          TableName: store.tableName,
          Key: Keys.delivery(id),
          UpdateExpression:
            'SET #state = :sending, leaseUntil = :lease, nextAttemptAt = :lease, gsi1sk = :sort, updatedAt = :now ADD attempts :one, version :one',
          ConditionExpression:
            'attribute_exists(pk) AND #state IN (:pending, :failed, :sending) AND nextAttemptAt <= :now AND attribute_exists(gsi1pk)',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: {
            ':sending': 'SENDING',
            ':pending': 'PENDING',
            ':failed': 'FAILED',
            ':lease': leaseUntil,
            ':sort': IndexKeys.deliverySort(leaseUntil, id),
            ':now': iso(now),
            ':one': 1,
          },
          ReturnValues: 'ALL_NEW',
        }),
      ),
    );
    return out.Attributes ? toDelivery(out.Attributes) : undefined;
  } catch (error) {
    if (isConditionalCheckFailed(error)) return undefined;
    throw error;
  }
}

export type DeliveryOutcome =
  | { state: 'SENT' | 'SUPPRESSED' }
  /** `retryAt` undefined: no attempts left (dead: FAILED stays visible, out of the due index). */
  | { state: 'FAILED'; error: string; retryAt?: Date };

/** The alert's mirror of one delivery's state (same transaction as the delivery's own change). */
export function alertSlotUpdate(
  store: Store,
  d: Pick<Delivery, 'audience' | 'alertId'>,
  slot: string,
  state: string,
): TxItem {
  return {
    Update: {
      TableName: store.tableName,
      Key: Keys.alert(d.audience, d.alertId),
      UpdateExpression: 'SET #deliveries.#slot = :state',
      ConditionExpression: 'attribute_exists(pk) AND attribute_exists(#deliveries)',
      ExpressionAttributeNames: { '#deliveries': 'deliveries', '#slot': slot },
      ExpressionAttributeValues: { ':state': state },
    },
  };
}

/**
 * Records the outcome of the attempt that claimed `claimed` (its `attempts` is the claim's): false when
 * another attempt has claimed it since (its own outcome will be written).
 */
export async function settleDelivery(
  store: Store,
  claimed: Delivery,
  outcome: DeliveryOutcome,
  now: Date,
): Promise<boolean> {
  const retryAt = outcome.state === 'FAILED' ? outcome.retryAt : undefined;
  const names: Record<string, string> = { '#state': 'state' };
  const values: Record<string, unknown> = {
    ':state': outcome.state,
    ':now': iso(now),
    ':sending': 'SENDING',
    ':attempts': claimed.attempts,
    ':one': 1,
  };
  const sets = ['#state = :state', 'updatedAt = :now'];
  const removes = ['leaseUntil'];
  if (outcome.state !== 'FAILED') {
    if (outcome.state === 'SENT') sets.push('sentAt = :now');
    removes.push('gsi1pk', 'gsi1sk');
  } else {
    sets.push('lastError = :error');
    values[':error'] = outcome.error;
    if (retryAt) {
      sets.push('nextAttemptAt = :next', 'gsi1sk = :sort');
      values[':next'] = iso(retryAt);
      values[':sort'] = IndexKeys.deliverySort(iso(retryAt), claimed.id);
    } else {
      removes.push('gsi1pk', 'gsi1sk');
    }
  }
  const outcomeTx: TxItem = {
    Update: {
      TableName: store.tableName,
      Key: Keys.delivery(claimed.id),
      UpdateExpression: `SET ${sets.join(', ')} REMOVE ${removes.join(', ')} ADD version :one`,
      ConditionExpression: '#state = :sending AND attempts = :attempts',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    },
  };
  const result = await transact(store, [
    outcomeTx,
    alertSlotUpdate(store, claimed, slotOf(claimed), outcome.state),
  ]);
  return result.ok;
}

/** A Put of a new delivery that refuses to overwrite one (a retried raise writes nothing twice). */
export const putDeliveryTx = (store: Store, item: Record<string, unknown>): TxItem =>
  tx.put(store, item, { expression: 'attribute_not_exists(pk)' });

/**
 * The alert, one delivery per planned recipient and channel, and (for an URGENT concern) its escalation
 * watch, in one transaction. Raising the same alert id again writes nothing and returns the first alert.
 */
export async function writeAlertWithDeliveries(
  store: Store,
  input: AlertInput,
  deliveries: readonly Omit<NewDelivery, 'alertId' | 'audience' | 'kind' | 'referralId' | 'level'>[],
  options: { escalationWatch?: boolean } = {},
): Promise<Alert> {
  const now = store.now();
  const id = input.id ?? newId(store);
  const full: NewDelivery[] = deliveries.map((d) => ({
    ...d,
    alertId: id,
    audience: input.audience,
    kind: input.kind,
    referralId: input.referralId,
    level: input.level,
  }));
  const slots = Object.fromEntries(full.map((d) => [slotOf(d), 'PENDING']));
  const { alert, item } = alertItem(store, { ...input, id }, { deliveries: slots });
  const items: TxItem[] = [
    tx.put(store, item, { expression: 'attribute_not_exists(pk)' }),
    ...full.map((d) => putDeliveryTx(store, deliveryItem(store, d, now))),
  ];
  if (options.escalationWatch) {
    const watch: EscalationWatch = {
      alertId: id,
      audience: input.audience,
      raisedAt: alert.createdAt,
      ...(input.referralId !== undefined ? { referralId: input.referralId } : {}),
      ...(input.level !== undefined ? { level: input.level } : {}),
    };
    items.push(tx.put(store, escalationItem(store, watch)));
  }
  const result = await transact(store, items);
  if (result.ok) return alert;
  const existing = result.reasons[0]?.code === 'ConditionalCheckFailed' ? result.reasons[0].item : undefined;
  if (existing) return getAlert(store, input.audience, id);
  throw result.error;
}
