import type { ProgramRegion } from '#domain/roles.ts';
import { iso, query } from './common.ts';
import { ItemType, Keys } from './keys.ts';
import type { Store } from './store.ts';
import { type TxItem, tx } from './tx.ts';

/**
 * The escalation watch of an URGENT concern: written with the alert, found by the sweep once
 * `urgentEscalation` has passed since it was raised, deleted when escalated or found acknowledged.
 */
export interface EscalationWatch {
  alertId: string;
  audience: string;
  raisedAt: string;
  referralId?: string;
  level?: string;
}

export function escalationItem(store: Store, watch: EscalationWatch): Record<string, unknown> {
  return {
    ...Keys.escalation(store.region, watch.raisedAt, watch.alertId),
    type: ItemType.ESCALATION,
    ...watch,
    createdAt: watch.raisedAt,
    version: 1,
  };
}

/** The region's watches of concerns raised at or before `raisedBy`, oldest first. */
export async function listDueEscalations(
  store: Store,
  raisedBy: Date,
  limit = 50,
): Promise<EscalationWatch[]> {
  const out = await query(store, {
    KeyConditionExpression: 'pk = :pk AND sk <= :by',
    ExpressionAttributeValues: {
      ':pk': Keys.escalationPartition(store.region as ProgramRegion),
      ':by': `${iso(raisedBy)}#~`,
    },
    Limit: limit,
  });
  return (out.Items ?? []).map((item) => ({
    alertId: String(item.alertId),
    audience: String(item.audience),
    raisedAt: String(item.raisedAt),
    ...(item.referralId !== undefined ? { referralId: String(item.referralId) } : {}),
    ...(item.level !== undefined ? { level: String(item.level) } : {}),
  }));
}

/** Deletes a watch that must still be there (two sweeps at once: one escalates, the other is refused). */
export const deleteEscalationTx = (store: Store, watch: EscalationWatch): TxItem =>
  tx.delete(store, Keys.escalation(store.region, watch.raisedAt, watch.alertId), {
    expression: 'attribute_exists(pk)',
  });
