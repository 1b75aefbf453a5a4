import type { Referral } from '#domain/referral.ts';
import { batchGet, monthsFrom, programMonth, queryAll } from '../common.ts';
import { IndexKeys, Keys } from '../keys.ts';
import type { Store } from '../store.ts';
import { INDEX } from '../table.ts';
import { toReferral } from './item.ts';

/**
 * The report indexes: referrals found through their SUBMITTED and closing audit events, indexed by program
 * month (GSI3), then read by key.
 */

async function referralsFromMonthIndex(
  store: Store,
  partitionFor: (month: string) => string,
  range: { from: string; to: string },
  attributes?: readonly string[],
): Promise<Referral[]> {
  const months = monthsFrom(programMonth(range.from), programMonth(range.to));
  const pages = await Promise.all(
    months.map((month) =>
      queryAll(store, {
        IndexName: INDEX.GSI3,
        KeyConditionExpression: 'gsi3pk = :pk AND gsi3sk BETWEEN :from AND :to',
        ExpressionAttributeValues: {
          ':pk': partitionFor(month),
          ':from': range.from,
          ':to': `${range.to}#~`,
        },
      }),
    ),
  );
  const ids = pages.flat().map((e) => String(e.referralId));
  const items = await batchGet(
    store,
    [...new Set(ids)].map((id) => Keys.referral(id)),
    attributes ? { attributes } : {},
  );
  return items.map(toReferral);
}

/** Referrals submitted between two instants (ISO, inclusive), in submission order. */
export function listReferralsCreatedBetween(
  store: Store,
  range: { from: string; to: string },
): Promise<Referral[]>;
/** The same, with only the named attributes of each. */
export function listReferralsCreatedBetween<K extends keyof Referral>(
  store: Store,
  range: { from: string; to: string },
  attributes: readonly K[],
): Promise<Pick<Referral, K>[]>;
export function listReferralsCreatedBetween(
  store: Store,
  range: { from: string; to: string },
  attributes?: readonly string[],
): Promise<Referral[]> {
  return referralsFromMonthIndex(store, (month) => IndexKeys.created(store.region, month), range, attributes);
}

/** Referrals that reached CLOSED or DECLINED between two instants (ISO, inclusive), in that order. */
export function listReferralsClosedBetween(
  store: Store,
  range: { from: string; to: string },
): Promise<Referral[]>;
/** The same, with only the named attributes of each. */
export function listReferralsClosedBetween<K extends keyof Referral>(
  store: Store,
  range: { from: string; to: string },
  attributes: readonly K[],
): Promise<Pick<Referral, K>[]>;
export function listReferralsClosedBetween(
  store: Store,
  range: { from: string; to: string },
  attributes?: readonly string[],
): Promise<Referral[]> {
  return referralsFromMonthIndex(store, (month) => IndexKeys.closed(store.region, month), range, attributes);
}
