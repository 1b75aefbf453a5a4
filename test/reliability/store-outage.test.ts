import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryAll } from '#data/common.ts';
import { Keys, SK } from '#data/keys.ts';
import { getReferralDetails, listByReferrer } from '#data/referrals/reads.ts';
import { getWorker } from '#data/workers.ts';
import { isAssigned, isOpen, Stage } from '#domain/lifecycle.ts';
import { Role } from '#domain/roles.ts';
import { type DynamoDbLocal, startDynamoDbLocal } from '../../local/dynamodb-local.ts';
import { type ReliabilityApi, startReliabilityApi } from '../support/reliability-api.ts';
import { type Driver, driveReferral, type Reply, referralForm } from '../support/reliability-flow.ts';
import { eventually } from '../support/workflow.ts';

/**
 * DynamoDB Local killed (SIGKILL, by its pid) while the API is under load, then started again on the same
 * port and data. This file runs its OWN DynamoDB Local, on disk so the data outlives the kill. While the
 * store is gone every call answers 503 with Retry-After (never 500, never a hang); afterwards no referral
 * shows half a transition, and the API and the state machine carry on.
 */

let dynamo: DynamoDbLocal;
let dbPath: string;
let r: ReliabilityApi;
let driver: Driver;
let workers: string[];

beforeAll(async () => {
  dbPath = await mkdtemp(join(tmpdir(), 'peerpath-outage-'));
  dynamo = await startDynamoDbLocal({ dbPath });
  r = await startReliabilityApi({
    dynamoEndpoint: dynamo.endpoint,
    apiClient: { maxAttempts: 2, connectionTimeoutMs: 1000, requestTimeoutMs: 5000 },
  });
  driver = { api: r, region: 'vancouver', waitingIn: (id, stage) => r.waitingIn(id, stage) };
  workers = await r.addWorkers(4);
});

afterAll(async () => {
  await r?.stop();
  await dynamo?.stop();
  if (dbPath) await rm(dbPath, { recursive: true, force: true });
});

interface Outcome {
  op: string;
  startedAt: number;
  endedAt: number;
  status?: number;
  retryAfter?: string | null;
  error?: string;
}

/** Every referral the demo clinician made, with the invariants a whole transition keeps. */
async function inconsistencies(): Promise<string[]> {
  const store = r.api.stores.vancouver;
  const problems: string[] = [];
  const referrals = (await listByReferrer(store, r.api.demo.vancouver.staff.clinician, { limit: 100 })).items;
  const assigned = new Map<string, string[]>();
  for (const { id } of referrals) {
    const { referral, events } = await getReferralDetails(store, id);
    const moves = events.filter((e) => e.to !== undefined);
    const last = moves.at(-1);
    if (last?.to !== referral.stage)
      problems.push(`${id}: stage ${referral.stage}, last event to ${last?.to}`);
    for (let i = 1; i < moves.length; i++) {
      if (moves[i]!.from !== moves[i - 1]!.to)
        problems.push(`${id}: event ${i} does not follow the previous one`);
    }
    if (isAssigned(referral.stage)) {
      if (!referral.workerId) problems.push(`${id}: ${referral.stage} without a worker`);
      else assigned.set(referral.workerId, [...(assigned.get(referral.workerId) ?? []), id]);
    }
  }
  for (const workerId of workers) {
    const items = await queryAll(store, {
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': Keys.workerPartition(workerId), ':prefix': SK.ASSIGNMENT_PREFIX },
      ConsistentRead: true,
    });
    const held = items.map((item) => String(item.referralId)).sort();
    const expected = (assigned.get(workerId) ?? []).sort();
    if (JSON.stringify(held) !== JSON.stringify(expected)) {
      problems.push(`worker ${workerId}: assignments ${held.length}, assigned referrals ${expected.length}`);
    }
    const worker = await getWorker(store, workerId);
    if (worker.activeCaseload !== held.length) {
      problems.push(`worker ${workerId}: caseload ${worker.activeCaseload}, assignments ${held.length}`);
    }
  }
  return problems;
}

describe('DynamoDB Local killed under load', () => {
  it('answers 503 with Retry-After meanwhile, shows no partial transition, and recovers', async () => {
    // Prepare: referrals waiting at triage and for a match, and some already with a worker.
    const referred = await Promise.all(
      Array.from({ length: 10 }, () => driveReferral(driver, Stage.REFERRED)),
    );
    const awaiting = await Promise.all(
      Array.from({ length: 10 }, () => driveReferral(driver, Stage.AWAITING_MATCH)),
    );
    const matched = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        driveReferral(driver, Stage.GOAL_SETTING, { workerId: workers[i % workers.length]! }),
      ),
    );
    expect(await inconsistencies()).toEqual([]);
    const clinician = r.as(Role.CLINICIAN);
    const coordinator = r.as(Role.COORDINATOR);
    const toAccept = referred.map((x) => x.id);
    const toMatch = awaiting.map((x) => x.id);
    const toClose = matched.map((x) => x.id);
    const all = [...toAccept, ...toMatch, ...toClose];
    const ops: [string, () => Promise<Reply> | undefined][] = [
      ['read', () => coordinator.get(`/referrals/${all[Math.floor(Math.random() * all.length)]}`)],
      ['queue', () => coordinator.get('/referrals')],
      [
        'submit',
        () => clinician.post('/referrals', referralForm('vancouver'), { 'idempotency-key': randomUUID() }),
      ],
      [
        'accept',
        () => (toAccept.length ? coordinator.post(`/referrals/${toAccept.pop()}/accept`) : undefined),
      ],
      [
        'match',
        () =>
          toMatch.length
            ? coordinator.post(`/referrals/${toMatch.pop()}/match`, { workerId: workers[toMatch.length % 4] })
            : undefined,
      ],
      [
        'close',
        () =>
          toClose.length
            ? coordinator.post(`/referrals/${toClose.pop()}/close`, {
                reason: 'MOVED',
                summary: 'Moved away',
              })
            : undefined,
      ],
    ];

    // Act: six callers in a loop; the store is killed after a second and stays down for three.
    const outcomes: Outcome[] = [];
    let running = true;
    let turn = 0;
    const caller = async () => {
      while (running) {
        const [op, call] = ops[turn++ % ops.length]!;
        const startedAt = Date.now();
        try {
          const reply = await call();
          if (!reply) continue;
          outcomes.push({
            op,
            startedAt,
            endedAt: Date.now(),
            status: reply.status,
            retryAfter: reply.headers.get('retry-after'),
          });
        } catch (error) {
          outcomes.push({ op, startedAt, endedAt: Date.now(), error: (error as Error).message });
        }
      }
    };
    const callers = Array.from({ length: 6 }, caller);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const exited = new Promise((resolve) => dynamo.process.once('exit', resolve));
    process.kill(dynamo.pid, 'SIGKILL');
    await exited;
    const killedAt = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 3000));
    running = false;
    await Promise.all(callers);
    const port = dynamo.port;
    dynamo = await startDynamoDbLocal({ dbPath, port });

    // Assess: nothing but 503 + Retry-After while the store was down; never a 500 or a hang.
    expect(outcomes.filter((o) => o.error !== undefined)).toEqual([]);
    expect(outcomes.filter((o) => (o.status ?? 0) >= 500 && o.status !== 503)).toEqual([]);
    const during = outcomes.filter((o) => o.startedAt > killedAt);
    expect(during.length).toBeGreaterThan(10);
    expect(during.filter((o) => o.status !== 503 || !o.retryAfter)).toEqual([]);
    expect(
      outcomes.filter((o) => o.startedAt <= killedAt && o.status !== undefined && o.status < 300).length,
    ).toBeGreaterThan(0);

    // The store is back: the API answers, and no referral shows half a transition.
    await eventually(
      'the API to answer again',
      async () => (await coordinator.get('/referrals')).status === 200,
      {
        timeoutMs: 30_000,
      },
    );
    expect(await inconsistencies()).toEqual([]);
    const after = await clinician.post('/referrals', referralForm('vancouver'));
    expect(after.status).toBe(201);

    // The reconciler restarts what the outage stopped: every open referral waits for its next step again.
    await r.api.runners.vancouver.resumeOpenReferrals({ graceMs: 0 });
    const open = (
      await listByReferrer(r.api.stores.vancouver, r.api.demo.vancouver.staff.clinician, { limit: 100 })
    ).items.filter((referral) => isOpen(referral.stage));
    for (const referral of open) await r.waitingIn(referral.id, referral.stage);
  });
});
