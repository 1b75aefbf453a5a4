import { type LifecycleEvent, Stage, TRANSITIONS } from '#domain/lifecycle.ts';
import type { Referral } from '#domain/referral.ts';

/**
 * What the state machine, its task handlers, the gateway and the API agree on. No CDK here: the Lambda
 * bundles import this file, so it must stay light.
 */

/** The error the API sends (`SendTaskFailure`) when a referral is closed or withdrawn early. */
export const REFERRAL_CLOSED_ERROR = 'ReferralClosed';
export type ReferralClosedError = typeof REFERRAL_CLOSED_ERROR;

/** The payload of every wait (`.waitForTaskToken`). */
export interface WaitForPersonInput {
  taskToken: string;
  referralId: string;
  region: string;
  stage: Stage;
}

/** What completes a wait, whether sent by the API or by the wait itself. */
export interface WaitOutcome {
  stage: Stage;
  event: LifecycleEvent;
}

/** The cause sent with a ReferralClosed failure (JSON in the error's `Cause`): codes only. */
export interface ClosedCause {
  from?: Stage;
  event?: LifecycleEvent;
}

export interface CheckActivityInput {
  referralId: string;
  region: string;
  /** The stage whose no-session timer this is (the check is moot once the referral left it). */
  stage: Stage;
  noSessionSeconds: number;
}

export interface CheckActivityOutput {
  overdue: boolean;
  /** Whole seconds ≥ 1: the timeout of the next no-session wait. */
  remainingSeconds: number;
}

interface NotifyBase {
  referralId: string;
  region: string;
  /** `$$.Execution.Name` and `$$.State.EnteredTime`: a retried notify writes the same alert ids. */
  execution: string;
  enteredAt: string;
}

export type NotifyInput = NotifyBase &
  (
    | { notice: 'NEW_REFERRAL' }
    | { notice: 'TRANSITION'; from: Stage; stage: Stage; event: LifecycleEvent }
    | { notice: 'OVERDUE'; stage: Stage; alert: string }
    /** `cause`: the JSON `ClosedCause` sent with the ReferralClosed failure. */
    | { notice: 'CLOSED_EARLY'; cause: string }
  );

export interface NotifyOutput {
  alerts: number;
}

/**
 * A closure the machine handles as a failure of the wait (`ReferralClosed`): a withdrawal, or a close from
 * any stage but GOALS_ACHIEVED (there `close` is the confirmation the closure wait expects).
 */
export function isEarlyClosure(from: Stage, event: LifecycleEvent): boolean {
  return event === 'withdraw' || (event === 'close' && from !== Stage.GOALS_ACHIEVED);
}

export type WaitCompletion =
  | { kind: 'succeed'; output: WaitOutcome }
  | { kind: 'fail'; error: ReferralClosedError; cause: ClosedCause };

/** How the API completes the wait after moving a referral `from` a stage with `event`. */
export function completionFor(from: Stage, event: LifecycleEvent, to: Stage): WaitCompletion {
  if (to === Stage.CLOSED && isEarlyClosure(from, event)) {
    return { kind: 'fail', error: REFERRAL_CLOSED_ERROR, cause: { from, event } };
  }
  return { kind: 'succeed', output: { stage: to, event } };
}

/**
 * The event that most plausibly moved a referral from the stage a wait was entered in to where it is now,
 * for a wait that finds the stage already moved (the API's transition came before the token was stored).
 */
export function inferEvent(
  from: Stage,
  referral: Pick<Referral, 'stage' | 'closure'>,
): LifecycleEvent | undefined {
  if (referral.stage === Stage.CLOSED) return referral.closure?.reason === 'WITHDRAWN' ? 'withdraw' : 'close';
  const direct = TRANSITIONS.find((t) => t.from === from && t.to === referral.stage && t.from !== t.to);
  if (direct) return direct.event;
  // Moved more than one step: name the last step into the current stage.
  return TRANSITIONS.find((t) => t.to === referral.stage && t.from !== t.to)?.event;
}
