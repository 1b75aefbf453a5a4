import { listQuietLinks, markLinkNudged } from '#data/links.ts';
import { getReferral } from '#data/referrals/reads.ts';
import { isAssigned } from '#domain/lifecycle.ts';
import { LINK_FOLLOW_UP_SECONDS } from '#domain/settings.ts';
import { COORDINATORS, deterministicAlertId, raiseAlert, userTarget } from '#services/alerts.ts';
import type { TaskDeps } from './deps.ts';

/**
 * The 4-week nudge of community resource links: an open link (SUGGESTED, CONTACTED, CONNECTED) with no update
 * for `timers.linkFollowUp` (default 4 weeks) raises LINK_FOLLOW_UP_DUE for the client's worker (the
 * coordinators when no worker holds the client now). Once per quiet period: the alert id is derived from
 * the link and its last update, and the link records the update it was nudged for.
 */
export async function linkFollowUp(
  deps: Pick<TaskDeps, 'store' | 'notifier' | 'events' | 'directory' | 'timers'>,
  now: Date,
): Promise<number> {
  const quietFor = deps.timers.linkFollowUp ?? LINK_FOLLOW_UP_SECONDS;
  const before = new Date(now.getTime() - quietFor * 1000);
  let nudged = 0;
  for (const link of await listQuietLinks(deps.store, before)) {
    const referral = await getReferral(deps.store, link.referralId);
    const worker =
      referral.workerId !== undefined && isAssigned(referral.stage) ? referral.workerId : undefined;
    await raiseAlert(deps, {
      target: worker ? userTarget(worker) : COORDINATORS,
      kind: 'LINK_FOLLOW_UP_DUE',
      referralId: link.referralId,
      details: { linkId: link.id, status: link.status },
      id: deterministicAlertId(
        `LINK_FOLLOW_UP_DUE|${link.id}|${link.updatedAt}`,
        new Date(Date.parse(link.updatedAt) + quietFor * 1000),
      ),
    });
    if (await markLinkNudged(deps.store, link)) nudged++;
  }
  return nudged;
}
