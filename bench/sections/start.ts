import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { freePort } from '../../local/free-port.ts';
import { PROJECT_ROOT } from '../../local/stack.ts';
import { START_SCRIPT, spawnStart } from '../../test/support/reliability-start.ts';
import { round } from '../lib/stats.ts';

/**
 * `npm start` time to ready: `npm start -- --data-dir <dir>` spawned on a fresh data directory and a free port,
 * ready when it prints that it is ready and `GET /health` answers 200. First `npm install`'s prepare step
 * (timed apart), then twice: the first start (the demo database from the prepared template, the signing
 * key, the logins) and a restart on the same data. Each run's whole process group is stopped by its pid.
 */

export interface StartResult {
  available: boolean;
  note?: string;
  firstMs?: number;
  restartMs?: number;
  /** `npm install`'s prepare step (scripts/prepare.ts), run first as a fresh clone's install does. */
  prepareMs?: number;
}

/** Runs scripts/prepare.ts as `npm install` does, in its own process group; resolves with its time. */
async function prepare(): Promise<number> {
  const started = performance.now();
  const child = spawn('npx', ['tsx', join(PROJECT_ROOT, 'scripts', 'prepare.ts')], {
    cwd: PROJECT_ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`scripts/prepare.ts exited with ${code}`);
  return performance.now() - started;
}

export async function runStart(): Promise<StartResult> {
  if (!existsSync(START_SCRIPT)) {
    return { available: false, note: 'scripts/start.ts does not exist yet: not measured' };
  }
  const dataDir = await mkdtemp(join(tmpdir(), 'peerpath-bench-start-'));
  try {
    // The newcomer's sequence: `npm install` (whose prepare step builds what a start needs and keeps it
    // in node_modules/.cache), then `npm start` on a fresh data directory, then a restart on the same data.
    const prepareMs = await prepare();
    const times: number[] = [];
    for (let run = 0; run < 2; run++) {
      const start = await spawnStart({ dataDir, port: await freePort() });
      times.push(start.readyMs);
      await start.stop();
    }
    return {
      available: true,
      firstMs: round(times[0]!, 0),
      restartMs: round(times[1]!, 0),
      prepareMs: round(prepareMs, 0),
    };
  } catch (error) {
    return { available: false, note: (error as Error).message.slice(0, 500) };
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}
