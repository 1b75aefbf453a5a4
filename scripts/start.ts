import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { Timers } from '#domain/settings.ts';
import { JavaMissingError, startDynamoDbLocal } from '../local/dynamodb-local.ts';
import { freePort } from '../local/free-port.ts';
import { PROJECT_ROOT, WEB_DIST_DIR } from '../local/paths.ts';
import {
  AlreadyRunningError,
  acquireRunLock,
  commandLine,
  isAlive,
  isDynamoDbLocalFor,
  type RunLock,
} from '../local/process-lock.ts';
import { copySeedTemplate } from '../local/seed-template.ts';
// Type only: the stack's modules are loaded once DynamoDB Local's JVM is booting (see `main`).
import type { LocalStack } from '../local/stack.ts';
import { banner } from '../local/start-banner.ts';
import {
  attentionLine,
  clock,
  openLog,
  out,
  routeStructuredOutput,
  say,
  sayErr,
  shown,
} from '../local/start-output.ts';
import { buildPagesIfStale } from '../local/start-pages.ts';
import { timersFromLocalEnv } from '../local/timers-env.ts';

/**
 * `npm start`: PeerPath on this machine, with no AWS account. DynamoDB Local keeps the data under `.data/`
 * (or `--data-dir`, or `PEERPATH_DATA_DIR`) across restarts; the gateway listens on 127.0.0.1, on `PORT`
 * (default 3000; a free port if that one is taken). Prints the URLs and a ready token per role, then one
 * line per alert; the structured logs go to `<dataDir>/logs/peerpath.log`. Ctrl-C stops everything,
 * DynamoDB Local's JVM included. `.data/peerpath.pid` lets the next start stop a DynamoDB Local that a
 * killed run left behind, and refuses a second start on the same data.
 */

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
process.env.CDK_DISABLE_VERSION_CHECK ??= '1';

const DEFAULT_PORT = 3000;
const USAGE = `Usage: npm start [-- --data-dir <dir>] [-- --no-demo]

  --data-dir <dir>   where the data, the signing key and the logs live (default .data; env PEERPATH_DATA_DIR)
  --no-demo          do not load the invented demo roster and staff accounts
  PORT=<n>           the gateway's port (default 3000; 0 = any free port; a busy port falls back to a free one)
  PEERPATH_CACHE_DIR where synthesized state machines are cached (default node_modules/.cache/peerpath)
  PEERPATH_TIMERS    timer lengths in seconds, JSON (e.g. '{"triage":60,"urgentEscalation":30}')
  PEERPATH_SMTP_URL  send alert emails to this SMTP server instead of the local catcher
`;

// --- main ----------------------------------------------------------------------------------------------------

interface StartArgs {
  dataDir: string;
  demo: boolean;
  port: number;
  timers: Timers | undefined;
}

function parseStartArgs(argv: readonly string[]): StartArgs | number {
  let values: { 'data-dir'?: string; 'no-demo'?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        'data-dir': { type: 'string' },
        'no-demo': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (error) {
    sayErr(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    out(USAGE);
    return 0;
  }
  const rawPort = process.env.PORT?.trim();
  const port = rawPort ? Number(rawPort) : DEFAULT_PORT;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    sayErr(`PORT must be a port number (0-65535), not "${rawPort}"`);
    return 2;
  }
  const dataDir = resolve(
    values['data-dir'] ?? (process.env.PEERPATH_DATA_DIR || join(PROJECT_ROOT, '.data')),
  );
  let timers: Timers | undefined;
  try {
    timers = timersFromLocalEnv(process.env.PEERPATH_TIMERS);
  } catch (error) {
    sayErr((error as Error).message);
    return 2;
  }
  return { dataDir, demo: !values['no-demo'], port, timers };
}

export async function main(argv: readonly string[]): Promise<number | undefined> {
  const args = parseStartArgs(argv);
  if (typeof args === 'number') return args;
  const { dataDir, demo, port, timers } = args;
  const dbPath = join(dataDir, 'dynamodb');

  let lock: RunLock;
  try {
    lock = await acquireRunLock({ dataDir, dbPath });
  } catch (error) {
    if (!(error instanceof AlreadyRunningError)) throw error;
    const where = error.record.url ? ` at ${error.record.url}` : '';
    sayErr(
      `PeerPath is already running from ${dataDir}${where} (pid ${error.record.node}).\n` +
        'Stop it with Ctrl-C in its terminal, or start another with `npm start -- --data-dir <another dir>`.',
    );
    return 1;
  }
  let javaPid: number | undefined;
  process.on('exit', () => {
    // Last resort (an uncaught error, a second Ctrl-C): never leave DynamoDB Local's JVM behind.
    if (javaPid && isAlive(javaPid) && isDynamoDbLocalFor(commandLine(javaPid), dbPath)) {
      try {
        process.kill(javaPid, 'SIGKILL');
      } catch {
        // gone already
      }
    }
    lock.release();
  });
  for (const pid of lock.stoppedStale)
    say(`Stopped DynamoDB Local (pid ${pid}), left running by an earlier start.`);

  // A first start with the demo begins from the demo database `npm install` prepared, when there is one
  // for today's sources (local/seed-template.ts): no tables to create, no roster to write.
  if (demo) await copySeedTemplate(dbPath).catch(() => false);
  // The JVM's boot is the longest step of a start: it begins now, before the program's modules are read.
  const dynamoPort = await freePort();
  const dynamoStarting = startDynamoDbLocal({ dbPath, port: dynamoPort });
  dynamoStarting.catch(() => undefined); // the stack awaits it (and reports a failure)

  const log = openLog(dataDir);
  routeStructuredOutput(process.stdout, log.write);
  routeStructuredOutput(process.stderr, log.write);
  say(`Starting PeerPath (data in ${shown(dataDir)}) …`);

  let stack: LocalStack | undefined;
  let starting: Promise<LocalStack> | undefined;
  let stopping: Promise<void> | undefined;
  let firstSignalAt = 0;
  const stopAll = (signal: NodeJS.Signals) => {
    if (stopping) {
      // A repeated signal from the same Ctrl-C (npm and tsx relay it) is ignored; a later one forces.
      if (Date.now() - firstSignalAt > 2000) {
        sayErr('Forced to stop.');
        process.exit(130);
      }
      return;
    }
    firstSignalAt = Date.now();
    say(`\n${signal === 'SIGINT' ? 'Ctrl-C: stopping' : `${signal}: stopping`} PeerPath …`);
    stopping = (async () => {
      await starting?.catch(() => undefined);
      await stack?.stop();
      lock.release();
    })();
    stopping.then(
      () => {
        say('Stopped.');
        process.exit(0);
      },
      (error: unknown) => {
        sayErr(`Could not stop cleanly: ${(error as Error).message}`);
        process.exit(1);
      },
    );
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => stopAll(signal));

  const pages = buildPagesIfStale();
  const { startLocalStack } = await import('../local/stack.ts');
  starting = startLocalStack({
    dynamoDbLocal: { port: dynamoPort, starting: dynamoStarting },
    dataDir,
    port,
    anyPortIfTaken: true,
    demo,
    ...(timers ? { timers } : {}),
    mail: {
      smtpUrl: process.env.PEERPATH_SMTP_URL?.trim() || undefined,
      // One line per message: the recipient and the alert kind, nothing of the message.
      print: (line) => {
        log.write(line);
        say(`${clock()}  ${line}`);
      },
    },
    staticDir: WEB_DIST_DIR,
    ...(process.env.PEERPATH_CACHE_DIR ? { workflowCacheDir: resolve(process.env.PEERPATH_CACHE_DIR) } : {}),
    log: log.write,
    notice: (line) => {
      log.write(line);
      try {
        const text = attentionLine(JSON.parse(line) as Record<string, unknown>);
        if (text) say(`${clock()}  ${text}`);
      } catch {
        say(`${clock()}  ${line}`);
      }
    },
    accessLog: (line) => log.write({ access: line }),
    onDynamoDbLocal: ({ pid }) => {
      javaPid = pid;
      lock.update({ java: pid });
    },
    progress: (message) => say(`  ${message} …`),
  });
  try {
    stack = await starting;
  } catch (error) {
    if (stopping) return undefined; // stopping after Ctrl-C during start-up; `stopAll` exits
    if (error instanceof JavaMissingError) {
      sayErr(error.message);
      return 1;
    }
    sayErr(`PeerPath could not start: ${(error as Error).message}`);
    return 1;
  }
  if (stopping) return undefined;
  const pagesState = await pages;
  lock.update({ url: stack.url });
  const seconds = performance.now() / 1000;
  say(
    await banner({
      stack,
      seconds,
      dataDir,
      logFile: log.file,
      requestedPort: port,
      demo,
      pages: pagesState,
    }),
  );
  if (stack.mail) {
    const where = stack.mail.catcher
      ? `caught by ${stack.mail.catcher.url}, kept in ${shown(stack.mail.mailDir)}`
      : 'sent to PEERPATH_SMTP_URL';
    say(`  Alert mail:  ${stack.url}/local/mail  (${where}; SMS in ${shown(stack.mail.smsFile)})`);
  }
  if (timers) say(`  Timers:      from PEERPATH_TIMERS (seconds) ${JSON.stringify(timers)}`);
  log.write({ msg: 'peerpath ready', url: stack.url, seconds: Number(seconds.toFixed(2)) });

  // The handlers load on first use; load them now, one by one, so the first request is answered at once.
  void (async () => {
    const { ROUTES } = await import('#api/routes.ts');
    for (const file of new Set(ROUTES.map((route) => route.handler.file))) {
      await import(pathToFileURL(resolve(PROJECT_ROOT, file)).href).catch(() => undefined);
    }
  })().catch(() => undefined);

  // Noticed at once rather than as a stream of 503s.
  const watch = setInterval(() => {
    if (javaPid && !isAlive(javaPid)) {
      say(`${clock()}  DynamoDB Local (pid ${javaPid}) has stopped: the API answers 503 until it is back.`);
      clearInterval(watch);
    }
  }, 2000);
  watch.unref();
  return undefined;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const code = await main(process.argv.slice(2)).catch((error: unknown) => {
    sayErr(`PeerPath could not start: ${(error as Error).stack ?? String(error)}`);
    return 1;
  });
  if (code !== undefined) process.exit(code);
}
