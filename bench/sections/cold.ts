import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { RouteSpec } from '#api/route.ts';
import { ROUTES } from '#api/routes.ts';
import { createTableInput } from '#data/table.ts';
import { Role } from '#domain/roles.ts';
import { startDynamoDbLocal } from '../../local/dynamodb-local.ts';
import { PROJECT_ROOT } from '../../local/stack.ts';
import { ServiceError } from '../../test/contract/fakes.ts';
import { RecordingProxy } from '../../test/contract/proxy.ts';
import type { Progress } from '../lib/progress.ts';
import { median, round } from '../lib/stats.ts';
import { BENCH_CACHE_DIR, bundle, lambdaEntries, type SdkPlacement, usesSdk } from './bundles.ts';

/**
 * "Cold request": each Lambda entry built as `cdk synth` builds it (the SDK bundled), loaded by a fresh Node
 * process that then serves its first request against DynamoDB Local (cold) and the same request again
 * (warm, median of a few); per handler, module load and cold-over-warm. The same entry built with the SDK
 * external (as before `bundleAwsSDK`) is loaded the same way: an SDK-using handler's module load must be
 * ≤ {@link COLD_LOAD_RATIO_TARGET}× that. Every figure is a ratio within one run. DynamoDB is DynamoDB Local
 * (direct); the other services are the cloud contract's fakes (test/contract/fakes.ts).
 */

export const COLD_LOAD_RATIO_TARGET = 0.6;

export interface ColdFigures {
  entry: string;
  /** The request served: `GET /workers` (API) or the task's name. */
  request: string;
  usesSdk: boolean;
  /** Median module load, SDK bundled (as deployed) and external, ms. */
  loadMs: number;
  externalLoadMs: number;
  /** loadMs / externalLoadMs. */
  loadRatio: number;
  /** First request after load, ms (median over processes). */
  coldMs: number;
  /** The same request once warm (median), ms. */
  warmMs: number;
  coldOverWarm: number;
  /** The first request's outcome (status code or error name): the same for every run. */
  outcome: string;
  pass?: boolean;
}

export interface ColdResult {
  processes: number;
  handlers: ColdFigures[];
}

const TABLE = 'peerpath-bench-cold';
const WARM_REQUESTS = 5;
const MARK = 'PEERPATH_COLD_RESULT ';

/**
 * An entry without a GET route serves a write that reads the table first: work.ts logs a session (as the
 * worker; the referral is absent, so it stops at 404 after its read).
 */
const WRITE_REQUESTS: Record<string, { routeId: string; body: unknown }> = {
  'functions/api/work.ts': {
    routeId: 'logSession',
    body: { date: new Date().toISOString().slice(0, 10), mode: 'WALK', minutes: 60, debriefNeeded: false },
  },
};

/** The request each entry serves: an API file's first GET route (a read of the table), or a task's input. */
function requestFor(entry: string): { label: string; exportName: string; event: unknown } {
  if (entry.startsWith('functions/api/')) {
    const routes = ROUTES.filter((r) => r.handler.file === entry);
    const write = WRITE_REQUESTS[entry];
    const route =
      (write && routes.find((r) => r.id === write.routeId)) ??
      routes.find((r) => r.method === 'GET' && !r.path.includes('{')) ??
      routes.find((r) => r.method === 'GET') ??
      routes[0]!;
    return {
      label: `${route.method} ${route.path}`,
      exportName: 'dispatch',
      event: apiEvent(route, write?.body),
    };
  }
  const now = new Date().toISOString();
  return {
    label: basename(entry, '.ts'),
    exportName: 'handler',
    // Ids only, as the state machine sends them; the referral is absent, so each task reads and stops there.
    event: {
      referralId: 'bench-cold-absent',
      region: 'vancouver',
      execution: 'bench-cold',
      enteredAt: now,
      notice: 'NEW_REFERRAL',
      stage: 'REFERRED',
      taskToken: 'bench-cold-token',
      noSessionSeconds: 3600,
    },
  };
}

/** As API Gateway builds it; the caller is the route's first role (a coordinator where it may call). */
function apiEvent(route: RouteSpec, body?: unknown): unknown {
  const path = route.path.replace(/\{(\w+)\}/g, 'bench-cold-absent');
  const params = Object.fromEntries(
    [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => [m[1], 'bench-cold-absent']),
  );
  const routeKey = `${route.method} ${route.path}`;
  const role = route.roles.includes(Role.COORDINATOR)
    ? Role.COORDINATOR
    : (route.roles[0] ?? Role.COORDINATOR);
  const today = new Date().toISOString().slice(0, 10);
  // The reports take a date range; other routes ignore it.
  const query = { from: `${Number(today.slice(0, 4)) - 1}${today.slice(4)}`, to: today };
  return {
    version: '2.0',
    routeKey,
    rawPath: path,
    rawQueryString: new URLSearchParams(query).toString(),
    queryStringParameters: query,
    headers: {
      host: 'bench.example.org',
      authorization: 'Bearer bench',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(Object.keys(params).length > 0 ? { pathParameters: params } : {}),
    requestContext: {
      http: { method: route.method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'bench' },
      requestId: 'bench-cold',
      routeKey,
      stage: '$default',
      timeEpoch: Date.now(),
      authorizer: {
        jwt: {
          claims: {
            sub: `bench-${role}`,
            'cognito:groups': `[${role}]`,
            'custom:region': 'vancouver',
            token_use: 'id',
            email: `${role}@example.org`,
          },
          scopes: null,
        },
      },
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    isBase64Encoded: false,
  };
}

/** The child: load, first request, warm requests; one marked JSON line on stderr (stdout is the handler's). */
const CHILD = `
const [url, exportName, event, warm] = [process.argv[1], process.argv[2], JSON.parse(process.argv[3]), Number(process.argv[4])];
const t0 = performance.now();
const mod = await import(url);
const loadMs = performance.now() - t0;
const context = { functionName: 'bench', awsRequestId: 'bench', getRemainingTimeInMillis: () => 30000 };
const serve = async () => {
  const start = performance.now();
  let outcome;
  try { const r = await mod[exportName](structuredClone(event), context); outcome = String(r?.statusCode ?? 'ok'); }
  catch (e) { outcome = e?.name ?? 'Error'; }
  return [performance.now() - start, outcome];
};
const [coldMs, outcome] = await serve();
const warmMs = [];
for (let i = 0; i < warm; i++) warmMs.push((await serve())[0]);
process.stderr.write('\\n${MARK}' + JSON.stringify({ loadMs, coldMs, warmMs, outcome }) + '\\n');
process.exit(0);
`;

interface ChildResult {
  loadMs: number;
  coldMs: number;
  warmMs: number[];
  outcome: string;
}

function runChild(
  file: string,
  exportName: string,
  event: unknown,
  env: Record<string, string>,
): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        CHILD,
        pathToFileURL(file).href,
        exportName,
        JSON.stringify(event),
        String(WARM_REQUESTS),
      ],
      { cwd: PROJECT_ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let err = '';
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      const line = err.split('\n').find((l) => l.startsWith(MARK));
      if (code === 0 && line) resolve(JSON.parse(line.slice(MARK.length)) as ChildResult);
      else reject(new Error(`${file} failed (${code}): ${err.slice(-400)}`));
    });
  });
}

export async function runCold(options: { repeats: number; progress: Progress }): Promise<ColdResult> {
  const dynamo = await startDynamoDbLocal({ inMemory: true });
  let proxy: RecordingProxy | undefined;
  try {
    const client = new DynamoDBClient({
      endpoint: dynamo.endpoint,
      region: 'ca-central-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    await client.send(new CreateTableCommand(createTableInput(TABLE)));
    client.destroy();
    // The cloud contract's fakes answer the other services (Cognito for GET /users); no execution starts.
    const noMachine = () => {
      throw new ServiceError('ExecutionDoesNotExist', 'The bench runs no state machine');
    };
    proxy = new RecordingProxy({
      dynamoEndpoint: dynamo.endpoint,
      awsRegion: 'ca-central-1',
      account: '123456789012',
      keySchema: { partitionKey: 'pk', indexPartitionKeys: {} },
      stepFunctions: {
        start: noMachine,
        describe: noMachine,
        machineOfToken: noMachine,
        succeed: noMachine,
        fail: noMachine,
      },
    });
    const fakes = await proxy.start();
    // What the stack gives a function, with DynamoDB Local and the fakes as its endpoints.
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      AWS_REGION: 'ca-central-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_ENDPOINT_URL: fakes,
      PROGRAM_REGION: 'vancouver',
      LOG_LEVEL: 'INFO',
      TABLE_NAME: TABLE,
      USER_POOL_ID: 'ca-central-1_bench',
      STATE_MACHINE_ARN: 'arn:aws:states:ca-central-1:123456789012:stateMachine:peerpath-vancouver-referrals',
      TOPIC_ARN: 'arn:aws:sns:ca-central-1:123456789012:peerpath-vancouver-alerts',
      EVENT_BUS_NAME: 'peerpath-vancouver',
    };
    const outDir = join(BENCH_CACHE_DIR, 'peerpath-bench-cold');
    await rm(outDir, { recursive: true, force: true });
    const entries = await lambdaEntries();
    const handlers: ColdFigures[] = [];
    for (const [i, entry] of entries.entries()) {
      options.progress.update('cold', i, entries.length, entry);
      handlers.push(await measure(entry, outDir, env, options.repeats));
    }
    options.progress.update('cold', entries.length, entries.length);
    return { processes: options.repeats, handlers };
  } finally {
    await proxy?.stop();
    await dynamo.stop();
  }
}

async function measure(entry: string, outDir: string, env: Record<string, string>, repeats: number) {
  const request = requestFor(entry);
  const built = {} as Record<SdkPlacement, { file: string; sdk: boolean }>;
  for (const sdk of ['bundled', 'external'] as const) {
    const { file, metafile } = await bundle(entry, join(outDir, `${basename(entry, '.ts')}-${sdk}`), sdk);
    built[sdk] = { file, sdk: usesSdk(metafile) };
  }
  const runs: Record<SdkPlacement, ChildResult[]> = { bundled: [], external: [] };
  // Interleaved, so a burst of load on the shared machine hits both builds alike.
  for (let r = 0; r < repeats; r++) {
    for (const sdk of ['bundled', 'external'] as const) {
      runs[sdk].push(await runChild(built[sdk].file, request.exportName, request.event, env));
    }
  }
  const loadMs = median(runs.bundled.map((x) => x.loadMs));
  const externalLoadMs = median(runs.external.map((x) => x.loadMs));
  const coldMs = median(runs.bundled.map((x) => x.coldMs));
  const warmMs = median(runs.bundled.flatMap((x) => x.warmMs));
  const sdk = built.bundled.sdk;
  const loadRatio = round(loadMs / externalLoadMs);
  return {
    entry,
    request: request.label,
    usesSdk: sdk,
    loadMs: round(loadMs),
    externalLoadMs: round(externalLoadMs),
    loadRatio,
    coldMs: round(coldMs),
    warmMs: round(warmMs),
    coldOverWarm: round(coldMs / warmMs, 1),
    outcome: runs.bundled[0]!.outcome,
    ...(sdk ? { pass: loadRatio <= COLD_LOAD_RATIO_TARGET } : {}),
  };
}
