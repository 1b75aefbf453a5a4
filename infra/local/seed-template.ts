import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, rename, rm } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NotFoundError } from '#data/errors.ts';
import type { Store } from '#data/store.ts';
import { PROGRAM_REGIONS } from '#domain/roles.ts';
import { type DemoWorker, demoWorkers } from './demo-roster.ts';
import { dynamoDbLocalDir, startDynamoDbLocal } from './dynamodb-local.ts';
import { sourceClosure } from './source-closure.ts';

/**
 * The demo database a fresh `npm start` begins from.
 *
 * A first start must create four tables and write four demo rosters into a DynamoDB Local whose JVM has
 * just booted — a second or more of the newcomer's first minute. `npm install` (scripts/prepare.ts) does
 * that once into a template: DynamoDB Local's own database file with the four regions' tables (default
 * names) and demo rosters, kept in the build cache under a key that hashes every source the seeding reads
 * (table design, roster, data layer) and the DynamoDB Local release. A start on a data directory with no
 * database yet copies the template, when one exists for today's key; otherwise it creates and seeds as
 * before. Nothing else differs: the tables, items and roster are what `ensureTable` and `seedDemoWorkers`
 * write (the items were written at install time, so their `createdAt` says so).
 */

const PROJECT_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const DEFAULT_SEED_CACHE_DIR = join(PROJECT_ROOT, 'node_modules', '.cache', 'peerpath', 'dynamodb');
/** The file DynamoDB Local keeps all tables in with `-sharedDb`. */
export const SHARED_DB_FILE = 'shared-local-instance.db';
const FORMAT = 'peerpath-seed-template-v1';

/** What the template depends on: the seeding code's import closure and the DynamoDB Local release. */
export async function seedTemplateKey(): Promise<string> {
  const entries = ['infra/local/seed-template.ts', 'shared/data/table.ts', 'shared/data/store.ts'];
  const sources = await sourceClosure(entries.map((entry) => join(PROJECT_ROOT, entry)));
  const release = basename(dynamoDbLocalDir());
  return createHash('sha256')
    .update(JSON.stringify({ format: FORMAT, regions: PROGRAM_REGIONS, release, sources }))
    .digest('hex')
    .slice(0, 32);
}

const templateDir = (cacheDir: string, key: string) => join(cacheDir, `seed-${key}`);

/**
 * Copies today's template into `dbPath` when `dbPath` holds no database yet. False when there is a
 * database already or no template for today's sources (the caller then creates and seeds as usual).
 */
export async function copySeedTemplate(dbPath: string, cacheDir = DEFAULT_SEED_CACHE_DIR): Promise<boolean> {
  if (existsSync(join(dbPath, SHARED_DB_FILE))) return false;
  const template = join(templateDir(cacheDir, await seedTemplateKey()), SHARED_DB_FILE);
  if (!existsSync(template)) return false;
  await mkdir(dbPath, { recursive: true });
  const temp = join(dbPath, `${SHARED_DB_FILE}.${process.pid}.tmp`);
  await copyFile(template, temp);
  await rename(temp, join(dbPath, SHARED_DB_FILE));
  return true;
}

/**
 * Builds today's template unless it exists: its own DynamoDB Local (stopped by pid before this returns) on
 * a scratch directory, the four default tables, the four demo rosters; then the database file is moved
 * into the cache. Older templates are removed.
 */
export async function buildSeedTemplate(cacheDir = DEFAULT_SEED_CACHE_DIR): Promise<'built' | 'present'> {
  const key = await seedTemplateKey();
  const target = templateDir(cacheDir, key);
  if (existsSync(join(target, SHARED_DB_FILE))) return 'present';
  await mkdir(cacheDir, { recursive: true });
  const scratch = await mkdtemp(join(cacheDir, 'building-'));
  try {
    const dynamo = await startDynamoDbLocal({ dbPath: scratch });
    try {
      const [{ createDocumentClient }, { createStore }, table, workers] = await Promise.all([
        import('#data/client.ts'),
        import('#data/store.ts'),
        import('#data/table.ts'),
        import('#data/workers.ts'),
      ]);
      const doc = createDocumentClient({ endpoint: dynamo.endpoint });
      try {
        await Promise.all(
          PROGRAM_REGIONS.map(async (region) => {
            const tableName = table.tableNameFor(region);
            await table.ensureTable(doc, tableName);
            await seedDemoWorkers(workers, createStore({ region, doc, tableName }), demoWorkers(region));
          }),
        );
      } finally {
        doc.destroy();
      }
    } finally {
      // DynamoDB Local writes its database as it goes; stopping it closes the file.
      await dynamo.stop();
    }
    await mkdir(target, { recursive: true });
    await rename(join(scratch, SHARED_DB_FILE), join(target, SHARED_DB_FILE));
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  for (const name of await readdir(cacheDir)) {
    if (name.startsWith('seed-') && name !== basename(target)) {
      await rm(join(cacheDir, name), { recursive: true, force: true });
    }
  }
  return 'built';
}

/**
 * Seeds the demo roster on a fresh table. The last demo worker is written after all the others: if it
 * exists, an earlier start seeded them all. The others go in with BatchWriteItem (local only, before the
 * API serves, for ids that are not there yet: 2 requests a region instead of 20 transactions on a JVM that
 * has just booted), the last with `createWorker`'s own conditional transaction.
 */
export async function seedDemoWorkers(
  data: typeof import('#data/workers.ts'),
  store: Store,
  roster: readonly DemoWorker[],
): Promise<void> {
  const last = roster.at(-1);
  if (!last || (await workerExists(data, store, last.id))) return;
  const items = roster.slice(0, -1).flatMap((worker) => {
    const { item, change } = data.newWorkerItems(store, { id: worker.id, input: worker.input });
    return [item, change];
  });
  const { BatchWriteCommand } = await import('@aws-sdk/lib-dynamodb');
  const batches: Record<string, unknown>[][] = [];
  for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
  await Promise.all(
    batches.map(async (batch) => {
      let pending = batch.map((Item) => ({ PutRequest: { Item } }));
      for (let round = 0; pending.length > 0; round++) {
        if (round > 8) throw new Error('DynamoDB Local kept returning unprocessed items');
        if (round > 0) await new Promise((resolveLater) => setTimeout(resolveLater, 20 * 2 ** round));
        const out = await store.doc.send(
          new BatchWriteCommand({ RequestItems: { [store.tableName]: pending } }),
        );
        pending = (out.UnprocessedItems?.[store.tableName] as typeof pending | undefined) ?? [];
      }
    }),
  );
  await data.createWorker(store, { id: last.id, input: last.input }).catch((error: unknown) => {
    // Written meanwhile by a concurrent start: fine.
    if ((error as { name?: string }).name !== 'ConcurrentUpdateError') throw error;
  });
}

async function workerExists(
  data: typeof import('#data/workers.ts'),
  store: Store,
  id: string,
): Promise<boolean> {
  try {
    await data.getWorker(store, id);
    return true;
  } catch (error) {
    if (error instanceof NotFoundError) return false;
    throw error;
  }
}
