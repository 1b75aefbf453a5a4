import { performance } from 'node:perf_hooks';
import { Stage } from '#domain/lifecycle.ts';
import { type ProgramRegion, Role } from '#domain/roles.ts';
import { referralForm } from '../../test/support/fixtures.ts';
import { sessionBody } from '../../test/support/reliability-flow.ts';
import type { Progress } from '../lib/progress.ts';
import { type CallSample, Recorder } from '../lib/record.ts';
import type { BenchStack } from '../lib/stack.ts';
import { mean, median, percentile, pool, round, sum } from '../lib/stats.ts';
import { benchWorkers } from './routes.ts';

/**
 * Full lifecycles over HTTP at a fixed concurrency: submit → accept → match → goals → a session → goals
 * achieved → close, each transition sent once the state machine waits for it. Gives lifecycles per second,
 * the latency / DynamoDB-time ratio of every call under that load, and the Step Functions state transitions
 * (states entered) each lifecycle cost in the local runner.
 */

export interface LifecycleResult {
  referrals: number;
  completed: number;
  concurrency: number;
  seconds: number;
  lifecyclesPerSecond: number;
  calls: number;
  p50Ms: number;
  p99Ms: number;
  dynamoP50Ms: number;
  /** Median over calls of latency / that call's DynamoDB time. */
  ratioMedianPerCall: number;
  /** p50 latency / p50 DynamoDB time over all calls. */
  ratioP50: number;
  ratioP99: number;
  /** Σ latency / Σ DynamoDB time. */
  ratioAggregate: number;
  requestsPerCall: number;
  transitions: { min: number; median: number; max: number; mean: number; states?: string[] };
  errors: { count: number; example?: string };
}

const REGION: ProgramRegion = 'vancouver';

export async function runLifecycles(
  bench: BenchStack,
  options: { referrals: number; concurrency: number; progress: Progress },
): Promise<LifecycleResult> {
  const { client, waits, stack } = bench;
  // 32 calls at once: operations are matched to their call by async context.
  bench.api.attribution = 'context';
  const recorder = new Recorder(bench.api);
  const workers = await benchWorkers(bench, 12);
  const clinician = client.as(Role.CLINICIAN, REGION);
  const coordinator = client.as(Role.COORDINATOR, REGION);
  const m = recorder.measure.bind(recorder);
  const runner = stack.runners[REGION];
  const ids: string[] = [];
  let done = 0;
  let errors = 0;
  let example: string | undefined;

  const lifecycle = async (i: number) => {
    const workerId = workers[i % workers.length]!;
    const worker = client.as(Role.PEER_WORKER, REGION, workerId);
    const submitted = await m('submitReferral', clinician.post('/referrals', referralForm(REGION)), 201);
    const id = String(submitted.body.id);
    ids.push(id);
    await waits.waitingIn(id, Stage.REFERRED);
    await m('acceptReferral', coordinator.post(`/referrals/${id}/accept`), 200);
    await waits.waitingIn(id, Stage.AWAITING_MATCH);
    await m('matchReferral', coordinator.post(`/referrals/${id}/match`, { workerId }), 200);
    await waits.waitingIn(id, Stage.GOAL_SETTING);
    await m(
      'setGoals',
      worker.post(`/referrals/${id}/goals`, { goals: [{ title: 'Walk to the park' }] }),
      200,
    );
    await m('logSession', worker.post(`/referrals/${id}/sessions`, sessionBody()), 201);
    await waits.waitingIn(id, Stage.IN_SESSIONS);
    await m('goalsAchieved', worker.post(`/referrals/${id}/goals-achieved`), 200);
    await waits.waitingIn(id, Stage.GOALS_ACHIEVED);
    await m(
      'closeReferral',
      coordinator.post(`/referrals/${id}/close`, { reason: 'GOALS_MET', summary: 'Done' }),
      200,
    );
    waits.forget(id);
  };

  const started = performance.now();
  await pool(
    Array.from({ length: options.referrals }, (_, i) => i),
    options.concurrency,
    async (i) => {
      try {
        await lifecycle(i);
      } catch (error) {
        errors++;
        example ??= (error as Error).message;
      }
      done++;
      options.progress.update('lifecycles', done, options.referrals, errors > 0 ? `(${errors} failed)` : '');
    },
  );
  const seconds = (performance.now() - started) / 1000;
  const completed = options.referrals - errors;

  // Every execution ends on its own once its last notify ran; wait for them (in memory, no DynamoDB).
  const deadline = Date.now() + 30_000;
  const running = () => ids.some((id) => runner.executionsOf(id).some((e) => e.status === 'RUNNING'));
  while (running() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  const perLifecycle = ids
    .map((id) => runner.executionsOf(id))
    .filter((executions) => executions.length > 0 && executions.every((e) => e.status !== 'RUNNING'))
    .map((executions) => ({
      transitions: sum(executions.map((e) => e.transitions)),
      states: executions.flatMap((e) => e.states),
    }));
  const counts = perLifecycle.map((l) => l.transitions);

  const calls: CallSample[] = [...recorder.samples.values()].flat();
  const ms = calls.map((c) => c.ms);
  const dynamo = calls.map((c) => c.dynamoMs);
  const withDynamo = calls.filter((c) => c.dynamoMs > 0);
  return {
    referrals: options.referrals,
    completed,
    concurrency: options.concurrency,
    seconds: round(seconds),
    lifecyclesPerSecond: round(completed / seconds),
    calls: calls.length,
    p50Ms: round(percentile(ms, 50)),
    p99Ms: round(percentile(ms, 99)),
    dynamoP50Ms: round(percentile(dynamo, 50)),
    ratioMedianPerCall: round(median(withDynamo.map((c) => c.ms / c.dynamoMs))),
    ratioP50: round(percentile(ms, 50) / percentile(dynamo, 50)),
    ratioP99: round(percentile(ms, 99) / percentile(dynamo, 99)),
    ratioAggregate: round(sum(ms) / sum(dynamo)),
    requestsPerCall: round(mean(calls.map((c) => c.requests))),
    transitions: {
      min: Math.min(...counts),
      median: median(counts),
      max: Math.max(...counts),
      mean: round(mean(counts)),
      ...(perLifecycle[0] ? { states: perLifecycle[0].states } : {}),
    },
    errors: { count: errors, ...(example ? { example } : {}) },
  };
}
