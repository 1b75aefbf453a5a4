import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDocumentClient, type DocumentClientOptions } from '#data/client.ts';
import { NotFoundError } from '#data/errors.ts';
import { createStore, type Store } from '#data/store.ts';
import { ensureTable, tableNameFor } from '#data/table.ts';
import { createWorker, getWorker } from '#data/workers.ts';
import { PROGRAM_REGIONS, type ProgramRegion, Role } from '#domain/roles.ts';
import type { Timers } from '#domain/settings.ts';
import { type ApiDeps, useApiDeps } from '../../functions/api/deps.ts';
import { ROUTES } from '../../functions/routes.ts';
import {
  ConsoleNotifier,
  type EventPublisher,
  MemoryEventPublisher,
} from '../../functions/workflow/ports.ts';
import type { DirectoryUser } from '../../shared/users/directory.ts';
import { synthesizeWorkflow } from '../../workflows/asl.ts';
import { LocalWorkflowRunner } from '../../workflows/local-runner.ts';
import { regionConfig } from '../regions.ts';
import { demoStaffId, demoWorkerId, demoWorkers } from './demo-roster.ts';
import { type DynamoDbLocal, startDynamoDbLocal } from './dynamodb-local.ts';
import { type AccessLine, type ExtraRoute, type Gateway, importHandler, startGateway } from './gateway.ts';
import { type LocalJwt, loadLocalJwt } from './jwt.ts';
import { LocalUserDirectory } from './user-directory.ts';

/**
 * PeerPath on one machine: DynamoDB Local (one table per program region, as in the cloud), one local
 * workflow runner per region executing the ASL the region's stack synthesizes, the API handlers behind the
 * local HTTP gateway, the local user directory and token signer, and the pages. `npm start` calls this;
 * so do the integration, browser and reliability tests (with an in-memory store and short timers).
 */

export const PROJECT_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const DEFAULT_DATA_DIR = join(PROJECT_ROOT, '.data');
export const WEB_DIST_DIR = join(PROJECT_ROOT, 'web', 'dist');

export type StaffRole = 'clinician' | 'coordinator' | 'admin';
const STAFF_ROLES: readonly StaffRole[] = [Role.CLINICIAN, Role.COORDINATOR, Role.ADMIN];

export interface LocalStackOptions {
  /** Where the signing key, the users and (unless in memory) DynamoDB's files live. Default `.data/`. */
  dataDir?: string;
  /** Use this running DynamoDB Local instead of starting one (tests share one per run). */
  dynamoEndpoint?: string;
  /** Start DynamoDB Local in memory (nothing kept on disk). Default false: kept under `<dataDir>/dynamodb`. */
  inMemory?: boolean;
  /** Gateway port; 0 (default) picks a free one. */
  port?: number;
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

/** Seeds the region's invented roster (workers in the table, logins in the directory) unless present. */
async function seedDemo(
  store: Store,
  users: LocalUserDirectory,
  region: ProgramRegion,
): Promise<DemoAccounts> {
  const roster = demoWorkers(region);
  const now = new Date().toISOString();
  const accounts: DemoAccounts = {
    staff: {
      clinician: demoStaffId(region, Role.CLINICIAN),
      coordinator: demoStaffId(region, Role.COORDINATOR),
      admin: demoStaffId(region, Role.ADMIN),
    },
    workers: roster.map((worker) => worker.id),
  };
  const logins: DirectoryUser[] = [
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
  ];
  await users.ensureUsers(region, logins);
  // The last demo worker is written last: if it exists, an earlier start seeded the whole roster.
  const last = roster.at(-1);
  if (last && (await exists(store, last.id))) return accounts;
  await Promise.all(
    roster.map(async (worker) => {
      if (await exists(store, worker.id)) return;
      await createWorker(store, { id: worker.id, input: worker.input }).catch((error: unknown) => {
        // Created by a concurrent start: fine.
        if ((error as { name?: string }).name !== 'ConcurrentUpdateError') throw error;
      });
    }),
  );
  return accounts;
}

async function exists(store: Store, workerId: string): Promise<boolean> {
  try {
    await getWorker(store, workerId);
    return true;
  } catch (error) {
    if (error instanceof NotFoundError) return false;
    throw error;
  }
}

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const dataDir = options.dataDir ?? DEFAULT_DATA_DIR;
  const regions = options.regions ?? PROGRAM_REGIONS;
  const log = options.log ?? ((entry: Record<string, unknown>) => console.log(JSON.stringify(entry)));
  const cleanups: (() => Promise<void>)[] = [];
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      useApiDeps(undefined);
      for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    })();
    return stopped;
  };

  try {
    let dynamo: DynamoDbLocal | undefined;
    let endpoint = options.dynamoEndpoint;
    if (!endpoint) {
      dynamo = await startDynamoDbLocal(
        options.inMemory ? { inMemory: true } : { dbPath: join(dataDir, 'dynamodb') },
      );
      const started = dynamo;
      cleanups.push(() => started.stop());
      endpoint = dynamo.endpoint;
    }

    const doc = createDocumentClient({ ...options.client, endpoint });
    cleanups.push(async () => doc.destroy());
    const users = new LocalUserDirectory(options.usersInMemory ? {} : { dataDir });
    const [jwt] = await Promise.all([
      loadLocalJwt({ dataDir }),
      ...regions.map((region) => ensureTable(doc, options.tableName?.(region) ?? tableNameFor(region))),
    ]);

    const stores = {} as Record<ProgramRegion, Store>;
    const runners = {} as Record<ProgramRegion, LocalWorkflowRunner>;
    const events = {} as Record<ProgramRegion, EventPublisher>;
    const demo = {} as Record<ProgramRegion, DemoAccounts>;
    const notifier = new ConsoleNotifier(options.notice);

    await Promise.all(
      regions.map(async (region) => {
        const store = createStore({
          region,
          doc,
          tableName: options.tableName?.(region) ?? tableNameFor(region),
        });
        stores[region] = store;
        if (options.demo ?? true) demo[region] = await seedDemo(store, users, region);
        else demo[region] = { staff: { clinician: '', coordinator: '', admin: '' }, workers: [] };
        const timers = options.timers ?? regionConfig(region).timers;
        events[region] = options.events?.(region) ?? new MemoryEventPublisher();
        const runner = await LocalWorkflowRunner.launch({
          region,
          store,
          timers,
          notifier,
          events: events[region],
          log,
          ...(options.tickEveryMs !== undefined ? { tickEveryMs: options.tickEveryMs } : {}),
          workflow: synthesizeWorkflow(region, { timers }),
        });
        runners[region] = runner;
        cleanups.push(() => runner.stop());
      }),
    );

    const deps = new Map<ProgramRegion, ApiDeps>(
      regions.map((region) => [region, { store: stores[region], workflow: runners[region], users, log }]),
    );
    useApiDeps((region) => deps.get(region));

    const staticDir = options.staticDir ?? (existsSync(WEB_DIST_DIR) ? WEB_DIST_DIR : undefined);
    const gateway: Gateway = await startGateway({
      port: options.port ?? 0,
      routes: ROUTES,
      loadHandler: importHandler(PROJECT_ROOT),
      regions,
      jwt,
      ...(staticDir ? { staticDir } : {}),
      ...(options.extraRoutes ? { extraRoutes: options.extraRoutes } : {}),
      ...(options.accessLog ? { log: options.accessLog } : {}),
      defaultSub: (role, region) => {
        const accounts = demo[region];
        if (!accounts) return undefined;
        if (role === Role.PEER_WORKER) return accounts.workers[0] || undefined;
        return accounts.staff[role as StaffRole] || undefined;
      },
    });
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
        const accounts = demo[region];
        const who =
          sub ??
          (role === Role.PEER_WORKER ? accounts?.workers[0] : accounts?.staff[role as StaffRole]) ??
          demoWorkerId(region, 0);
        return jwt.signToken({ sub: who, role, region });
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
