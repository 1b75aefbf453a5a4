import type { Contract, ContractInput, TimeEntry, TimeEntryInput } from '#domain/contracts.ts';
import { getItem, iso, newId, queryAll, withoutInternals } from './common.ts';
import { ConcurrentUpdateError, NotFoundError } from './errors.ts';
import { Keys, WorkforceItemType, WorkforceKeys, WorkforceSK } from './keys.ts';
import { putPaidEntry } from './paid-time.ts';
import type { Store } from './store.ts';
import { INDEX } from './table.ts';
import { cond, transact, tx } from './tx.ts';

/**
 * A worker's contract (`WORKER#<sub>` / `CONTRACT`, one per worker, replaced by PUT) with the region's
 * contracts by end date on GSI1, and their other paid work (`TIME#<date>#<id>`), which moves the same
 * per-day paid-minutes counter as sessions (paid-time.ts).
 */

export function toContract(item: Record<string, unknown>): Contract {
  return withoutInternals<Contract>(item, ['region', 'alertedFor']);
}

export async function getContract(store: Store, workerId: string): Promise<Contract | undefined> {
  const item = await getItem(store, WorkforceKeys.contract(workerId));
  return item ? toContract(item) : undefined;
}

/** Sets (or replaces) a worker's contract; 404 for a worker that does not exist, nothing written. */
export async function putContract(
  store: Store,
  input: { workerId: string; contract: ContractInput; by: string },
): Promise<Contract> {
  const now = iso(store.now());
  const existing = await getItem(store, WorkforceKeys.contract(input.workerId));
  const contract: Contract = {
    workerId: input.workerId,
    start: input.contract.start,
    end: input.contract.end,
    hoursPerMonth: input.contract.hoursPerMonth,
    updatedBy: input.by,
    createdAt: (existing?.createdAt as string | undefined) ?? now,
    updatedAt: now,
    version: ((existing?.version as number | undefined) ?? 0) + 1,
  };
  const item = {
    ...WorkforceKeys.contract(input.workerId),
    type: WorkforceItemType.CONTRACT,
    region: store.region,
    gsi1pk: WorkforceKeys.contracts(store.region),
    gsi1sk: WorkforceKeys.contractSort(contract.end, input.workerId),
    ...contract,
  };
  const sameVersion = existing
    ? cond.equals('version', existing.version, 'contractVersion')
    : cond.notExists();
  const outcome = await transact(store, [
    tx.check(store, Keys.worker(input.workerId), cond.exists()),
    tx.put(store, item, sameVersion),
  ]);
  if (!outcome.ok) {
    if (outcome.reasons[0]?.code === 'ConditionalCheckFailed') {
      throw new NotFoundError('Worker', input.workerId, { cause: outcome.error });
    }
    // Another coordinator's write of the same contract landed between our read and this one: 409.
    if (outcome.reasons[1]?.code === 'ConditionalCheckFailed') {
      throw new ConcurrentUpdateError('Contract', input.workerId, { cause: outcome.error });
    }
    throw outcome.error;
  }
  return contract;
}

/** The region's contracts ending from `from` to `to` (local dates), soonest first. */
export async function listContractsEnding(
  store: Store,
  range: { from: string; to: string },
): Promise<Contract[]> {
  const items = await queryAll(store, {
    IndexName: INDEX.GSI1,
    KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk BETWEEN :from AND :to',
    ExpressionAttributeValues: {
      ':pk': WorkforceKeys.contracts(store.region),
      ':from': range.from,
      ':to': `${range.to}#~`,
    },
  });
  return items.map(toContract);
}

/** Logs other paid work for a worker, within the day's cap (400 past it, nothing written). */
export async function logTime(
  store: Store,
  input: { workerId: string; entry: TimeEntryInput; by: string; maxPaidMinutesPerDay?: number },
): Promise<TimeEntry> {
  const id = newId(store);
  const entry: TimeEntry = {
    id,
    workerId: input.workerId,
    ...input.entry,
    recordedBy: input.by,
    createdAt: iso(store.now()),
    version: 1,
  };
  await putPaidEntry(store, {
    workerId: input.workerId,
    date: entry.date,
    minutes: entry.minutes,
    key: WorkforceKeys.timeEntry(input.workerId, entry.date, id),
    item: { type: WorkforceItemType.TIME_ENTRY, updatedAt: entry.createdAt, ...entry },
    ...(input.maxPaidMinutesPerDay !== undefined ? { maxPaidMinutesPerDay: input.maxPaidMinutesPerDay } : {}),
  });
  return entry;
}

/** A worker's other paid work in a month (`YYYY-MM`), by date. */
export async function listTimeEntries(store: Store, workerId: string, month: string): Promise<TimeEntry[]> {
  const items = await queryAll(store, {
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: {
      ':pk': Keys.workerPartition(workerId),
      ':prefix': `${WorkforceSK.TIME_PREFIX}${month}-`,
    },
  });
  return items.map((item) => withoutInternals<TimeEntry>(item, ['updatedAt']));
}
