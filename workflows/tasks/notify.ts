import { listEvents } from '#data/events.ts';
import { recordClosingRatings } from '#data/referrals/closing-ratings.ts';
import { getReferral } from '#data/referrals/reads.ts';
import { ALERT_KINDS, type AlertKind, isAssigned, type LifecycleEvent, Stage } from '#domain/lifecycle.ts';
import type { Referral } from '#domain/referral.ts';
import type { ClosedCause, NotifyInput, NotifyOutput } from '#domain/workflow-contract.ts';
import {
  type AlertTarget,
  COORDINATORS,
  deterministicAlertId,
  raiseAlert,
  userTarget,
} from '#services/alerts.ts';
import { cloudDeps, type TaskDeps } from './deps.ts';

/** One alert the notify task will raise. Details are ids and codes only. */
export interface PlannedAlert {
  target: AlertTarget;
  kind: AlertKind;
  stage: Stage;
  event?: LifecycleEvent;
  details?: Record<string, string>;
}

type ReferralFacts = Pick<
  Referral,
  'stage' | 'referrerSub' | 'workerId' | 'closure' | 'declinedReason' | 'possibleDuplicateOf'
>;

function parseCause(cause: string): ClosedCause {
  try {
    const parsed = JSON.parse(cause) as ClosedCause;
    return typeof parsed === 'object' && parsed !== null ? parsed : {};
  } catch {
    return {};
  }
}

function closureAlerts(
  referral: ReferralFacts,
  event: LifecycleEvent,
  from: Stage | undefined,
): PlannedAlert[] {
  const details: Record<string, string> = { event, ...(from ? { from } : {}) };
  if (referral.closure?.reason) details.reason = referral.closure.reason;
  const alerts: PlannedAlert[] = [
    { target: COORDINATORS, kind: 'REFERRAL_CLOSED', stage: Stage.CLOSED, event, details },
    // The referrer reads the reason code here; the summary stays on the referral for them to open.
    {
      target: userTarget(referral.referrerSub),
      kind: 'REFERRAL_CLOSED',
      stage: Stage.CLOSED,
      event,
      details,
    },
  ];
  if (referral.workerId && (from === undefined || isAssigned(from))) {
    alerts.push({
      target: userTarget(referral.workerId),
      kind: 'REFERRAL_CLOSED',
      stage: Stage.CLOSED,
      event,
    });
  }
  return alerts;
}

/**
 * Who hears about what. Coordinators: every step that needs a person, overdue timers, closures, declines,
 * new referrals. The referring clinician: a match, a new worker, the closure or decline with its reason
 * code. Workers: a new client (match, reassignment), a client moved away from them, their client's closure.
 */
export function plannedAlerts(
  input: NotifyInput,
  referral: ReferralFacts,
  previousWorkerId?: string,
): PlannedAlert[] {
  switch (input.notice) {
    case 'NEW_REFERRAL': {
      const alerts: PlannedAlert[] = [{ target: COORDINATORS, kind: 'NEW_REFERRAL', stage: referral.stage }];
      if (referral.possibleDuplicateOf) {
        alerts.push({
          target: COORDINATORS,
          kind: 'POSSIBLE_DUPLICATE',
          stage: referral.stage,
          details: { possibleDuplicateOf: referral.possibleDuplicateOf },
        });
      }
      return alerts;
    }
    case 'OVERDUE': {
      const kind = ALERT_KINDS.find((k) => k === input.alert);
      if (!kind) throw new Error(`Unknown alert kind ${input.alert}`);
      // The person acted as the timer ran out: nothing is overdue any more (the wait that follows sees the
      // new stage and moves on).
      if (referral.stage !== input.stage) return [];
      return [{ target: COORDINATORS, kind, stage: input.stage }];
    }
    case 'CLOSED_EARLY': {
      const cause = parseCause(input.cause);
      return closureAlerts(referral, cause.event ?? 'close', cause.from);
    }
    case 'TRANSITION':
      return transitionAlerts(input, referral, previousWorkerId);
  }
}

function transitionAlerts(
  input: Extract<NotifyInput, { notice: 'TRANSITION' }>,
  referral: ReferralFacts,
  previousWorkerId: string | undefined,
): PlannedAlert[] {
  const { stage, event, from } = input;
  if (stage === Stage.CLOSED) return closureAlerts(referral, event, from);
  if (stage === Stage.DECLINED) {
    const details: Record<string, string> = referral.declinedReason
      ? { reason: referral.declinedReason.reason }
      : {};
    return [
      { target: COORDINATORS, kind: 'REFERRAL_DECLINED', stage, event, details },
      { target: userTarget(referral.referrerSub), kind: 'REFERRAL_DECLINED', stage, event, details },
    ];
  }
  const stageChanged: PlannedAlert = {
    target: COORDINATORS,
    kind: 'STAGE_CHANGED',
    stage,
    event,
    details: { from },
  };
  const worker = referral.workerId;
  if (event === 'match' && worker) {
    return [
      stageChanged,
      // The clinician's view never shows a worker id: their referral page has the worker's first name.
      { target: userTarget(referral.referrerSub), kind: 'MATCH_MADE', stage, event },
      { target: userTarget(worker), kind: 'NEW_CLIENT', stage, event },
    ];
  }
  if (event === 'reassign' && worker) {
    const moved = { workerId: worker, ...(previousWorkerId ? { previousWorkerId } : {}) };
    const alerts: PlannedAlert[] = [
      { target: COORDINATORS, kind: 'CLIENT_REASSIGNED', stage, event, details: moved },
      { target: userTarget(referral.referrerSub), kind: 'CLIENT_REASSIGNED', stage, event },
      { target: userTarget(worker), kind: 'NEW_CLIENT', stage, event },
    ];
    if (previousWorkerId && previousWorkerId !== worker) {
      alerts.push({ target: userTarget(previousWorkerId), kind: 'CLIENT_REASSIGNED', stage, event });
    }
    return alerts;
  }
  return [stageChanged];
}

/** The notify task: plans the alerts from the table and raises each (a retry raises the same ids). */
export async function notify(
  deps: Pick<TaskDeps, 'store' | 'notifier' | 'events' | 'directory'>,
  input: NotifyInput,
): Promise<NotifyOutput> {
  const referral = await getReferral(deps.store, input.referralId);
  let previousWorkerId: string | undefined;
  if (input.notice === 'TRANSITION' && input.event === 'reassign') {
    const reassigns = (await listEvents(deps.store, input.referralId)).filter(
      (e) => e.kind === 'TRANSITIONED' && e.event === 'reassign',
    );
    previousWorkerId = reassigns.at(-1)?.previousWorkerId;
  }
  if (referral.stage === Stage.CLOSED && referral.matchedAt && referral.closingRatings === undefined) {
    // Its goals are final now: the report reads these instead of querying them (see closing-ratings.ts).
    await recordClosingRatings(deps.store, referral.id);
  }
  const planned = plannedAlerts(input, referral, previousWorkerId);
  for (const [index, alert] of planned.entries()) {
    await raiseAlert(deps, {
      ...alert,
      referralId: input.referralId,
      id: deterministicAlertId(
        `${input.execution}|${input.enteredAt}|${index}|${alert.kind}`,
        input.enteredAt,
      ),
    });
  }
  return { alerts: planned.length };
}

export const handler = (event: NotifyInput): Promise<NotifyOutput> => notify(cloudDeps(), event);
