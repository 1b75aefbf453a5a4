import { DomainValidationError } from './errors.ts';
import { findTransition, isOpen, type LifecycleEvent, nextStage, type Stage } from './lifecycle.ts';
import type { Referral } from './referral.ts';
import type { Role } from './roles.ts';
import { CLOSURE_REASONS, type ClosureReason, DECLINE_REASONS, type DeclineReason } from './vocabulary.ts';
import type { GoalInput } from './work.ts';

/**
 * What a lifecycle transition changes, decided without I/O: the stage (the lifecycle table), the fields each
 * event sets or removes, the worker's slot it takes or frees, the goals it creates, and the reason and
 * summary checks. The data layer turns a plan into one TransactWriteItems (shared/data/referrals/transition.ts).
 */

/** What each event carries, keyed by the event: a `close` without its summary does not compile. */
export type TransitionCommand =
  | { event: 'accept' }
  | { event: 'decline'; reason: DeclineReason; summary: string }
  | { event: 'match'; workerId: string }
  /** `reason` (free text) is kept on the new assignment. */
  | { event: 'reassign'; workerId: string; reason?: string }
  /** The client's goals, each starting at the baseline rating −1. */
  | { event: 'setGoals'; goals: readonly GoalInput[] }
  /** `reason` (free text) is kept as `holdReason` until the resume. */
  | { event: 'hold'; reason: string }
  | { event: 'resume'; reason?: string }
  | { event: 'goalsAchieved' }
  | { event: 'close'; reason: ClosureReason; summary: string }
  /** The clinician's reason (free text) is kept as the closure summary, reason code WITHDRAWN; `summary` wins. */
  | { event: 'withdraw'; reason: string; summary?: string };

/** Who moves the referral: the caller's `sub` and role. */
export interface TransitionActor {
  sub: string;
  role: Role;
}

/** The audit event's account of a transition: ids, stages and codes only, never free text. */
export interface TransitionAudit {
  event: LifecycleEvent;
  from: Stage;
  to: Stage;
  workerId?: string;
  previousWorkerId?: string;
  reasonCode?: string;
}

export interface TransitionPlan {
  from: Stage;
  to: Stage;
  /** The referral's attributes the transition sets (stage and updatedAt included). */
  set: Record<string, unknown>;
  /** The attributes it removes: always the wait token (the wait it ends is over). */
  remove: string[];
  audit: TransitionAudit;
  /** match, reassign: the worker who takes the client's slot (their first name goes on the referral). */
  take?: { workerId: string; reason?: string };
  /** reassign, and close or withdraw of an assigned referral: the worker whose slot is freed. */
  release?: { workerId: string };
  /** setGoals: the goals to create. */
  goals?: readonly GoalInput[];
  /** To CLOSED or DECLINED: `closedAt` is set; the data layer updates the indexes and the client pointer. */
  leavesOpen: boolean;
}

function invalid(path: string, message: string): DomainValidationError {
  return new DomainValidationError(`Invalid ${path}`, [{ path, message }]);
}

function requireText(value: string | undefined, path: string): string {
  if (value === undefined || value.trim() === '') throw invalid(path, 'Required');
  return value;
}

/**
 * The plan for `command` on `referral` as read, at `now`: IllegalTransitionError when the lifecycle table
 * does not allow the event from the referral's stage for the actor's role; DomainValidationError when what
 * the event carries is missing or not one of its codes (the types say so too, but commands also come from
 * parsed requests and other untyped callers).
 */
export function planTransition(
  referral: Pick<Referral, 'stage' | 'workerId'>,
  command: TransitionCommand,
  actor: TransitionActor,
  now: string,
): TransitionPlan {
  const { event } = command;
  const from = referral.stage;
  const to = nextStage(from, event, actor.role);
  const row = findTransition(from, event);
  const set: Record<string, unknown> = { stage: to, updatedAt: now };
  const remove = ['waitToken', 'waitStage'];
  const audit: TransitionAudit = { event, from, to };
  const plan: TransitionPlan = { from, to, set, remove, audit, leavesOpen: isOpen(from) && !isOpen(to) };

  if (to !== from) set.stageEnteredAt = now;

  // --- the worker's slot --------------------------------------------------------------------------------
  if (row?.assignment === 'take' || row?.assignment === 'move') {
    const carried = command as { workerId?: string; reason?: string };
    const workerId = requireText(carried.workerId, 'workerId');
    if (row.assignment === 'move' && workerId === referral.workerId) {
      throw invalid('workerId', 'The client is already assigned to this worker');
    }
    set.workerId = workerId;
    if (row.assignment === 'take') set.matchedAt = now;
    else set.reassignedAt = now;
    audit.workerId = workerId;
    plan.take = {
      workerId,
      ...(row.assignment === 'move' && carried.reason ? { reason: carried.reason } : {}),
    };
  }
  if ((row?.assignment === 'move' || row?.assignment === 'release') && referral.workerId) {
    audit.previousWorkerId = referral.workerId;
    plan.release = { workerId: referral.workerId };
  }

  // --- event-specific fields ----------------------------------------------------------------------------
  switch (command.event) {
    case 'close': {
      const reason = command.reason as ClosureReason | undefined;
      if (!reason || !CLOSURE_REASONS.includes(reason)) throw invalid('reason', 'Must be a closure reason');
      set.closure = { reason, summary: requireText(command.summary, 'summary'), closedBy: actor.sub };
      audit.reasonCode = reason;
      break;
    }
    case 'withdraw': {
      const summary = requireText(command.summary ?? command.reason, 'reason');
      set.closure = { reason: 'WITHDRAWN' satisfies ClosureReason, summary, closedBy: actor.sub };
      audit.reasonCode = 'WITHDRAWN';
      break;
    }
    case 'decline': {
      const reason = command.reason as DeclineReason | undefined;
      if (!reason || !DECLINE_REASONS.includes(reason)) throw invalid('reason', 'Must be a decline reason');
      set.declinedReason = {
        reason,
        summary: requireText(command.summary, 'summary'),
        declinedBy: actor.sub,
      };
      audit.reasonCode = reason;
      break;
    }
    case 'hold':
      set.holdReason = requireText(command.reason, 'reason');
      break;
    case 'resume':
      set.resumedAt = now;
      remove.push('holdReason');
      break;
    case 'setGoals':
      plan.goals = command.goals ?? [];
      break;
    default:
      break;
  }

  if (plan.leavesOpen) set.closedAt = now;
  return plan;
}
