import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { EventPublisher, Mailer, OpsChannel, SmsSender } from '#app/ports.ts';
import type { DocumentClientOptions } from '#data/client.ts';
import type { Store } from '#data/store.ts';
import { PROGRAM_REGIONS, type ProgramRegion, Role } from '#domain/roles.ts';
import type { Timers } from '#domain/settings.ts';
import type { ApiDeps } from '../functions/api/deps.ts';
import type { SynthesizedWorkflow } from '../infra/asl.ts';
import { regionConfig } from '../infra/regions.ts';
import { type DemoAccounts, demoAccounts, type StaffRole, seedDemoLogins } from './demo-accounts.ts';
import { demoWorkerId, demoWorkers } from './demo-roster.ts';
import { type DynamoDbLocal, startDynamoDbLocal } from './dynamodb-local.ts';
import { freePort } from './free-port.ts';
import type { AccessLine, ExtraRoute, Gateway } from './gateway.ts';
import { type LocalJwt, loadLocalJwt, localSubFor } from './jwt.ts';
import type { LocalMail, LocalMailOptions } from './mail/index.ts';
import { PROJECT_ROOT, WEB_DIST_DIR } from './paths.ts';
import { LocalSecretKeys } from './secret-keys.ts';
import { seedDemoWorkers } from './seed-template.ts';
import { LocalUserDirectory } from './user-directory.ts';
import { DEFAULT_WORKFLOW_CACHE_DIR, loadWorkflow, workflowSources } from './workflow-cache.ts';
import type { LocalWorkflowRunner } from './workflow-runner.ts';

/**
 * PeerPath on one machine: DynamoDB Local (one table per program region, as in the cloud), one local
 * workflow runner per region executing the ASL the region's stack synthesizes, the API handlers behind the
 * local HTTP gateway, the local user directory and token signer, and the pages. `npm start` calls this;
 * so do the integration, browser and reliability tests (with an in-memory store and short timers).
 *
 * Start-up is parallel: DynamoDB Local's JVM boots while the heavy modules load, the signing key and the
 * logins are read, and each region's workflow is synthesized (or read from the cache, see `loadWorkflow`
 * in workflow-cache.ts); the tables, the roster and the runners follow as soon as DynamoDB answers.
 */

export { PROJECT_ROOT, WEB_DIST_DIR };
export const DEFAULT_DATA_DIR = join(PROJECT_ROOT, '.data');
export type { DemoAccounts, StaffRole };

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
  /**
   * Alerts by email and SMS: the SMTP catcher (on a free port; its .eml files in `<dataDir>/mail`), the SMS
   * file `<dataDir>/sms.jsonl` and `/local/mail`. `smtpUrl` sends to a real SMTP server instead; `false`
   * runs none of it. Default: the catcher, printing one line per message to the console.
   */
  mail?: false | Omit<LocalMailOptions, 'dataDir'>;
  /** Called as soon as the DynamoDB Local this stack started answers (npm start records its pid). */
  onDynamoDbLocal?: (dynamo: { pid: number; endpoint: string }) => void;
  /** Slow steps worth telling a person about (e.g. a first synthesis). */
  progress?: (message: string) => void;
  /**
   * Run the delivery worker in-process (every region's sweep every `everyMs`, default 250 ms) with these
   * senders; a channel without one is SUPPRESSED. Absent: the local mail side's senders when `mail` runs;
   * `false` (or no mail side): no delivery loop (deliveries stay PENDING).
   */
  delivery?:
    | false
    | { mailer?: Mailer; sms?: SmsSender; ops?: OpsChannel; everyMs?: number; pagesUrl?: string };
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
  /** The mail side (catcher, mailer, SMS file, ops channel), unless `mail: false`. */
  mail: LocalMail | undefined;
  demo: Record<ProgramRegion, DemoAccounts>;
  /** A signed local ID token (the same as the sign-in page gets). */
  tokenFor(role: Role, region: ProgramRegion, sub?: string): Promise<string>;
  /** Stops the gateway, every runner and (if it started it) DynamoDB Local. Idempotent. */
  stop(): Promise<void>;
}

// --- the stack -------------------------------------------------------------------------------------------

/** The heavy modules, loaded while DynamoDB Local boots. */
async function loadModules() {
  const [client, table, store, workers, pointers, deps, routes, ports, runner, gateway, delivery, mail] =
    await Promise.all([
      import('#data/client.ts'),
      import('#data/table.ts'),
      import('#data/store.ts'),
      import('#data/workers.ts'),
      import('#data/client-pointers.ts'),
      import('../functions/api/deps.ts'),
      import('#api/routes.ts'),
      import('./notifications.ts'),
      import('./workflow-runner.ts'),
      import('./gateway.ts'),
      import('./delivery-loop.ts'),
      import('./mail/index.ts'),
    ]);
  return { client, table, store, workers, pointers, deps, routes, ports, runner, gateway, delivery, mail };
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
    const secrets = new LocalSecretKeys({ dataDir });
    const runners = {} as Record<ProgramRegion, LocalWorkflowRunner>;
    const events = {} as Record<ProgramRegion, EventPublisher>;
    const demo = {} as Record<ProgramRegion, DemoAccounts>;
    const notifier = new modules.ports.ConsoleNotifier(options.notice);
    const tableNameOf = (region: ProgramRegion) =>
      options.tableName?.(region) ?? modules.table.tableNameFor(region);
    for (const region of regions) {
      stores[region] = modules.store.createStore({ region, doc, tableName: tableNameOf(region), secrets });
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
        directory: users,
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
        await modules.pointers.migrateClientPointers(stores[region]); // keyed client pointers (HMAC)
        await runners[region].resumeOpenReferrals({ graceMs: 0 });
      }),
      ...seeded.values(),
    ]);
    const failure = settled.find((result) => result.status === 'rejected');
    if (failure) throw failure.reason;

    const deps = new Map<ProgramRegion, ApiDeps>(
      regions.map((region) => [
        region,
        { store: stores[region], workflow: runners[region], users, events: events[region], log },
      ]),
    );
    modules.deps.useApiDeps((region) => deps.get(region));
    uninstallDeps = () => modules.deps.useApiDeps(undefined);

    const mail =
      options.mail === false ? undefined : await modules.mail.startLocalMail({ ...options.mail, dataDir });
    if (mail) cleanups.push(() => mail.stop());
    const extraRoutes = [...(options.extraRoutes ?? []), ...(mail?.routes ?? [])];

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
      ...(extraRoutes.length > 0 ? { extraRoutes } : {}),
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

    // By default the delivery worker sends through the local mail side (the catcher, the SMS file).
    const delivery =
      options.delivery === false
        ? undefined
        : (options.delivery ?? (mail ? { mailer: mail.mailer, sms: mail.sms, ops: mail.ops } : undefined));
    if (delivery) {
      const ops: OpsChannel = delivery.ops ?? {
        escalate: async (message) => log({ msg: 'escalated to ops', ...message }),
      };
      const loop = modules.delivery.startDeliveryLoop(
        regions.map((region) => ({
          store: stores[region],
          directory: users,
          mailer: delivery.mailer,
          sms: delivery.sms,
          ops,
          pagesUrl: delivery.pagesUrl ?? `${gateway.url}/`,
          timers: timersOf(region),
          log,
        })),
        { ...(delivery.everyMs !== undefined ? { everyMs: delivery.everyMs } : {}), log },
      );
      cleanups.push(() => loop.stop());
    }

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
      mail,
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
