import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../infra/local/free-port.ts';
import { START_SCRIPT, spawnStart } from '../../test/support/reliability-start.ts';
import { round } from '../lib/stats.ts';

/**
 * `npm start` time to ready: `npx tsx scripts/start.ts` spawned on a fresh data directory and a free port,
 * ready when it prints that it is ready and `GET /health` answers 200. Twice: the first start (creates the
 * tables, seeds the demo roster, makes the signing key, synthesizes the state machines) and a restart on the
 * same data. Each run's whole process group is stopped by its pid.
 */

export interface StartResult {
  available: boolean;
  note?: string;
  firstMs?: number;
  restartMs?: number;
}

export async function runStart(): Promise<StartResult> {
  if (!existsSync(START_SCRIPT)) {
    return { available: false, note: 'scripts/start.ts does not exist yet: not measured' };
  }
  const dataDir = await mkdtemp(join(tmpdir(), 'peerpath-bench-start-'));
  try {
    const times: number[] = [];
    for (let run = 0; run < 2; run++) {
      const start = await spawnStart({ dataDir, port: await freePort() });
      times.push(start.readyMs);
      await start.stop();
    }
    return { available: true, firstMs: round(times[0]!, 0), restartMs: round(times[1]!, 0) };
  } catch (error) {
    return { available: false, note: (error as Error).message.slice(0, 500) };
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}
