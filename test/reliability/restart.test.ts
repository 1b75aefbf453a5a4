import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient } from '#data/client.ts';
import { queryAll } from '#data/common.ts';
import { Audience, Keys } from '#data/keys.ts';
import { getReferral } from '#data/referrals/reads.ts';
import { createStore, type Store } from '#data/store.ts';
import { tableNameFor } from '#data/table.ts';
import { getWorker } from '#data/workers.ts';
import { isOpen, type Stage } from '#domain/lifecycle.ts';
import { type ProgramRegion, Role } from '#domain/roles.ts';
import { demoStaffId } from '../../local/demo-roster.ts';
import { freePort } from '../../local/free-port.ts';
import { type LocalJwt, loadLocalJwt } from '../../local/jwt.ts';
import { isAlive } from '../../local/process-lock.ts';
import {
  type Driver,
  driveReferral,
  type FlowApi,
  RESTING_STAGES,
  workerForm,
} from '../support/reliability-flow.ts';
import { flowApiOver } from '../support/reliability-http.ts';
import { assertStartScript, type RunningStart, spawnStart } from '../support/reliability-start.ts';
import { eventually } from '../support/workflow.ts';

/**
 * `npm start` killed outright — SIGKILL to its whole process group (node, tsx and DynamoDB Local's JVM at
 * once, no clean-up) — with 100 referrals spread over every stage, then started again on the same data.
 * Every referral is where it was, every open one waits again for its next step (a fresh wait), nothing was
 * done twice (no transition, no alert), and the program carries on from there.
 */

const REFERRALS = 100;
let dataDir: string;
let port: number;
let running: RunningStart | undefined;
let jwt: LocalJwt;
let api: FlowApi;

const tokenFor = (role: Role, region: ProgramRegion, sub?: string) =>
  jwt.signToken({
    sub: sub ?? demoStaffId(region, role as 'clinician' | 'coordinator' | 'admin'),
    role,
    region,
  });

function storeOf(start: RunningStart): Store {
  return createStore({
    region: 'vancouver',
    doc: createDocumentClient({ endpoint: start.dynamoEndpoint(), maxAttempts: 5 }),
    tableName: tableNameFor('vancouver'),
  });
}

interface Snapshot {
  referrals: Map<string, { stage: Stage; version: number; events: number; waitToken?: string }>;
  /** Alert items by audience and kind. */
  alerts: Record<string, number>;
  caseloads: Map<string, number>;
}

async function snapshot(store: Store, ids: string[], workers: string[]): Promise<Snapshot> {
  const referrals = new Map<string, { stage: Stage; version: number; events: number; waitToken?: string }>();
  for (const id of ids) {
    const referral = await getReferral(store, id);
    const events = await queryAll(store, {
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': Keys.referralPartition(id), ':prefix': 'EVENT#' },
      ConsistentRead: true,
    });
    referrals.set(id, {
      stage: referral.stage,
      version: referral.version,
      events: events.length,
      ...(referral.waitToken ? { waitToken: referral.waitToken } : {}),
    });
  }
  const audiences = [
    Audience.coordinators('vancouver'),
    Audience.user(demoStaffId('vancouver', 'clinician')),
    ...workers.map(Audience.user),
  ];
  const alerts: Record<string, number> = {};
  for (const audience of audiences) {
    const items = await queryAll(store, {
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': Keys.alertPartition(audience) },
      ConsistentRead: true,
    });
    for (const item of items) {
      const key = `${audience.split('#')[0]} ${String(item.kind)}`;
      alerts[key] = (alerts[key] ?? 0) + 1;
    }
  }
  const caseloads = new Map<string, number>();
  for (const worker of workers) caseloads.set(worker, (await getWorker(store, worker)).activeCaseload);
  return { referrals, alerts, caseloads };
}

async function waitingIn(store: Store, id: string, stage: Stage, notToken?: string): Promise<string> {
  return eventually(
    `referral ${id} to wait in ${stage}`,
    async () => {
      const referral = await getReferral(store, id);
      const waiting = referral.stage === stage && referral.waitStage === stage && referral.waitToken;
      return waiting && referral.waitToken !== notToken ? referral.waitToken : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 100 },
  );
}

beforeAll(async () => {
  // No script, no suite: this fails, saying what is missing, rather than skipping (spawnStart checks too).
  assertStartScript();
  dataDir = await mkdtemp(join(tmpdir(), 'peerpath-restart-'));
  port = await freePort();
  running = await spawnStart({ dataDir, port });
  jwt = await loadLocalJwt({ dataDir });
  api = flowApiOver(running.url, tokenFor);
}, 180_000);

afterAll(async () => {
  await running?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('npm start killed with SIGKILL', () => {
  it('restarts with every referral where it was, every wait resumed and nothing done twice', async () => {
    // Prepare: workers with room, then 100 referrals spread over every stage, each settled in its wait.
    const first = running!;
    let store = storeOf(first);
    const coordinator = api.as(Role.COORDINATOR);
    const workers: string[] = [];
    for (let i = 0; i < 4; i++) {
      const created = await coordinator.post('/workers', workerForm());
      expect(created.status).toBe(201);
      workers.push(String(created.body.id));
    }
    const driver: Driver = {
      api,
      region: 'vancouver',
      waitingIn: (id, stage) => waitingIn(store, id, stage).then(() => {}),
    };
    const ids: string[] = [];
    for (let start = 0; start < REFERRALS; start += 10) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(10, REFERRALS - start) }, (_, k) => {
          const i = start + k;
          return driveReferral(driver, RESTING_STAGES[i % RESTING_STAGES.length]!, {
            workerId: workers[i % workers.length]!,
          });
        }),
      );
      ids.push(...batch.map((b) => b.id));
    }
    for (const id of ids) {
      const referral = await getReferral(store, id);
      if (isOpen(referral.stage)) await waitingIn(store, id, referral.stage);
    }
    const before = await snapshot(store, ids, workers);
    expect(new Set([...before.referrals.values()].map((r) => r.stage)).size).toBe(RESTING_STAGES.length);
    const javaBefore = first.record()?.java;
    store.doc.destroy();

    // Act: the whole process group is killed at once; then npm start again on the same data.
    await first.kill();
    expect(isAlive(first.child.pid)).toBe(false);
    expect(javaBefore !== undefined && isAlive(javaBefore)).toBe(false);
    running = await spawnStart({ dataDir, port });
    store = storeOf(running);

    // Assess: every referral where it was; every open one waits again, with a fresh wait.
    for (const [id, was] of before.referrals) {
      if (isOpen(was.stage)) await waitingIn(store, id, was.stage, was.waitToken);
    }
    const after = await snapshot(store, ids, workers);
    for (const [id, was] of before.referrals) {
      const now = after.referrals.get(id)!;
      expect({ id, stage: now.stage, version: now.version, events: now.events }).toEqual({
        id,
        stage: was.stage,
        version: was.version,
        events: was.events,
      });
    }
    expect(after.alerts).toEqual(before.alerts);
    expect(after.caseloads).toEqual(before.caseloads);

    // And the program carries on: a referral waiting at triage moves on and the machine follows it.
    const referred = [...before.referrals].find(([, r]) => r.stage === RESTING_STAGES[0])![0];
    const accepted = await coordinator.post(`/referrals/${referred}/accept`);
    expect(accepted.status).toBe(200);
    await waitingIn(store, referred, RESTING_STAGES[1]!);
    store.doc.destroy();
  }, 600_000);
});
