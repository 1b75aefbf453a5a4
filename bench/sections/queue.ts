import { loadavg } from 'node:os';
import { newId } from '#data/common.ts';
import { IndexKeys } from '#data/keys.ts';
import { newReferralItems } from '#data/referrals/create.ts';
import type { Store } from '#data/store.ts';
import { OPEN_STAGES, Stage } from '#domain/lifecycle.ts';
import { ReferralInputSchema } from '#domain/referral.ts';
import { type ProgramRegion, Role } from '#domain/roles.ts';
import { BATCH_PUT_SIZE, batchPutItems } from '../../local/batch-put.ts';
import { referralForm } from '../../test/support/fixtures.ts';
import type { Progress } from '../lib/progress.ts';
import { figuresOf, Recorder, type RouteFigures } from '../lib/record.ts';
import type { BenchStack } from '../lib/stack.ts';
import { pool, round } from '../lib/stats.ts';

/**
 * The coordinator's queue page (`GET /referrals`, every open stage merged, most urgent then oldest first)
 * with 1,000 and with 100,000 referrals in the region's table: years of referrals piling up. The open
 * caseload is the program's current work and does not grow with its history: 600 open referrals (100 in each
 * open stage) in both tables; the rest are closed or declined, created over five years. The items are the
 * data layer's own (`newReferralItems`), loaded with BatchWriteItem. The two tables belong to two regions of
 * the same stack and are measured turn about, so whatever else the machine does weighs on both alike.
 */
export interface QueueResult {
  small: RouteFigures & { referrals: number };
  large: RouteFigures & { referrals: number };
  /** Open referrals in both cases. */
  open: number;
  /** p50 latency with 100,000 / with 1,000. */
  ratio: number;
  /** p50 DynamoDB time with 100,000 / with 1,000. */
  dynamoRatio: number;
  loadSeconds: number;
  /** The open caseload growing: the same page with 1,000 and with 10,000 open referrals. */
  growing?: OpenQueueResult;
}

/**
 * The coordinator's queue page with the open caseload growing tenfold (1,000 then 10,000 open referrals,
 * every one of them on the merged queue, spread over the open stages; no closed ones), page of 50. One table
 * (sea-to-sky): measured with 1,000 open, then 9,000 more are loaded and it is measured again, so the two
 * figures are taken one after the other (not turn about) and the load average of each is kept.
 */
export interface OpenQueueResult {
  small: RouteFigures & { open: number; loadAverage: number };
  large: RouteFigures & { open: number; loadAverage: number };
  pageSize: number;
  /** p50 latency with 10,000 open / with 1,000 open. */
  ratio: number;
  dynamoRatio: number;
}

/** The table with 1,000 referrals, and the one with 100,000. */
const SMALL: ProgramRegion = 'north-shore';
const LARGE: ProgramRegion = 'richmond';
/** The table whose open caseload grows. */
const GROWING: ProgramRegion = 'sea-to-sky';
const PAGE = 50;
const FIVE_YEARS_MS = 5 * 365 * 24 * 3600 * 1000;
const CLOSED_STAGES = [Stage.CLOSED, Stage.DECLINED] as const;

/** A fixed, varied set of forms: the loaded items differ in client, urgency and consent like real ones. */
function forms(region: ProgramRegion, count: number) {
  const urgencies = ['URGENT', 'SOON', 'ROUTINE', 'ROUTINE', 'ROUTINE'] as const;
  return Array.from({ length: count }, (_, i) =>
    ReferralInputSchema.parse(referralForm(region, { urgency: urgencies[i % urgencies.length]! })),
  );
}

/** Open referrals in the table, whatever its size (100 per open stage). */
export const OPEN_REFERRALS = 600;

/**
 * Items for referrals `from`…`to-1` of `total`, created over five years up to now: the first
 * OPEN_REFERRALS are the open ones (created in the last months), every other one is closed or declined.
 */
function itemsFor(
  store: Store,
  from: number,
  to: number,
  total: number,
  openCount = OPEN_REFERRALS,
): Record<string, unknown>[] {
  const templates = forms(store.region, 50);
  const now = Date.now();
  const items: Record<string, unknown>[] = [];
  for (let i = from; i < to; i++) {
    const open = i < openCount;
    const at = new Date(
      open ? now - (i + 1) * 3_600_000 : now - FIVE_YEARS_MS + Math.floor((FIVE_YEARS_MS * i) / total),
    );
    const clock: Store = { ...store, now: () => at };
    const { item } = newReferralItems(clock, {
      id: newId(clock),
      details: templates[i % templates.length]!,
      referrerSub: `bench-clinician-${i % 40}`,
    });
    const stage = open ? OPEN_STAGES[i % OPEN_STAGES.length]! : CLOSED_STAGES[i % CLOSED_STAGES.length]!;
    item.stage = stage;
    item.gsi1pk = IndexKeys.queue(store.region, stage);
    if (!open) {
      delete item.gsi3pk;
      delete item.gsi3sk;
      item.closedAt = item.updatedAt;
    }
    items.push(item);
  }
  return items;
}

async function load(store: Store, items: Record<string, unknown>[], onBatch: () => void): Promise<void> {
  const batches: Record<string, unknown>[][] = [];
  for (let i = 0; i < items.length; i += BATCH_PUT_SIZE) batches.push(items.slice(i, i + BATCH_PUT_SIZE));
  await pool(batches, 16, async (batch) => {
    await batchPutItems(store, batch);
    onBatch();
  });
}

export async function runQueue(
  bench: BenchStack,
  options: {
    small: number;
    large: number;
    calls: number;
    progress: Progress;
    /** Open referrals in the growing table: first, then after it grows (default: none measured). */
    openSmall?: number;
    openLarge?: number;
  },
): Promise<QueueResult> {
  const loadStarted = Date.now();
  let written = 0;
  const total = options.small + options.large + (options.openLarge ?? 0);
  const loadRange = async (store: Store, from: number, to: number, of: number, openCount?: number) => {
    for (let at = from; at < to; at += 5000) {
      const end = Math.min(to, at + 5000);
      await load(store, itemsFor(store, at, end, of, openCount), () => {
        written += 25;
        options.progress.update('queue: loading', Math.min(written, total), total);
      });
    }
  };
  await loadRange(bench.stack.stores[SMALL], 0, options.small, options.small);
  await loadRange(bench.stack.stores[LARGE], 0, options.large, options.large);
  const loadMs = Date.now() - loadStarted;
  options.progress.note(
    `queue: ${options.small + options.large} referrals loaded in ${(loadMs / 1000).toFixed(1)} s`,
  );

  bench.api.attribution = 'sequential';
  const small = new Recorder(bench.api);
  const large = new Recorder(bench.api);
  const smallCoordinator = bench.client.as(Role.COORDINATOR, SMALL);
  const largeCoordinator = bench.client.as(Role.COORDINATOR, LARGE);
  for (let i = 0; i < options.calls + 20; i++) {
    small.recording = large.recording = i >= 20;
    await small.measure('listReferrals', smallCoordinator.get('/referrals'), 200);
    await large.measure('listReferrals', largeCoordinator.get('/referrals'), 200);
    options.progress.update('queue: measuring', i + 1, options.calls + 20);
  }
  const smallFigures = {
    ...figuresOf('listReferrals', small.samples.get('listReferrals') ?? []),
    referrals: options.small,
  };
  const largeFigures = {
    ...figuresOf('listReferrals', large.samples.get('listReferrals') ?? []),
    referrals: options.large,
  };
  let growing: OpenQueueResult | undefined;
  if (options.openSmall && options.openLarge) {
    const store = bench.stack.stores[GROWING];
    const coordinator = bench.client.as(Role.COORDINATOR, GROWING);
    const measureOpen = async (open: number) => {
      const recorder = new Recorder(bench.api);
      const loadAverage = round(loadavg()[0]!, 1);
      for (let i = 0; i < options.calls + 20; i++) {
        recorder.recording = i >= 20;
        await recorder.measure('listReferrals', coordinator.get(`/referrals?limit=${PAGE}`), 200);
        options.progress.update(`queue: ${open} open`, i + 1, options.calls + 20);
      }
      return {
        ...figuresOf('listReferrals', recorder.samples.get('listReferrals') ?? []),
        open,
        loadAverage,
      };
    };
    // Every referral of this table is open: the first `openSmall`, then the rest up to `openLarge`.
    const { openSmall, openLarge } = options;
    await loadRange(store, 0, openSmall, openLarge, openLarge);
    const small = await measureOpen(openSmall);
    await loadRange(store, openSmall, openLarge, openLarge, openLarge);
    const large = await measureOpen(openLarge);
    growing = {
      small,
      large,
      pageSize: PAGE,
      ratio: round(large.p50Ms / small.p50Ms),
      dynamoRatio: round(large.dynamoP50Ms / small.dynamoP50Ms),
    };
  }
  return {
    small: smallFigures,
    large: largeFigures,
    open: OPEN_REFERRALS,
    ratio: round(largeFigures.p50Ms / smallFigures.p50Ms),
    dynamoRatio: round(largeFigures.dynamoP50Ms / smallFigures.dynamoP50Ms),
    loadSeconds: round(loadMs / 1000, 1),
    ...(growing ? { growing } : {}),
  };
}
