import { DEFAULT_SETTINGS } from '#domain/settings.ts';
import { queryAll } from './common.ts';
import { NotFoundError } from './errors.ts';
import { type ItemKey, Keys, WorkforceSK } from './keys.ts';
import { paidDayExceeded, paidDayPart, withPaidDays } from './paid-days.ts';
import { minutesByWorkerMonth } from './sessions.ts';
import type { Store } from './store.ts';
import { cond, hasConflict, RETRY, transact, tx, withRetries } from './tx.ts';

/**
 * Paid time outside client sessions (supervision, debriefs, other work). Each entry is written in one
 * transaction with the worker's per-day counter of paid-days.ts — the same counter sessions move — so the
 * region's `maxPaidMinutesPerDay` holds across every kind of paid time, and with a check that the worker
 * exists (an entry for nobody is 404, and nothing is written).
 */

export interface PaidEntryWrite {
  workerId: string;
  date: string;
  minutes: number;
  key: ItemKey;
  item: Record<string, unknown>;
  maxPaidMinutesPerDay?: number;
}

export async function putPaidEntry(store: Store, input: PaidEntryWrite): Promise<void> {
  const max = input.maxPaidMinutesPerDay ?? DEFAULT_SETTINGS.maxPaidMinutesPerDay;
  const day = { workerId: input.workerId, date: input.date, delta: input.minutes, max };
  await withRetries('PaidTime', input.workerId, async () => {
    const items = [
      tx.check(store, Keys.worker(input.workerId), cond.exists()),
      tx.put(store, { ...input.key, ...input.item }, cond.notExists()),
    ];
    const paidDays = withPaidDays(items, [paidDayPart(store, day)]);
    const outcome = await transact(store, items);
    if (outcome.ok) return true;
    if (outcome.reasons[0]?.code === 'ConditionalCheckFailed') {
      throw new NotFoundError('Worker', input.workerId, { cause: outcome.error });
    }
    if (paidDays.some((i) => outcome.reasons[i]?.code === 'ConditionalCheckFailed')) {
      throw paidDayExceeded(max);
    }
    if (hasConflict(outcome.reasons)) return RETRY;
    throw outcome.error;
  });
}

/** Minutes of a worker's entries under `prefix` in a month (`YYYY-MM`). */
async function entryMinutes(store: Store, workerId: string, prefix: string, month: string): Promise<number> {
  const items = await queryAll(store, {
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': Keys.workerPartition(workerId), ':prefix': `${prefix}${month}-` },
    ProjectionExpression: 'minutes',
  });
  return items.reduce((sum, item) => sum + ((item.minutes as number | undefined) ?? 0), 0);
}

export interface PaidMonth {
  month: string;
  sessions: number;
  supervision: number;
  other: number;
  total: number;
}

/** A worker's paid minutes in a month: sessions + supervision and debriefs + other work. */
export async function paidMonth(store: Store, workerId: string, month: string): Promise<PaidMonth> {
  const [sessions, supervision, other] = await Promise.all([
    minutesByWorkerMonth(store, workerId, month).then((m) => m.minutes),
    entryMinutes(store, workerId, WorkforceSK.SUPERVISION_PREFIX, month),
    entryMinutes(store, workerId, WorkforceSK.TIME_PREFIX, month),
  ]);
  return { month, sessions, supervision, other, total: sessions + supervision + other };
}
