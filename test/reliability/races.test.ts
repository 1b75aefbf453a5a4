import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryAll } from '#data/common.ts';
import { Keys, SK } from '#data/keys.ts';
import { listByReferrer } from '#data/referrals/reads.ts';
import { getWorker } from '#data/workers.ts';
import { Stage } from '#domain/lifecycle.ts';
import { Role } from '#domain/roles.ts';
import { type ReliabilityApi, startReliabilityApi } from '../support/reliability-api.ts';
import { type Driver, driveReferral, referralForm } from '../support/reliability-flow.ts';

/**
 * Lost races over HTTP: many coordinators matching one referral, many referrals matched to one worker at
 * once, one submission retried many times at once. The store's conditional transactions decide; the API
 * reports the losers as 409 and leaves nothing half done.
 */

let r: ReliabilityApi;
let driver: Driver;

beforeAll(async () => {
  r = await startReliabilityApi();
  driver = { api: r, region: 'vancouver', waitingIn: (id, stage) => r.waitingIn(id, stage) };
});

afterAll(async () => {
  await r?.stop();
});

async function assignmentsOf(workerId: string): Promise<string[]> {
  const items = await queryAll(r.api.stores.vancouver, {
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': Keys.workerPartition(workerId), ':prefix': SK.ASSIGNMENT_PREFIX },
    ConsistentRead: true,
  });
  return items.map((item) => String(item.referralId));
}

describe('concurrent matches', () => {
  it('50 coordinators matching one referral at once: exactly one wins, 49 get 409', async () => {
    const workers = await r.addWorkers(50, { maxCaseload: 5 });
    const { id } = await driveReferral(driver, Stage.AWAITING_MATCH);
    await r.waitingIn(id, Stage.AWAITING_MATCH);
    const coordinator = r.as(Role.COORDINATOR);

    const replies = await Promise.all(
      workers.map((workerId) => coordinator.post(`/referrals/${id}/match`, { workerId })),
    );

    const statuses = replies.map((reply) => reply.status).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(49);
    const winner = workers[replies.findIndex((reply) => reply.status === 200)]!;
    const referral = await r.as(Role.COORDINATOR).get(`/referrals/${id}`);
    expect(referral.body.stage).toBe(Stage.GOAL_SETTING);
    expect(referral.body.workerId).toBe(winner);
    const loads = await Promise.all(workers.map((w) => getWorker(r.api.stores.vancouver, w)));
    expect(loads.reduce((sum, w) => sum + w.activeCaseload, 0)).toBe(1);
    expect((await Promise.all(workers.map(assignmentsOf))).flat()).toEqual([id]);
  });

  it('matches racing for a worker with capacity 5 never push the caseload past 5', async () => {
    const [workerId] = await r.addWorkers(1, { maxCaseload: 5 });
    const waiting = await Promise.all(
      Array.from({ length: 17 }, () => driveReferral(driver, Stage.AWAITING_MATCH)),
    );
    await Promise.all(waiting.map((w) => r.waitingIn(w.id, Stage.AWAITING_MATCH)));
    const coordinator = r.as(Role.COORDINATOR);
    let highest = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const worker = await getWorker(r.api.stores.vancouver, workerId!);
        highest = Math.max(highest, worker.activeCaseload, (await assignmentsOf(workerId!)).length);
      }
    })();

    // Round 1: twelve matches at once for five places.
    const first = await Promise.all(
      waiting.slice(0, 12).map((w) => coordinator.post(`/referrals/${w.id}/match`, { workerId })),
    );
    const matched = waiting.slice(0, 12).filter((_, i) => first[i]!.status === 200);
    expect(first.filter((reply) => reply.status === 200)).toHaveLength(5);
    expect(first.filter((reply) => reply.status === 409)).toHaveLength(7);

    // Round 2: two clients close while five more matches race for the places they free.
    await Promise.all(matched.slice(0, 2).map((m) => r.waitingIn(m.id, Stage.GOAL_SETTING)));
    const second = await Promise.all([
      ...matched
        .slice(0, 2)
        .map((m) => coordinator.post(`/referrals/${m.id}/close`, { reason: 'MOVED', summary: 'Moved away' })),
      ...waiting.slice(12).map((w) => coordinator.post(`/referrals/${w.id}/match`, { workerId })),
    ]);
    sampling = false;
    await sampler;

    expect(second.slice(0, 2).map((reply) => reply.status)).toEqual([200, 200]);
    const secondMatches = second.slice(2).filter((reply) => reply.status === 200).length;
    expect(second.slice(2).every((reply) => reply.status === 200 || reply.status === 409)).toBe(true);
    const worker = await getWorker(r.api.stores.vancouver, workerId!);
    const assignments = await assignmentsOf(workerId!);
    expect(highest).toBeLessThanOrEqual(5);
    expect(worker.activeCaseload).toBe(3 + secondMatches);
    expect(worker.activeCaseload).toBeLessThanOrEqual(5);
    expect(assignments).toHaveLength(worker.activeCaseload);
  });
});

describe('idempotent submission', () => {
  it('20 concurrent submissions with one Idempotency-Key create one referral', async () => {
    const familyName = `Idem-${randomUUID()}`;
    const form = referralForm('vancouver', { familyName });
    const key = randomUUID();
    const clinician = r.as(Role.CLINICIAN);

    const replies = await Promise.all(
      Array.from({ length: 20 }, () => clinician.post('/referrals', form, { 'idempotency-key': key })),
    );
    // Once the first has finished, a retry is answered with the same referral.
    const retry = await clinician.post('/referrals', form, { 'idempotency-key': key });

    const created = replies.filter((reply) => reply.status === 201);
    expect(created.length).toBeGreaterThanOrEqual(1);
    expect(replies.every((reply) => reply.status === 201 || reply.status === 409)).toBe(true);
    expect(new Set(created.map((reply) => reply.body.id)).size).toBe(1);
    expect(retry.status).toBe(201);
    expect(retry.body.id).toBe(created[0]!.body.id);
    const mine = await listByReferrer(r.api.stores.vancouver, r.api.demo.vancouver.staff.clinician, {
      limit: 100,
    });
    expect(mine.items.filter((referral) => referral.details.client.familyName === familyName)).toHaveLength(
      1,
    );
  });
});
