import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * One `npm start` per data directory, and no DynamoDB Local left behind.
 *
 * `<dataDir>/peerpath.pid` records the running start (its node pid and command line) and, once started,
 * its DynamoDB Local (the java pid). A new start:
 * - refuses to run beside a start that is genuinely alive (same pid AND same command line, so a pid
 *   reused after a reboot does not count);
 * - otherwise stops the DynamoDB Local a killed run left (by its pid, after checking its command line is
 *   DynamoDB Local's on this data directory), and any other DynamoDB Local serving this data directory
 *   (one spawned by a run killed before it could record the pid): two JVMs on one database file would
 *   corrupt it.
 * Processes are only ever stopped by their own pid, never by name.
 */

export const PID_FILE_NAME = 'peerpath.pid';

export interface RunRecord {
  /** The node process running `npm start`. */
  node: number;
  /** Its command line when it started (guards against pid reuse). */
  command: string;
  /** DynamoDB Local's java process, once started. */
  java?: number;
  /** The gateway's URL, once listening. */
  url?: string;
  startedAt: string;
}

export class AlreadyRunningError extends Error {
  constructor(readonly record: RunRecord) {
    super(`PeerPath is already running from this data directory (pid ${record.node})`);
    this.name = 'AlreadyRunningError';
  }
}

export interface RunLock {
  readonly file: string;
  /** Pids of the DynamoDB Local processes stopped because an earlier run left them. */
  readonly stoppedStale: number[];
  /** Adds to the record (atomic replace). */
  update(fields: Partial<Pick<RunRecord, 'java' | 'url'>>): void;
  /** Removes the pidfile if it is still ours. Synchronous: safe in an `exit` handler. Idempotent. */
  release(): void;
}

export interface AcquireOptions {
  dataDir: string;
  /** DynamoDB Local's `-dbPath` for this data directory (default `<dataDir>/dynamodb`). */
  dbPath?: string;
  /** Grace before SIGKILL when stopping a stale DynamoDB Local (ms). Default 3000. */
  graceMs?: number;
}

/** True if a process with this pid exists and is not a zombie. */
export function isAlive(pid: number | undefined): pid is number {
  if (!pid || !Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (process.platform === 'linux') {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
      return state !== 'Z' && state !== 'X';
    } catch {
      return false;
    }
  }
  return true;
}

/** The process's command line (arguments joined by spaces), or undefined if it is gone. */
export function commandLine(pid: number): string | undefined {
  if (process.platform === 'linux') {
    try {
      const raw = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      const line = raw.split('\0').filter(Boolean).join(' ');
      return line || undefined;
    } catch {
      return undefined;
    }
  }
  const result = spawnSync('ps', ['-ww', '-o', 'command=', '-p', String(pid)], { encoding: 'utf8' });
  const line = result.status === 0 ? result.stdout.trim() : '';
  return line || undefined;
}

/** Is this command line DynamoDB Local's, storing its data in `dbPath`? */
export function isDynamoDbLocalFor(command: string | undefined, dbPath: string): boolean {
  if (!command?.includes('DynamoDBLocal.jar')) return false;
  const args = command.split(' ');
  const at = args.indexOf('-dbPath');
  return at >= 0 && resolve(args[at + 1] ?? '') === resolve(dbPath);
}

/** Pids of the DynamoDB Local processes serving `dbPath` (any owner: ours, or a killed run's). */
export function findDynamoDbLocal(dbPath: string): number[] {
  const found: number[] = [];
  if (process.platform === 'linux') {
    let entries: string[] = [];
    try {
      entries = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
    } catch {
      return found;
    }
    for (const name of entries) {
      const pid = Number(name);
      if (pid !== process.pid && isDynamoDbLocalFor(commandLine(pid), dbPath)) found.push(pid);
    }
    return found;
  }
  const result = spawnSync('ps', ['-ww', '-axo', 'pid=,command='], { encoding: 'utf8' });
  if (result.status !== 0) return found;
  for (const line of result.stdout.split('\n')) {
    const match = /^\s*(\d+)\s+(.*)$/.exec(line);
    if (match && isDynamoDbLocalFor(match[2], dbPath)) found.push(Number(match[1]));
  }
  return found;
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. */
export async function stopPid(pid: number, graceMs = 3000): Promise<void> {
  if (!isAlive(pid)) return;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  const deadline = Date.now() + graceMs;
  while (isAlive(pid)) {
    if (Date.now() > deadline) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        return;
      }
      const killDeadline = Date.now() + 2000;
      while (isAlive(pid) && Date.now() < killDeadline) await sleep(25);
      return;
    }
    await sleep(25);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function readRecord(file: string): RunRecord | undefined | 'unreadable' {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const parsed = JSON.parse(text) as Partial<RunRecord>;
    if (typeof parsed.node !== 'number' || typeof parsed.command !== 'string') return 'unreadable';
    return parsed as RunRecord;
  } catch {
    return 'unreadable';
  }
}

function writeAtomically(file: string, record: RunRecord): void {
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(record)}\n`, { mode: 0o600 });
  renameSync(temp, file);
}

/** Is the run this record describes still alive (same pid, same command line)? */
export function isRunAlive(record: RunRecord): boolean {
  return record.node !== process.pid && isAlive(record.node) && commandLine(record.node) === record.command;
}

/**
 * Takes the data directory for this process: throws `AlreadyRunningError` if another start is alive,
 * otherwise clears what a dead one left (its DynamoDB Local) and writes a fresh pidfile.
 */
export async function acquireRunLock(options: AcquireOptions): Promise<RunLock> {
  const dataDir = resolve(options.dataDir);
  const dbPath = resolve(options.dbPath ?? join(dataDir, 'dynamodb'));
  const file = join(dataDir, PID_FILE_NAME);
  mkdirSync(dataDir, { recursive: true });
  const ours: RunRecord = {
    node: process.pid,
    command: commandLine(process.pid) ?? process.argv.join(' '),
    startedAt: new Date().toISOString(),
  };
  const stoppedStale: number[] = [];

  for (let attempt = 0; ; attempt++) {
    try {
      writeFileSync(file, `${JSON.stringify(ours)}\n`, { flag: 'wx', mode: 0o600 });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 5) throw error;
    }
    const previous = readRecord(file);
    if (previous === 'unreadable') {
      // Possibly being written by a start racing with us: give it a moment before calling it stale.
      await sleep(200);
      if (readRecord(file) !== 'unreadable') continue;
    } else if (previous) {
      if (isRunAlive(previous)) throw new AlreadyRunningError(previous);
      if (previous.java && isAlive(previous.java) && isDynamoDbLocalFor(commandLine(previous.java), dbPath)) {
        await stopPid(previous.java, options.graceMs);
        stoppedStale.push(previous.java);
      }
    }
    try {
      unlinkSync(file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }

  // We hold the directory now: any DynamoDB Local still serving its database belongs to a dead run
  // (e.g. killed between spawning java and recording its pid).
  for (const pid of findDynamoDbLocal(dbPath)) {
    await stopPid(pid, options.graceMs);
    stoppedStale.push(pid);
  }

  let record = ours;
  let released = false;
  return {
    file,
    stoppedStale,
    update(fields) {
      if (released) return;
      record = { ...record, ...fields };
      writeAtomically(file, record);
    },
    release() {
      if (released) return;
      released = true;
      const current = readRecord(file);
      if (current && current !== 'unreadable' && current.node !== process.pid) return;
      try {
        unlinkSync(file);
      } catch {
        // already gone
      }
    },
  };
}
