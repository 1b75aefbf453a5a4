import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Store } from '#data/store.ts';

/** Items per BatchWriteItem request (DynamoDB's limit). */
export const BATCH_PUT_SIZE = 25;

/**
 * Bulk loading for local tables only: the demo database seed and the benchmarks' large tables, before any
 * request is served. Unconditional puts with BatchWriteItem, one request of up to 25 items after another,
 * unprocessed items sent again with backoff. The application itself never uses BatchWriteItem: its writes
 * are conditional (see the stack's IAM actions).
 */
export async function batchPutItems(store: Store, items: readonly Record<string, unknown>[]): Promise<void> {
  for (let i = 0; i < items.length; i += BATCH_PUT_SIZE) {
    let pending = items.slice(i, i + BATCH_PUT_SIZE).map((Item) => ({ PutRequest: { Item } }));
    for (let round = 0; pending.length > 0; round++) {
      if (round > 10) throw new Error('BatchWriteItem kept returning unprocessed items');
      if (round > 0) await new Promise((resolve) => setTimeout(resolve, 20 * 2 ** round));
      const out = await store.doc.send(
        new BatchWriteCommand({ RequestItems: { [store.tableName]: pending } }),
      );
      pending = (out.UnprocessedItems?.[store.tableName] as typeof pending | undefined) ?? [];
    }
  }
}
