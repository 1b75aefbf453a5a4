import { createHmac } from 'node:crypto';
import { DomainValidationError } from '#domain/errors.ts';
import type { Referral, ReferralInput } from '#domain/referral.ts';
import {
  foldTerm,
  lookupPrefix,
  MAX_PREFIX,
  MIN_SEARCH_LENGTH,
  namePrefixes,
  nameStartsWith,
} from '#domain/search.ts';
import {
  batchGet,
  encodeToken,
  type Page,
  type PageOptions,
  pageLimit,
  query,
  startKeyFrom,
} from './common.ts';
import { Keys, SEARCH_ENTRY_TYPE, SearchKeys } from './keys.ts';
import { toReferral } from './referrals/item.ts';
import type { Store } from './store.ts';
import { type TxItem, tx } from './tx.ts';

/**
 * Client search through index entries (keys.ts, "client search"): one entry per referral and token, whose
 * partition key is the HMAC-SHA256 of the token under the region's secret key, so the table and its backups
 * hold no searchable name or birth date. A search is one Query of one partition (newest first) and one
 * BatchGetItem of the referrals it names.
 */

/** The keyed tokens of one client (hex HMACs), kept on the referral item to find its entries again. */
export interface SearchKeySet {
  names: string[];
  dob: string;
}

type Client = Pick<ReferralInput['client'], 'givenName' | 'familyName' | 'dateOfBirth'>;
type Indexed = Pick<Referral, 'id' | 'createdAt' | 'referrerSub'>;

async function regionKey(store: Store): Promise<Uint8Array> {
  if (!store.secrets) throw new Error('This store has no secret keys: search entries cannot be keyed');
  return store.secrets.regionKey(store.region);
}

const keyed = (key: Uint8Array, token: string): string =>
  createHmac('sha256', key).update(`search|${token}`).digest('hex');

const nameToken = (prefix: string) => `n:${prefix}`;
const dobToken = (date: string) => `d:${date.trim()}`;

export async function searchKeysOf(store: Store, client: Client): Promise<SearchKeySet> {
  const key = await regionKey(store);
  return {
    names: namePrefixes(client).map((prefix) => keyed(key, nameToken(prefix))),
    dob: keyed(key, dobToken(client.dateOfBirth)),
  };
}

/** The entries of one referral: one per name token, and the birth date's (which lists the name tokens). */
export function searchEntryItems(
  store: Store,
  referral: Indexed,
  keys: SearchKeySet,
): Record<string, unknown>[] {
  const entry = (tokenKey: string) => ({
    ...SearchKeys.entry(store.region, tokenKey, referral.createdAt, referral.id),
    type: SEARCH_ENTRY_TYPE,
    referralId: referral.id,
    referrerSub: referral.referrerSub,
  });
  return [...keys.names.map(entry), { ...entry(keys.dob), nameKeys: keys.names }];
}

/** The writes of a new referral's entries (its create transaction). */
export const searchEntryPuts = (store: Store, referral: Indexed, keys: SearchKeySet): TxItem[] =>
  searchEntryItems(store, referral, keys).map((item) => tx.put(store, item));

/**
 * The writes that move a referral's entries from `before` to `after` (a correction of the client's name or
 * birth date): entries no longer wanted are deleted, the others (re)written. None when nothing changed.
 */
export function searchEntryMoves(
  store: Store,
  referral: Indexed,
  before: SearchKeySet,
  after: SearchKeySet,
): TxItem[] {
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  const wanted = new Set([...after.names, after.dob]);
  const stale = [...new Set([...before.names, before.dob])].filter((k) => !wanted.has(k));
  return [
    ...stale.map((k) => tx.delete(store, SearchKeys.entry(store.region, k, referral.createdAt, referral.id))),
    ...searchEntryPuts(store, referral, after),
  ];
}

export interface SearchOptions extends PageOptions {
  /** A name prefix (folded to at least 2 characters by the caller's validation). */
  q?: string;
  /** `YYYY-MM-DD`. */
  dob?: string;
  /** Only referrals made by this clinician. */
  referrerSub?: string;
}

/** Reads of a filtered partition per page at most (a short page then carries a token for the rest). */
const MAX_FILTERED_READS = 4;
const FILTERED_READ_LIMIT = 500;

/**
 * Referrals whose client matches, newest first. A name term alone reads its prefix's partition; with a birth
 * date, the birth date's partition filtered on the name's key. A clinician's search is filtered on the
 * referrer (a page may then hold fewer than `limit`). Unfiltered: one Query and one BatchGetItem a page.
 */
export async function searchReferrals(store: Store, options: SearchOptions): Promise<Page<Referral>> {
  const key = await regionKey(store);
  const folded = options.q === undefined ? undefined : foldTerm(options.q);
  if (folded === undefined && options.dob === undefined) {
    throw new DomainValidationError('A search needs a name or a date of birth', [
      { path: 'q', message: 'Give a name prefix or a date of birth' },
    ]);
  }
  if (folded !== undefined && folded.length < MIN_SEARCH_LENGTH) {
    throw new DomainValidationError('The name prefix is too short', [
      { path: 'q', message: `Must hold at least ${MIN_SEARCH_LENGTH} letters` },
    ]);
  }
  const nameKey = folded === undefined ? undefined : keyed(key, nameToken(lookupPrefix(folded)));
  const partition = SearchKeys.partition(
    store.region,
    options.dob !== undefined ? keyed(key, dobToken(options.dob)) : (nameKey as string),
  );
  const filters: string[] = [];
  const values: Record<string, unknown> = { ':pk': partition };
  if (options.dob !== undefined && nameKey !== undefined) {
    filters.push('contains(nameKeys, :name)');
    values[':name'] = nameKey;
  }
  if (options.referrerSub !== undefined) {
    filters.push('referrerSub = :sub');
    values[':sub'] = options.referrerSub;
  }
  const limit = pageLimit(options.limit);
  const taken: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined = startKeyFrom(options.nextToken, 'pk', partition);
  let cursor: Record<string, unknown> | undefined;
  for (let round = 1; ; round++) {
    const need = limit - taken.length;
    const out = await query(store, {
      KeyConditionExpression: 'pk = :pk',
      ...(filters.length ? { FilterExpression: filters.join(' AND ') } : {}),
      ExpressionAttributeValues: values,
      ScanIndexForward: false,
      Limit: filters.length ? FILTERED_READ_LIMIT : need,
      ...(start ? { ExclusiveStartKey: start } : {}),
    });
    const items = out.Items ?? [];
    if (items.length > need) {
      taken.push(...items.slice(0, need));
      const last = taken.at(-1) as Record<string, unknown>;
      cursor = { pk: last.pk, sk: last.sk };
      break;
    }
    taken.push(...items);
    cursor = out.LastEvaluatedKey;
    if (!cursor || taken.length === limit || round >= MAX_FILTERED_READS) break;
    start = cursor;
  }
  const referrals = (
    await batchGet(
      store,
      taken.map((entry) => Keys.referral(String(entry.referralId))),
    )
  ).map(toReferral);
  const long = folded !== undefined && folded.length > MAX_PREFIX;
  return {
    items: long ? referrals.filter((r) => nameStartsWith(r.details.client, folded)) : referrals,
    ...(cursor ? { nextToken: encodeToken(cursor) } : {}),
  };
}
