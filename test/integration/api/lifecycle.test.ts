import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAlerts } from '#data/alerts.ts';
import { Audience } from '#data/keys.ts';
import { getReferral } from '#data/referrals/reads.ts';
import { getWorker } from '#data/workers.ts';
import { Stage, waitFor } from '#domain/lifecycle.ts';
import type { Referral } from '#domain/referral.ts';
import type { Role } from '#domain/roles.ts';
import { startTestApi, type TestApi } from '../../support/api.ts';
import { referralInput, seedReferral, seedWorker } from '../../support/store.ts';
import { eventually } from '../../support/workflow.ts';

// Every success body is checked against the route's declared response schema (a mismatch is a 500).
process.env.PEERPATH_CHECK_RESPONSES = '1';

const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'TransactWriteItems', 'BatchWriteItem']);

let api: TestApi;
let clinician: string;
beforeAll(async () => {
  api = await startTestApi();
  clinician = api.demo.vancouver.staff.clinician;
});
afterAll(async () => {
  await api?.stop();
});

const store = () => api.stores.vancouver;

/** A referral of the demo clinician's, driven through the data layer (no workflow) to `stage`. */
function seeded(stage: Stage, workerId?: string): Promise<Referral> {
  return seedReferral(store(), {
    stage,
    ...(workerId ? { workerId } : {}),
    referrerSub: clinician,
    details: referralInput(),
  });
}

const newWorker = async (maxCaseload = 30) => (await seedWorker(store(), { maxCaseload })).id;
const worker = (id: string) => api.as('peer-worker', 'vancouver', id);

/** Until the referral's state machine waits in `stage` (its task token is stored on the referral). */
function waitingIn(referralId: string, stage: Stage): Promise<Referral> {
  return eventually(`the machine to wait in ${stage}`, async () => {
    const referral = await getReferral(store(), referralId);
    return referral.waitStage === stage && referral.waitToken ? referral : undefined;
  });
}

async function alertKindsFor(audience: string, referralId: string): Promise<string[]> {
  const page = await listAlerts(store(), audience, { limit: 100 });
  return page.items.filter((a) => a.referralId === referralId).map((a) => a.kind);
}

describe('a referral from submission to closure, over HTTP', () => {
  it('moves through every stage, each step completing the waiting state machine, and tells the referrer', async () => {
    // Prepare
    const submitted = await api.as('clinician').post('/referrals', referralInput());
    expect(submitted.status).toBe(201);
    const id: string = submitted.body.id;

    /** Sends a lifecycle request once the machine waits in `from`, then waits for it to wait in `to`. */
    const step = async (
      as: ReturnType<TestApi['as']>,
      path: string,
      from: Stage,
      to: Stage,
      body?: unknown,
    ) => {
      await waitingIn(id, from);
      const answer = await as.post(`/referrals/${id}${path}`, body);
      expect(answer.status, `${path} from ${from}`).toBe(200);
      expect(answer.body.stage).toBe(to);
      if (waitFor(to)) await waitingIn(id, to);
      return answer;
    };
    const coordinator = api.as('coordinator');

    // Act
    await step(coordinator, '/accept', Stage.REFERRED, Stage.AWAITING_MATCH);
    const candidates = await coordinator.get(`/referrals/${id}/candidates`);
    const chosen: string = candidates.body.items[0].workerId;
    const matched = await step(coordinator, '/match', Stage.AWAITING_MATCH, Stage.GOAL_SETTING, {
      workerId: chosen,
    });
    const goals = await step(worker(chosen), '/goals', Stage.GOAL_SETTING, Stage.IN_SESSIONS, {
      goals: [{ title: 'Walk to the community centre', description: 'Twice a week' }],
    });
    await step(worker(chosen), '/goals-achieved', Stage.IN_SESSIONS, Stage.GOALS_ACHIEVED);
    const closed = await step(coordinator, '/close', Stage.GOALS_ACHIEVED, Stage.CLOSED, {
      reason: 'GOALS_MET',
      summary: 'Walks on her own now',
    });

    // Assess
    expect(candidates.status).toBe(200);
    const scores = candidates.body.items.map((c: { score: number }) => c.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    for (const candidate of candidates.body.items) {
      expect(candidate.reasons.length).toBeGreaterThan(0);
      for (const reason of candidate.reasons) {
        expect(reason).toEqual({
          criterion: expect.any(String),
          met: expect.any(Boolean),
          weight: expect.any(Number),
          points: expect.any(Number),
          detail: expect.any(String),
        });
      }
    }
    expect(matched.body).toMatchObject({ workerId: chosen, workerFirstName: expect.any(String) });
    expect(goals.body.goals).toEqual([
      expect.objectContaining({ title: 'Walk to the community centre', baselineRating: -1 }),
    ]);
    expect(closed.body.closure).toMatchObject({ reason: 'GOALS_MET', summary: 'Walks on her own now' });
    const execution = await eventually('the execution to end', () => {
      const info = api.runners.vancouver.execution(id);
      return info?.status === 'SUCCEEDED' ? info : undefined;
    });
    expect(execution.status).toBe('SUCCEEDED');
    const toClinician = await eventually('the closure alert to the clinician', async () => {
      const kinds = await alertKindsFor(Audience.user(clinician), id);
      return kinds.includes('REFERRAL_CLOSED') ? kinds : undefined;
    });
    expect(toClinician).toContain('MATCH_MADE');
    const seenByClinician = await api.as('clinician').get(`/referrals/${id}`);
    expect(seenByClinician.body).toMatchObject({
      stage: Stage.CLOSED,
      workerFirstName: matched.body.workerFirstName,
      closure: { reason: 'GOALS_MET', summary: 'Walks on her own now' },
    });
    expect(seenByClinician.body).not.toHaveProperty('workerId');
    expect((await getWorker(store(), chosen)).activeCaseload).toBe(0);
  });
});

describe('refusals', () => {
  it('answers 409 to a transition the stage does not allow, and changes nothing', async () => {
    // Prepare
    const referral = await seeded(Stage.AWAITING_MATCH);

    // Act
    const again = await api.as('coordinator').post(`/referrals/${referral.id}/accept`);
    const early = await api
      .as('coordinator')
      .post(`/referrals/${referral.id}/close`, { reason: 'NOT_A_REASON', summary: 'x' });

    // Assess
    expect(again.status).toBe(409);
    expect(again.body.error).toBe('IllegalTransition');
    expect(early.status).toBe(400);
    expect(await getReferral(store(), referral.id)).toMatchObject({
      stage: Stage.AWAITING_MATCH,
      version: referral.version,
    });
  });

  it('answers 404 to a transition on a referral that does not exist', async () => {
    // Act
    const answer = await api.as('coordinator').post('/referrals/01ARZ3NDEKTSV4RRFFQ69G5FAV/accept');

    // Assess
    expect(answer.status).toBe(404);
  });

  it('answers 400 to a match with a worker not on the roster, and 409 with a worker at capacity', async () => {
    // Prepare
    const referral = await seeded(Stage.AWAITING_MATCH);
    const full = await newWorker(1);
    await seeded(Stage.GOAL_SETTING, full);

    // Act
    const unknown = await api
      .as('coordinator')
      .post(`/referrals/${referral.id}/match`, { workerId: 'nobody' });
    const atCapacity = await api
      .as('coordinator')
      .post(`/referrals/${referral.id}/match`, { workerId: full });

    // Assess
    expect(unknown.status).toBe(400);
    expect(unknown.body.issues).toEqual([expect.objectContaining({ path: 'workerId' })]);
    expect(atCapacity.status).toBe(409);
    expect((await getReferral(store(), referral.id)).version).toBe(referral.version);
  });

  it('lets exactly one of 50 concurrent matches of one referral win; the other 49 get 409', async () => {
    // Prepare
    const referral = await seeded(Stage.AWAITING_MATCH);
    const workers = await Promise.all(Array.from({ length: 5 }, () => newWorker()));

    // Act
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        api.as('coordinator').post(`/referrals/${referral.id}/match`, { workerId: workers[i % 5] }),
      ),
    );

    // Assess
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(49);
    const winner = answers.find((a) => a.status === 200)!.body.workerId;
    const after = await getReferral(store(), referral.id);
    expect(after).toMatchObject({
      stage: Stage.GOAL_SETTING,
      workerId: winner,
      version: referral.version + 1,
    });
    const caseloads = await Promise.all(
      workers.map(async (w) => (await getWorker(store(), w)).activeCaseload),
    );
    expect(caseloads.reduce((a, b) => a + b, 0)).toBe(1);
  });
});

describe('who may move a referral', () => {
  it('lets the referring clinician withdraw (CLOSED, WITHDRAWN); another clinician gets 404', async () => {
    // Prepare
    const w = await newWorker();
    const referral = await seeded(Stage.IN_SESSIONS, w);
    const other = api.as('clinician', 'vancouver', `clinician-${randomUUID()}`);

    // Act
    const notMine = await other.post(`/referrals/${referral.id}/withdraw`, { reason: 'Changed my mind' });
    const withdrawn = await api
      .as('clinician')
      .post(`/referrals/${referral.id}/withdraw`, { reason: 'Client moved to another program' });

    // Assess
    expect(notMine.status).toBe(404);
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body).toMatchObject({
      stage: Stage.CLOSED,
      closure: { reason: 'WITHDRAWN', summary: 'Client moved to another program' },
    });
    expect(withdrawn.body).not.toHaveProperty('workerId');
    expect((await getWorker(store(), w)).activeCaseload).toBe(0);
  });

  it('lets the matched worker hold and resume; another worker gets 404', async () => {
    // Prepare
    const [mine, theirs] = await Promise.all([newWorker(), newWorker()]);
    const referral = await seeded(Stage.IN_SESSIONS, mine);

    // Act
    const byOther = await worker(theirs).post(`/referrals/${referral.id}/hold`, { reason: 'Travelling' });
    const held = await worker(mine).post(`/referrals/${referral.id}/hold`, { reason: 'In hospital' });
    const resumed = await worker(mine).post(`/referrals/${referral.id}/resume`);

    // Assess
    expect(byOther.status).toBe(404);
    expect(held.status).toBe(200);
    expect(held.body).toMatchObject({ stage: Stage.ON_HOLD, holdReason: 'In hospital' });
    expect(held.body.allowedEvents).toEqual(['resume']);
    expect(resumed.status).toBe(200);
    expect(resumed.body.stage).toBe(Stage.IN_SESSIONS);
    expect(resumed.body).not.toHaveProperty('holdReason');
  });

  it('reassigns: the new worker sees the client, the old one gets 404, and the slots move', async () => {
    // Prepare
    const [before, after] = await Promise.all([newWorker(), newWorker()]);
    const referral = await seeded(Stage.IN_SESSIONS, before);

    // Act
    const moved = await api
      .as('coordinator')
      .post(`/referrals/${referral.id}/reassign`, { workerId: after, reason: 'Schedule' });

    // Assess
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ stage: Stage.IN_SESSIONS, workerId: after });
    expect((await worker(after).get(`/referrals/${referral.id}`)).status).toBe(200);
    expect((await worker(before).get(`/referrals/${referral.id}`)).status).toBe(404);
    expect((await getWorker(store(), before)).activeCaseload).toBe(0);
    expect((await getWorker(store(), after)).activeCaseload).toBe(1);
  });

  it("declines at triage; the clinician sees the decline's reason and summary", async () => {
    // Prepare
    const referral = await seeded(Stage.REFERRED);

    // Act
    const declined = await api
      .as('coordinator')
      .post(`/referrals/${referral.id}/decline`, { reason: 'INELIGIBLE', summary: 'Needs acute care first' });

    // Assess
    expect(declined.status).toBe(200);
    expect(declined.body.stage).toBe(Stage.DECLINED);
    const seen = await api.as('clinician').get(`/referrals/${referral.id}`);
    expect(seen.body.declinedReason).toEqual({ reason: 'INELIGIBLE', summary: 'Needs acute care first' });
  });

  it('adds goals in IN_SESSIONS without a transition, and refuses another worker with 404', async () => {
    // Prepare
    const [mine, theirs] = await Promise.all([newWorker(), newWorker()]);
    const referral = await seeded(Stage.IN_SESSIONS, mine);

    // Act
    const added = await worker(mine).post(`/referrals/${referral.id}/goals`, {
      goals: [{ title: 'Cook a meal' }],
    });
    const byOther = await worker(theirs).post(`/referrals/${referral.id}/goals`, { goals: [{ title: 'x' }] });

    // Assess
    expect(added.status).toBe(200);
    expect(added.body.stage).toBe(Stage.IN_SESSIONS);
    expect(added.body.goals.map((g: { title: string }) => g.title)).toEqual([
      'Walk to the park',
      'Cook a meal',
    ]);
    expect(byOther.status).toBe(404);
  });
});

describe('DynamoDB requests per call', () => {
  const cases: { name: string; stage: Stage; role: Role; path: string }[] = [
    { name: 'accept', stage: Stage.REFERRED, role: 'coordinator', path: '/accept' },
    { name: 'match', stage: Stage.AWAITING_MATCH, role: 'coordinator', path: '/match' },
    { name: 'hold', stage: Stage.IN_SESSIONS, role: 'peer-worker', path: '/hold' },
    { name: 'setGoals', stage: Stage.GOAL_SETTING, role: 'peer-worker', path: '/goals' },
    { name: 'close', stage: Stage.GOALS_ACHIEVED, role: 'coordinator', path: '/close' },
    { name: 'withdraw', stage: Stage.AWAITING_MATCH, role: 'clinician', path: '/withdraw' },
  ];
  it.each(cases)(
    '$name costs at most 3 DynamoDB requests, one of them the write',
    async ({ stage, role, path }) => {
      // Prepare (referrals seeded without a workflow, so every request counted is the API's)
      const w = await newWorker();
      const referral = await seeded(
        stage,
        stage === Stage.REFERRED || stage === Stage.AWAITING_MATCH ? undefined : w,
      );
      const bodies: Record<string, unknown> = {
        '/match': { workerId: w },
        '/hold': { reason: 'Away' },
        '/goals': { goals: [{ title: 'Garden' }] },
        '/close': { reason: 'GOALS_MET', summary: 'Done' },
        '/withdraw': { reason: 'Not needed' },
      };
      const caller = api.as(role, 'vancouver', role === 'peer-worker' ? w : undefined);
      await caller.token();
      api.requests.length = 0;

      // Act
      const answer = await caller.post(`/referrals/${referral.id}${path}`, bodies[path]);

      // Assess
      expect(answer.status).toBe(200);
      expect(api.requests.length).toBeLessThanOrEqual(3);
      expect(api.requests.filter((r) => WRITES.has(r.operation)).map((r) => r.operation)).toEqual([
        'TransactWriteItems',
      ]);
    },
  );
});
