import { listEvents } from '#data/events.ts';
import { getReferral } from '#data/referrals/reads.ts';
import { storeWaitToken } from '#data/referrals/wait-tokens.ts';
import type { LifecycleEvent, Stage } from '#domain/lifecycle.ts';
import type { Referral } from '#domain/referral.ts';
import { completionFor, inferEvent, type WaitForPersonInput } from '#domain/workflow-contract.ts';
import { cloudDeps, type TaskDeps } from './deps.ts';

export interface WaitForPersonResult {
  /** True: the token is on the referral and the API will complete it. False: completed here at once. */
  stored: boolean;
}

const ATTEMPTS = 3;

/**
 * The first transition out of `from` since the referral last entered it, from the audit trail. When the
 * API moved a referral several steps before the machine caught up, the machine walks them one at a time
 * (each wait finds the next), so every step is notified once and in order.
 */
async function nextStepOutOf(
  deps: Pick<TaskDeps, 'store'>,
  from: Stage,
  referral: Referral,
): Promise<{ event: LifecycleEvent; to: Stage } | undefined> {
  const trail = await listEvents(deps.store, referral.id);
  let entered = -1;
  for (let i = trail.length - 1; i >= 0; i--) {
    if (trail[i]?.to === from) {
      entered = i;
      break;
    }
  }
  const next = trail.slice(entered + 1).find((e) => e.kind === 'TRANSITIONED' && e.from === from);
  if (next?.event && next.to) return { event: next.event, to: next.to };
  const event = inferEvent(from, referral);
  return event ? { event, to: referral.stage } : undefined;
}

/**
 * Entering a wait: store the task token on the referral only if it is still in the stage this wait is
 * for. If the stage already moved (the API's transition came first and found no token to complete), the
 * wait completes its own token with the step that moved it, so the machine catches up at once.
 */
export async function waitForPerson(
  deps: Pick<TaskDeps, 'store' | 'workflow' | 'log'>,
  input: WaitForPersonInput,
): Promise<WaitForPersonResult> {
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    if (await storeWaitToken(deps.store, input.referralId, input.stage, input.taskToken))
      return { stored: true };
    const referral = await getReferral(deps.store, input.referralId);
    // Still in our stage: another write raced the token's; try again.
    if (referral.stage === input.stage) continue;
    const step = await nextStepOutOf(deps, input.stage, referral);
    if (!step) throw new Error(`No transition leads from ${input.stage} to ${referral.stage}`);
    const completion = completionFor(input.stage, step.event, step.to);
    deps.log({
      msg: 'wait found the stage moved',
      referralId: input.referralId,
      from: input.stage,
      to: step.to,
    });
    if (completion.kind === 'fail')
      await deps.workflow.fail(input.taskToken, completion.error, completion.cause);
    else await deps.workflow.succeed(input.taskToken, completion.output);
    return { stored: false };
  }
  throw new Error(`Could not store the wait token of referral ${input.referralId}`);
}

export const handler = (event: WaitForPersonInput): Promise<WaitForPersonResult> =>
  waitForPerson(cloudDeps(), event);
