import { type AuditEvent, listEvents } from '#data/events.ts';
import { getReferral } from '#data/referrals/reads.ts';
import type { Stage } from '#domain/lifecycle.ts';
import { zoneOffsetMs } from '#domain/vocabulary.ts';
import type { CheckActivityInput, CheckActivityOutput } from '#domain/workflow-contract.ts';
import { cloudDeps, type TaskDeps } from './deps.ts';

/**
 * The instant a session counts from. A session date (`YYYY-MM-DD`, the program's calendar) counts from the
 * end of that day there: a session logged today holds the timer off until a full period after today.
 */
export function sessionInstant(lastSessionAt: string): number {
  const date = /^(\d{4})-(\d{2})-(\d{2})$/.exec(lastSessionAt);
  if (!date) return Date.parse(lastSessionAt);
  const nextMidnightUtc = Date.UTC(Number(date[1]), Number(date[2]) - 1, Number(date[3]) + 1);
  // Midnight there is midnight UTC minus the offset; the offset of the guess is right except across a DST
  // change within the offset itself, where the second pass settles it.
  let instant = nextMidnightUtc - zoneOffsetMs(nextMidnightUtc);
  instant = nextMidnightUtc - zoneOffsetMs(instant);
  return instant;
}

/** A time the referral spent in one stage (ms since the epoch); `end` absent: still there. */
export interface StagePeriod {
  start: number;
  end?: number;
}

type TrailEntry = Pick<AuditEvent, 'kind' | 'from' | 'to' | 'at'>;

/**
 * The periods the referral spent in `stage`, from its audit trail (oldest first): each starts with its
 * submission or a transition into the stage and ends with a transition out of it. A reassignment (same
 * stage) neither starts nor ends one.
 */
export function periodsIn(stage: Stage, trail: readonly TrailEntry[]): StagePeriod[] {
  const periods: StagePeriod[] = [];
  let open: number | undefined;
  for (const entry of trail) {
    if ((entry.kind !== 'TRANSITIONED' && entry.kind !== 'SUBMITTED') || entry.from === entry.to) continue;
    const at = Date.parse(entry.at);
    if (entry.from === stage && open !== undefined) {
      periods.push({ start: open, end: at });
      open = undefined;
    }
    if (entry.to === stage) open = at;
  }
  if (open !== undefined) periods.push({ start: open });
  return periods;
}

/**
 * The no-session timer counts the time spent in the sessions stage since the last logged session: it
 * restarts after every session and pauses while the referral is on hold (the hold's time is not in a
 * sessions period), so resuming carries on where the hold stopped it. `periods` are the referral's periods
 * in the stage (default: one, since it last entered it).
 * Overdue: alert now, then wait a full period before the next reminder.
 */
export function activityFor(
  referral: { stageEnteredAt: string; lastSessionAt?: string | undefined },
  noSessionSeconds: number,
  now: Date,
  periods: readonly StagePeriod[] = [{ start: Date.parse(referral.stageEnteredAt) }],
): CheckActivityOutput {
  const since = referral.lastSessionAt ? sessionInstant(referral.lastSessionAt) : Number.NEGATIVE_INFINITY;
  const nowMs = now.getTime();
  let activeMs = 0;
  for (const period of periods) {
    activeMs += Math.max(0, Math.min(period.end ?? nowMs, nowMs) - Math.max(period.start, since));
  }
  const remaining = noSessionSeconds - activeMs / 1000;
  // Under a second left is due now: no wait is shorter than a second.
  if (remaining < 1) return { overdue: true, remainingSeconds: noSessionSeconds };
  return { overdue: false, remainingSeconds: Math.ceil(remaining) };
}

export async function checkActivity(
  deps: Pick<TaskDeps, 'store'>,
  input: CheckActivityInput,
): Promise<CheckActivityOutput> {
  const referral = await getReferral(deps.store, input.referralId);
  // Left the stage already: the wait that follows sees it and moves on at once.
  if (referral.stage !== input.stage) return { overdue: false, remainingSeconds: 1 };
  const periods = periodsIn(input.stage, await listEvents(deps.store, input.referralId));
  // The trail always shows the entry into the current stage; should it not, count from the stage's entry.
  const current = periods.at(-1);
  const known = current && current.end === undefined ? periods : undefined;
  return activityFor(referral, input.noSessionSeconds, deps.store.now(), known);
}

export const handler = (event: CheckActivityInput): Promise<CheckActivityOutput> =>
  checkActivity(cloudDeps(), event);
