import { DomainValidationError, IllegalTransitionError } from '#domain/errors.ts';
import { ASSIGNED_STAGES, Stage } from '#domain/lifecycle.ts';
import {
  BASELINE_RATING,
  type Goal,
  type GoalInput,
  type GoalRating,
  MAX_RATING,
  MIN_RATING,
} from '#domain/work.ts';
import { getItem, iso, newId, queryAll, withoutInternals } from './common.ts';
import { NotFoundError } from './errors.ts';
import { type Actor, auditEventItem } from './events.ts';
import { ItemType, Keys, SK } from './keys.ts';
import type { Store } from './store.ts';
import { cond, hasConflict, RETRY, transact, tx, withRetries } from './tx.ts';

/** The most goals one write may add (the domain allows 10 per request). */
const MAX_GOALS_PER_WRITE = 20;

/** New goal items at the baseline rating (−1), and the goals they store. Used by `addGoals` and setGoals. */
export function newGoalItems(
  store: Store,
  referralId: string,
  inputs: readonly GoalInput[],
): { items: Record<string, unknown>[]; goals: Goal[] } {
  if (inputs.length === 0) {
    throw new DomainValidationError('At least one goal', [{ path: 'goals', message: 'At least one goal' }]);
  }
  if (inputs.length > MAX_GOALS_PER_WRITE) {
    throw new DomainValidationError('Too many goals', [{ path: 'goals', message: 'Too many goals' }]);
  }
  const now = iso(store.now());
  const goals: Goal[] = inputs.map((input) => ({
    id: newId(store),
    referralId,
    title: input.title,
    ...(input.description !== undefined ? { description: input.description } : {}),
    baselineRating: BASELINE_RATING,
    ratings: [],
    latestRating: BASELINE_RATING,
    createdAt: now,
  }));
  const items = goals.map((goal) => ({
    ...Keys.goal(referralId, goal.id),
    type: ItemType.GOAL,
    version: 1,
    updatedAt: now,
    ...goal,
  }));
  return { items, goals };
}

export function toGoal(item: Record<string, unknown>): Goal {
  return withoutInternals<Goal>(item);
}

export async function getGoal(store: Store, referralId: string, goalId: string): Promise<Goal> {
  const item = await getItem(store, Keys.goal(referralId, goalId));
  if (!item) throw new NotFoundError('Goal', goalId);
  return toGoal(item);
}

/** A referral's goals, oldest first. */
export async function listGoals(store: Store, referralId: string): Promise<Goal[]> {
  const items = await queryAll(store, {
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': Keys.referralPartition(referralId), ':prefix': SK.GOAL_PREFIX },
    ConsistentRead: true,
  });
  return items.map(toGoal);
}

/**
 * Adds goals to a referral in IN_SESSIONS (the first goals come with the `setGoals` transition). One
 * transaction: a check that the referral exists in IN_SESSIONS, the goals, an audit event with their ids.
 */
export async function addGoals(
  store: Store,
  input: { referralId: string; goals: readonly GoalInput[]; actor: Actor },
): Promise<Goal[]> {
  const { referralId } = input;
  return withRetries('Referral', referralId, async () => {
    const { items, goals } = newGoalItems(store, referralId, input.goals);
    const outcome = await transact(store, [
      tx.check(store, Keys.referral(referralId), cond.and(cond.exists(), cond.stageIs(Stage.IN_SESSIONS))),
      ...items.map((item) => tx.put(store, item, cond.notExists())),
      tx.put(
        store,
        auditEventItem(store, input.actor, {
          referralId,
          kind: 'GOALS_ADDED',
          goalIds: goals.map((g) => g.id),
        }),
      ),
    ]);
    if (outcome.ok) return goals;
    if (hasConflict(outcome.reasons)) return RETRY;
    const referral = outcome.reasons[0];
    if (referral?.code === 'ConditionalCheckFailed') {
      if (!referral.item) throw new NotFoundError('Referral', referralId, { cause: outcome.error });
      throw new IllegalTransitionError(String(referral.item.stage), 'addGoals', { cause: outcome.error });
    }
    throw outcome.error;
  });
}

/**
 * Appends a goal-attainment rating (−2…+2) and makes it the latest. Allowed while a worker is assigned
 * (GOAL_SETTING … GOALS_ACHIEVED). Conditional on the goal's version; a concurrent rating is retried.
 */
export async function rateGoal(
  store: Store,
  input: { referralId: string; goalId: string; rating: number; note?: string; actor: Actor },
): Promise<Goal> {
  const { referralId, goalId, rating } = input;
  if (!Number.isInteger(rating) || rating < MIN_RATING || rating > MAX_RATING) {
    throw new DomainValidationError('Invalid rating', [
      { path: 'rating', message: `Must be a whole number from ${MIN_RATING} to ${MAX_RATING}` },
    ]);
  }
  return withRetries('Goal', goalId, async () => {
    const item = await getItem(store, Keys.goal(referralId, goalId));
    if (!item) throw new NotFoundError('Goal', goalId);
    const version = item.version as number;
    const now = iso(store.now());
    const entry: GoalRating = {
      rating,
      ...(input.note !== undefined ? { note: input.note } : {}),
      at: now,
      by: input.actor.sub,
    };
    const outcome = await transact(store, [
      tx.check(store, Keys.referral(referralId), cond.and(cond.exists(), cond.stageIn(ASSIGNED_STAGES))),
      tx.update(
        store,
        Keys.goal(referralId, goalId),
        {
          append: { ratings: [entry] },
          set: { latestRating: rating, updatedAt: now },
          increment: { version: 1 },
        },
        cond.and(cond.exists(), cond.versionIs(version)),
      ),
      tx.put(store, auditEventItem(store, input.actor, { referralId, kind: 'GOAL_RATED', goalId })),
    ]);
    if (outcome.ok) {
      const before = toGoal(item);
      return {
        ...before,
        ratings: [...before.ratings, entry],
        latestRating: rating,
        updatedAt: now,
        version: version + 1,
      } as Goal;
    }
    if (hasConflict(outcome.reasons)) return RETRY;
    const [referral, goal] = outcome.reasons;
    if (referral?.code === 'ConditionalCheckFailed') {
      if (!referral.item) throw new NotFoundError('Referral', referralId, { cause: outcome.error });
      throw new IllegalTransitionError(String(referral.item.stage), 'rateGoal', { cause: outcome.error });
    }
    if (goal?.code === 'ConditionalCheckFailed') {
      if (!goal.item) throw new NotFoundError('Goal', goalId, { cause: outcome.error });
      return RETRY;
    }
    throw outcome.error;
  });
}
