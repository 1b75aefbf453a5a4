import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { EventPublisher } from '#app/ports.ts';
import type { DocumentClientOptions } from '#data/client.ts';
import type { Store } from '#data/store.ts';
import { PROGRAM_REGIONS, type ProgramRegion, Role } from '#domain/roles.ts';
import type { Timers } from '#domain/settings.ts';
import type { DirectoryUser } from '#domain/users.ts';
import type { ApiDeps } from '../functions/api/deps.ts';
import type { SynthesizedWorkflow } from '../infra/asl.ts';
import { regionConfig } from '../infra/regions.ts';
import { type DemoWorker, demoStaffId, demoWorkerId, demoWorkers } from './demo-roster.ts';
import { type DynamoDbLocal, startDynamoDbLocal } from './dynamodb-local.ts';
import { freePort } from './free-port.ts';
import type { AccessLine, ExtraRoute, Gateway } from './gateway.ts';
import { type LocalJwt, loadLocalJwt, localSubFor } from './jwt.ts';
import { BUILD_CACHE_DIR, PROJECT_ROOT, WEB_DIST_DIR } from './paths.ts';
import { seedDemoWorkers } from './seed-template.ts';
import { type SourceClosure, sourceClosure } from './source-closure.ts';
import { LocalUserDirectory } from './user-directory.ts';
import type { LocalWorkflowRunner } from './workflow-runner.ts';

/**
 * PeerPath on one machine: DynamoDB Local (one table per program region, as in the cloud), one local
 * workflow runner per region executing the ASL the region's stack synthesizes, the API handlers behind the
 * local HTTP gateway, the local user directory and token signer, and the pages. `npm start` calls this;
 * so do the integration, browser and reliability tests (with an in-memory store and short timers).
 *
 * Start-up is parallel: DynamoDB Local's JVM boots while the heavy modules load, the signing key and the
 * logins are read, and each region's workflow is synthesized (or read from the cache, see
 * `loadWorkflow`); the tables, the roster and the runners follow as soon as DynamoDB answers.
 */

export { PROJECT_ROOT, WEB_DIST_DIR };
export const DEFAULT_DATA_DIR = join(PROJECT_ROOT, '.data');
/** Where synthesized state machines are kept by default (in the build cache). */
export const DEFAULT_WORKFLOW_CACHE_DIR = join(BUILD_CACHE_DIR, 'workflows');

export type StaffRole = 'clinician' | 'coordinator' | 'admin';
const STAFF_ROLES: readonly StaffRole[] = [Role.CLINICIAN, Role.COORDINATOR, Role.ADMIN];

export interface LocalStackOptions {
  /** Where the signing key, the users and (unless in memory) DynamoDB's files live. Default `.data/`. */
  dataDir?: string;
  /** Use this running DynamoDB Local instead of starting one (tests share one per run). */
  dynamoEndpoint?: string;
  /**
   * A DynamoDB Local the caller has already begun to start on `port` (npm start spawns the JVM before it
   * loads anything else: the JVM's boot is the longest step of a start). The stack owns it from here: it
   * waits for it, and stops it on `stop`.
   */
  dynamoDbLocal?: { port: number; starting: Promise<DynamoDbLocal> };
  /** Start DynamoDB Local in memory (nothing kept on disk). Default false: kept under `<dataDir>/dynamodb`. */
  inMemory?: boolean;
  /** Gateway port; 0 (default) picks a free one. */
  port?: number;
  /** If `port` is taken, listen on a free port instead of failing (see `LocalStack.port`). Default false. */
  anyPortIfTaken?: boolean;
  regions?: readonly ProgramRegion[];
  /** Timer lengths (seconds) for every region; default each region's configured timers. */
  timers?: Timers;
  /** Table name per region (tests use unique names); default `tableNameFor(region)`. */
  tableName?: (region: ProgramRegion) => string;
  /** Seed the invented demo roster and staff accounts (default true). Idempotent. */
  demo?: boolean;
  /** Keep users in memory rather than `<dataDir>/users-<region>.json` (tests). */
  usersInMemory?: boolean;
  /** Pages served at `/` (default `web/dist` when it exists). */
  staticDir?: string;
  /** Runner follow-up/repair tick (ms); default 60 s, 0 = off. */
  tickEveryMs?: number;
  /**
   * Where synthesized workflows are cached, keyed by a hash of everything the synth reads (see
   * `loadWorkflow`); `false` synthesizes every time. Default `DEFAULT_WORKFLOW_CACHE_DIR` (node_modules/.cache).
   */
  workflowCacheDir?: string | false;
  /** Structured lines from the runner and the handlers (ids and stages only). Default: JSON on stdout. */
  log?: (entry: Record<string, unknown>) => void;
  /** One line per HTTP request (method, path, status, ms). Default: none. */
  accessLog?: (line: AccessLine) => void;
  /** Alert notices (ids and kinds only). Default: the console. */
  notice?: (line: string) => void;
  /** Where the runner publishes events (default in memory, inspectable through `events`). */
  events?: (region: ProgramRegion) => EventPublisher;
  /** DynamoDB client options (e.g. `onRequest` to count requests, `maxAttempts`). */
  client?: Omit<DocumentClientOptions, 'endpoint'>;
  extraRoutes?: readonly ExtraRoute[];
  /** Called as soon as the DynamoDB Local this stack started answers (npm start records its pid). */
  onDynamoDbLocal?: (dynamo: { pid: number; endpoint: string }) => void;
  /** Slow steps worth telling a person about (e.g. a first synthesis). */
  progress?: (message: string) => void;
}

export interface DemoAccounts {
  staff: Record<StaffRole, string>;
  /** Demo worker ids (their `sub`), the first ones active. */
  workers: string[];
}

export interface LocalStack {
  url: string;
  port: number;
  regions: readonly ProgramRegion[];
  dynamo: { endpoint: string; pid: number | undefined };
  stores: Record<ProgramRegion, Store>;
  runners: Record<ProgramRegion, LocalWorkflowRunner>;
  events: Record<ProgramRegion, EventPublisher>;
  users: LocalUserDirectory;
  jwt: LocalJwt;
  demo: Record<ProgramRegion, DemoAccounts>;
  /** A signed local ID token (the same as the sign-in page gets). */
  tokenFor(role: Role, region: ProgramRegion, sub?: string): Promise<string>;
  /** Stops the gateway, every runner and (if it started it) DynamoDB Local. Idempotent. */
  stop(): Promise<void>;
}

// --- demo roster -----------------------------------------------------------------------------------------

/** The demo staff accounts of a region, in the directory's shape. */
function demoStaff(region: ProgramRegion, now: string): DirectoryUser[] {
  const names: Record<StaffRole, [string, string]> = {
    clinician: ['Casey', 'Clinician'],
    coordinator: ['Morgan', 'Coordinator'],
    admin: ['Alex', 'Admin'],
  };
  return STAFF_ROLES.map((role) => ({
    sub: demoStaffId(region, role),
    email: `${role}@${region}.peerpath.example.org`,
    givenName: names[role][0],
    familyName: names[role][1],
    role,
    region,
    enabled: true,
    createdAt: now,
  }));
}

function demoAccounts(region: ProgramRegion, roster: readonly DemoWorker[]): DemoAccounts {
  return {
    staff: {
      clinician: demoStaffId(region, Role.CLINICIAN),
      coordinator: demoStaffId(region, Role.COORDINATOR),
      admin: demoStaffId(region, Role.ADMIN),
    },
    workers: roster.map((worker) => worker.id),
  };
}

/** The region's demo logins (staff and workers) in the directory, unless present. File only: no table. */
async function seedDemoLogins(
  users: LocalUserDirectory,
  region: ProgramRegion,
  roster: readonly DemoWorker[],
): Promise<void> {
  const now = new Date().toISOString();
  await users.ensureUsers(region, [
    ...demoStaff(region, now),
    ...roster.map((worker) => ({
      sub: worker.id,
      email: worker.input.email,
      givenName: worker.input.firstName,
      familyName: worker.input.lastName,
      role: Role.PEER_WORKER,
      region,
      enabled: true,
      createdAt: now,
    })),
  ]);
}

// --- workflow cache --------------------------------------------------------------------------------------

const WORKFLOW_ENTRY = join(PROJECT_ROOT, 'infra', 'asl.ts');
const CACHE_FORMAT = 'peerpath-workflow-cache-v1';
const CACHE_ENTRY_MAX_AGE_MS = 7 * 24 * 3600 * 1000;
/** Everything a synth reads from the repository: the import closure of `infra/asl.ts`. */
export const workflowSources = (): Promise<SourceClosure> => sourceClosure([WORKFLOW_ENTRY]);

/**
 * The cache key of a region's workflow: the sources, the region's configuration (which is where the
 * stack reads its `PEERPATH_*` settings), the timers and the `CDK_*` environment. Runtime settings such as
 * the data directory or the port are not part of it: they never change what is synthesized.
 */
export function workflowCacheKey(sources: SourceClosure, region: ProgramRegion, timers: Timers): string {
  const env = Object.entries(process.env)
    .filter(([name]) => name.startsWith('CDK_'))
    .sort(([a], [b]) => a.localeCompare(b));
  return createHash('sha256')
    .update(
      JSON.stringify({
        format: CACHE_FORMAT,
        sources,
        region,
        config: regionConfig(region),
        timers,
        env,
      }),
    )
    .digest('hex');
}

/**
 * Synthesizes the region's stack and extracts its workflow, exactly as `synthesizeWorkflow` does. The
 * built-in CloudFormation rule validation (a WebAssembly pass that takes seconds and never changes the
 * template) is skipped here: `cdk synth` and the infra tests still run it.
 */
async function synthesize(region: ProgramRegion, timers: Timers): Promise<SynthesizedWorkflow> {
  const { synthesizeWorkflow } = await import('../infra/asl.ts');
  const previous = process.env.CDK_VALIDATION;
  process.env.CDK_VALIDATION = 'false';
  try {
    return synthesizeWorkflow(region, { timers });
  } finally {
    if (previous === undefined) delete process.env.CDK_VALIDATION;
    else process.env.CDK_VALIDATION = previous;
  }
}

interface CacheEntry {
  format: typeof CACHE_FORMAT;
  key: string;
  workflow: SynthesizedWorkflow;
}

/**
 * The region's synthesized workflow. With a `cacheDir`, the result of a synth is kept in
 * `<cacheDir>/workflow-<region>-<key>.json`, the key hashing every source file the synth imports (the
 * import closure of `infra/asl.ts`: the stack, the workflow definition, the domain), the installed
 * versions of the packages it imports (aws-cdk-lib…), the region's configuration, the timers, and the
 * `CDK_*` environment. Any change to those synthesizes again, so the runner always executes the ASL the
 * stack synthesizes today. Entries of other keys (other timers, older sources) are pruned after a week.
 */
export async function loadWorkflow(
  region: ProgramRegion,
  timers: Timers,
  options: {
    cacheDir?: string | false;
    sources?: SourceClosure;
    progress?: (message: string) => void;
  } = {},
): Promise<SynthesizedWorkflow> {
  const cacheDir = options.cacheDir;
  if (!cacheDir) return synthesize(region, timers);
  const key = workflowCacheKey(options.sources ?? (await workflowSources()), region, timers);
  const prefix = `workflow-${region}-`;
  const file = join(cacheDir, `${prefix}${key.slice(0, 32)}.json`);
  try {
    const entry = JSON.parse(await readFile(file, 'utf8')) as Partial<CacheEntry>;
    if (entry.format === CACHE_FORMAT && entry.key === key && typeof entry.workflow?.asl === 'string') {
      return entry.workflow;
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT' && !(error instanceof SyntaxError)) throw error;
  }
  options.progress?.(`Synthesizing the ${region} state machine (kept for the next start)`);
  const workflow = await synthesize(region, timers);
  await mkdir(cacheDir, { recursive: true });
  const entry: CacheEntry = { format: CACHE_FORMAT, key, workflow };
  const temp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  await writeFile(temp, JSON.stringify(entry));
  await rename(temp, file);
  // Entries not written for a week are dead weight (several keys live side by side: tests shorten timers).
  const staleBefore = Date.now() - CACHE_ENTRY_MAX_AGE_MS;
  for (const name of await readdir(cacheDir)) {
    if (!name.startsWith(prefix) || !name.endsWith('.json') || join(cacheDir, name) === file) continue;
    const written = await stat(join(cacheDir, name)).then(
      (s) => s.mtimeMs,
      () => Date.now(),
    );
    if (written < staleBefore) await unlink(join(cacheDir, name)).catch(() => undefined);
  }
  return workflow;
}

// --- the stack -------------------------------------------------------------------------------------------

/** The heavy modules, loaded while DynamoDB Local boots. */
async function loadModules() {
  const [client, table, store, workers, deps, routes, ports, runner, gateway] = await Promise.all([
    import('#data/client.ts'),
    import('#data/table.ts'),
    import('#data/store.ts'),
    import('#data/workers.ts'),
    import('../functions/api/deps.ts'),
    import('#api/routes.ts'),
    import('./notifications.ts'),
    import('./workflow-runner.ts'),
    import('./gateway.ts'),
  ]);
  return { client, table, store, workers, deps, routes, ports, runner, gateway };
}

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const dataDir = options.dataDir ?? DEFAULT_DATA_DIR;
  const regions = options.regions ?? PROGRAM_REGIONS;
  const demoOn = options.demo ?? true;
  const log = options.log ?? ((entry: Record<string, unknown>) => console.log(JSON.stringify(entry)));
  const cacheDir = options.workflowCacheDir ?? DEFAULT_WORKFLOW_CACHE_DIR;
  const cleanups: (() => Promise<void>)[] = [];
  let dynamo: DynamoDbLocal | undefined;
  let uninstallDeps: (() => void) | undefined;
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      uninstallDeps?.();
      for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
      await dynamo?.stop().catch(() => undefined);
    })();
    return stopped;
  };

  // Java first: its JVM boots in its own process while everything below runs here. Its port is chosen
  // here so that the clients, stores and runners can be built before it answers.
  const early = options.dynamoDbLocal;
  const dynamoPort = options.dynamoEndpoint ? undefined : (early?.port ?? (await freePort()));
  const endpoint = options.dynamoEndpoint ?? `http://127.0.0.1:${dynamoPort}`;
  const dynamoStarting = options.dynamoEndpoint
    ? undefined
    : (
        early?.starting ??
        startDynamoDbLocal({
          ...(options.inMemory ? { inMemory: true } : { dbPath: join(dataDir, 'dynamodb') }),
          ...(dynamoPort ? { port: dynamoPort } : {}),
        })
      ).then((started) => {
        dynamo = started;
        options.onDynamoDbLocal?.({ pid: started.pid, endpoint: started.endpoint });
        return started;
      });
  // Awaited below; this only keeps a failure from going unobserved meanwhile.
  dynamoStarting?.catch(() => undefined);
  /** Rejects as soon as DynamoDB Local fails (e.g. no Java); never resolves otherwise. */
  const dynamoFailure = new Promise<never>((_, reject) => {
    dynamoStarting?.catch(reject);
  });
  dynamoFailure.catch(() => undefined);

  try {
    const modulesLoading = loadModules();
    const users = new LocalUserDirectory(options.usersInMemory ? {} : { dataDir });
    const rosters = new Map(regions.map((region) => [region, demoOn ? demoWorkers(region) : []]));
    const timersOf = (region: ProgramRegion) => options.timers ?? regionConfig(region).timers;

    const workflowsLoading = (async () => {
      const sources = cacheDir === false ? undefined : await workflowSources();
      const workflows = new Map<ProgramRegion, SynthesizedWorkflow>();
      // One at a time: a synth is synchronous CPU work; the cache reads are a few ms.
      for (const region of regions) {
        workflows.set(
          region,
          await loadWorkflow(region, timersOf(region), {
            cacheDir,
            ...(sources ? { sources } : {}),
            ...(options.progress ? { progress: options.progress } : {}),
          }),
        );
      }
      return workflows;
    })();
    workflowsLoading.catch(() => undefined); // awaited below; a failure must not go unobserved meanwhile
    const [jwt, modules] = await Promise.race([
      Promise.all([
        loadLocalJwt({ dataDir }),
        modulesLoading,
        ...regions.map((region) =>
          demoOn ? seedDemoLogins(users, region, rosters.get(region) ?? []) : null,
        ),
      ]),
      dynamoFailure, // a missing Java fails at once
    ]);

    const doc = modules.client.createDocumentClient({ ...options.client, endpoint });
    cleanups.push(async () => doc.destroy());

    const stores = {} as Record<ProgramRegion, Store>;
    const runners = {} as Record<ProgramRegion, LocalWorkflowRunner>;
    const events = {} as Record<ProgramRegion, EventPublisher>;
    const demo = {} as Record<ProgramRegion, DemoAccounts>;
    const notifier = new modules.ports.ConsoleNotifier(options.notice);
    const tableNameOf = (region: ProgramRegion) =>
      options.tableName?.(region) ?? modules.table.tableNameFor(region);
    for (const region of regions) {
      stores[region] = modules.store.createStore({ region, doc, tableName: tableNameOf(region) });
      demo[region] = demoOn
        ? demoAccounts(region, rosters.get(region) ?? [])
        : { staff: { clinician: '', coordinator: '', admin: '' }, workers: [] };
      events[region] = options.events?.(region) ?? new modules.ports.MemoryEventPublisher();
    }

    // As soon as DynamoDB answers: the tables, then the roster. These run while the runners are built.
    const dynamoUp = dynamoStarting ? Promise.race([dynamoStarting, dynamoFailure]) : Promise.resolve();
    const tables = new Map(
      regions.map((region) => [
        region,
        dynamoUp.then(() => modules.table.ensureTable(doc, tableNameOf(region))),
      ]),
    );
    const seeded = new Map(
      regions.map((region) => [
        region,
        demoOn
          ? tables
              .get(region)
              ?.then(() => seedDemoWorkers(modules.workers, stores[region], rosters.get(region) ?? []))
              .then(() => import('./demo-resources.ts').then((m) => m.seedDemoResources(stores[region])))
          : undefined,
      ]),
    );
    for (const pending of [...tables.values(), ...seeded.values()]) pending?.catch(() => undefined);

    // Building a runner parses its ASL: done while the JVM boots or the roster is written,
    // yielding between regions so their requests go out. Once its table is there, each runner resumes the
    // region's open referrals, exactly as `LocalWorkflowRunner.launch` does.
    const workflows = await Promise.race([workflowsLoading, dynamoFailure]);
    for (const region of regions) {
      const workflow = workflows.get(region);
      if (!workflow) throw new Error(`No workflow was synthesized for ${region}`);
      const runner = new modules.runner.LocalWorkflowRunner({
        region,
        store: stores[region],
        timers: timersOf(region),
        notifier,
        events: events[region],
        log,
        ...(options.tickEveryMs !== undefined ? { tickEveryMs: options.tickEveryMs } : {}),
        workflow,
      });
      runners[region] = runner;
      cleanups.push(() => runner.stop());
      await new Promise((resolveTurn) => setImmediate(resolveTurn));
    }

    // Everything settles before a failure is reported, so that `stop` finds all it must stop.
    const settled = await Promise.allSettled([
      ...regions.map(async (region) => {
        await tables.get(region);
        await runners[region].resumeOpenReferrals({ graceMs: 0 });
      }),
      ...seeded.values(),
    ]);
    const failure = settled.find((result) => result.status === 'rejected');
    if (failure) throw failure.reason;

    const deps = new Map<ProgramRegion, ApiDeps>(
      regions.map((region) => [region, { store: stores[region], workflow: runners[region], users, log }]),
    );
    modules.deps.useApiDeps((region) => deps.get(region));
    uninstallDeps = () => modules.deps.useApiDeps(undefined);

    const staticDir = options.staticDir ?? (existsSync(WEB_DIST_DIR) ? WEB_DIST_DIR : undefined);
    const subFor = (role: Role, region: ProgramRegion): string | undefined => {
      const accounts = demo[region];
      if (!accounts) return undefined;
      if (role === Role.PEER_WORKER) return accounts.workers[0] || undefined;
      return accounts.staff[role as StaffRole] || undefined;
    };
    const gatewayOptions = {
      routes: modules.routes.ROUTES,
      loadHandler: modules.gateway.importHandler(PROJECT_ROOT),
      regions,
      jwt,
      ...(staticDir ? { staticDir } : {}),
      ...(options.extraRoutes ? { extraRoutes: options.extraRoutes } : {}),
      ...(options.accessLog ? { log: options.accessLog } : {}),
      defaultSub: subFor,
    };
    const requestedPort = options.port ?? 0;
    let gateway: Gateway;
    try {
      gateway = await modules.gateway.startGateway({ ...gatewayOptions, port: requestedPort });
    } catch (error) {
      const busy = (error as NodeJS.ErrnoException).code === 'EADDRINUSE';
      if (!busy || !options.anyPortIfTaken || requestedPort === 0) throw error;
      gateway = await modules.gateway.startGateway({ ...gatewayOptions, port: 0 });
    }
    cleanups.push(() => gateway.close());

    return {
      url: gateway.url,
      port: gateway.port,
      regions,
      dynamo: { endpoint, pid: dynamo?.pid },
      stores,
      runners,
      events,
      users,
      jwt,
      demo,
      tokenFor: (role, region, sub) => {
        const who =
          sub ??
          subFor(role, region) ??
          (role === Role.PEER_WORKER ? demoWorkerId(region, 0) : localSubFor(role, region));
        return jwt.signToken({ sub: who, role, region });
      },
      stop,
    };
  } catch (error) {
    // DynamoDB Local may still be booting: let it finish (or fail) so it is stopped too.
    await dynamoStarting?.catch(() => undefined);
    await stop();
    throw error;
  }
}
