import type { WorkflowGateway } from '#app/ports.ts';
import { type TransitionInput, type TransitionResult, transition } from '#data/referrals/transition.ts';
import { recordExecution } from '#data/referrals/wait-tokens.ts';
import type { Store } from '#data/store.ts';
import type { Referral } from '#domain/referral.ts';
import { completionFor } from '#domain/workflow-contract.ts';

/**
 * What the API calls to move a referral: the data layer's conditional transition (one transaction, which
 * also takes the wait token off the referral), then the state machine's wait completed with that token.
 * No token means the wait has not stored one yet: it will find the stage moved and complete itself.
 */

export interface WorkflowContext {
  store: Store;
  workflow: WorkflowGateway;
  /** Told when the machine could not be reached after a committed transition (ids only). */
  log?: (entry: Record<string, unknown>) => void;
}

export interface AppliedTransition extends TransitionResult {
  /** Whether a waiting task was completed (false: no token was stored, or the machine was unreachable). */
  workflowNotified: boolean;
}

export async function applyTransition(
  ctx: WorkflowContext,
  command: TransitionInput,
): Promise<AppliedTransition> {
  const result = await transition(ctx.store, command);
  const { waitToken } = result;
  if (waitToken === undefined) return { ...result, workflowNotified: false };
  const completion = completionFor(result.previous.stage, command.event, result.referral.stage);
  try {
    if (completion.kind === 'fail') await ctx.workflow.fail(waitToken, completion.error, completion.cause);
    else await ctx.workflow.succeed(waitToken, completion.output);
    return { ...result, workflowNotified: true };
  } catch (error) {
    // The transition is committed and stands. The wait times out in due course, alerts, waits again and
    // then sees the new stage; the reconciler repairs a machine that is gone.
    ctx.log?.({
      msg: 'workflow not notified',
      referralId: command.referralId,
      event: command.event,
      error: (error as { name?: string }).name ?? 'Error',
    });
    return { ...result, workflowNotified: false };
  }
}

/**
 * Starts a new referral's execution (named by its id) and records it on the referral: one StartExecution and
 * one conditional update, no read (the caller passes the referral it just created). Idempotent: a referral
 * that names an execution is left alone, the start of a running name is a no-op, and an execution recorded
 * meanwhile (a reconciler's repair) is never overwritten.
 */
export async function startReferralWorkflow(
  ctx: Pick<WorkflowContext, 'store' | 'workflow'>,
  referral: Pick<Referral, 'id' | 'region' | 'stage' | 'executionName'>,
): Promise<void> {
  if (referral.executionName !== undefined) return;
  await ctx.workflow.start(referral.id, referral.region, {
    executionName: referral.id,
    known: { stage: referral.stage },
  });
  await recordExecution(ctx.store, referral.id, referral.id, { onlyIfUnset: true });
}
