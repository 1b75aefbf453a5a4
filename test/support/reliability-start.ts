import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { commandLine, isAlive, PID_FILE_NAME, type RunRecord } from '../../local/process-lock.ts';
import { PROJECT_ROOT } from '../../local/stack.ts';

/**
 * `npm start` in its own process group (`npm start -- --data-dir <dir>`, detached), as a person runs it: for the
 * bench (time to ready) and the reliability suite (SIGKILL of the whole group, then a restart on the same
 * data). Every process is stopped by the group's pid, never by name.
 */

export const START_SCRIPT = join(PROJECT_ROOT, 'scripts', 'start.ts');

/**
 * Throws, saying what is missing, unless `npm start` runs `START_SCRIPT`: a suite that needs it fails rather
 * than being skipped when the script moves.
 */
export function assertStartScript(): void {
  if (!existsSync(START_SCRIPT)) {
    throw new Error(`npm start's script ${START_SCRIPT} is missing: point START_SCRIPT at where it moved`);
  }
  const { scripts } = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as {
    scripts?: Record<string, string>;
  };
  const start = scripts?.start ?? '';
  if (!start.includes(relative(PROJECT_ROOT, START_SCRIPT))) {
    throw new Error(`package.json's start script ("${start}") does not run ${START_SCRIPT}`);
  }
}

export interface RunningStart {
  child: ChildProcess;
  port: number;
  url: string;
  /** Everything it printed (stdout and stderr). */
  output(): string;
  /** ms from spawn until it printed that it is ready and `/health` answered 200. */
  readyMs: number;
  /** The record in `<dataDir>/peerpath.pid` (DynamoDB Local's pid once started). */
  record(): RunRecord | undefined;
  /** DynamoDB Local's endpoint, from its command line (`-port N`). */
  dynamoEndpoint(): string;
  /** SIGTERM to the group (SIGKILL after `graceMs`), then SIGKILL to what is left of it. */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL to the whole group at once (node, tsx, DynamoDB Local's JVM): a crash, no clean-up at all. */
  kill(): Promise<void>;
}

async function healthy(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) });
    await response.arrayBuffer();
    return response.status === 200;
  } catch {
    return false;
  }
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // The group is gone.
  }
}

const exited = (child: ChildProcess) =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise<void>((resolve) => child.once('exit', () => resolve()));

export async function spawnStart(options: {
  dataDir: string;
  port: number;
  timeoutMs?: number;
}): Promise<RunningStart> {
  assertStartScript();
  const url = `http://127.0.0.1:${options.port}`;
  const started = performance.now();
  const child = spawn('npm', ['start', '--silent', '--', '--data-dir', options.dataDir], {
    cwd: PROJECT_ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      PORT: String(options.port),
      PEERPATH_DATA_DIR: options.dataDir,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
  });
  let text = '';
  const append = (chunk: Buffer) => {
    text = (text + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  const record = () => {
    const file = join(options.dataDir, PID_FILE_NAME);
    if (!existsSync(file)) return undefined;
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as RunRecord;
    } catch {
      return undefined;
    }
  };
  const running: Omit<RunningStart, 'readyMs'> = {
    child,
    port: options.port,
    url,
    output: () => text,
    record,
    dynamoEndpoint() {
      const java = record()?.java;
      const port = java ? /-port\s+(\d+)/.exec(commandLine(java) ?? '')?.[1] : undefined;
      if (!port) throw new Error('DynamoDB Local of this start is not known (yet)');
      return `http://127.0.0.1:${port}`;
    },
    async stop(graceMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const java = record()?.java;
      signalGroup(child, 'SIGTERM');
      const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), graceMs);
      await exited(child);
      clearTimeout(timer);
      signalGroup(child, 'SIGKILL');
      if (java && isAlive(java)) process.kill(java, 'SIGKILL');
    },
    async kill() {
      const java = record()?.java;
      signalGroup(child, 'SIGKILL');
      await exited(child);
      const deadline = Date.now() + 10_000;
      while (java && isAlive(java) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    },
  };
  const deadline = started + (options.timeoutMs ?? 120_000);
  try {
    while (performance.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}:\n${text}`);
      if (/PeerPath is ready/.test(text) && (await healthy(url))) {
        return { ...running, readyMs: performance.now() - started };
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(`npm start was not ready in time:\n${text}`);
  } catch (error) {
    await running.stop(2000);
    throw error;
  }
}
