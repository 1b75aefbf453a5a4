import type { SupervisionEntry, SupervisionInput } from '#domain/supervision.ts';
import { iso, newId, type Page, type PageOptions, queryPage, withoutInternals } from './common.ts';
import { Keys, WorkforceItemType, WorkforceKeys, WorkforceSK } from './keys.ts';
import { putPaidEntry } from './paid-time.ts';
import type { Store } from './store.ts';

/**
 * The supervision log (`WORKER#<sub>` / `SUPERVISION#<date>#<id>`): regular supervision and debriefs,
 * newest first. Its minutes are paid time and move the worker's per-day counter (paid-time.ts).
 */

export async function logSupervision(
  store: Store,
  input: {
    workerId: string;
    entry: SupervisionInput;
    by: string;
    debriefId?: string;
    maxPaidMinutesPerDay?: number;
  },
): Promise<SupervisionEntry> {
  const id = newId(store);
  const entry: SupervisionEntry = {
    id,
    workerId: input.workerId,
    ...input.entry,
    recordedBy: input.by,
    ...(input.debriefId !== undefined ? { debriefId: input.debriefId } : {}),
    createdAt: iso(store.now()),
    version: 1,
  };
  await putPaidEntry(store, {
    workerId: input.workerId,
    date: entry.date,
    minutes: entry.minutes,
    key: WorkforceKeys.supervision(input.workerId, entry.date, id),
    item: { type: WorkforceItemType.SUPERVISION, updatedAt: entry.createdAt, ...entry },
    ...(input.maxPaidMinutesPerDay !== undefined ? { maxPaidMinutesPerDay: input.maxPaidMinutesPerDay } : {}),
  });
  return entry;
}

/** A worker's supervision log, newest first, paged. */
export async function listSupervision(
  store: Store,
  workerId: string,
  page: PageOptions = {},
): Promise<Page<SupervisionEntry>> {
  const partition = Keys.workerPartition(workerId);
  const out = await queryPage(
    store,
    {
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': partition, ':prefix': WorkforceSK.SUPERVISION_PREFIX },
      ScanIndexForward: false,
    },
    page,
    { attribute: 'pk', value: partition },
  );
  return { ...out, items: out.items.map((item) => withoutInternals<SupervisionEntry>(item, ['updatedAt'])) };
}
