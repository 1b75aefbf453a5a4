import { OPEN_STAGES, type Stage } from '#domain/lifecycle.ts';
import type { Referral } from '#domain/referral.ts';
import {
  checkStartKey,
  decodeToken,
  encodeToken,
  invalidToken,
  type Page,
  type PageOptions,
  pageLimit,
  query,
  queryPage,
} from '../common.ts';
import { IndexKeys } from '../keys.ts';
import type { Store } from '../store.ts';
import { INDEX } from '../table.ts';
import { toReferral } from './item.ts';

/** The region's queue (GSI1): one stage, or every open stage merged with a cursor per stage. */

/** Queue order: most urgent, then oldest (the GSI1 sort key), ties by id. */
export function queueOrder(a: Record<string, unknown>, b: Record<string, unknown>): number {
  const ka = `${a.gsi1sk}|${a.pk}`;
  const kb = `${b.gsi1sk}|${b.pk}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

const gsi1Key = (item: Record<string, unknown>) => ({
  pk: String(item.pk),
  sk: String(item.sk),
  gsi1pk: String(item.gsi1pk),
  gsi1sk: String(item.gsi1sk),
});

export interface QueueOptions extends PageOptions {
  /** One stage; without it, every open stage merged in queue order. */
  stage?: Stage;
}

/** The region's queue: most urgent, then oldest first. */
export async function listQueue(store: Store, options: QueueOptions = {}): Promise<Page<Referral>> {
  if (options.stage !== undefined) {
    const partition = IndexKeys.queue(store.region, options.stage);
    const page = await queryPage(
      store,
      {
        IndexName: INDEX.GSI1,
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': partition },
      },
      options,
      { attribute: 'gsi1pk', value: partition },
    );
    return { ...page, items: page.items.map(toReferral) };
  }
  return mergedOpenQueue(store, options);
}

/**
 * All open stages merged: one query per stage from that stage's cursor, the `limit` first in queue order
 * taken, and a token holding each stage's cursor (`null` once a stage is exhausted).
 */
async function mergedOpenQueue(store: Store, options: PageOptions): Promise<Page<Referral>> {
  const limit = pageLimit(options.limit);
  const cursors = parseQueueToken(store, options.nextToken);
  const results = await Promise.all(
    OPEN_STAGES.map(async (stage) => {
      const cursor = cursors[stage];
      if (cursor === null) return { stage, items: [] as Record<string, unknown>[], more: false };
      const out = await query(store, {
        IndexName: INDEX.GSI1,
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': IndexKeys.queue(store.region, stage) },
        Limit: limit,
        ...(cursor ? { ExclusiveStartKey: cursor } : {}),
      });
      return { stage, items: out.Items ?? [], more: out.LastEvaluatedKey !== undefined };
    }),
  );
  const taken = results
    .flatMap((r) => r.items)
    .sort(queueOrder)
    .slice(0, limit);
  const next: Record<string, Record<string, string> | null> = {};
  let remaining = false;
  for (const { stage, items, more } of results) {
    const mine = taken.filter((item) => item.stage === stage);
    const last = mine.at(-1);
    if (cursors[stage] === null || (mine.length === items.length && !more)) {
      next[stage] = null;
      continue;
    }
    remaining = true;
    const cursor = last ? gsi1Key(last) : cursors[stage];
    if (cursor) next[stage] = cursor;
  }
  return {
    items: taken.map(toReferral),
    ...(remaining ? { nextToken: encodeToken({ q: next }) } : {}),
  };
}

function parseQueueToken(
  store: Store,
  token: string | undefined,
): Partial<Record<Stage, Record<string, string> | null>> {
  if (token === undefined) return {};
  const decoded = decodeToken(token) as { q?: Record<string, unknown> } | null;
  const raw = decoded?.q;
  const cursors: Partial<Record<Stage, Record<string, string> | null>> = {};
  if (typeof raw !== 'object' || raw === null) throw invalidToken();
  for (const [stage, value] of Object.entries(raw)) {
    if (!OPEN_STAGES.includes(stage as Stage)) throw invalidToken();
    cursors[stage as Stage] =
      value === null ? null : checkStartKey(value, 'gsi1pk', IndexKeys.queue(store.region, stage as Stage));
  }
  return cursors;
}
