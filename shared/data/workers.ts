import type { Worker, WorkerInput, WorkerPatch } from '#domain/worker.ts';
import { WORKER_FIELDS } from '#domain/worker.ts';
import {
  getItem,
  iso,
  newId,
  type Page,
  type PageOptions,
  queryAll,
  queryPage,
  withoutInternals,
} from './common.ts';
import { ConcurrentUpdateError, NotFoundError } from './errors.ts';
import type { Actor } from './events.ts';
import { IndexKeys, ItemType, Keys, SK } from './keys.ts';
import type { Store } from './store.ts';
import { INDEX } from './table.ts';
import { applyUpdate, cond, hasConflict, RETRY, transact, tx, type UpdateSpec, withRetries } from './tx.ts';

/**
 * The roster: one profile item per worker (`WORKER#<sub>` / `PROFILE`), their assignments under the same
 * partition, and change records (`EVENT#<ulid>`: who, when, which fields; never values).
 *
 * `activeCaseload` is a counter kept by the transitions that take and release slots (referrals.ts); it
 * does not bump `version`, so a match never makes a coordinator's profile edit fail, and a profile edit
 * never touches the counter.
 */

export interface WorkerChange {
  id: string;
  workerId: string;
  kind: 'CREATED' | 'CORRECTED';
  fields?: string[];
  by: string;
  role?: string;
  at: string;
}

export type WorkerChanges = Partial<Omit<WorkerPatch, 'version'>>;

export function toWorker(item: Record<string, unknown>): Worker {
  return withoutInternals<Worker>(item, ['caseloadUpdatedAt']);
}

function changeItem(store: Store, workerId: string, change: Omit<WorkerChange, 'id' | 'at' | 'workerId'>) {
  const id = newId(store);
  const record: WorkerChange = { id, workerId, at: iso(store.now()), ...change };
  return { ...Keys.workerEvent(workerId, id), type: ItemType.WORKER_EVENT, version: 1, ...record };
}

const workerIndexKeys = (store: Store, worker: Pick<Worker, 'active' | 'lastName' | 'id'>) => ({
  gsi1pk: IndexKeys.regionWorkers(store.region),
  gsi1sk: IndexKeys.workerSort(worker.active, worker.lastName, worker.id),
});

/**
 * The items a new worker is stored as: the profile (caseload 0, version 1, with its index keys) and its
 * CREATED change record. `createWorker` writes them in its transaction; bulk loaders (the local demo roster,
 * the benchmarks) use the same shapes.
 */
export function newWorkerItems(
  store: Store,
  input: { id: string; input: WorkerInput; actor?: Actor },
): { worker: Worker; item: Record<string, unknown>; change: Record<string, unknown> } {
  const now = iso(store.now());
  const worker: Worker = {
    ...input.input,
    id: input.id,
    region: store.region,
    activeCaseload: 0,
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
  const item = {
    ...Keys.worker(input.id),
    type: ItemType.WORKER,
    ...workerIndexKeys(store, worker),
    ...worker,
  };
  const change = changeItem(store, input.id, {
    kind: 'CREATED',
    by: input.actor?.sub ?? 'system',
    ...(input.actor ? { role: input.actor.role } : {}),
  });
  return { worker, item, change };
}

/** Adds a worker to the region's roster; `id` is their user's `sub` (from the UserDirectory). */
export async function createWorker(
  store: Store,
  input: { id: string; input: WorkerInput; actor?: Actor },
): Promise<Worker> {
  const { worker, item, change } = newWorkerItems(store, input);
  const outcome = await transact(store, [tx.put(store, item, cond.notExists()), tx.put(store, change)]);
  if (outcome.ok) return worker;
  if (outcome.reasons[0]?.code === 'ConditionalCheckFailed') {
    throw new ConcurrentUpdateError('Worker', input.id, { cause: outcome.error });
  }
  throw outcome.error;
}

export async function getWorker(store: Store, id: string): Promise<Worker> {
  const item = await getItem(store, Keys.worker(id));
  if (!item) throw new NotFoundError('Worker', id);
  return toWorker(item);
}

export interface ListWorkersOptions extends PageOptions {
  activeOnly?: boolean;
}

/** The region's workers: active ones first, each group by last name. */
export async function listWorkers(store: Store, options: ListWorkersOptions = {}): Promise<Page<Worker>> {
  const partition = IndexKeys.regionWorkers(store.region);
  const page = await queryPage(
    store,
    {
      IndexName: INDEX.GSI1,
      KeyConditionExpression: options.activeOnly
        ? 'gsi1pk = :pk AND begins_with(gsi1sk, :active)'
        : 'gsi1pk = :pk',
      ExpressionAttributeValues: {
        ':pk': partition,
        ...(options.activeOnly ? { ':active': IndexKeys.activeWorkersPrefix } : {}),
      },
    },
    options,
    { attribute: 'gsi1pk', value: partition },
  );
  return { ...page, items: page.items.map(toWorker) };
}

/** Every worker of the region, all pages (matching ranks them all). */
export async function listAllWorkers(
  store: Store,
  options: { activeOnly?: boolean } = {},
): Promise<Worker[]> {
  const items = await queryAll(store, {
    IndexName: INDEX.GSI1,
    KeyConditionExpression: options.activeOnly
      ? 'gsi1pk = :pk AND begins_with(gsi1sk, :active)'
      : 'gsi1pk = :pk',
    ExpressionAttributeValues: {
      ':pk': IndexKeys.regionWorkers(store.region),
      ...(options.activeOnly ? { ':active': IndexKeys.activeWorkersPrefix } : {}),
    },
  });
  return items.map(toWorker);
}

/** A worker's change records, oldest first. */
export async function listWorkerChanges(store: Store, id: string): Promise<WorkerChange[]> {
  const items = await queryAll(store, {
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': Keys.workerPartition(id), ':prefix': SK.EVENT_PREFIX },
    ConsistentRead: true,
  });
  return items.map((item) => withoutInternals<WorkerChange>(item, ['version']));
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Corrects a worker's profile, conditional on `version`, with a change record naming the fields. Lowering
 * `maxCaseload` below the current caseload is allowed: it only blocks new matches.
 */
export async function patchWorker(
  store: Store,
  input: { id: string; version: number; patch: WorkerChanges; actor: Actor },
): Promise<Worker> {
  const { id, version, patch, actor } = input;
  return withRetries('Worker', id, async () => {
    const item = await getItem(store, Keys.worker(id));
    if (!item) throw new NotFoundError('Worker', id);
    const before = toWorker(item);
    if (before.version !== version) throw new ConcurrentUpdateError('Worker', id);
    const fields = WORKER_FIELDS.filter(
      (field) => patch[field] !== undefined && !sameValue(patch[field], before[field]),
    );
    if (fields.length === 0) return before;
    const set: Record<string, unknown> = { updatedAt: iso(store.now()) };
    for (const field of fields) set[field] = patch[field];
    const after = { ...before, ...(set as Partial<Worker>) };
    Object.assign(set, workerIndexKeys(store, after));
    const spec: UpdateSpec = { set, increment: { version: 1 } };
    const outcome = await transact(store, [
      tx.update(store, Keys.worker(id), spec, cond.and(cond.exists(), cond.versionIs(version))),
      tx.put(
        store,
        changeItem(store, id, { kind: 'CORRECTED', fields: [...fields], by: actor.sub, role: actor.role }),
      ),
    ]);
    if (outcome.ok) return toWorker(applyUpdate(item, spec));
    if (hasConflict(outcome.reasons)) return RETRY;
    const [worker] = outcome.reasons;
    if (worker?.code === 'ConditionalCheckFailed') {
      if (!worker.item) throw new NotFoundError('Worker', id, { cause: outcome.error });
      // The counter moves without a version bump: only a different version is someone else's edit.
      if (worker.item.version !== version)
        throw new ConcurrentUpdateError('Worker', id, { cause: outcome.error });
      return RETRY;
    }
    throw outcome.error;
  });
}
