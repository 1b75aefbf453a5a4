import { addSeconds } from '#data/common.ts';
import { listOverdueDebriefs, markDebriefAlerted } from '#data/debriefs.ts';
import { listConsentExpiring, markConsentAlerted } from '#data/referrals/consent.ts';
import { todayInProgramZone } from '#domain/vocabulary.ts';
import { COORDINATORS, deterministicAlertId, raiseAlert } from '#services/alerts.ts';
import { cloudDeps, type TaskDeps } from './deps.ts';
import { linkFollowUp } from './link-follow-up.ts';
import {
  type ReconcileOptions,
  type ReconcileReport,
  type ReconcilerGateway,
  reconcileOpenReferrals,
} from './reconcile.ts';
import { type WorkforceFollowUpResult, workforceFollowUp } from './workforce-follow-up.ts';

export interface FollowUpResult extends WorkforceFollowUpResult {
  debriefsOverdue: number;
  consentsExpiring: number;
  linksNudged: number;
}

/**
 * The scheduled follow-ups (the local runner's tick; a scheduled Lambda in the cloud): a debrief not done
 * within its deadline, and a consent that expires within the warning window, each alert the coordinators
 * once. The alert id is derived from what it is about, so a crash between the alert and the mark that
 * records it does not write a second alert on the next run.
 */
export async function followUp(
  deps: Pick<TaskDeps, 'store' | 'notifier' | 'events' | 'directory' | 'timers'>,
  now: Date = deps.store.now(),
): Promise<FollowUpResult> {
  const result: FollowUpResult = {
    debriefsOverdue: 0,
    consentsExpiring: 0,
    linksNudged: 0,
    ...(await workforceFollowUp(deps, now)),
  };

  for (const debrief of await listOverdueDebriefs(deps.store, now)) {
    await raiseAlert(deps, {
      target: COORDINATORS,
      kind: 'DEBRIEF_OVERDUE',
      referralId: debrief.referralId,
      details: { debriefId: debrief.id, workerId: debrief.workerId, dueAt: debrief.dueAt },
      id: deterministicAlertId(`DEBRIEF_OVERDUE|${debrief.id}`, debrief.dueAt),
    });
    if (await markDebriefAlerted(deps.store, debrief.id)) result.debriefsOverdue++;
  }

  const warnUntil = todayInProgramZone(addSeconds(now, deps.timers.consentWarning));
  for (const referral of await listConsentExpiring(deps.store, warnUntil)) {
    // When the warning became due (or the referral arrived, if later): fixed, so a rerun finds the same id.
    const dueSince = Math.max(
      Date.parse(referral.consentExpiresOn) - deps.timers.consentWarning * 1000,
      Date.parse(referral.createdAt),
    );
    await raiseAlert(deps, {
      target: COORDINATORS,
      kind: 'CONSENT_EXPIRING',
      referralId: referral.id,
      stage: referral.stage,
      details: { expiresOn: referral.consentExpiresOn },
      id: deterministicAlertId(
        `CONSENT_EXPIRING|${referral.id}|${referral.consentExpiresOn}`,
        new Date(dueSince),
      ),
    });
    if (await markConsentAlerted(deps.store, referral.id, referral.consentExpiresOn))
      result.consentsExpiring++;
  }
  result.linksNudged = await linkFollowUp(deps, now);
  return result;
}

export interface ScheduledRunResult extends FollowUpResult {
  /** Executions started for open referrals that had none running (`referralId → executionName`). */
  restarted: Record<string, string>;
  running: number;
  deferred: number;
}

/**
 * One run of the scheduled Lambda: first the reconciler (every open referral whose execution is not running
 * — Step Functions' DescribeExecution in the cloud — gets one rebuilt at its wait), then the follow-ups. A
 * referral whose repair failed is logged and retried on the next run; the run then fails, so the schedule's
 * retries and dead-letter queue see it.
 */
export async function scheduledRun(
  deps: Pick<TaskDeps, 'store' | 'notifier' | 'events' | 'directory' | 'timers' | 'log'> & {
    workflow: ReconcilerGateway;
  },
  options: ReconcileOptions = {},
): Promise<ScheduledRunResult> {
  const repairs: ReconcileReport = await reconcileOpenReferrals(deps, options);
  const followUps = await followUp(deps, options.now);
  deps.log({ msg: 'scheduled follow-up', ...followUps, restarted: Object.keys(repairs.started).length });
  if (repairs.failed.length > 0) {
    throw new Error(`The repair of ${repairs.failed.length} referral(s) failed`);
  }
  return { ...followUps, restarted: repairs.started, running: repairs.running, deferred: repairs.deferred };
}

export const handler = (): Promise<ScheduledRunResult> => scheduledRun(cloudDeps());
