import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient } from '#data/client.ts';
import { createStore } from '#data/store.ts';
import { tableNameFor } from '#data/table.ts';
import { listAllWorkers } from '#data/workers.ts';
import { PROGRAM_REGIONS } from '#domain/roles.ts';
import { demoWorkers } from '../../../local/demo-roster.ts';
import { startDynamoDbLocal } from '../../../local/dynamodb-local.ts';
import { buildSeedTemplate, copySeedTemplate, SHARED_DB_FILE } from '../../../local/seed-template.ts';

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'peerpath-seed-template-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('the demo database template (what a first npm start copies)', () => {
  it('is built once per source version, copied only into a data directory without a database, and holds every region’s roster', async () => {
    // Prepare
    const cacheDir = join(scratch, 'cache');
    const dbPath = join(scratch, 'data', 'dynamodb');

    // Act
    const built = await buildSeedTemplate(cacheDir);
    const again = await buildSeedTemplate(cacheDir);
    const copied = await copySeedTemplate(dbPath, cacheDir);
    const copiedOverExisting = await copySeedTemplate(dbPath, cacheDir);
    const withoutTemplate = await copySeedTemplate(
      join(scratch, 'other', 'dynamodb'),
      join(scratch, 'empty'),
    );

    // Assess
    expect([built, again, copied, copiedOverExisting, withoutTemplate]).toEqual([
      'built',
      'present',
      true,
      false,
      false,
    ]);
    expect(existsSync(join(dbPath, SHARED_DB_FILE))).toBe(true);
    const dynamo = await startDynamoDbLocal({ dbPath });
    const doc = createDocumentClient({ endpoint: dynamo.endpoint });
    try {
      for (const region of PROGRAM_REGIONS) {
        const store = createStore({ region, doc, tableName: tableNameFor(region) });
        const workers = await listAllWorkers(store);
        expect(workers.map((w) => w.id).sort()).toEqual(
          demoWorkers(region)
            .map((w) => w.id)
            .sort(),
        );
        expect(workers.every((w) => w.region === region && w.activeCaseload === 0 && w.version === 1)).toBe(
          true,
        );
      }
    } finally {
      doc.destroy();
      await dynamo.stop();
    }
  });
});
