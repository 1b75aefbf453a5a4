import type { TrainingRecord, TrainingRecordInput } from '#domain/training.ts';
import { iso, newId, queryAll, withoutInternals } from './common.ts';
import { NotFoundError } from './errors.ts';
import { Keys, WorkforceItemType, WorkforceKeys, WorkforceSK } from './keys.ts';
import type { Store } from './store.ts';
import { INDEX } from './table.ts';
import { cond, transact, tx } from './tx.ts';

/**
 * A worker's training records (`WORKER#<sub>` / `TRAINING#<id>`). A record that expires is also in the
 * region's expiry index (GSI1, by date), which the scheduled follow-up reads for TRAINING_EXPIRING.
 */

export function toTrainingRecord(item: Record<string, unknown>): TrainingRecord {
  return withoutInternals<TrainingRecord>(item, ['alertedAt', 'region', 'updatedAt']);
}

/** Writes a record for an existing worker (404 otherwise, nothing written). */
export async function addTrainingRecord(
  store: Store,
  input: { workerId: string; record: TrainingRecordInput; by: string },
): Promise<TrainingRecord> {
  const id = newId(store);
  const record: TrainingRecord = {
    id,
    workerId: input.workerId,
    course: input.record.course,
    completedOn: input.record.completedOn,
    ...(input.record.expiresOn !== undefined ? { expiresOn: input.record.expiresOn } : {}),
    recordedBy: input.by,
    createdAt: iso(store.now()),
    version: 1,
  };
  const item = {
    ...WorkforceKeys.trainingRecord(input.workerId, id),
    type: WorkforceItemType.TRAINING_RECORD,
    region: store.region,
    ...(record.expiresOn !== undefined
      ? {
          gsi1pk: WorkforceKeys.trainingExpiry(store.region),
          gsi1sk: WorkforceKeys.trainingExpirySort(record.expiresOn, input.workerId, id),
        }
      : {}),
    updatedAt: record.createdAt,
    ...record,
  };
  const outcome = await transact(store, [
    tx.check(store, Keys.worker(input.workerId), cond.exists()),
    tx.put(store, item, cond.notExists()),
  ]);
  if (!outcome.ok) {
    if (outcome.reasons[0]?.code === 'ConditionalCheckFailed') {
      throw new NotFoundError('Worker', input.workerId, { cause: outcome.error });
    }
    throw outcome.error;
  }
  return record;
}

/** Every training record of a worker (a bounded list), newest completion first. */
export async function listTrainingRecords(store: Store, workerId: string): Promise<TrainingRecord[]> {
  const items = await queryAll(store, {
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: {
      ':pk': Keys.workerPartition(workerId),
      ':prefix': WorkforceSK.TRAINING_PREFIX,
    },
  });
  return items
    .map(toTrainingRecord)
    .sort((a, b) => b.completedOn.localeCompare(a.completedOn) || b.id.localeCompare(a.id));
}

/** The region's records expiring before `before` (a local date), with whether their alert went out. */
export async function listTrainingExpiringBefore(
  store: Store,
  before: string,
): Promise<(TrainingRecord & { alerted: boolean })[]> {
  const items = await queryAll(store, {
    IndexName: INDEX.GSI1,
    KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk < :before',
    ExpressionAttributeValues: { ':pk': WorkforceKeys.trainingExpiry(store.region), ':before': before },
  });
  return items.map((item) => ({ ...toTrainingRecord(item), alerted: item.alertedAt !== undefined }));
}
