import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoStaffId, demoWorkerId } from '../../local/demo-roster.ts';
import { loadLocalJwt } from '../../local/jwt.ts';
import {
  commandLine,
  isAlive,
  isDynamoDbLocalFor,
  PID_FILE_NAME,
  type RunRecord,
} from '../../local/process-lock.ts';
import { PROJECT_ROOT } from '../../local/stack.ts';

/**
 * `npm start` as a person runs it: the real script in its own process group (tsx, as the npm script
 * runs it), on a data directory of its own, PORT=0. Everything spawned here is killed in afterAll by
 * process group and by pid.
 */

const TSX = join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx');
const START_TIMEOUT_MS = 60_000;
/** Starting takes seconds; on a loaded machine much longer (not a timed assertion: a hang guard). */
const TEST_TIMEOUT_MS = 150_000;

interface Run {
  child: ChildProcess;
  output: () => string;
  errors: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const groups: number[] = [];
const javas = new Set<number>();
let dataDir: string;
let scratch: string;

/**
 * The synthesized state machines are cached by content hash, so sharing the cache between runs of this
 * file is safe and spares each run a synth (what a developer's second `npm start` gets).
 */
const WORKFLOW_CACHE = join(tmpdir(), 'peerpath-test-workflow-cache');

function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', PEERPATH_CACHE_DIR: WORKFLOW_CACHE, ...extra };
  delete env.NODE_OPTIONS;
  delete env.PEERPATH_DATA_DIR;
  return env;
}

function launch(command: string, args: string[], env: NodeJS.ProcessEnv = childEnv()): Run {
  const child = spawn(command, args, {
    cwd: PROJECT_ROOT,
    env,
    detached: true, // its own process group, as a terminal gives `npm start`
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid) groups.push(child.pid);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  return { child, output: () => stdout, errors: () => stderr, exited };
}

const startPeerPath = (dir: string, env: Record<string, string> = {}) =>
  launch(TSX, ['scripts/start.ts', '--data-dir', dir], childEnv(env));

/** Resolves with the banner once the ready line and the Ctrl-C line (the banner's last) are out. */
async function ready(run: Run): Promise<{ url: string; tokens: Record<string, string> }> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!/Ctrl-C stops PeerPath/.test(run.output())) {
    if (run.child.exitCode !== null || run.child.signalCode !== null) {
      throw new Error(`npm start exited early:\n${run.output()}\n${run.errors()}`);
    }
    if (Date.now() > deadline) throw new Error(`npm start was not ready in time:\n${run.output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const text = run.output();
  const url = /Health\s+(http:\/\/127\.0\.0\.1:\d+)\/health/.exec(text)?.[1];
  if (!url) throw new Error(`No URL in the banner:\n${text}`);
  const tokens: Record<string, string> = {};
  for (const match of text.matchAll(/^ {2}(clinician|coordinator|peer-worker|admin)\s+(\S+)$/gm)) {
    tokens[match[1] as string] = match[2] as string;
  }
  return { url, tokens };
}

async function pidRecord(dir: string): Promise<RunRecord> {
  const record = JSON.parse(await readFile(join(dir, PID_FILE_NAME), 'utf8')) as RunRecord;
  if (record.java) javas.add(record.java);
  return record;
}

async function gone(pid: number, timeoutMs = 10_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}

const get = (url: string, token?: string) =>
  fetch(url, token ? { headers: { authorization: `Bearer ${token}` } } : {});

beforeAll(async () => {
  // One data directory for the file, as a developer has one `.data`: the second start reuses the first's
  // cached state machines, as a real second start does.
  dataDir = await mkdtemp(join(tmpdir(), 'peerpath-start-'));
  scratch = await mkdtemp(join(tmpdir(), 'peerpath-start-bin-'));
});

afterAll(async () => {
  for (const pid of groups) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // the group is gone
    }
  }
  for (const pid of javas) {
    if (isAlive(pid) && commandLine(pid)?.includes('DynamoDBLocal.jar')) process.kill(pid, 'SIGKILL');
  }
  await rm(dataDir, { recursive: true, force: true });
  await rm(scratch, { recursive: true, force: true });
});

describe('npm start', () => {
  it(
    'serves PeerPath with working printed tokens, and Ctrl-C stops it all and exits 0',
    async () => {
      // Prepare
      const run = startPeerPath(dataDir);
      const { url, tokens } = await ready(run);
      const record = await pidRecord(dataDir);
      expect(record.java).toBeDefined();
      expect(isDynamoDbLocalFor(commandLine(record.java as number), join(dataDir, 'dynamodb'))).toBe(true);
      expect(Object.keys(tokens).sort()).toEqual(['admin', 'clinician', 'coordinator', 'peer-worker']);

      // Act
      const health = await get(`${url}/health`);
      const anonymous = await get(`${url}/vancouver/workers`);
      const workers = await get(`${url}/vancouver/workers`, tokens.coordinator);
      const jwt = await loadLocalJwt({ dataDir });
      const coordinator = await jwt.verifyToken(tokens.coordinator as string);
      const peerWorker = await jwt.verifyToken(tokens['peer-worker'] as string);

      // Assess
      expect(health.status).toBe(200);
      expect(anonymous.status).toBe(401);
      expect(workers.status).toBe(200);
      const listed = (await workers.json()) as { items: { id: string }[] };
      expect(listed.items.map((worker) => worker.id)).toContain(demoWorkerId('vancouver', 0));
      expect(coordinator.sub).toBe(demoStaffId('vancouver', 'coordinator'));
      expect(peerWorker.sub).toBe(demoWorkerId('vancouver', 0));

      // Act: Ctrl-C reaches the whole foreground process group
      process.kill(-(run.child.pid as number), 'SIGINT');
      const exit = await run.exited;

      // Assess
      expect(exit).toEqual({ code: 0, signal: null });
      expect(await gone(record.java as number)).toBe(true);
      expect(existsSync(join(dataDir, PID_FILE_NAME))).toBe(false);
      expect(run.output()).toMatch(/Stopped\./);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'stops the DynamoDB Local a killed start left behind, keeps the data, takes a free port if PORT is busy, and refuses a second live start',
    async () => {
      // Prepare: a start whose node process is SIGKILLed, leaving its java orphaned
      const first = startPeerPath(dataDir);
      const { tokens } = await ready(first);
      const killed = await pidRecord(dataDir);
      process.kill(killed.node, 'SIGKILL');
      await first.exited;
      expect(isAlive(killed.java)).toBe(true);

      const busy = createServer();
      await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
      const busyPort = (busy.address() as AddressInfo).port;

      // Act
      const second = startPeerPath(dataDir, { PORT: String(busyPort) });
      const { url } = await ready(second).finally(() => busy.close());
      const record = await pidRecord(dataDir);
      const oldToken = await get(`${url}/vancouver/workers`, tokens.coordinator);
      const third = startPeerPath(dataDir);
      const refused = await third.exited;

      // Assess
      expect(await gone(killed.java as number)).toBe(true);
      expect(second.output()).toContain(`Stopped DynamoDB Local (pid ${killed.java})`);
      expect(record.java).not.toBe(killed.java);
      expect(url).not.toBe(`http://127.0.0.1:${busyPort}`);
      expect(second.output()).toContain(`Port ${busyPort} was busy`);
      expect(oldToken.status).toBe(200); // the signing key was kept under the data directory
      expect(refused.code).toBe(1);
      expect(third.errors()).toMatch(/already running/);
      expect(isAlive(record.java)).toBe(true); // the refused start touched nothing

      process.kill(-(second.child.pid as number), 'SIGINT');
      expect((await second.exited).code).toBe(0);
      expect(await gone(record.java as number)).toBe(true);
    },
    TEST_TIMEOUT_MS,
  );

  it('says how to install Java when there is none, and exits non-zero', async () => {
    // Prepare: a PATH with node and nothing else
    await symlink(process.execPath, join(scratch, 'node'));
    const dir = join(scratch, 'data');

    // Act
    const run = launch(process.execPath, ['--import', 'tsx', 'scripts/start.ts', '--data-dir', dir], {
      ...childEnv(),
      PATH: scratch,
    });
    const exit = await run.exited;

    // Assess
    expect(exit.code).not.toBe(0);
    expect(run.errors()).toMatch(/openjdk-17-jre-headless/);
    expect(existsSync(join(dir, PID_FILE_NAME))).toBe(false);
  });
});
