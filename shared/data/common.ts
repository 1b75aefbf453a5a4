import {
  BatchGetCommand,
  GetCommand,
  QueryCommand,
  type QueryCommandInput,
  type QueryCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import { monotonicFactory } from 'ulid';
import { DomainValidationError } from '#domain/errors.ts';
import { PROGRAM_TIME_ZONE } from '#domain/roles.ts';
import { storeCall } from './failures.ts';
import type { ItemKey } from './keys.ts';
import type { Store } from './store.ts';

// ---------------------------------------------------------------------------------------------------------
// Ids and time
// ---------------------------------------------------------------------------------------------------------

const monotonic = monotonicFactory();

/** A ULID at the store's clock; monotonic within the process, so events written in one ms keep their order. */
export function newId(store: Store): string {
  return monotonic(store.now().getTime());
}

export const iso = (date: Date): string => date.toISOString();
export const epochSeconds = (date: Date): number => Math.floor(date.getTime() / 1000);
export const addSeconds = (date: Date, seconds: number): Date => new Date(date.getTime() + seconds * 1000);

const monthFormat = new Intl.DateTimeFormat('en-CA', {
  timeZone: PROGRAM_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
});

/** `YYYY-MM` of an instant in the program's time zone (month partitions of reports). */
export function programMonth(instant: Date | string): string {
  const date = typeof instant === 'string' ? new Date(instant) : instant;
  const parts = monthFormat.formatToParts(date);
  const year = parts.find((p) => p.type === 'year')?.value;
  const month = parts.find((p) => p.type === 'month')?.value;
  return `${year}-${month}`;
}

/** Every `YYYY-MM` from `from` to `to` inclusive (both `YYYY-MM`). */
export function monthsFrom(from: string, to: string): string[] {
  const months: string[] = [];
  let [year, month] = from.split('-').map(Number) as [number, number];
  const [toYear, toMonth] = to.split('-').map(Number) as [number, number];
  while (year < toYear || (year === toYear && month <= toMonth)) {
    months.push(`${year}-${String(month).padStart(2, '0')}`);
    month++;
    if (month > 12) {
      month = 1;
      year++;
    }
    if (months.length > 1200) throw new Error('Date range too long');
  }
  return months;
}

// ---------------------------------------------------------------------------------------------------------
// Items
// ---------------------------------------------------------------------------------------------------------

/** Attributes that exist for the table's sake (keys, indexes, TTL), never part of a domain object. */
const INTERNAL_ATTRIBUTES = [
  'pk',
  'sk',
  'type',
  'gsi1pk',
  'gsi1sk',
  'gsi2pk',
  'gsi2sk',
  'gsi3pk',
  'gsi3sk',
  'expiresAt',
] as const;

const INTERNAL = new Set<string>(INTERNAL_ATTRIBUTES);

/**
 * The item without the table's attributes (and `extra`). Built by copying what stays rather than deleting
 * from a copy: an object that had properties deleted turns into a slow dictionary for every later read
 * (and for the JSON.stringify of each response).
 */
export function withoutInternals<T>(item: Record<string, unknown>, extra: readonly string[] = []): T {
  const copy: Record<string, unknown> = {};
  for (const attribute in item) {
    if (!INTERNAL.has(attribute) && !extra.includes(attribute)) copy[attribute] = item[attribute];
  }
  return copy as T;
}

export async function getItem(
  store: Store,
  key: ItemKey,
  consistent = true,
): Promise<Record<string, unknown> | undefined> {
  const out = await storeCall(() =>
    store.doc.send(
      new GetCommand({
        TableName: store.tableName,
        Key: { pk: key.pk, sk: key.sk },
        ConsistentRead: consistent,
      }),
    ),
  );
  return out.Item;
}

/** BatchGetItem in chunks of 100, retrying unprocessed keys; results in the order of `keys` (missing skipped). */
/** Options of `batchGet`. */
export interface BatchGetOptions {
  /** Only these top-level attributes (plus the keys); every attribute when absent. */
  attributes?: readonly string[];
}

/** Requests of 100 keys in flight at once: a year of report reads is not 75 round trips in a row. */
const BATCH_GET_CONCURRENCY = 8;

/** The items of `keys` that exist, in the order of `keys` (100 keys per BatchGetItem, several at once). */
export async function batchGet(
  store: Store,
  keys: readonly ItemKey[],
  options: BatchGetOptions = {},
): Promise<Record<string, unknown>[]> {
  const found = new Map<string, Record<string, unknown>>();
  const projection = options.attributes && {
    ProjectionExpression: ['pk', 'sk', ...options.attributes].map((_, i) => `#a${i}`).join(', '),
    ExpressionAttributeNames: Object.fromEntries(
      ['pk', 'sk', ...options.attributes].map((name, i) => [`#a${i}`, name]),
    ),
  };
  const chunks: Record<string, unknown>[][] = [];
  for (let start = 0; start < keys.length; start += 100) {
    chunks.push(keys.slice(start, start + 100).map((k) => ({ pk: k.pk, sk: k.sk })));
  }
  const readChunk = async (chunk: Record<string, unknown>[]) => {
    let pending = chunk;
    for (let round = 0; pending.length > 0; round++) {
      if (round > 8) throw new Error('BatchGetItem kept returning unprocessed keys');
      const out = await storeCall(() =>
        store.doc.send(
          new BatchGetCommand({ RequestItems: { [store.tableName]: { Keys: pending, ...projection } } }),
        ),
      );
      for (const item of out.Responses?.[store.tableName] ?? []) found.set(`${item.pk}|${item.sk}`, item);
      pending = (out.UnprocessedKeys?.[store.tableName]?.Keys as Record<string, unknown>[] | undefined) ?? [];
      if (pending.length > 0) await new Promise((r) => setTimeout(r, 20 * 2 ** round));
    }
  };
  const lanes = Array.from({ length: Math.min(BATCH_GET_CONCURRENCY, chunks.length) }, async () => {
    for (let chunk = chunks.shift(); chunk; chunk = chunks.shift()) await readChunk(chunk);
  });
  await Promise.all(lanes);
  return keys.flatMap((k) => {
    const item = found.get(`${k.pk}|${k.sk}`);
    return item ? [item] : [];
  });
}

export type QueryInput = Omit<QueryCommandInput, 'TableName'>;

export async function query(store: Store, input: QueryInput): Promise<QueryCommandOutput> {
  return storeCall(() => store.doc.send(new QueryCommand({ TableName: store.tableName, ...input })));
}

/** Every page of a query (bounded lists only: a referral's items, a worker's month, a region's roster). */
export async function queryAll(store: Store, input: QueryInput): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await query(store, { ...input, ...(start ? { ExclusiveStartKey: start } : {}) });
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start);
  return items;
}

// ---------------------------------------------------------------------------------------------------------
// Pages
// ---------------------------------------------------------------------------------------------------------

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 100;

export interface Page<T> {
  items: T[];
  nextToken?: string;
}

export interface PageOptions {
  /** Default 50, at most 100. */
  limit?: number;
  /** From the previous page's `nextToken`. */
  nextToken?: string;
}

export function pageLimit(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1) {
    throw new DomainValidationError('Invalid limit', [
      { path: 'limit', message: 'Must be a whole number ≥ 1' },
    ]);
  }
  return Math.min(limit, MAX_LIMIT);
}

/** The opaque page token: base64url JSON of a LastEvaluatedKey (or of several, for merged queries). */
export function encodeToken(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

export function invalidToken(): DomainValidationError {
  return new DomainValidationError('Invalid nextToken', [
    { path: 'nextToken', message: 'Invalid page token' },
  ]);
}

export function decodeToken(token: string): unknown {
  try {
    return JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch (error) {
    throw Object.assign(invalidToken(), { cause: error });
  }
}

/**
 * A token decoded back into an ExclusiveStartKey, accepted only if it is a flat map of strings whose
 * partition attribute is the one being queried (a crafted token cannot read another partition).
 */
export function startKeyFrom(
  token: string | undefined,
  partitionAttribute: string,
  partitionValue: string,
): Record<string, string> | undefined {
  if (token === undefined) return undefined;
  return checkStartKey(decodeToken(token), partitionAttribute, partitionValue);
}

export function checkStartKey(
  value: unknown,
  partitionAttribute: string,
  partitionValue: string,
): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalidToken();
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0 || entries.length > 4 || entries.some(([, v]) => typeof v !== 'string')) {
    throw invalidToken();
  }
  const key = value as Record<string, string>;
  if (key[partitionAttribute] !== partitionValue) throw invalidToken();
  return key;
}

/** One page of a query: `limit` items and the token for the next one. */
export async function queryPage(
  store: Store,
  input: QueryInput,
  page: PageOptions,
  partition: { attribute: string; value: string },
): Promise<{ items: Record<string, unknown>[]; nextToken?: string }> {
  const start = startKeyFrom(page.nextToken, partition.attribute, partition.value);
  const out = await query(store, {
    ...input,
    Limit: pageLimit(page.limit),
    ...(start ? { ExclusiveStartKey: start } : {}),
  });
  return {
    items: out.Items ?? [],
    ...(out.LastEvaluatedKey ? { nextToken: encodeToken(out.LastEvaluatedKey) } : {}),
  };
}
