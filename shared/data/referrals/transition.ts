import type { Stage } from '#domain/lifecycle.ts';
import type { Referral } from '#domain/referral.ts';
import { planTransition, type TransitionCommand } from '#domain/transition-plan.ts';
import type { Goal } from '#domain/work.ts';
import { iso, programMonth } from '../common.ts';
import {
  CapacityExceededError,
  ConcurrentUpdateError,
  NotFoundError,
  WorkerUnavailableError,
} from '../errors.ts';
import { type Actor, auditEventItem } from '../events.ts';
import type { CancellationReason } from '../failures.ts';
import { newGoalItems } from '../goals.ts';
import { IndexKeys, ItemType, Keys } from '../keys.ts';
import type { Store } from '../store.ts';
import {
  applyUpdate,
  cond,
  hasConflict,
  RETRY,
  type TxItem,
  transact,
  tx,
  type UpdateSpec,
  withRetries,
} from '../tx.ts';
import { getWorker } from '../workers.ts';
import { pointerRemove, readReferralItem, toReferral } from './item.ts';

/**
 * A transition as the data layer takes it: the event with what it carries (a union keyed by `event`, see
 * `TransitionCommand`), who sends it, and the caller's checks.
 */
export type TransitionInput = TransitionCommand & {
  referralId: string;
  actor: Actor;
  /** The version the caller saw (an API edit); a different one → ConcurrentUpdateError. */
  expectedVersion?: number;
  /**
   * Called with the referral as read, before anything is decided; throws to refuse (the API's "not yours",
   * 404). The check and the conditional write then see the same version, at no extra read.
   */
  authorize?: (referral: Referral) => void;
};

export interface TransitionResult {
  /** The referral after the transition. */
  referral: Referral;
  /** The referral as read before it. */
  previous: Referral;
  /**
   * The wait token this transition removed from the referral (the state machine's wait for `waitStage`):
   * the caller completes it (SendTaskSuccess / ReferralClosed failure). Never log or return it to a client.
   */
  waitToken?: string;
  waitStage?: Stage;
  /** setGoals: the goals created. */
  goals?: Goal[];
}

interface Labelled {
  label:
    | 'referral'
    | 'event'
    | 'newAssignment'
    | 'newWorker'
    | 'oldAssignment'
    | 'oldWorker'
    | 'pointer'
    | 'goal';
  item: TxItem;
}

/**
 * Moves a referral along the lifecycle: the domain's `planTransition` decides (IllegalTransitionError if not
 * allowed, DomainValidationError for a missing reason or summary), then ONE transaction: the referral
 * update conditioned on version, stage and the wait token it read; the audit event; and the side items of
 * the plan (assignment and caseload counter on match, reassign, release; goals on setGoals; the duplicate
 * pointer on leaving the open stages). Lost races: a changed version or stage → ConcurrentUpdateError; only
 * the wait token changed (the state machine stored one) → retried.
 */
export async function transition(store: Store, input: TransitionInput): Promise<TransitionResult> {
  const { referralId, actor } = input;
  let firstSeenVersion = input.expectedVersion;
  return withRetries('Referral', referralId, async () => {
    const item = await readReferralItem(store, referralId);
    const before = toReferral(item);
    input.authorize?.(before);
    // A retry redoes the same decision only on the same version: if someone else's transition landed in
    // between, this caller lost the race (409), even if the event would still be allowed from the new stage.
    if (firstSeenVersion !== undefined && before.version !== firstSeenVersion) {
      throw new ConcurrentUpdateError('Referral', referralId);
    }
    firstSeenVersion = before.version;
    const now = iso(store.now());
    const plan = planTransition(before, input, actor, now);
    const set: Record<string, unknown> = { ...plan.set };
    const remove = [...plan.remove];
    const labelled: Labelled[] = [];
    const eventFields: Parameters<typeof auditEventItem>[2] = {
      referralId,
      kind: 'TRANSITIONED',
      ...plan.audit,
    };

    if (plan.take) {
      const { workerId } = plan.take;
      const worker = await getWorker(store, workerId);
      if (!worker.active) throw new WorkerUnavailableError(workerId);
      if (worker.activeCaseload >= worker.maxCaseload) throw new CapacityExceededError(workerId);
      set.workerFirstName = worker.firstName;
      labelled.push(...takeSlot(store, plan.take, referralId, now));
    }
    if (plan.release) labelled.push(...releaseSlot(store, plan.release.workerId, referralId, now));

    let goals: Goal[] | undefined;
    if (plan.goals) {
      const created = newGoalItems(store, referralId, plan.goals);
      goals = created.goals;
      eventFields.goalIds = goals.map((g) => g.id);
      for (const goalItem of created.items) {
        labelled.push({ label: 'goal', item: tx.put(store, goalItem, cond.notExists()) });
      }
    }

    let eventIndex: { gsi3pk: string; gsi3sk: string } | undefined;
    if (plan.leavesOpen) {
      // Out of the consent-expiry index, out of the client's open referrals, into the closures' month.
      remove.push('gsi3pk', 'gsi3sk');
      const clientKey = item.clientKey as string | undefined;
      if (clientKey) {
        labelled.push({
          label: 'pointer',
          item: pointerRemove(store, Keys.clientPointer(store.region, clientKey), referralId),
        });
      }
      eventIndex = {
        gsi3pk: IndexKeys.closed(store.region, programMonth(now)),
        gsi3sk: IndexKeys.reportSort(now, referralId),
      };
    }
    set.gsi1pk = IndexKeys.queue(store.region, plan.to);

    const spec: UpdateSpec = { set, remove, increment: { version: 1 } };
    const referralCondition = cond.and(
      cond.exists(),
      cond.versionIs(before.version),
      cond.stageIs(plan.from),
      before.waitToken === undefined
        ? cond.absent('waitToken')
        : cond.equals('waitToken', before.waitToken, 'seenToken'),
    );
    const all: Labelled[] = [
      { label: 'referral', item: tx.update(store, Keys.referral(referralId), spec, referralCondition) },
      { label: 'event', item: tx.put(store, auditEventItem(store, actor, eventFields, eventIndex)) },
      ...labelled,
    ];
    const outcome = await transact(
      store,
      all.map((l) => l.item),
    );
    if (outcome.ok) {
      return {
        referral: toReferral(applyUpdate(item, spec)),
        previous: before,
        ...(before.waitToken !== undefined ? { waitToken: before.waitToken } : {}),
        ...(before.waitStage !== undefined ? { waitStage: before.waitStage } : {}),
        ...(goals ? { goals } : {}),
      };
    }
    return explainTransitionFailure(
      referralId,
      before,
      plan.take?.workerId,
      all,
      outcome.reasons,
      outcome.error,
    );
  });
}

/** The new assignment and the worker's caseload + 1, conditioned on the worker being active and below max. */
function takeSlot(
  store: Store,
  take: { workerId: string; reason?: string },
  referralId: string,
  now: string,
): Labelled[] {
  const { workerId } = take;
  return [
    {
      label: 'newAssignment',
      item: tx.put(
        store,
        {
          ...Keys.assignment(workerId, referralId),
          type: ItemType.ASSIGNMENT,
          version: 1,
          workerId,
          referralId,
          assignedAt: now,
          ...(take.reason ? { reason: take.reason } : {}),
        },
        cond.notExists(),
      ),
    },
    {
      label: 'newWorker',
      item: tx.update(
        store,
        Keys.worker(workerId),
        { increment: { activeCaseload: 1 }, set: { caseloadUpdatedAt: now } },
        cond.and(
          cond.exists(),
          cond.equals('active', true),
          cond.raw('#activeCaseload < #maxCaseload', {
            '#activeCaseload': 'activeCaseload',
            '#maxCaseload': 'maxCaseload',
          }),
        ),
      ),
    },
  ];
}

function releaseSlot(store: Store, workerId: string, referralId: string, now: string): Labelled[] {
  return [
    {
      label: 'oldAssignment',
      item: tx.delete(store, Keys.assignment(workerId, referralId), cond.exists()),
    },
    {
      label: 'oldWorker',
      item: tx.update(
        store,
        Keys.worker(workerId),
        { increment: { activeCaseload: -1 }, set: { caseloadUpdatedAt: now } },
        cond.exists(),
      ),
    },
  ];
}

function explainTransitionFailure(
  referralId: string,
  before: Referral,
  workerId: string | undefined,
  labelled: readonly Labelled[],
  reasons: readonly CancellationReason[],
  cause: unknown,
): typeof RETRY {
  if (hasConflict(reasons)) return RETRY;
  const failed = (label: Labelled['label']) =>
    reasons.find((reason, i) => labelled[i]?.label === label && reason.code === 'ConditionalCheckFailed');
  const referral = failed('referral');
  if (referral) {
    if (!referral.item) throw new NotFoundError('Referral', referralId, { cause });
    const moved = referral.item.version !== before.version || referral.item.stage !== before.stage;
    if (moved) throw new ConcurrentUpdateError('Referral', referralId, { cause });
    // Same version and stage: only the wait token changed underneath (the state machine stored one). Redo.
    return RETRY;
  }
  const worker = failed('newWorker');
  if (worker && workerId) {
    if (!worker.item) throw new NotFoundError('Worker', workerId, { cause });
    if (worker.item.active !== true) throw new WorkerUnavailableError(workerId, { cause });
    throw new CapacityExceededError(workerId, { cause });
  }
  if (failed('newAssignment') || failed('oldAssignment') || failed('oldWorker') || failed('goal')) {
    throw new ConcurrentUpdateError('Referral', referralId, { cause });
  }
  // The duplicate pointer changed at the same time (another submission for the same client): redo.
  if (failed('pointer')) return RETRY;
  throw cause;
}
