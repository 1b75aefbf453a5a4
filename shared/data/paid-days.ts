import { DomainValidationError } from '#domain/errors.ts';
import { paidMinutesIssue } from '#domain/work.ts';
import { getItem, iso } from './common.ts';
import { ItemType, Keys } from './keys.ts';
import type { Store } from './store.ts';
import { cond, type TxItem, tx } from './tx.ts';

/**
 * A worker's paid session minutes per local day (`WORKER#<id>` / `PAID#<date>`): a counter every session
 * write moves in its own transaction, so the region's `maxPaidMinutesPerDay` holds across sessions and
 * concurrent writes (the conditional ADD refuses what would pass it, and the whole write with it).
 */

/** Paid minutes counted for a worker on a local date (0 when none). */
export async function paidMinutesOn(store: Store, workerId: string, date: string): Promise<number> {
  const item = await getItem(store, Keys.paidDay(workerId, date));
  return (item?.minutes as number | undefined) ?? 0;
}

/** The 400 for a day past the cap (no value of the request in it). */
export const paidDayExceeded = (max: number) =>
  new DomainValidationError('Paid minutes over the daily limit', [paidMinutesIssue(max)]);

/**
 * The transaction item moving the worker's day by `delta` minutes, or undefined when it does not move. An
 * increase is conditional on the day staying within `max`; a decrease is not (it can only make room).
 */
export function paidDayPart(
  store: Store,
  input: { workerId: string; date: string; delta: number; max: number },
): TxItem | undefined {
  const { workerId, date, delta, max } = input;
  if (delta === 0) return undefined;
  if (delta > max) throw paidDayExceeded(max);
  const now = iso(store.now());
  const spec = {
    set: { type: ItemType.PAID_DAY, workerId, date, updatedAt: now },
    setIfAbsent: { createdAt: now },
    add: { minutes: delta, version: 1 },
  };
  if (delta < 0) return tx.update(store, Keys.paidDay(workerId, date), spec);
  const room = cond.or(
    cond.absent('minutes', 'paidMinutes'),
    cond.raw('#paidMinutes <= :paidRoom', { '#paidMinutes': 'minutes' }, { ':paidRoom': max - delta }),
  );
  return tx.update(store, Keys.paidDay(workerId, date), spec, room);
}

/** Appends a write's paid-day counter items to its transaction; their indexes there, to read refusals. */
export function withPaidDays(items: TxItem[], parts: readonly (TxItem | undefined)[]): number[] {
  const at: number[] = [];
  for (const part of parts) {
    if (part === undefined) continue;
    at.push(items.length);
    items.push(part);
  }
  return at;
}
