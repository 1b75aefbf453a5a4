import { randomUUID } from 'node:crypto';
import { ROUTES } from '#api/routes.ts';
import { createWorker } from '#data/workers.ts';
import { Stage } from '#domain/lifecycle.ts';
import { type ProgramRegion, Role } from '#domain/roles.ts';
import { WorkerInputSchema } from '#domain/worker.ts';
import { programDate, referralForm } from '../../test/support/fixtures.ts';
import { sessionBody, workerForm } from '../../test/support/reliability-flow.ts';
import { FLOOR_DYNAMO_HEADER, startFloorServer } from '../lib/floor.ts';
import type { BenchCaller, TimedReply } from '../lib/http.ts';
import type { Progress } from '../lib/progress.ts';
import { figuresOf, Recorder, type RouteFigures } from '../lib/record.ts';
import type { BenchStack } from '../lib/stack.ts';
import { median, round } from '../lib/stats.ts';

/**
 * Every route of the table, called one at a time over HTTP (so nothing else of the API runs meanwhile),
 * each call's latency set against the DynamoDB operations its handler sent in that same call. One sample
 * walks a referral through the whole lifecycle (with a reassignment, a hold, a re-referral and its
 * withdrawal, and a declined one), then calls the region-wide routes. Before each transition the bench
 * waits until the state machine waits for it, as it would when a person acts.
 */

/**
 * getReferral set against the floor (bench/lib/floor.ts: a bare server making the same Query), called
 * alternately with the same pause before each, so both see the same machine.
 */
export interface FloorComparison {
  n: number;
  /** Idle time before each call (ms): the machine as a person's next click finds it. */
  pauseMs: number;
  floor: { p50Ms: number; dynamoP50Ms: number; ratio: number };
  api: { p50Ms: number; dynamoP50Ms: number; ratio: number };
  /** Median over pairs of (API latency − API DynamoDB time) − (floor latency − floor DynamoDB time). */
  apiOverFloorMs: number;
  /** The floor again through node:http's client instead of the bench's lean one. */
  floorViaNodeHttp: { p50Ms: number; dynamoP50Ms: number; ratio: number };
  /** Median over calls of what node:http's client adds by itself (its latency over DynamoDB, minus the lean's). */
  nodeHttpClientMs: number;
}

export interface RoutesResult {
  routes: RouteFigures[];
  floor?: FloorComparison;
  /** Routes of the table with no sample (and why). */
  missing: { route: string; reason: string }[];
  failures: { route: string; count: number; example: string }[];
}

const REGION: ProgramRegion = 'vancouver';
const REWAIT_MS = 5_000;

/** Workers with room for every bench client (the demo roster is small on purpose). */
export async function benchWorkers(bench: BenchStack, count: number, region = REGION): Promise<string[]> {
  const store = bench.stack.stores[region];
  const ids = Array.from({ length: count }, (_, i) => `bench-worker-${i}-${randomUUID().slice(0, 8)}`);
  await Promise.all(
    ids.map((id) =>
      createWorker(store, { id, input: WorkerInputSchema.parse(workerForm({ maxCaseload: 30 })) }),
    ),
  );
  return ids;
}

export async function runRoutes(
  bench: BenchStack,
  options: { samples: number; warmup: number; progress: Progress },
): Promise<RoutesResult> {
  const { client, waits } = bench;
  // One call at a time: each operation belongs to the call in flight (no async-context hooks).
  bench.api.attribution = 'sequential';
  // Samples alternate between the lean client and node:http's, each kept by its own recorder.
  const recorder = new Recorder(bench.api);
  const nodeHttpRecorder = new Recorder(bench.api);
  let current = recorder;
  const workers = await benchWorkers(bench, 12);
  const clinician = client.as(Role.CLINICIAN, REGION);
  const coordinator = client.as(Role.COORDINATOR, REGION);
  const worker = (id: string): BenchCaller => client.as(Role.PEER_WORKER, REGION, id);
  const m = <T = any>(route: string, call: Promise<TimedReply<T>>, ...expected: number[]) =>
    current.measure<T>(route, call, ...expected);

  /** After a transition that keeps the stage (reassign, resume), the machine waits again. */
  const waitAgain = async (id: string, stage: Stage, mark: number) => {
    try {
      await waits.waitingIn(id, stage, mark, REWAIT_MS);
    } catch {
      // The machine did not wait again: the next call still works (no token to complete); noted in JSON.
      rewaitMisses++;
    }
  };
  let rewaitMisses = 0;

  const runner = bench.stack.runners[REGION];
  /** Until the referral's executions have all ended (closing transitions), in memory. */
  const ended = async (id: string) => {
    const deadline = Date.now() + 10_000;
    while (runner.executionsOf(id).some((e) => e.status === 'RUNNING') && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  };
  /**
   * A transition, measured; then the bench waits until the machine has finished reacting to it (its next
   * wait stored, or the execution ended), so no call is measured while the runner works for an earlier one.
   */
  const move = async (route: string, id: string, to: Stage | 'end', send: () => Promise<TimedReply>) => {
    const mark = waits.mark(id);
    const reply = await m(route, send(), 200);
    if (to === 'end') await ended(id);
    else await waitAgain(id, to, mark);
    return reply;
  };

  const sample = async (i: number) => {
    const a = workers[i % workers.length]!;
    const b = workers[(i + 1) % workers.length]!;
    const submitted = await m(
      'submitReferral',
      clinician.post('/referrals', referralForm(REGION), { 'idempotency-key': randomUUID() }),
      201,
    );
    const id = String(submitted.body.id);
    await waits.waitingIn(id, Stage.REFERRED);
    const read = await m('getReferral', coordinator.get(`/referrals/${id}`), 200);
    await m(
      'correctReferral',
      clinician.patch(`/referrals/${id}`, { version: read.body.version, urgency: 'SOON' }),
      200,
    );
    await move('acceptReferral', id, Stage.AWAITING_MATCH, () => coordinator.post(`/referrals/${id}/accept`));
    await m('referralCandidates', coordinator.get(`/referrals/${id}/candidates`), 200);
    await move('matchReferral', id, Stage.GOAL_SETTING, () =>
      coordinator.post(`/referrals/${id}/match`, { workerId: a }),
    );
    const session = await m(
      'logSession',
      worker(a).post(`/referrals/${id}/sessions`, sessionBody(undefined, true)),
      201,
    );
    const sessionId = String(session.body.id);
    await m(
      'correctSession',
      worker(a).patch(`/referrals/${id}/sessions/${sessionId}`, {
        version: session.body.version,
        minutes: 45,
      }),
      200,
    );
    await move('reassignReferral', id, Stage.GOAL_SETTING, () =>
      coordinator.post(`/referrals/${id}/reassign`, { workerId: b, reason: 'Caseload balance' }),
    );
    const goals = await move('setGoals', id, Stage.IN_SESSIONS, () =>
      worker(b).post(`/referrals/${id}/goals`, { goals: [{ title: 'Walk to the park' }] }),
    );
    let goalId = (goals.body.goals as { id: string }[] | undefined)?.[0]?.id;
    if (!goalId) {
      const view = await worker(b).get(`/referrals/${id}`);
      goalId = (view.body.goals as { id: string }[] | undefined)?.[0]?.id;
    }
    if (goalId) {
      await m('rateGoal', worker(b).post(`/referrals/${id}/goals/${goalId}/ratings`, { rating: 0 }), 201);
    }
    await m(
      'raiseConcern',
      worker(b).post(`/referrals/${id}/concerns`, { level: 'ROUTINE', category: 'HEALTH' }),
      201,
    );
    await move('holdReferral', id, Stage.ON_HOLD, () =>
      worker(b).post(`/referrals/${id}/hold`, { reason: 'Travelling' }),
    );
    await move('resumeReferral', id, Stage.IN_SESSIONS, () => worker(b).post(`/referrals/${id}/resume`, {}));
    await move('goalsAchieved', id, Stage.GOALS_ACHIEVED, () =>
      worker(b).post(`/referrals/${id}/goals-achieved`),
    );
    await m('referralHistory', coordinator.get(`/referrals/${id}/history`), 200);
    await move('closeReferral', id, 'end', () =>
      coordinator.post(`/referrals/${id}/close`, { reason: 'GOALS_MET', summary: 'Goals met' }),
    );
    const again = await m('rereferReferral', clinician.post(`/referrals/${id}/rerefer`, {}), 201);
    const second = String(again.body.id);
    await waits.waitingIn(second, Stage.REFERRED);
    await move('withdrawReferral', second, 'end', () =>
      clinician.post(`/referrals/${second}/withdraw`, { reason: 'Client moved' }),
    );
    const third = await clinician.post('/referrals', referralForm(REGION));
    const thirdId = String(third.body.id);
    await waits.waitingIn(thirdId, Stage.REFERRED);
    await move('declineReferral', thirdId, 'end', () =>
      coordinator.post(`/referrals/${thirdId}/decline`, {
        reason: 'INELIGIBLE',
        summary: 'Outside criteria',
      }),
    );
    for (const done of [id, second, thirdId]) waits.forget(done);

    // --- region-wide routes ---------------------------------------------------------------------------
    await m('listReferrals', coordinator.get('/referrals'), 200);
    await m('listWorkers', coordinator.get('/workers'), 200);
    const profile = await m('getWorker', coordinator.get(`/workers/${a}`), 200);
    await m(
      'correctWorker',
      coordinator.patch(`/workers/${a}`, { version: profile.body.version, bio: `Bench ${i}` }),
      200,
    );
    await m('createWorker', coordinator.post('/workers', workerForm({ maxCaseload: 5 })), 201);
    await m('listUsers', coordinator.get('/users'), 200);
    const tag = randomUUID().slice(0, 8);
    await m(
      'createUser',
      coordinator.post('/users', {
        email: `u-${tag}@example.org`,
        givenName: 'Uma',
        familyName: `User-${tag}`,
        role: 'clinician',
      }),
      201,
    );
    const debriefs = await m('listDebriefs', coordinator.get('/debriefs?done=false'), 200);
    const debrief = (debriefs.body.items as { id: string; sessionId: string }[] | undefined)?.find(
      (d) => d.sessionId === sessionId,
    );
    if (debrief) await m('completeDebrief', coordinator.post(`/debriefs/${debrief.id}/done`), 200);
    const alerts = await m('listAlerts', coordinator.get('/alerts?acknowledged=false&limit=10'), 200);
    const alert = (alerts.body.items as { id: string }[] | undefined)?.[0];
    if (alert) await m('acknowledgeAlert', coordinator.post(`/alerts/${alert.id}/ack`), 200);
    await m(
      'reportSummary',
      coordinator.get(`/reports/summary?from=${programDate(-30)}&to=${programDate(0)}`),
      200,
    );
    await m('health', coordinator.get('/health'), 200);
    await m('openapi', coordinator.get('/openapi.json'), 200);
    await m('docs', coordinator.get('/docs'), 200);
  };

  // Each client gets `samples` samples (and its warm-up), taken turn about so both see the same machine.
  const total = 2 * (options.warmup + options.samples);
  let errors = 0;
  for (let i = 0; i < total; i++) {
    const via = i % 2 === 0 ? 'lean' : 'node:http';
    current = via === 'lean' ? recorder : nodeHttpRecorder;
    current.recording = i >= 2 * options.warmup;
    client.via = via;
    try {
      await sample(i);
    } catch (error) {
      errors++;
      if (errors <= 3)
        options.progress.note(`routes: sample ${i} stopped early: ${(error as Error).message}`);
    }
    options.progress.update('routes', i + 1, total, errors > 0 ? `(${errors} samples stopped early)` : '');
  }
  client.via = 'lean';
  if (rewaitMisses > 0)
    options.progress.note(`routes: the machine did not wait again ${rewaitMisses} time(s)`);

  const floor = await compareWithFloor(bench, options.samples, options.progress);

  const figures = [...recorder.samples].map(([route, samples]): RouteFigures => {
    const viaNode = nodeHttpRecorder.samples.get(route);
    const node = viaNode ? figuresOf(route, viaNode) : undefined;
    return {
      ...figuresOf(route, samples),
      ...(node
        ? {
            viaNodeHttp: {
              n: node.n,
              p50Ms: node.p50Ms,
              dynamoP50Ms: node.dynamoP50Ms,
              ...(node.ratioMedianPerCall !== undefined
                ? { ratioMedianPerCall: node.ratioMedianPerCall }
                : {}),
              ...(node.ratioP99 !== undefined ? { ratioP99: node.ratioP99 } : {}),
            },
          }
        : {}),
    };
  });
  const order = ROUTES.map((r) => r.id);
  figures.sort((x, y) => order.indexOf(x.route) - order.indexOf(y.route));
  const missing = ROUTES.filter((r) => !recorder.samples.has(r.id)).map((r) => ({
    route: r.id,
    reason: recorder.failures.get(r.id)?.example ?? 'not reached (an earlier step of its sample failed)',
  }));
  return {
    routes: figures,
    floor,
    missing,
    failures: [
      ...[...recorder.failures].map(([route, f]) => ({ route, ...f })),
      ...[...nodeHttpRecorder.failures].map(([route, f]) => ({ route: `${route} (node:http)`, ...f })),
    ],
  };
}

const FLOOR_PAUSE_MS = 10;

async function compareWithFloor(
  bench: BenchStack,
  pairs: number,
  progress: Progress,
): Promise<FloorComparison> {
  const clinician = bench.client.as(Role.CLINICIAN, REGION);
  const coordinator = bench.client.as(Role.COORDINATOR, REGION);
  const submitted = await clinician.post('/referrals', referralForm(REGION));
  const id = String(submitted.body.id);
  await bench.waits.waitingIn(id, Stage.REFERRED);
  const server = await startFloorServer(bench.api.doc, bench.stack.stores[REGION].tableName);
  const recorder = new Recorder(bench.api);
  const pause = () => new Promise((resolve) => setTimeout(resolve, FLOOR_PAUSE_MS));
  const floor: { ms: number; dynamoMs: number }[] = [];
  const nodeHttp: { ms: number; dynamoMs: number }[] = [];
  const api: { ms: number; dynamoMs: number }[] = [];
  const bareCall = async (via: 'lean' | 'node:http') => {
    const bare = await bench.client.getFrom(server.url, `/referrals/${id}`, Role.COORDINATOR, {
      region: REGION,
      via,
    });
    if (bare.status !== 200) throw new Error(`floor server answered ${bare.status}`);
    return { ms: bare.ms, dynamoMs: Number(bare.headers.get(FLOOR_DYNAMO_HEADER)) };
  };
  try {
    for (let i = 0; i < pairs; i++) {
      await pause();
      floor.push(await bareCall('lean'));
      await pause();
      nodeHttp.push(await bareCall('node:http'));
      await pause();
      const reply = await coordinator.get(`/referrals/${id}`);
      const sample = recorder.sampleOf('getReferral', reply);
      if (reply.status !== 200 || !sample) throw new Error(`getReferral answered ${reply.status}`);
      api.push(sample);
      progress.update('routes: floor', i + 1, pairs);
    }
  } finally {
    await server.close();
  }
  const summary = (calls: { ms: number; dynamoMs: number }[]) => ({
    p50Ms: round(median(calls.map((c) => c.ms))),
    dynamoP50Ms: round(median(calls.map((c) => c.dynamoMs))),
    ratio: round(median(calls.map((c) => c.ms / c.dynamoMs))),
  });
  return {
    n: pairs,
    pauseMs: FLOOR_PAUSE_MS,
    floor: summary(floor),
    api: summary(api),
    apiOverFloorMs: round(
      median(api.map((a, i) => a.ms - a.dynamoMs - (floor[i]!.ms - floor[i]!.dynamoMs))),
      3,
    ),
    floorViaNodeHttp: summary(nodeHttp),
    nodeHttpClientMs: round(
      median(nodeHttp.map((n, i) => n.ms - n.dynamoMs - (floor[i]!.ms - floor[i]!.dynamoMs))),
      3,
    ),
  };
}
