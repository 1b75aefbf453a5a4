import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stage } from '#domain/lifecycle.ts';
import { type ProgramRegion, Role } from '#domain/roles.ts';
import { demoStaffId, demoWorkerId } from '../../local/demo-roster.ts';
import { type LocalJwt, loadLocalJwt } from '../../local/jwt.ts';
import { commandLine, isAlive, PID_FILE_NAME, type RunRecord } from '../../local/process-lock.ts';
import { PROJECT_ROOT } from '../../local/stack.ts';
import { callerBuilder, fetchSend } from '../support/callers.ts';
import {
  type CanaryTarget,
  failedFirstCalls,
  newCanary,
  refusalsOf,
  uncalledRoutes,
  walkEveryRoute,
} from '../support/canary-routes.ts';
import { workerForm } from '../support/reliability-flow.ts';
import { eventually } from '../support/workflow.ts';

/**
 * The PHI canary from outside, on what a person actually runs: `npm start` (its own process group, a temp
 * data directory, PORT=0), every route of the table driven over HTTP with the canary client, then
 * everything the process printed (stdout, stderr), its log files (`<data dir>/logs`) and the messages it
 * sent, where it keeps them (`<data dir>/mail`, `<data dir>/sms.jsonl`), must be free of the canary. A handler that wrote a name
 * with console.log would print it on this process's stdout, where the in-process checks cannot look.
 */

const START_TIMEOUT_MS = 90_000;
const TEST_TIMEOUT_MS = 240_000;
const WORKFLOW_CACHE = join(tmpdir(), 'peerpath-test-workflow-cache');

const canary = newCanary();
let dataDir: string;
let child: ChildProcess | undefined;
let java: number | undefined;
let stdout = '';
let stderr = '';

/** Resolves with the URL once the banner's last line is out. */
async function ready(): Promise<string> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!/Ctrl-C stops PeerPath/.test(stdout)) {
    if (child?.exitCode !== null || child?.signalCode !== null) {
      throw new Error(`npm start exited early:\n${stdout}\n${stderr}`);
    }
    if (Date.now() > deadline) throw new Error(`npm start was not ready in time:\n${stdout}\n${stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const url = /Health\s+(http:\/\/127\.0\.0\.1:\d+)\/health/.exec(stdout)?.[1];
  if (!url) throw new Error(`No URL in the banner:\n${stdout}`);
  return url;
}

/** The program over HTTP, with tokens signed by the start's own key (the demo accounts unless `sub`). */
function httpTarget(url: string, jwt: LocalJwt): CanaryTarget {
  const tokenFor = (role: Role, region: ProgramRegion, sub?: string) =>
    jwt.signToken({
      sub: sub ?? (role === Role.PEER_WORKER ? demoWorkerId(region, 0) : demoStaffId(region, role)),
      role,
      region,
    });
  const send = fetchSend(url);
  const as = callerBuilder((method, path, request) => send(method, path, request), tokenFor);
  const coordinator = as(Role.COORDINATOR);
  return {
    as,
    async waitingIn(referralId: string, stage: Stage) {
      // The API does not show the stored wait token: the stage is what can be seen from outside (a step
      // taken before the machine stores its token is fine: the machine then sees the moved stage).
      await eventually(`referral in ${stage}`, async () => {
        const reply = await coordinator.get(`/referrals/${referralId}`);
        return reply.status === 200 && reply.body.stage === stage;
      });
    },
    async addWorkers(count) {
      const ids: string[] = [];
      for (let i = 0; i < count; i++) {
        const reply = await coordinator.post('/workers', workerForm());
        if (reply.status !== 201) throw new Error(`createWorker answered ${reply.status}`);
        ids.push(String(reply.body.id));
      }
      return ids;
    },
  };
}

/** Every file under `dir` (recursively) as `<path>: <text>`; none when it does not exist. */
async function filesUnder(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
  return Promise.all(files.map(async (file) => `${file}: ${await readFile(file, 'utf8')}`));
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'peerpath-canary-start-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: '0',
    PEERPATH_CACHE_DIR: WORKFLOW_CACHE,
    // Triage and match overdue within seconds: the timers' alerts are part of what is printed.
    PEERPATH_TIMERS_VANCOUVER: JSON.stringify({ triage: 2, match: 2 }),
  };
  delete env.NODE_OPTIONS;
  delete env.PEERPATH_DATA_DIR;
  child = spawn('npm', ['start', '--silent', '--', '--data-dir', dataDir], {
    cwd: PROJECT_ROOT,
    env,
    detached: true, // its own process group, stopped as a whole in afterAll
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
}, START_TIMEOUT_MS);

afterAll(async () => {
  if (child?.pid) {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // the group is gone
    }
  }
  if (java && isAlive(java) && commandLine(java)?.includes('DynamoDBLocal.jar'))
    process.kill(java, 'SIGKILL');
  await rm(dataDir, { recursive: true, force: true });
});

describe('npm start with a canary client', () => {
  it(
    'never prints, logs or sends the name, whichever route it goes through',
    async () => {
      // Prepare
      const url = await ready();
      java = (JSON.parse(await readFile(join(dataDir, PID_FILE_NAME), 'utf8')) as RunRecord).java;
      const target = httpTarget(url, await loadLocalJwt({ dataDir }));
      const coordinator = target.as(Role.COORDINATOR);

      // Act
      const { replies, referralId, twin } = await walkEveryRoute(target, canary);
      await eventually('the overdue alerts', async () => {
        const alerts = await coordinator.get('/alerts');
        const kinds = (alerts.body.items as { kind: string }[]).map((a) => a.kind);
        return kinds.includes('TRIAGE_OVERDUE') || kinds.includes('MATCH_OVERDUE');
      });

      // Assess: the canary went in through every route, and the record holds it
      expect(uncalledRoutes(replies)).toEqual([]);
      expect(failedFirstCalls(replies)).toEqual([]);
      expect(JSON.stringify((await coordinator.get(`/referrals/${referralId}`)).body)).toContain(canary.mark);
      // A possible duplicate is the coordinators' business: their view names it, the clinician's never does.
      expect(twin.body.possibleDuplicateOf).toBeUndefined();
      expect((await coordinator.get(`/referrals/${twin.body.id}`)).body.possibleDuplicateOf).toBe(referralId);
      const refusals = refusalsOf(replies, canary);
      expect(refusals.count).toBeGreaterThanOrEqual(6);
      expect(refusals.echoing).toEqual([]);

      // Assess: nothing the process printed, logged or sent carries it
      const logs = await filesUnder(join(dataDir, 'logs'));
      expect(logs.join('\n')).toContain('referral accessed');
      // Messages the program sends, where this version sends them (the notification outbox's catcher).
      const mail = await filesUnder(join(dataDir, 'mail'));
      const sms = existsSync(join(dataDir, 'sms.jsonl'))
        ? await readFile(join(dataDir, 'sms.jsonl'), 'utf8')
        : '';
      const leaks = (name: string, text: string) =>
        text
          .split('\n')
          .filter((line) => line.includes(canary.mark))
          .map((line) => `${name}: ${line.slice(0, 200)}`);
      expect([
        ...leaks('stdout', stdout),
        ...leaks('stderr', stderr),
        ...logs.flatMap((file) => leaks('log', file)),
        ...mail.flatMap((file) => leaks('mail', file)),
        ...leaks('sms', sms),
      ]).toEqual([]);
    },
    TEST_TIMEOUT_MS,
  );
});
