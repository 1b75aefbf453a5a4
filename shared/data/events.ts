import type { LifecycleEvent, Stage } from '#domain/lifecycle.ts';
import type { Role } from '#domain/roles.ts';
import { iso, newId, queryAll, withoutInternals } from './common.ts';
import { ItemType, Keys, SK } from './keys.ts';
import type { Store } from './store.ts';

/** Who did it: the caller's `sub` and role (from the token). */
export interface Actor {
  sub: string;
  role: Role;
}

export const AUDIT_KINDS = [
  'SUBMITTED',
  'CORRECTED',
  'TRANSITIONED',
  'GOALS_ADDED',
  'GOAL_RATED',
  'SESSION_LOGGED',
  'SESSION_CORRECTED',
] as const;
export type AuditKind = (typeof AUDIT_KINDS)[number];

/**
 * An append-only record of what happened to a referral. Ids, stages, codes and field NAMES only: never a
 * value a person typed (no names, notes, summaries, reasons in free text).
 */
export interface AuditEvent {
  id: string;
  referralId: string;
  kind: AuditKind;
  at: string;
  by: string;
  role: Role;
  /** TRANSITIONED: the lifecycle event and the stages. */
  event?: LifecycleEvent;
  from?: Stage;
  to?: Stage;
  /** CORRECTED / SESSION_CORRECTED: the names of the fields that changed. */
  fields?: string[];
  workerId?: string;
  previousWorkerId?: string;
  goalIds?: string[];
  goalId?: string;
  sessionId?: string;
  /** A closure or decline reason code (an enum value such as `GOALS_MET`). */
  reasonCode?: string;
  previousReferralId?: string;
  possibleDuplicateOf?: string;
}

export type AuditEventInput = Omit<AuditEvent, 'id' | 'at' | 'by' | 'role'>;

/** The item for one audit event; `index` puts it in a GSI3 month partition (created / closed reports). */
export function auditEventItem(
  store: Store,
  actor: Actor,
  event: AuditEventInput,
  index?: { gsi3pk: string; gsi3sk: string },
): Record<string, unknown> {
  const id = newId(store);
  const body: AuditEvent = { id, at: iso(store.now()), by: actor.sub, role: actor.role, ...event };
  return { ...Keys.event(event.referralId, id), type: ItemType.EVENT, version: 1, ...body, ...(index ?? {}) };
}

export function toAuditEvent(item: Record<string, unknown>): AuditEvent {
  return withoutInternals<AuditEvent>(item, ['version']);
}

/** A referral's audit events, oldest first. */
export async function listEvents(store: Store, referralId: string): Promise<AuditEvent[]> {
  const items = await queryAll(store, {
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': Keys.referralPartition(referralId), ':prefix': SK.EVENT_PREFIX },
    ConsistentRead: true,
  });
  return items.map(toAuditEvent);
}
