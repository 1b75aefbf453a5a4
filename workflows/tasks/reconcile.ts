import type { WorkflowGateway } from '#app/ports.ts';
import { getReferral, listOpenReferrals } from '#data/referrals/reads.ts';
import { recordExecution } from '#data/referrals/wait-tokens.ts';
import type { Store } from '#data/store.ts';
import { WAITS, waitFor } from '#domain/lifecycle.ts';
import type { Referral } from '#domain/referral.ts';

/**
 * The reconciler: every open referral must be driven by a running execution. One that is not (its start was
 * lost, its execution failed or was stopped) gets a new one, rebuilt from the table: named `<id>-r<n>`,
 * started at its stage's wait (`resumeAt`) and recorded on the referral. The local runner runs this at start
 * and on its tick; in the cloud the scheduled follow-up Lambda runs it with Step Functions'
 * DescribeExecution behind `isRunning`.
 */

/** Whether a named execution is running (Step Functions: DescribeExecution; absent = not running). */
export interface ExecutionMonitor {
  isRunning(executionName: string): Promise<boolean> | boolean;
}

export type ReconcilerGateway = Pick<WorkflowGateway, 'start'> & ExecutionMonitor;

export type RepairDecision =
  | { action: 'leave'; why: 'closed' | 'running' | 'recent' }
  | { action: 'start'; executionName: string; resumeAt?: string };

/** 0 for `<id>`, n for `<id>-r<n>`. */
export function repairNumber(executionName: string): number {
  const match = /-r(\d+)$/.exec(executionName);
  return match ? Number(match[1]) : 0;
}

/** The execution that drives the referral now: the recorded one, else the one named by its id. */
export function currentExecution(referral: Pick<Referral, 'id' | 'executionName'>): string {
  return referral.executionName ?? referral.id;
}

/**
 * What to do about one referral, given whether its current execution runs. A referral changed within
 * `graceMs` is left alone (its own start may be on its way). A referral never started and still in the
 * first stage starts from the beginning under its own id (new-referral alert included); any other gets the
 * next repair name, at the wait of its stage. Names are derived from the recorded one, so two reconcilers
 * (or a retried one) pick the same name and the second start is a no-op.
 */
export function repairDecision(
  referral: Pick<Referral, 'id' | 'stage' | 'executionName' | 'updatedAt'>,
  running: boolean,
  options: { now: Date; graceMs: number },
): RepairDecision {
  const wait = waitFor(referral.stage);
  if (!wait) return { action: 'leave', why: 'closed' };
  if (running) return { action: 'leave', why: 'running' };
  if (options.graceMs > 0 && Date.parse(referral.updatedAt) > options.now.getTime() - options.graceMs) {
    return { action: 'leave', why: 'recent' };
  }
  if (referral.executionName === undefined && referral.stage === WAITS[0]?.stage) {
    return { action: 'start', executionName: referral.id };
  }
  const n = repairNumber(currentExecution(referral)) + 1;
  return { action: 'start', executionName: `${referral.id}-r${n}`, resumeAt: wait.step };
}

export interface ReconcileDeps {
  store: Store;
  workflow: ReconcilerGateway;
  /** Structured log line: ids, stages and codes only. */
  log: (entry: Record<string, unknown>) => void;
}

export interface ReconcileOptions {
  /** Leave referrals changed this recently. Default 60 s; 0 repairs everything at once (a runner's start). */
  graceMs?: number;
  now?: Date;
  /** Checked before each referral (a runner that is stopping starts nothing more). */
  shouldStop?: () => boolean;
}

export interface ReconcileReport {
  /** `referralId → executionName` of the executions started. */
  started: Record<string, string>;
  /** Open referrals already driven by a running execution. */
  running: number;
  /** Open referrals left for the next run (changed within the grace period, or changed during this one). */
  deferred: number;
  /** Ids of referrals whose repair failed (logged); the next run tries again. */
  failed: string[];
}

export const DEFAULT_RECONCILE_GRACE_MS = 60_000;

export async function reconcileOpenReferrals(
  deps: ReconcileDeps,
  options: ReconcileOptions = {},
): Promise<ReconcileReport> {
  const graceMs = options.graceMs ?? DEFAULT_RECONCILE_GRACE_MS;
  const now = options.now ?? deps.store.now();
  const report: ReconcileReport = { started: {}, running: 0, deferred: 0, failed: [] };
  for (const referral of await listOpenReferrals(deps.store)) {
    if (options.shouldStop?.()) break;
    try {
      const outcome = await reconcileOne(deps, referral, { now, graceMs });
      if (outcome === 'running') report.running++;
      else if (outcome === 'deferred') report.deferred++;
      else if (outcome !== 'closed') report.started[referral.id] = outcome.started;
    } catch (error) {
      report.failed.push(referral.id);
      deps.log({ msg: 'workflow repair failed', referralId: referral.id, error: errorName(error) });
    }
  }
  return report;
}

async function reconcileOne(
  deps: ReconcileDeps,
  referral: Referral,
  options: { now: Date; graceMs: number },
): Promise<'running' | 'deferred' | 'closed' | { started: string }> {
  const current = currentExecution(referral);
  const running = await deps.workflow.isRunning(current);
  const decision = repairDecision(referral, running, options);
  if (decision.action === 'leave') {
    // Started but not recorded (the start's record was lost): record it now.
    if (decision.why === 'running' && referral.executionName === undefined) {
      await recordExecution(deps.store, referral.id, current);
    }
    return decision.why === 'recent' ? 'deferred' : decision.why;
  }
  // Read again: an execution also ends when its referral closes, and another reconciler may have repaired
  // it since the list was read. Either way there is nothing to do now.
  const fresh = await getReferral(deps.store, referral.id);
  if (fresh.stage !== referral.stage || fresh.executionName !== referral.executionName) return 'deferred';
  await deps.workflow.start(referral.id, referral.region, {
    executionName: decision.executionName,
    ...(decision.resumeAt ? { resumeAt: decision.resumeAt } : {}),
  });
  await recordExecution(deps.store, referral.id, decision.executionName);
  deps.log({
    msg: 'workflow resumed',
    referralId: referral.id,
    execution: decision.executionName,
    stage: referral.stage,
  });
  return { started: decision.executionName };
}

function errorName(error: unknown): string {
  return typeof error === 'object' && error !== null ? String((error as { name?: unknown }).name) : 'Error';
}
