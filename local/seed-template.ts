import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, rename, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Store } from '#data/store.ts';
import type { DemoWorker } from './demo-roster.ts';
import { dynamoDbLocalDir, startDynamoDbLocal } from './dynamodb-local.ts';
import { BUILD_CACHE_DIR, PROJECT_ROOT } from './paths.ts';
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
 *
 * `npm start` reads this module before it spawns the JVM, so it imports only what copying needs; the
 * seeding modules are loaded where they are used (and still count in the key: dynamic imports are followed).
 */

export const DEFAULT_SEED_CACHE_DIR = join(BUILD_CACHE_DIR, 'dynamodb');
/** The file DynamoDB Local keeps all tables in with `-sharedDb`. */
export const SHARED_DB_FILE = 'shared-local-instance.db';
const FORMAT = 'peerpath-seed-template-v1';

/**
 * What the template depends on: the import closure of this module (the table design, the data layer, the
 * roster and the regions, through its imports) and the DynamoDB Local release.
 */
export async function seedTemplateKey(): Promise<string> {
  const sources = await sourceClosure([join(PROJECT_ROOT, 'local', 'seed-template.ts')]);
  const release = basename(dynamoDbLocalDir());
  return createHash('sha256')
    .update(JSON.stringify({ format: FORMAT, release, sources }))
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
      const [
        { createDocumentClient },
        { createStore },
        table,
        workers,
        { PROGRAM_REGIONS },
        { demoWorkers },
      ] = await Promise.all([
        import('#data/client.ts'),
        import('#data/store.ts'),
        import('#data/table.ts'),
        import('#data/workers.ts'),
        import('#domain/roles.ts'),
        import('./demo-roster.ts'),
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
  const { batchPutItems } = await import('./batch-put.ts');
  await batchPutItems(store, items);
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
    if ((error as { name?: string }).name === 'NotFoundError') return false;
    throw error;
  }
}
