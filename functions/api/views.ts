import type * as z from 'zod/mini';
import type {
  AuditEventViewSchema,
  GoalViewSchema,
  ReferralViewSchema,
  SessionViewSchema,
} from '#api/schemas.ts';
import { decodeToken, encodeToken, invalidToken } from '#data/common.ts';
import type { AuditEvent } from '#data/events.ts';
import { eventsFrom } from '#domain/lifecycle.ts';
import type { Referral } from '#domain/referral.ts';
import { Role } from '#domain/roles.ts';
import type { Goal, Session } from '#domain/work.ts';
import type { Caller } from '#http/auth.ts';

/**
 * What each role may see of a referral, in one place. Views are built by naming every field they carry
 * (never by copying the stored item and deleting), so a new stored attribute — a task token, an execution
 * name, an index key — can never reach a client by default.
 *
 * - Clinician (their own referrals): the form they submitted, the stage, the worker's FIRST NAME, the
 *   closure or decline reason and summary. Never goals, sessions, notes, hold reasons or worker ids.
 * - Peer worker (their own clients): the client's details needed for the work (without the referrer's own
 *   contact block and the client's other services), the goals, and the sessions THEY logged.
 * - Coordinator, admin: everything except the state machine's internals.
 */

export type ReferralView = z.infer<typeof ReferralViewSchema>;
export type GoalView = z.infer<typeof GoalViewSchema>;
export type SessionView = z.infer<typeof SessionViewSchema>;
export type AuditEventView = z.infer<typeof AuditEventViewSchema>;

type Viewer = Pick<Caller, 'sub' | 'role'>;

export interface ViewExtras {
  /** The referral's goals, when the caller's route read them. */
  goals?: readonly Goal[];
  /** The referral's sessions, when the caller's route read them. */
  sessions?: readonly Session[];
}

const isStaff = (role: Role) => role === Role.COORDINATOR || role === Role.ADMIN;

/** `{key: value}` when the value is defined, `{}` otherwise (views never carry `undefined`). */
function some<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

export function goalView(goal: Goal): GoalView {
  return {
    id: goal.id,
    referralId: goal.referralId,
    title: goal.title,
    ...some('description', goal.description),
    baselineRating: goal.baselineRating,
    latestRating: goal.latestRating,
    ratings: goal.ratings.map((r) => ({ rating: r.rating, ...some('note', r.note), at: r.at, by: r.by })),
    createdAt: goal.createdAt,
    ...some('achievedAt', goal.achievedAt),
  };
}

export function sessionView(session: Session): SessionView {
  return {
    id: session.id,
    referralId: session.referralId,
    workerId: session.workerId,
    date: session.date,
    mode: session.mode,
    minutes: session.minutes,
    ...some('note', session.note),
    debriefNeeded: session.debriefNeeded,
    version: session.version,
    createdAt: session.createdAt,
    updatedAt: session.updatedAt,
  };
}

/** The referral as `viewer` may see it (the caller has already checked that they may see it at all). */
export function referralView(viewer: Viewer, referral: Referral, extras: ViewExtras = {}): ReferralView {
  const common = {
    id: referral.id,
    region: referral.region,
    stage: referral.stage,
    version: referral.version,
    createdAt: referral.createdAt,
    updatedAt: referral.updatedAt,
    ...some('stageEnteredAt', referral.stageEnteredAt),
    urgency: referral.details.urgency,
    consentExpiresOn: referral.consentExpiresOn,
    allowedEvents: eventsFrom(referral.stage, viewer.role),
  };
  if (isStaff(viewer.role)) {
    return {
      ...common,
      referrerSub: referral.referrerSub,
      details: referral.details,
      ...some('workerId', referral.workerId),
      ...some('workerFirstName', referral.workerFirstName),
      ...some('matchedAt', referral.matchedAt),
      ...some('closedAt', referral.closedAt),
      ...some('closure', referral.closure && { ...referral.closure }),
      ...some('declinedReason', referral.declinedReason && { ...referral.declinedReason }),
      ...some('previousReferralId', referral.previousReferralId),
      ...some('possibleDuplicateOf', referral.possibleDuplicateOf),
      ...some('lastSessionAt', referral.lastSessionAt),
      ...some('holdReason', referral.holdReason),
      ...some('goals', extras.goals?.map(goalView)),
      ...some('sessions', extras.sessions?.map(sessionView)),
    };
  }
  if (viewer.role === Role.CLINICIAN) {
    const { closure, declinedReason } = referral;
    return {
      ...common,
      details: referral.details,
      ...some('workerFirstName', referral.workerFirstName),
      ...some('closedAt', referral.closedAt),
      ...some('closure', closure && { reason: closure.reason, summary: closure.summary }),
      ...some(
        'declinedReason',
        declinedReason && { reason: declinedReason.reason, summary: declinedReason.summary },
      ),
      ...some('previousReferralId', referral.previousReferralId),
      // Never possibleDuplicateOf: it would tell a clinician that someone else's client is open.
    };
  }
  // Peer worker: their own client.
  const { referrer: _referrer, currentSupports: _currentSupports, ...forTheWork } = referral.details;
  const { closure } = referral;
  return {
    ...common,
    details: forTheWork,
    ...some('workerId', referral.workerId),
    ...some('workerFirstName', referral.workerFirstName),
    ...some('matchedAt', referral.matchedAt),
    ...some('closedAt', referral.closedAt),
    ...some('closure', closure && { reason: closure.reason, summary: closure.summary }),
    ...some('lastSessionAt', referral.lastSessionAt),
    ...some('holdReason', referral.holdReason),
    ...some('goals', extras.goals?.map(goalView)),
    ...some(
      'sessions',
      extras.sessions?.filter((session) => session.workerId === viewer.sub).map(sessionView),
    ),
  };
}

/** An audit event as staff see it: ids, stages, codes and field names (the event holds nothing else). */
export function auditEventView(event: AuditEvent): AuditEventView {
  const { referralId: _referralId, ...rest } = event;
  return { ...rest };
}

// ---------------------------------------------------------------------------------------------------------
// Paging a short list held in memory (a worker's clients, a referral's history)
// ---------------------------------------------------------------------------------------------------------

export interface InMemoryPage<T> {
  items: T[];
  nextToken?: string;
}

/** `limit` items from the offset in `nextToken` (an opaque token; a malformed one is a 400). */
export function pageOf<T>(
  all: readonly T[],
  options: { limit: number; nextToken?: string },
): InMemoryPage<T> {
  let offset = 0;
  if (options.nextToken !== undefined) {
    const decoded = decodeToken(options.nextToken) as { o?: unknown } | null;
    const o = decoded?.o;
    if (typeof o !== 'number' || !Number.isInteger(o) || o < 0) throw invalidToken();
    offset = o;
  }
  const end = offset + options.limit;
  return {
    items: all.slice(offset, end),
    ...(end < all.length ? { nextToken: encodeToken({ o: end }) } : {}),
  };
}
