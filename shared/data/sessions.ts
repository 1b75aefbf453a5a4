import { DomainValidationError, IllegalTransitionError } from '#domain/errors.ts';
import { SESSION_STAGES, type Stage } from '#domain/lifecycle.ts';
import { DEFAULT_SETTINGS, DEFAULT_TIMERS } from '#domain/settings.ts';
import { type Session, type SessionInput, type SessionPatch, sessionDateIssues } from '#domain/work.ts';
import { addSeconds, getItem, iso, monthsFrom, newId, queryAll, withoutInternals } from './common.ts';
import { debriefItem } from './debriefs.ts';
import { ConcurrentUpdateError, NotFoundError } from './errors.ts';
import { type Actor, auditEventItem } from './events.ts';
import { IndexKeys, ItemType, Keys } from './keys.ts';
import { paidDayExceeded, paidDayPart, withPaidDays } from './paid-days.ts';
import type { Store } from './store.ts';
import { INDEX } from './table.ts';
import {
  applyUpdate,
  type Condition,
  cond,
  hasConflict,
  RETRY,
  type TxItem,
  transact,
  tx,
  type UpdateSpec,
  withRetries,
} from './tx.ts';

/**
 * Sessions live under their referral (`REF#<id>` / `SESSION#<sessionId>`), indexed by worker and local date
 * (paid minutes per month) and by region and month (reports). `date` is already a local date in the
 * program's time zone (`YYYY-MM-DD`), so a month is a string prefix.
 *
 * The referral's `lastSessionAt` is the local DATE (`YYYY-MM-DD`) of its latest session (not the time it was
 * logged): a session logged today for three weeks ago does not silence the no-session alert.
 */

const SESSION_FIELDS = ['date', 'mode', 'minutes', 'note', 'debriefNeeded'] as const;

export function toSession(item: Record<string, unknown>): Session {
  return withoutInternals<Session>(item, ['region']);
}

function sessionIndexKeys(store: Store, workerId: string, date: string, sessionId: string) {
  const sort = IndexKeys.sessionSort(date, sessionId);
  return {
    gsi1pk: IndexKeys.workerSessions(workerId),
    gsi1sk: sort,
    gsi2pk: IndexKeys.regionSessions(store.region, date.slice(0, 7)),
    gsi2sk: sort,
  };
}

export async function getSession(store: Store, referralId: string, sessionId: string): Promise<Session> {
  const item = await getItem(store, Keys.session(referralId, sessionId));
  if (!item) throw new NotFoundError('Session', sessionId);
  return toSession(item);
}

/**
 * The referral's part of a session write: it must be in a session stage with this worker; if `date` is
 * later than its `lastSessionAt`, that moves forward (conditioned on still being earlier, so two sessions
 * logged at once cannot move it backwards).
 */
function referralPart(
  store: Store,
  referralId: string,
  workerId: string,
  referral: Record<string, unknown>,
  date: string,
): TxItem {
  const base = cond.and(
    cond.exists(),
    cond.stageIn(SESSION_STAGES),
    cond.equals('workerId', workerId, 'assignedWorker'),
  );
  const last = referral.lastSessionAt as string | undefined;
  if (last !== undefined && date <= last) return tx.check(store, Keys.referral(referralId), base);
  const later: Condition = cond.or(
    cond.absent('lastSessionAt'),
    cond.raw(
      '#lastSessionAt < :sessionDate',
      { '#lastSessionAt': 'lastSessionAt' },
      { ':sessionDate': date },
    ),
  );
  return tx.update(store, Keys.referral(referralId), { set: { lastSessionAt: date } }, cond.and(base, later));
}

/** Why the referral part of a session write failed (or RETRY when only `lastSessionAt` moved). */
function referralFailure(
  referralId: string,
  workerId: string,
  old: Record<string, unknown> | undefined,
  action: string,
  cause: unknown,
): typeof RETRY {
  if (!old) throw new NotFoundError('Referral', referralId, { cause });
  // Another worker's client: 404 before the stage, which is not theirs to learn (an unmatched referral's
  // IllegalTransitionError the API turns into 404 through its visibility check).
  if (old.workerId !== undefined && old.workerId !== workerId)
    throw new NotFoundError('Referral', referralId, { cause });
  if (!SESSION_STAGES.includes(old.stage as Stage)) {
    throw new IllegalTransitionError(String(old.stage), action, { cause });
  }
  if (old.workerId !== workerId) throw new NotFoundError('Referral', referralId, { cause });
  return RETRY;
}

function checkReferral(
  referralId: string,
  workerId: string,
  referral: Record<string, unknown> | undefined,
  action: string,
) {
  if (!referral) throw new NotFoundError('Referral', referralId);
  // Not this worker's client (any more): indistinguishable from absent for them, whatever its stage (a
  // former worker must not learn that their old client is now on hold or closed).
  if (referral.workerId !== undefined && referral.workerId !== workerId) {
    throw new NotFoundError('Referral', referralId);
  }
  if (!SESSION_STAGES.includes(referral.stage as Stage))
    throw new IllegalTransitionError(String(referral.stage), action);
  if (referral.workerId !== workerId) throw new NotFoundError('Referral', referralId);
}

/** 400 unless `date` falls from the client's match date to today (program time zone). */
function checkSessionDate(store: Store, date: string, referral: Record<string, unknown> | undefined): void {
  const issues = sessionDateIssues(date, {
    matchedAt: referral?.matchedAt as string | undefined,
    now: store.now(),
  });
  if (issues.length > 0) throw new DomainValidationError('Invalid session date', issues);
}

/**
 * Logs a session: one transaction of the session item, the referral check (session stage, this worker) with
 * `lastSessionAt`, a debrief due `debriefDueSeconds` later when `debriefNeeded`, and an audit event.
 */
export async function logSession(
  store: Store,
  input: {
    referralId: string;
    workerId: string;
    input: SessionInput;
    actor: Actor;
    /** `timers.debrief` of the region (default 72 h). */
    debriefDueSeconds?: number;
    /** The region's cap on a worker's paid minutes in one day (default 720). */
    maxPaidMinutesPerDay?: number;
  },
): Promise<Session> {
  const { referralId, workerId } = input;
  const maxPerDay = input.maxPaidMinutesPerDay ?? DEFAULT_SETTINGS.maxPaidMinutesPerDay;
  const sessionId = newId(store);
  return withRetries('Referral', referralId, async () => {
    const referral = await getItem(store, Keys.referral(referralId));
    checkReferral(referralId, workerId, referral, 'logSession');
    checkSessionDate(store, input.input.date, referral);
    const now = store.now();
    const session: Session = {
      id: sessionId,
      referralId,
      workerId,
      date: input.input.date,
      mode: input.input.mode,
      minutes: input.input.minutes,
      ...(input.input.note !== undefined ? { note: input.input.note } : {}),
      debriefNeeded: input.input.debriefNeeded ?? false,
      version: 1,
      createdAt: iso(now),
      updatedAt: iso(now),
    };
    const items: TxItem[] = [
      referralPart(store, referralId, workerId, referral ?? {}, session.date),
      tx.put(
        store,
        {
          ...Keys.session(referralId, sessionId),
          type: ItemType.SESSION,
          region: store.region,
          ...sessionIndexKeys(store, workerId, session.date, sessionId),
          ...session,
        },
        cond.notExists(),
      ),
      tx.put(
        store,
        auditEventItem(store, input.actor, { referralId, kind: 'SESSION_LOGGED', sessionId, workerId }),
      ),
    ];
    if (session.debriefNeeded) {
      const dueAt = iso(addSeconds(now, input.debriefDueSeconds ?? DEFAULT_TIMERS.debrief));
      items.push(
        tx.put(store, debriefItem(store, { sessionId, referralId, workerId, dueAt }), cond.notExists()),
      );
    }
    const paidDays = withPaidDays(items, [
      paidDayPart(store, { workerId, date: session.date, delta: session.minutes, max: maxPerDay }),
    ]);
    const outcome = await transact(store, items);
    if (outcome.ok) return session;
    if (hasConflict(outcome.reasons)) return RETRY;
    if (paidDays.some((i) => outcome.reasons[i]?.code === 'ConditionalCheckFailed')) {
      throw paidDayExceeded(maxPerDay);
    }
    const [ref, put] = outcome.reasons;
    if (ref?.code === 'ConditionalCheckFailed') {
      return referralFailure(referralId, workerId, ref.item, 'logSession', outcome.error);
    }
    // The session id exists: a previous attempt of this very call went through.
    if (put?.code === 'ConditionalCheckFailed') return session;
    throw outcome.error;
  });
}

export type SessionChanges = Partial<Omit<SessionPatch, 'version'>>;

/**
 * Corrects a session (conditional on `version`), with an audit event naming the changed fields. The
 * referral must still be in a session stage with the session's worker. Turning `debriefNeeded` on creates
 * the debrief; turning it off removes a debrief not yet done.
 */
export async function patchSession(
  store: Store,
  input: {
    referralId: string;
    sessionId: string;
    version: number;
    patch: SessionChanges;
    actor: Actor;
    debriefDueSeconds?: number;
    /** When given (the API: the calling worker), a session logged by anyone else is not found. */
    workerId?: string;
    /** The region's cap on a worker's paid minutes in one day (default 720). */
    maxPaidMinutesPerDay?: number;
  },
): Promise<Session> {
  const { referralId, sessionId, version, patch } = input;
  const maxPerDay = input.maxPaidMinutesPerDay ?? DEFAULT_SETTINGS.maxPaidMinutesPerDay;
  return withRetries('Session', sessionId, async () => {
    const item = await getItem(store, Keys.session(referralId, sessionId));
    if (!item) throw new NotFoundError('Session', sessionId);
    const before = toSession(item);
    if (input.workerId !== undefined && before.workerId !== input.workerId) {
      throw new NotFoundError('Session', sessionId);
    }
    if (before.version !== version) throw new ConcurrentUpdateError('Session', sessionId);
    const referral = await getItem(store, Keys.referral(referralId));
    checkReferral(referralId, before.workerId, referral, 'correctSession');
    const fields = SESSION_FIELDS.filter(
      (field) => patch[field] !== undefined && patch[field] !== before[field],
    );
    if (fields.length === 0) return before;
    if (fields.includes('date')) checkSessionDate(store, patch.date as string, referral);

    const now = store.now();
    const set: Record<string, unknown> = { updatedAt: iso(now) };
    for (const field of fields) set[field] = patch[field];
    const date = (patch.date ?? before.date) as string;
    if (fields.includes('date'))
      Object.assign(set, sessionIndexKeys(store, before.workerId, date, sessionId));
    const spec: UpdateSpec = { set, increment: { version: 1 } };
    const items: TxItem[] = [
      tx.update(
        store,
        Keys.session(referralId, sessionId),
        spec,
        cond.and(cond.exists(), cond.versionIs(version)),
      ),
      referralPart(store, referralId, before.workerId, referral ?? {}, date),
      tx.put(
        store,
        auditEventItem(store, input.actor, {
          referralId,
          kind: 'SESSION_CORRECTED',
          sessionId,
          fields: [...fields],
        }),
      ),
    ];
    if (fields.includes('debriefNeeded')) {
      const debrief = await getItem(store, Keys.debrief(store.region, sessionId));
      if (patch.debriefNeeded && !debrief) {
        const dueAt = iso(addSeconds(now, input.debriefDueSeconds ?? DEFAULT_TIMERS.debrief));
        items.push(
          tx.put(
            store,
            debriefItem(store, { sessionId, referralId, workerId: before.workerId, dueAt }),
            cond.notExists(),
          ),
        );
      } else if (!patch.debriefNeeded && debrief && debrief.doneAt === undefined) {
        items.push(
          tx.delete(
            store,
            Keys.debrief(store.region, sessionId),
            cond.and(cond.versionIs(debrief.version as number), cond.absent('doneAt')),
          ),
        );
      }
    }
    const minutes = (patch.minutes ?? before.minutes) as number;
    const day = { workerId: before.workerId, max: maxPerDay };
    const paidDays = withPaidDays(
      items,
      date === before.date
        ? [paidDayPart(store, { ...day, date, delta: minutes - before.minutes })]
        : [
            paidDayPart(store, { ...day, date: before.date, delta: -before.minutes }),
            paidDayPart(store, { ...day, date, delta: minutes }),
          ],
    );
    const outcome = await transact(store, items);
    if (outcome.ok) return toSession(applyUpdate(item, spec));
    if (hasConflict(outcome.reasons)) return RETRY;
    if (paidDays.some((i) => outcome.reasons[i]?.code === 'ConditionalCheckFailed')) {
      throw paidDayExceeded(maxPerDay);
    }
    const [session, ref, , debrief] = outcome.reasons;
    if (session?.code === 'ConditionalCheckFailed') {
      if (!session.item) throw new NotFoundError('Session', sessionId, { cause: outcome.error });
      throw new ConcurrentUpdateError('Session', sessionId, { cause: outcome.error });
    }
    if (ref?.code === 'ConditionalCheckFailed') {
      return referralFailure(referralId, before.workerId, ref.item, 'correctSession', outcome.error);
    }
    if (debrief?.code === 'ConditionalCheckFailed') return RETRY;
    throw outcome.error;
  });
}

/** A worker's sessions in a month (`YYYY-MM`, program time zone), by date. */
export async function listWorkerSessions(store: Store, workerId: string, month: string): Promise<Session[]> {
  const items = await queryAll(store, {
    IndexName: INDEX.GSI1,
    KeyConditionExpression: 'gsi1pk = :pk AND begins_with(gsi1sk, :month)',
    ExpressionAttributeValues: {
      ':pk': IndexKeys.workerSessions(workerId),
      ':month': `${checkMonth(month)}-`,
    },
  });
  return items.map(toSession);
}

export interface WorkerMonthMinutes {
  workerId: string;
  month: string;
  minutes: number;
  sessions: number;
}

/** Paid minutes of a worker in a month (`YYYY-MM`, program time zone). */
export async function minutesByWorkerMonth(
  store: Store,
  workerId: string,
  month: string,
): Promise<WorkerMonthMinutes> {
  const sessions = await listWorkerSessions(store, workerId, month);
  return {
    workerId,
    month,
    minutes: sessions.reduce((sum, s) => sum + s.minutes, 0),
    sessions: sessions.length,
  };
}

/** Every session of the region dated from `from` to `to` inclusive (local dates `YYYY-MM-DD`), by date. */
export function listSessionsBetween(store: Store, range: { from: string; to: string }): Promise<Session[]>;
/** The same, with only the named attributes of each (a year of a region's sessions is tens of thousands). */
export function listSessionsBetween<K extends keyof Session>(
  store: Store,
  range: { from: string; to: string },
  attributes: readonly K[],
): Promise<Pick<Session, K>[]>;
export async function listSessionsBetween(
  store: Store,
  range: { from: string; to: string },
  attributes?: readonly string[],
): Promise<Session[]> {
  const months = monthsFrom(checkMonth(range.from.slice(0, 7)), checkMonth(range.to.slice(0, 7)));
  const names = attributes && Object.fromEntries(attributes.map((name, i) => [`#a${i}`, name]));
  // One month partition per query, all at once: a year is twelve queries in flight, not twelve in a row.
  const pages = await Promise.all(
    months.map((month) =>
      queryAll(store, {
        IndexName: INDEX.GSI2,
        KeyConditionExpression: 'gsi2pk = :pk AND gsi2sk BETWEEN :from AND :to',
        ExpressionAttributeValues: {
          ':pk': IndexKeys.regionSessions(store.region, month),
          ':from': range.from,
          ':to': `${range.to}#~`,
        },
        ...(names
          ? { ProjectionExpression: Object.keys(names).join(', '), ExpressionAttributeNames: names }
          : {}),
      }),
    ),
  );
  return pages.flat().map(toSession);
}

function checkMonth(month: string): string {
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) {
    throw new DomainValidationError('Invalid month', [
      { path: 'month', message: 'Must be a month as YYYY-MM' },
    ]);
  }
  return month;
}
