import { NotFoundError } from '#app/errors.ts';
import { getAlert } from '#data/alerts.ts';
import { programMonth } from '#data/common.ts';
import { getContract, listContractsEnding } from '#data/contracts.ts';
import { paidMonth } from '#data/paid-time.ts';
import { listSupervision } from '#data/supervision.ts';
import { listTrainingExpiringBefore } from '#data/training.ts';
import { listAllWorkers } from '#data/workers.ts';
import { CONTRACT_ENDING_WARNING_DAYS, HOURS_NEAR_LIMIT_SHARE, inForce } from '#domain/contracts.ts';
import type { AlertKind } from '#domain/lifecycle.ts';
import { SUPERVISION_DUE_DAYS } from '#domain/supervision.ts';
import { TRAINING_EXPIRY_WARNING_DAYS } from '#domain/training.ts';
import { todayInProgramZone } from '#domain/vocabulary.ts';
import {
  type AlertDeps,
  type AlertTarget,
  audienceOf,
  COORDINATORS,
  deterministicAlertId,
  raiseAlert,
  userTarget,
} from '#services/alerts.ts';

/**
 * The workforce's timed alerts (issue 17), run by the scheduled follow-up: a training record expiring
 * within 30 days and a contract ending within 30 days (the worker and the coordinators), paid time at 90%
 * of the month's contracted hours (the worker and the coordinators), and a worker without supervision for
 * 45 days (the coordinators). Each alert's id is derived from what it is about, and one already in the
 * inbox is not raised again, so every run after the first is quiet: one alert, once.
 */

export interface WorkforceFollowUpResult {
  trainingExpiring: number;
  contractsEnding: number;
  hoursNearLimit: number;
  supervisionDue: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** The local date `days` after `date` (both `YYYY-MM-DD`). */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Raises the alert unless one with its id is already in the target's inbox; true when raised. */
async function raiseOnce(
  deps: AlertDeps,
  input: {
    target: AlertTarget;
    kind: AlertKind;
    seed: string;
    at: string;
    details: Record<string, string | number>;
  },
): Promise<boolean> {
  const id = deterministicAlertId(`${input.kind}|${input.seed}`, `${input.at}T00:00:00.000Z`);
  try {
    await getAlert(deps.store, audienceOf(deps.store.region, input.target), id);
    return false;
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
  }
  await raiseAlert(deps, { target: input.target, kind: input.kind, details: input.details, id });
  return true;
}

/** To the worker and to the coordinators; counts once when either was new. */
async function toWorkerAndCoordinators(
  deps: AlertDeps,
  workerId: string,
  input: { kind: AlertKind; seed: string; at: string; details: Record<string, string | number> },
): Promise<number> {
  const worker = await raiseOnce(deps, { ...input, target: userTarget(workerId) });
  const coordinators = await raiseOnce(deps, { ...input, target: COORDINATORS });
  return worker || coordinators ? 1 : 0;
}

export async function workforceFollowUp(
  deps: AlertDeps,
  now: Date = deps.store.now(),
): Promise<WorkforceFollowUpResult> {
  const today = todayInProgramZone(now);
  const result: WorkforceFollowUpResult = {
    trainingExpiring: 0,
    contractsEnding: 0,
    hoursNearLimit: 0,
    supervisionDue: 0,
  };

  const warnUntil = addDays(today, TRAINING_EXPIRY_WARNING_DAYS + 1);
  for (const record of await listTrainingExpiringBefore(deps.store, warnUntil)) {
    if (record.expiresOn === undefined || record.expiresOn < today) continue;
    result.trainingExpiring += await toWorkerAndCoordinators(deps, record.workerId, {
      kind: 'TRAINING_EXPIRING',
      seed: `${record.id}|${record.expiresOn}`,
      at: addDays(record.expiresOn, -TRAINING_EXPIRY_WARNING_DAYS),
      details: { workerId: record.workerId, course: record.course, expiresOn: record.expiresOn },
    });
  }

  const ending = await listContractsEnding(deps.store, {
    from: today,
    to: addDays(today, CONTRACT_ENDING_WARNING_DAYS),
  });
  for (const contract of ending) {
    result.contractsEnding += await toWorkerAndCoordinators(deps, contract.workerId, {
      kind: 'CONTRACT_ENDING',
      seed: `${contract.workerId}|${contract.end}`,
      at: addDays(contract.end, -CONTRACT_ENDING_WARNING_DAYS),
      details: { workerId: contract.workerId, end: contract.end },
    });
  }

  const month = programMonth(now);
  for (const worker of await listAllWorkers(deps.store, { activeOnly: true })) {
    const [contract, last] = await Promise.all([
      getContract(deps.store, worker.id),
      listSupervision(deps.store, worker.id, { limit: 1 }),
    ]);
    if (contract && inForce(contract, today)) {
      const paid = await paidMonth(deps.store, worker.id, month);
      if (paid.total >= contract.hoursPerMonth * 60 * HOURS_NEAR_LIMIT_SHARE) {
        result.hoursNearLimit += await toWorkerAndCoordinators(deps, worker.id, {
          kind: 'HOURS_NEAR_LIMIT',
          seed: `${worker.id}|${month}`,
          at: `${month}-01`,
          details: { workerId: worker.id, month },
        });
      }
    }
    // Counted from the last supervision, or from joining the roster for a worker never supervised.
    const since = last.items[0]?.date ?? todayInProgramZone(new Date(worker.createdAt));
    const due = addDays(since, SUPERVISION_DUE_DAYS);
    if (due <= today) {
      const raised = await raiseOnce(deps, {
        target: COORDINATORS,
        kind: 'SUPERVISION_DUE',
        seed: `${worker.id}|${since}`,
        at: due,
        details: { workerId: worker.id, lastSupervision: since },
      });
      if (raised) result.supervisionDue++;
    }
  }
  return result;
}
