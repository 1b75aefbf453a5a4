import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  getItem,
  iso,
  type Page,
  type PageOptions,
  queryAll,
  queryPage,
  withoutInternals,
} from './common.ts';
import { NotFoundError } from './errors.ts';
import { appliedIf, conditionFailedItem, isConditionalCheckFailed, storeCall } from './failures.ts';
import { IndexKeys, ItemType, Keys } from './keys.ts';
import type { Store } from './store.ts';
import { INDEX } from './table.ts';
import { cond, updateParams } from './tx.ts';

/**
 * Supervision debriefs: a session logged with `debriefNeeded` creates one (in the same transaction, see
 * sessions.ts), due `timers.debrief` later. Its id is the session's id (one debrief per session).
 */
export interface Debrief {
  id: string;
  sessionId: string;
  referralId: string;
  workerId: string;
  dueAt: string;
  createdAt: string;
  updatedAt: string;
  doneAt?: string;
  doneBy?: string;
  /** When the overdue alert was raised (at most once). */
  alertedAt?: string;
  version: number;
}

/** The debrief item for a session (written by sessions.ts inside its transaction). */
export function debriefItem(
  store: Store,
  input: { sessionId: string; referralId: string; workerId: string; dueAt: string },
): Record<string, unknown> {
  const now = iso(store.now());
  const debrief: Debrief = {
    id: input.sessionId,
    sessionId: input.sessionId,
    referralId: input.referralId,
    workerId: input.workerId,
    dueAt: input.dueAt,
    createdAt: now,
    updatedAt: now,
    version: 1,
  };
  const sort = IndexKeys.debriefSort(input.dueAt, input.sessionId);
  return {
    ...Keys.debrief(store.region, input.sessionId),
    type: ItemType.DEBRIEF,
    gsi1pk: IndexKeys.openDebriefs(store.region),
    gsi1sk: sort,
    gsi2pk: IndexKeys.allDebriefs(store.region),
    gsi2sk: sort,
    ...debrief,
  };
}

export function toDebrief(item: Record<string, unknown>): Debrief {
  return withoutInternals<Debrief>(item);
}

export async function getDebrief(store: Store, id: string): Promise<Debrief> {
  const item = await getItem(store, Keys.debrief(store.region, id));
  if (!item) throw new NotFoundError('Debrief', id);
  return toDebrief(item);
}

export interface ListDebriefsOptions extends PageOptions {
  /** Only debriefs due strictly before this instant (ISO). */
  dueBefore?: string;
  /** Also list done debriefs (default: open ones only). */
  includeDone?: boolean;
}

/** A region's debriefs by due time, soonest first: open ones (sparse GSI1), or all (GSI2). */
export async function listDebriefs(store: Store, options: ListDebriefsOptions = {}): Promise<Page<Debrief>> {
  const [index, attribute, partition] = options.includeDone
    ? ([INDEX.GSI2, 'gsi2', IndexKeys.allDebriefs(store.region)] as const)
    : ([INDEX.GSI1, 'gsi1', IndexKeys.openDebriefs(store.region)] as const);
  const page = await queryPage(
    store,
    {
      IndexName: index,
      KeyConditionExpression: `${attribute}pk = :pk${options.dueBefore ? ` AND ${attribute}sk < :before` : ''}`,
      ExpressionAttributeValues: {
        ':pk': partition,
        ...(options.dueBefore ? { ':before': options.dueBefore } : {}),
      },
    },
    options,
    { attribute: `${attribute}pk`, value: partition },
  );
  return { ...page, items: page.items.map(toDebrief) };
}

/** Open debriefs past due whose overdue alert has not been raised yet. */
export async function listOverdueDebriefs(store: Store, now: Date): Promise<Debrief[]> {
  const items = await queryAll(store, {
    IndexName: INDEX.GSI1,
    KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk < :now',
    FilterExpression: 'attribute_not_exists(alertedAt)',
    ExpressionAttributeValues: { ':pk': IndexKeys.openDebriefs(store.region), ':now': iso(now) },
  });
  return items.map(toDebrief);
}

/** Marks a debrief done (it leaves the open list). Marking it again keeps the first record. */
export async function markDebriefDone(store: Store, id: string, by: string): Promise<Debrief> {
  const now = iso(store.now());
  try {
    const out = await storeCall(() =>
      store.doc.send(
        new UpdateCommand({
          TableName: store.tableName,
          Key: Keys.debrief(store.region, id),
          ...updateParams(
            {
              set: { doneAt: now, doneBy: by, updatedAt: now },
              increment: { version: 1 },
              remove: ['gsi1pk', 'gsi1sk'],
            },
            cond.and(cond.exists(), cond.absent('doneAt')),
          ),
          ReturnValues: 'ALL_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      ),
    );
    return toDebrief(out.Attributes ?? {});
  } catch (error) {
    if (!isConditionalCheckFailed(error)) throw error;
    const existing = conditionFailedItem(error);
    if (!existing) throw new NotFoundError('Debrief', id, { cause: error });
    return toDebrief(existing);
  }
}

/**
 * Records that the overdue alert was raised. Returns true for the one caller that marked it, false if it
 * was already marked (or done, or missing), so concurrent checkers alert once.
 */
export async function markDebriefAlerted(store: Store, id: string): Promise<boolean> {
  const now = iso(store.now());
  return appliedIf(() =>
    store.doc.send(
      new UpdateCommand({
        TableName: store.tableName,
        Key: Keys.debrief(store.region, id),
        ...updateParams(
          { set: { alertedAt: now, updatedAt: now }, increment: { version: 1 } },
          cond.and(cond.exists(), cond.absent('alertedAt'), cond.absent('doneAt')),
        ),
      }),
    ),
  );
}
