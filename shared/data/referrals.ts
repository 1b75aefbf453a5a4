import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { DomainValidationError, IllegalTransitionError } from '#domain/errors.ts';
import {
  CLINICIAN_EDITABLE_STAGES,
  findTransition,
  isOpen,
  type LifecycleEvent,
  nextStage,
  OPEN_STAGES,
  Stage,
} from '#domain/lifecycle.ts';
import {
  applyReferralPatch,
  changedFields,
  type Referral,
  type ReferralInput,
  type ReferralPatch,
} from '#domain/referral.ts';
import { Role } from '#domain/roles.ts';
import {
  CLOSURE_REASONS,
  type ClosureReason,
  DECLINE_REASONS,
  type DeclineReason,
  priorityOf,
} from '#domain/vocabulary.ts';
import type { Goal, GoalInput, Session } from '#domain/work.ts';
import { clientKeyOf } from './client-key.ts';
import {
  batchGet,
  checkStartKey,
  decodeToken,
  encodeToken,
  getItem,
  invalidToken,
  iso,
  monthsFrom,
  newId,
  type Page,
  type PageOptions,
  pageLimit,
  programMonth,
  query,
  queryAll,
  queryPage,
  withoutInternals,
} from './common.ts';
import {
  CapacityExceededError,
  ConcurrentUpdateError,
  IdempotencyKeyUsedError,
  NotFoundError,
  WorkerUnavailableError,
} from './errors.ts';
import { type Actor, type AuditEvent, auditEventItem, toAuditEvent } from './events.ts';
import type { CancellationReason } from './failures.ts';
import { appliedIf, conditionFailedItem, isConditionalCheckFailed, storeCall } from './failures.ts';
import { newGoalItems, toGoal } from './goals.ts';
import { type IdempotencyClaim, idempotencyClaimItem, toIdempotencyRecord } from './idempotency.ts';
import { IndexKeys, type ItemKey, ItemType, Keys, SK } from './keys.ts';
import { toSession } from './sessions.ts';
import type { Store } from './store.ts';
import { INDEX } from './table.ts';
import {
  applyUpdate,
  cond,
  hasConflict,
  RETRY,
  type TxItem,
  transact,
  tx,
  type UpdateSpec,
  withRetries,
} from './tx.ts';
import { getWorker } from './workers.ts';

export type { CancellationReason } from './failures.ts';

/**
 * Referrals: the referral item (`REF#<id>` / `REF`) and everything that changes with it in one transaction
 * (audit events, goals, the worker's assignment and caseload counter, the client duplicate pointer).
 *
 * Attributes on the referral item beyond `Referral`: `clientKey` (the client match key, to find the
 * duplicate pointer again on close; never returned), `resumedAt`, `reassignedAt`, `consentAlertedFor`.
 */

// ---------------------------------------------------------------------------------------------------------
// Items
// ---------------------------------------------------------------------------------------------------------

export function toReferral(item: Record<string, unknown>): Referral {
  return withoutInternals<Referral>(item, ['clientKey']);
}

/** The index attributes of a referral item for its current state. */
function referralIndexKeys(referral: Referral): Record<string, string> {
  return {
    gsi1pk: IndexKeys.queue(referral.region, referral.stage),
    gsi1sk: IndexKeys.queueSort(referral.priority, referral.createdAt),
    gsi2pk: IndexKeys.referrer(referral.referrerSub),
    gsi2sk: IndexKeys.referrerSort(referral.createdAt),
    // GSI3 is sparse: only open referrals are in the consent-expiry partition.
    ...(isOpen(referral.stage)
      ? {
          gsi3pk: IndexKeys.consent(referral.region),
          gsi3sk: IndexKeys.consentSort(referral.consentExpiresOn, referral.id),
        }
      : {}),
  };
}

async function readReferralItem(store: Store, id: string): Promise<Record<string, unknown>> {
  const item = await getItem(store, Keys.referral(id));
  if (!item) throw new NotFoundError('Referral', id);
  return item;
}

/** The pointer's open referral ids (a string set in the table). */
function openIdsOf(pointer: Record<string, unknown> | undefined): string[] {
  const ids = pointer?.referralIds as Set<string> | string[] | undefined;
  return ids ? [...ids].sort() : [];
}

/**
 * The write that adds `referralId` to the client pointer, so two submissions for the same client at once
 * cannot both miss each other. With a pointer that holds open referrals (as read) it is conditioned on
 * that version. Without one (`undefined`: none read, or a submission's first attempt, which reads
 * nothing) it is conditioned on the pointer holding no open referral: when the client has one after all,
 * the condition fails and the cancellation reason carries the pointer for the next attempt. An update
 * either way, so the version only ever grows: a writer holding an older read can never see it again.
 */
export function pointerAdd(
  store: Store,
  key: ItemKey,
  pointer: Record<string, unknown> | undefined,
  referralId: string,
): TxItem {
  const now = iso(store.now());
  if (!pointer) {
    return tx.update(
      store,
      key,
      {
        set: { type: ItemType.CLIENT_POINTER, updatedAt: now },
        setIfAbsent: { createdAt: now },
        addToSet: { referralIds: [referralId] },
        add: { version: 1 },
      },
      cond.absent('referralIds'),
    );
  }
  return tx.update(
    store,
    key,
    { addToSet: { referralIds: [referralId] }, set: { updatedAt: now }, increment: { version: 1 } },
    cond.and(cond.exists(), cond.versionIs(pointer.version as number)),
  );
}

/** The write that removes `referralId` from the client pointer (the pointer outlives its referrals). */
export function pointerRemove(store: Store, key: ItemKey, referralId: string): TxItem {
  return tx.update(
    store,
    key,
    {
      deleteFromSet: { referralIds: [referralId] },
      set: { updatedAt: iso(store.now()) },
      increment: { version: 1 },
    },
    cond.exists(),
  );
}

// ---------------------------------------------------------------------------------------------------------
// Create and read
// ---------------------------------------------------------------------------------------------------------

export interface CreateReferralInput {
  details: ReferralInput;
  referrerSub: string;
  previousReferralId?: string;
  /** A caller-chosen ULID (e.g. for an idempotent retry); new by default. */
  id?: string;
  /** Claim this `Idempotency-Key` in the same transaction (see shared/data/idempotency.ts). */
  idempotency?: IdempotencyClaim;
}

/**
 * The items a new referral is stored as: the referral item (REFERRED, version 1, with its index keys) and its
 * SUBMITTED audit event. `createReferral` writes them in its transaction; bulk loaders (the benchmarks) use
 * the same shapes.
 */
export function newReferralItems(
  store: Store,
  input: CreateReferralInput & { id: string; duplicateOf?: string; clientKey?: string },
): { referral: Referral; item: Record<string, unknown>; event: Record<string, unknown> } {
  const { details, id, duplicateOf } = input;
  const now = iso(store.now());
  const referral: Referral = {
    id,
    region: store.region,
    stage: Stage.REFERRED,
    version: 1,
    createdAt: now,
    updatedAt: now,
    referrerSub: input.referrerSub,
    details,
    priority: priorityOf(details.urgency),
    stageEnteredAt: now,
    ...(input.previousReferralId !== undefined ? { previousReferralId: input.previousReferralId } : {}),
    ...(duplicateOf !== undefined ? { possibleDuplicateOf: duplicateOf } : {}),
    consentExpiresOn: details.consent.expiresOn,
  };
  const item = {
    ...Keys.referral(id),
    type: ItemType.REFERRAL,
    ...referralIndexKeys(referral),
    ...(input.clientKey !== undefined ? { clientKey: input.clientKey } : {}),
    ...referral,
  };
  const event = auditEventItem(
    store,
    { sub: input.referrerSub, role: Role.CLINICIAN },
    {
      referralId: id,
      kind: 'SUBMITTED',
      to: Stage.REFERRED,
      ...(input.previousReferralId !== undefined ? { previousReferralId: input.previousReferralId } : {}),
      ...(duplicateOf !== undefined ? { possibleDuplicateOf: duplicateOf } : {}),
    },
    {
      gsi3pk: IndexKeys.created(store.region, programMonth(now)),
      gsi3sk: IndexKeys.reportSort(now, id),
    },
  );
  return { referral, item, event };
}

/**
 * Stores a new referral in REFERRED (version 1) with its SUBMITTED audit event and its place in the client
 * pointer, in one transaction. If the same client already has an open referral in the region, the new one is
 * stored (not refused) with `possibleDuplicateOf` = the oldest open one.
 *
 * One request in the usual case (no open referral for the client): the pointer is not read first; see
 * `pointerAdd`. With `idempotency`, the key is claimed in the same transaction; if it was claimed already,
 * nothing is written and `IdempotencyKeyUsedError` carries the record.
 */
export async function createReferral(store: Store, input: CreateReferralInput): Promise<Referral> {
  const { details, idempotency } = input;
  if (details.region !== store.region) {
    throw new DomainValidationError('The referral is for another region', [
      { path: 'region', message: 'Must be the region of this API' },
    ]);
  }
  const id = input.id ?? newId(store);
  const clientKey = await clientKeyOf(store, details);
  const pointerKey = Keys.clientPointer(store.region, clientKey);
  // Not read first: the usual client has no open referral (see `pointerAdd`).
  let pointer: Record<string, unknown> | undefined;
  return withRetries('Referral', id, async () => {
    const duplicateOf = openIdsOf(pointer).find((other) => other !== id);
    const { referral, item, event } = newReferralItems(store, {
      ...input,
      id,
      clientKey,
      ...(duplicateOf !== undefined ? { duplicateOf } : {}),
    });
    const outcome = await transact(store, [
      tx.put(store, item, cond.notExists()),
      tx.put(store, event),
      pointerAdd(store, pointerKey, pointer, id),
      ...(idempotency ? [idempotencyClaimItem(store, idempotency, id)] : []),
    ]);
    if (outcome.ok) return referral;
    const [ref, , ptr, claim] = outcome.reasons;
    if (claim?.code === 'ConditionalCheckFailed' && claim.item) {
      throw new IdempotencyKeyUsedError(toIdempotencyRecord(claim.item), { cause: outcome.error });
    }
    if (ref?.code === 'ConditionalCheckFailed')
      throw new ConcurrentUpdateError('Referral', id, { cause: outcome.error });
    if (ptr?.code === 'ConditionalCheckFailed') {
      // The pointer as it is now (ALL_OLD), or absent: the next attempt writes against it.
      pointer = ptr.item;
      return RETRY;
    }
    if (hasConflict(outcome.reasons)) {
      pointer = undefined;
      return RETRY;
    }
    throw outcome.error;
  });
}

export async function getReferral(store: Store, id: string): Promise<Referral> {
  return toReferral(await readReferralItem(store, id));
}

export interface ReferralDetails {
  referral: Referral;
  goals: Goal[];
  /** By date, then logging order. */
  sessions: Session[];
  /** Oldest first. */
  events: AuditEvent[];
}

/** The referral with its goals, sessions and audit events: ONE Query on its partition. */
export async function getReferralDetails(store: Store, id: string): Promise<ReferralDetails> {
  const items = await queryAll(store, {
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': Keys.referralPartition(id) },
    ConsistentRead: true,
  });
  let referral: Referral | undefined;
  const goals: Goal[] = [];
  const sessions: Session[] = [];
  const events: AuditEvent[] = [];
  for (const item of items) {
    const sk = String(item.sk);
    if (sk === SK.REFERRAL) referral = toReferral(item);
    else if (sk.startsWith(SK.GOAL_PREFIX)) goals.push(toGoal(item));
    else if (sk.startsWith(SK.SESSION_PREFIX)) sessions.push(toSession(item));
    else if (sk.startsWith(SK.EVENT_PREFIX)) events.push(toAuditEvent(item));
  }
  if (!referral) throw new NotFoundError('Referral', id);
  sessions.sort((a, b) => (a.date === b.date ? (a.id < b.id ? -1 : 1) : a.date < b.date ? -1 : 1));
  return { referral, goals, sessions, events };
}

// ---------------------------------------------------------------------------------------------------------
// Lists
// ---------------------------------------------------------------------------------------------------------

/** Queue order: most urgent, then oldest (the GSI1 sort key), ties by id. */
function queueOrder(a: Record<string, unknown>, b: Record<string, unknown>): number {
  const ka = `${a.gsi1sk}|${a.pk}`;
  const kb = `${b.gsi1sk}|${b.pk}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

const gsi1Key = (item: Record<string, unknown>) => ({
  pk: String(item.pk),
  sk: String(item.sk),
  gsi1pk: String(item.gsi1pk),
  gsi1sk: String(item.gsi1sk),
});

export interface QueueOptions extends PageOptions {
  /** One stage; without it, every open stage merged in queue order. */
  stage?: Stage;
}

/** The region's queue: most urgent, then oldest first. */
export async function listQueue(store: Store, options: QueueOptions = {}): Promise<Page<Referral>> {
  if (options.stage !== undefined) {
    const partition = IndexKeys.queue(store.region, options.stage);
    const page = await queryPage(
      store,
      {
        IndexName: INDEX.GSI1,
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': partition },
      },
      options,
      { attribute: 'gsi1pk', value: partition },
    );
    return { ...page, items: page.items.map(toReferral) };
  }
  return mergedOpenQueue(store, options);
}

/**
 * All open stages merged: one query per stage from that stage's cursor, the `limit` first in queue order
 * taken, and a token holding each stage's cursor (`null` once a stage is exhausted).
 */
async function mergedOpenQueue(store: Store, options: PageOptions): Promise<Page<Referral>> {
  const limit = pageLimit(options.limit);
  const cursors = parseQueueToken(store, options.nextToken);
  const results = await Promise.all(
    OPEN_STAGES.map(async (stage) => {
      const cursor = cursors[stage];
      if (cursor === null) return { stage, items: [] as Record<string, unknown>[], more: false };
      const out = await query(store, {
        IndexName: INDEX.GSI1,
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': IndexKeys.queue(store.region, stage) },
        Limit: limit,
        ...(cursor ? { ExclusiveStartKey: cursor } : {}),
      });
      return { stage, items: out.Items ?? [], more: out.LastEvaluatedKey !== undefined };
    }),
  );
  const taken = results
    .flatMap((r) => r.items)
    .sort(queueOrder)
    .slice(0, limit);
  const next: Record<string, Record<string, string> | null> = {};
  let remaining = false;
  for (const { stage, items, more } of results) {
    const mine = taken.filter((item) => item.stage === stage);
    const last = mine.at(-1);
    if (cursors[stage] === null || (mine.length === items.length && !more)) {
      next[stage] = null;
      continue;
    }
    remaining = true;
    const cursor = last ? gsi1Key(last) : cursors[stage];
    if (cursor) next[stage] = cursor;
  }
  return {
    items: taken.map(toReferral),
    ...(remaining ? { nextToken: encodeToken({ q: next }) } : {}),
  };
}

function parseQueueToken(
  store: Store,
  token: string | undefined,
): Partial<Record<Stage, Record<string, string> | null>> {
  if (token === undefined) return {};
  const decoded = decodeToken(token) as { q?: Record<string, unknown> } | null;
  const raw = decoded?.q;
  const cursors: Partial<Record<Stage, Record<string, string> | null>> = {};
  if (typeof raw !== 'object' || raw === null) throw invalidToken();
  for (const [stage, value] of Object.entries(raw)) {
    if (!OPEN_STAGES.includes(stage as Stage)) throw invalidToken();
    cursors[stage as Stage] =
      value === null ? null : checkStartKey(value, 'gsi1pk', IndexKeys.queue(store.region, stage as Stage));
  }
  return cursors;
}

/** A clinician's referrals, newest first. */
export async function listByReferrer(
  store: Store,
  referrerSub: string,
  options: PageOptions = {},
): Promise<Page<Referral>> {
  const partition = IndexKeys.referrer(referrerSub);
  const page = await queryPage(
    store,
    {
      IndexName: INDEX.GSI2,
      KeyConditionExpression: 'gsi2pk = :pk',
      ExpressionAttributeValues: { ':pk': partition },
      ScanIndexForward: false,
    },
    options,
    { attribute: 'gsi2pk', value: partition },
  );
  return { ...page, items: page.items.map(toReferral) };
}

/** A worker's current clients (their assignments), in queue order. */
export async function listByWorker(store: Store, workerId: string): Promise<Referral[]> {
  const assignments = await queryAll(store, {
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': Keys.workerPartition(workerId), ':prefix': SK.ASSIGNMENT_PREFIX },
    ConsistentRead: true,
  });
  const items = await batchGet(
    store,
    assignments.map((a) => Keys.referral(String(a.referralId))),
  );
  return items.sort(queueOrder).map(toReferral);
}

/** Every open referral of the region (the reconciler restarts their executions), up to `limit`. */
export async function listOpenReferrals(store: Store, options: { limit?: number } = {}): Promise<Referral[]> {
  const referrals: Referral[] = [];
  for (const stage of OPEN_STAGES) {
    const items = await queryAll(store, {
      IndexName: INDEX.GSI1,
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': IndexKeys.queue(store.region, stage) },
    });
    referrals.push(...items.map(toReferral));
    if (options.limit !== undefined && referrals.length >= options.limit)
      return referrals.slice(0, options.limit);
  }
  return referrals;
}

/**
 * Open referrals whose consent expires on or before `onOrBefore` (`YYYY-MM-DD`), soonest first; those
 * already alerted for their current expiry date are left out unless `includeAlerted`.
 */
export async function listConsentExpiring(
  store: Store,
  onOrBefore: string,
  options: { includeAlerted?: boolean } = {},
): Promise<Referral[]> {
  const items = await queryAll(store, {
    IndexName: INDEX.GSI3,
    KeyConditionExpression: 'gsi3pk = :pk AND gsi3sk <= :until',
    ...(options.includeAlerted
      ? {}
      : {
          FilterExpression:
            'attribute_not_exists(consentAlertedFor) OR consentAlertedFor <> consentExpiresOn',
        }),
    ExpressionAttributeValues: { ':pk': IndexKeys.consent(store.region), ':until': `${onOrBefore}#~` },
  });
  return items.map(toReferral);
}

/**
 * Records that the consent-expiry alert for `expiresOn` was raised (no version bump: not a user edit).
 * Returns false if already recorded or the consent date changed meanwhile, so it is alerted once.
 */
export async function markConsentAlerted(
  store: Store,
  referralId: string,
  expiresOn: string,
): Promise<boolean> {
  return appliedIf(() =>
    store.doc.send(
      new UpdateCommand({
        TableName: store.tableName,
        Key: Keys.referral(referralId),
        UpdateExpression: 'SET consentAlertedFor = :expiresOn',
        ConditionExpression:
          'attribute_exists(pk) AND consentExpiresOn = :expiresOn AND (attribute_not_exists(consentAlertedFor) OR consentAlertedFor <> :expiresOn)',
        ExpressionAttributeValues: { ':expiresOn': expiresOn },
      }),
    ),
  );
}

async function referralsFromMonthIndex(
  store: Store,
  partitionFor: (month: string) => string,
  range: { from: string; to: string },
): Promise<Referral[]> {
  const ids: string[] = [];
  for (const month of monthsFrom(programMonth(range.from), programMonth(range.to))) {
    const events = await queryAll(store, {
      IndexName: INDEX.GSI3,
      KeyConditionExpression: 'gsi3pk = :pk AND gsi3sk BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': partitionFor(month), ':from': range.from, ':to': `${range.to}#~` },
    });
    ids.push(...events.map((e) => String(e.referralId)));
  }
  const items = await batchGet(
    store,
    [...new Set(ids)].map((id) => Keys.referral(id)),
  );
  return items.map(toReferral);
}

/** Referrals submitted between two instants (ISO, inclusive), in submission order. */
export function listReferralsCreatedBetween(
  store: Store,
  range: { from: string; to: string },
): Promise<Referral[]> {
  return referralsFromMonthIndex(store, (month) => IndexKeys.created(store.region, month), range);
}

/** Referrals that reached CLOSED or DECLINED between two instants (ISO, inclusive), in that order. */
export function listReferralsClosedBetween(
  store: Store,
  range: { from: string; to: string },
): Promise<Referral[]> {
  return referralsFromMonthIndex(store, (month) => IndexKeys.closed(store.region, month), range);
}

// ---------------------------------------------------------------------------------------------------------
// Corrections
// ---------------------------------------------------------------------------------------------------------

export type ReferralChanges = Partial<Omit<ReferralPatch, 'version'>>;

/**
 * Corrects a referral's details, conditional on `version`, with a CORRECTED audit event naming the changed
 * sections (never their values). Stale version → ConcurrentUpdateError and nothing written. A clinician may
 * correct only before the match. A correction of the client's identity moves the duplicate pointer.
 */
export async function patchReferral(
  store: Store,
  input: {
    id: string;
    version: number;
    patch: ReferralChanges;
    actor: Actor;
    /** As for `transition`: called with the referral as read; throws to refuse. */
    authorize?: (referral: Referral) => void;
  },
): Promise<Referral> {
  const { id, version, patch, actor } = input;
  return withRetries('Referral', id, async () => {
    const item = await readReferralItem(store, id);
    const before = toReferral(item);
    input.authorize?.(before);
    if (before.version !== version) throw new ConcurrentUpdateError('Referral', id);
    if (actor.role === Role.CLINICIAN && !CLINICIAN_EDITABLE_STAGES.includes(before.stage)) {
      throw new IllegalTransitionError(before.stage, 'correct');
    }
    const fields = changedFields(before.details, patch);
    if (fields.length === 0) return before;
    const details = applyReferralPatch(before.details, patch);
    const priority = priorityOf(details.urgency);
    const oldKey = item.clientKey as string | undefined;
    const newKey = await clientKeyOf(store, details);
    const moved = isOpen(before.stage) && oldKey !== newKey;

    const items: TxItem[] = [];
    let possibleDuplicateOf: string | undefined;
    if (moved) {
      const newPointerKey = Keys.clientPointer(store.region, newKey);
      const pointer = await getItem(store, newPointerKey);
      possibleDuplicateOf = before.possibleDuplicateOf ?? openIdsOf(pointer).find((other) => other !== id);
      items.push(pointerAdd(store, newPointerKey, pointer, id));
      if (oldKey) items.push(pointerRemove(store, Keys.clientPointer(store.region, oldKey), id));
    }
    const spec: UpdateSpec = {
      set: {
        details,
        priority,
        consentExpiresOn: details.consent.expiresOn,
        clientKey: newKey,
        updatedAt: iso(store.now()),
        possibleDuplicateOf,
        ...referralIndexKeys({ ...before, priority, consentExpiresOn: details.consent.expiresOn }),
      },
      increment: { version: 1 },
    };
    const outcome = await transact(store, [
      tx.update(store, Keys.referral(id), spec, cond.and(cond.exists(), cond.versionIs(version))),
      tx.put(store, auditEventItem(store, actor, { referralId: id, kind: 'CORRECTED', fields: [...fields] })),
      ...items,
    ]);
    if (outcome.ok) return toReferral(applyUpdate(item, spec));
    if (hasConflict(outcome.reasons)) return RETRY;
    const [ref] = outcome.reasons;
    if (ref?.code === 'ConditionalCheckFailed') {
      if (!ref.item) throw new NotFoundError('Referral', id, { cause: outcome.error });
      throw new ConcurrentUpdateError('Referral', id, { cause: outcome.error });
    }
    if (outcome.reasons.slice(2).some((r) => r.code === 'ConditionalCheckFailed')) return RETRY;
    throw outcome.error;
  });
}

// ---------------------------------------------------------------------------------------------------------
// Transitions
// ---------------------------------------------------------------------------------------------------------

export interface TransitionInput {
  referralId: string;
  event: LifecycleEvent;
  actor: Actor;
  /** match, reassign: the worker taking the client. */
  workerId?: string;
  /**
   * close: a ClosureReason; decline: a DeclineReason; withdraw: the clinician's reason (free text, kept as
   * the closure summary, reason code WITHDRAWN); hold: why (free text, kept as `holdReason`); reassign: why
   * (free text, kept on the new assignment); resume: optional.
   */
  reason?: string;
  /** close, decline: the summary the referrer reads. withdraw: alternative to `reason`. */
  summary?: string;
  /** setGoals: the client's goals (each starts at the baseline rating −1). */
  goals?: readonly GoalInput[];
  /** The version the caller saw (an API edit); a different one → ConcurrentUpdateError. */
  expectedVersion?: number;
  /**
   * Called with the referral as read, before anything is decided; throws to refuse (the API's "not yours",
   * 404). The check and the conditional write then see the same version, at no extra read.
   */
  authorize?: (referral: Referral) => void;
}

export interface TransitionResult {
  /** The referral after the transition. */
  referral: Referral;
  /** The referral as read before it. */
  previous: Referral;
  /**
   * The wait token this transition removed from the referral (the state machine's wait for `waitStage`):
   * the caller completes it (SendTaskSuccess / ReferralClosed failure). Never log or return it to a client.
   */
  waitToken?: string;
  waitStage?: Stage;
  /** setGoals: the goals created. */
  goals?: Goal[];
}

function invalid(path: string, message: string): DomainValidationError {
  return new DomainValidationError(`Invalid ${path}`, [{ path, message }]);
}

function requireText(value: string | undefined, path: string): string {
  if (value === undefined || value.trim() === '') throw invalid(path, 'Required');
  return value;
}

interface Labelled {
  label:
    | 'referral'
    | 'event'
    | 'newAssignment'
    | 'newWorker'
    | 'oldAssignment'
    | 'oldWorker'
    | 'pointer'
    | 'goal';
  item: TxItem;
}

/**
 * Moves a referral along the lifecycle: `nextStage(from, event, role)` (IllegalTransitionError if not
 * allowed), then ONE transaction: the referral update conditioned on version, stage and the wait token it
 * read; the audit event; and the side items of the transition (assignment and caseload counter on match,
 * reassign, release; goals on setGoals; the duplicate pointer on close). Lost races: a changed version or
 * stage → ConcurrentUpdateError; only the wait token changed (the state machine stored one) → retried.
 */
export async function transition(store: Store, input: TransitionInput): Promise<TransitionResult> {
  const { referralId, event, actor } = input;
  let firstSeenVersion = input.expectedVersion;
  return withRetries('Referral', referralId, async () => {
    const item = await readReferralItem(store, referralId);
    const before = toReferral(item);
    input.authorize?.(before);
    // A retry redoes the same decision only on the same version: if someone else's transition landed in
    // between, this caller lost the race (409), even if the event would still be allowed from the new stage.
    if (firstSeenVersion !== undefined && before.version !== firstSeenVersion) {
      throw new ConcurrentUpdateError('Referral', referralId);
    }
    firstSeenVersion = before.version;
    const from = before.stage;
    const to = nextStage(from, event, actor.role);
    const row = findTransition(from, event);
    const now = iso(store.now());
    const set: Record<string, unknown> = { stage: to, updatedAt: now };
    const remove: string[] = ['waitToken', 'waitStage'];
    const labelled: Labelled[] = [];
    const eventFields: Parameters<typeof auditEventItem>[2] = {
      referralId,
      kind: 'TRANSITIONED',
      event,
      from,
      to,
    };
    let goals: Goal[] | undefined;

    if (to !== from) set.stageEnteredAt = now;

    // --- the worker's slot ------------------------------------------------------------------------------
    if (row?.assignment === 'take' || row?.assignment === 'move') {
      const workerId = requireText(input.workerId, 'workerId');
      if (row.assignment === 'move' && workerId === before.workerId) {
        throw invalid('workerId', 'The client is already assigned to this worker');
      }
      const worker = await getWorker(store, workerId);
      if (!worker.active) throw new WorkerUnavailableError(workerId);
      if (worker.activeCaseload >= worker.maxCaseload) throw new CapacityExceededError(workerId);
      set.workerId = workerId;
      set.workerFirstName = worker.firstName;
      if (row.assignment === 'take') set.matchedAt = now;
      else set.reassignedAt = now;
      eventFields.workerId = workerId;
      labelled.push(
        {
          label: 'newAssignment',
          item: tx.put(
            store,
            {
              ...Keys.assignment(workerId, referralId),
              type: ItemType.ASSIGNMENT,
              version: 1,
              workerId,
              referralId,
              assignedAt: now,
              ...(row.assignment === 'move' && input.reason ? { reason: input.reason } : {}),
            },
            cond.notExists(),
          ),
        },
        {
          label: 'newWorker',
          item: tx.update(
            store,
            Keys.worker(workerId),
            { increment: { activeCaseload: 1 }, set: { caseloadUpdatedAt: now } },
            cond.and(
              cond.exists(),
              cond.equals('active', true),
              cond.raw('#activeCaseload < #maxCaseload', {
                '#activeCaseload': 'activeCaseload',
                '#maxCaseload': 'maxCaseload',
              }),
            ),
          ),
        },
      );
    }
    if ((row?.assignment === 'move' || row?.assignment === 'release') && before.workerId) {
      eventFields.previousWorkerId = before.workerId;
      labelled.push(...releaseSlot(store, before.workerId, referralId, now));
    }

    // --- event-specific fields ----------------------------------------------------------------------------
    switch (event) {
      case 'close': {
        const reason = input.reason as ClosureReason | undefined;
        if (!reason || !CLOSURE_REASONS.includes(reason)) throw invalid('reason', 'Must be a closure reason');
        set.closure = { reason, summary: requireText(input.summary, 'summary'), closedBy: actor.sub };
        eventFields.reasonCode = reason;
        break;
      }
      case 'withdraw': {
        const summary = requireText(input.summary ?? input.reason, 'reason');
        set.closure = { reason: 'WITHDRAWN' satisfies ClosureReason, summary, closedBy: actor.sub };
        eventFields.reasonCode = 'WITHDRAWN';
        break;
      }
      case 'decline': {
        const reason = input.reason as DeclineReason | undefined;
        if (!reason || !DECLINE_REASONS.includes(reason)) throw invalid('reason', 'Must be a decline reason');
        set.declinedReason = {
          reason,
          summary: requireText(input.summary, 'summary'),
          declinedBy: actor.sub,
        };
        eventFields.reasonCode = reason;
        break;
      }
      case 'hold':
        set.holdReason = requireText(input.reason, 'reason');
        break;
      case 'resume':
        set.resumedAt = now;
        remove.push('holdReason');
        break;
      case 'setGoals': {
        const created = newGoalItems(store, referralId, input.goals ?? []);
        goals = created.goals;
        eventFields.goalIds = goals.map((g) => g.id);
        for (const goalItem of created.items) {
          labelled.push({ label: 'goal', item: tx.put(store, goalItem, cond.notExists()) });
        }
        break;
      }
      default:
        break;
    }

    // --- leaving the open stages ---------------------------------------------------------------------------
    let eventIndex: { gsi3pk: string; gsi3sk: string } | undefined;
    if (isOpen(from) && !isOpen(to)) {
      set.closedAt = now;
      remove.push('gsi3pk', 'gsi3sk');
      const clientKey = item.clientKey as string | undefined;
      if (clientKey) {
        labelled.push({
          label: 'pointer',
          item: pointerRemove(store, Keys.clientPointer(store.region, clientKey), referralId),
        });
      }
      eventIndex = {
        gsi3pk: IndexKeys.closed(store.region, programMonth(now)),
        gsi3sk: IndexKeys.reportSort(now, referralId),
      };
    }
    set.gsi1pk = IndexKeys.queue(store.region, to);

    const spec: UpdateSpec = { set, remove, increment: { version: 1 } };
    const referralCondition = cond.and(
      cond.exists(),
      cond.versionIs(before.version),
      cond.stageIs(from),
      before.waitToken === undefined
        ? cond.absent('waitToken')
        : cond.equals('waitToken', before.waitToken, 'seenToken'),
    );
    const all: Labelled[] = [
      { label: 'referral', item: tx.update(store, Keys.referral(referralId), spec, referralCondition) },
      { label: 'event', item: tx.put(store, auditEventItem(store, actor, eventFields, eventIndex)) },
      ...labelled,
    ];
    const outcome = await transact(
      store,
      all.map((l) => l.item),
    );
    if (outcome.ok) {
      return {
        referral: toReferral(applyUpdate(item, spec)),
        previous: before,
        ...(before.waitToken !== undefined ? { waitToken: before.waitToken } : {}),
        ...(before.waitStage !== undefined ? { waitStage: before.waitStage } : {}),
        ...(goals ? { goals } : {}),
      };
    }
    return explainTransitionFailure(referralId, before, input.workerId, all, outcome.reasons, outcome.error);
  });
}

function releaseSlot(store: Store, workerId: string, referralId: string, now: string): Labelled[] {
  return [
    {
      label: 'oldAssignment',
      item: tx.delete(store, Keys.assignment(workerId, referralId), cond.exists()),
    },
    {
      label: 'oldWorker',
      item: tx.update(
        store,
        Keys.worker(workerId),
        { increment: { activeCaseload: -1 }, set: { caseloadUpdatedAt: now } },
        cond.exists(),
      ),
    },
  ];
}

function explainTransitionFailure(
  referralId: string,
  before: Referral,
  workerId: string | undefined,
  labelled: readonly Labelled[],
  reasons: readonly CancellationReason[],
  cause: unknown,
): typeof RETRY {
  if (hasConflict(reasons)) return RETRY;
  const failed = (label: Labelled['label']) =>
    reasons.find((reason, i) => labelled[i]?.label === label && reason.code === 'ConditionalCheckFailed');
  const referral = failed('referral');
  if (referral) {
    if (!referral.item) throw new NotFoundError('Referral', referralId, { cause });
    const moved = referral.item.version !== before.version || referral.item.stage !== before.stage;
    if (moved) throw new ConcurrentUpdateError('Referral', referralId, { cause });
    // Same version and stage: only the wait token changed underneath (the state machine stored one). Redo.
    return RETRY;
  }
  const worker = failed('newWorker');
  if (worker && workerId) {
    if (!worker.item) throw new NotFoundError('Worker', workerId, { cause });
    if (worker.item.active !== true) throw new WorkerUnavailableError(workerId, { cause });
    throw new CapacityExceededError(workerId, { cause });
  }
  if (failed('newAssignment') || failed('oldAssignment') || failed('oldWorker') || failed('goal')) {
    throw new ConcurrentUpdateError('Referral', referralId, { cause });
  }
  // The duplicate pointer changed at the same time (another submission for the same client): redo.
  if (failed('pointer')) return RETRY;
  throw cause;
}

// ---------------------------------------------------------------------------------------------------------
// The state machine's attributes (no version bump: they never make a person's edit fail)
// ---------------------------------------------------------------------------------------------------------

/**
 * Stores the state machine's task token on the referral, only if it is still in `stage`. Returns false when
 * the stage has moved on (or the referral is missing): the caller then completes its own token at once.
 */
export async function storeWaitToken(
  store: Store,
  referralId: string,
  stage: Stage,
  token: string,
): Promise<boolean> {
  return appliedIf(() =>
    store.doc.send(
      new UpdateCommand({
        TableName: store.tableName,
        Key: Keys.referral(referralId),
        UpdateExpression: 'SET waitToken = :token, waitStage = :stage',
        ConditionExpression: 'attribute_exists(pk) AND #stage = :stage',
        ExpressionAttributeNames: { '#stage': 'stage' },
        ExpressionAttributeValues: { ':token': token, ':stage': stage },
      }),
    ),
  );
}

/**
 * Records which execution drives the referral now (`<id>` or `<id>-r<n>` after a repair). With
 * `onlyIfUnset` (a first start) an execution recorded meanwhile (a repair) is kept: returns false then.
 */
export async function recordExecution(
  store: Store,
  referralId: string,
  executionName: string,
  options: { onlyIfUnset?: boolean } = {},
): Promise<boolean> {
  try {
    await storeCall(() =>
      store.doc.send(
        new UpdateCommand({
          TableName: store.tableName,
          Key: Keys.referral(referralId),
          UpdateExpression: 'SET executionName = :name',
          ConditionExpression: options.onlyIfUnset
            ? 'attribute_exists(pk) AND attribute_not_exists(executionName)'
            : 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':name': executionName },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      ),
    );
    return true;
  } catch (error) {
    if (!isConditionalCheckFailed(error)) throw error;
    if (!conditionFailedItem(error)) throw new NotFoundError('Referral', referralId, { cause: error });
    if (options.onlyIfUnset) return false;
    throw error;
  }
}
