import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { addSeconds, epochSeconds, getItem, iso } from './common.ts';
import { IdempotencyConflictError } from './errors.ts';
import { conditionFailedItem, isConditionalCheckFailed, storeCall } from './failures.ts';
import { ItemType, Keys } from './keys.ts';
import type { Store } from './store.ts';
import { cond, updateParams } from './tx.ts';

/**
 * Idempotency records for `Idempotency-Key` (scoped to region and caller). The first caller wins a
 * conditional Put and does the work; callers with the same key and body get the stored response once it
 * is complete (`replay`) or `in-progress` meanwhile; the same key with another body is a 422.
 */

/** Records are kept for a day (TTL), as promised to API clients. */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;
/** A record left IN_PROGRESS this long (the caller crashed) may be taken over by a retry with the same body. */
export const IDEMPOTENCY_LOCK_SECONDS = 60;

export type IdempotencyBegin =
  | { state: 'new' }
  | { state: 'replay'; response: unknown }
  | { state: 'in-progress' };

export interface IdempotencyScope {
  sub: string;
  key: string;
}

export interface IdempotencyRecord {
  state: 'IN_PROGRESS' | 'COMPLETE';
  requestHash: string;
  createdAt: string;
  lockedUntil: number;
  expiresAt: number;
  response?: unknown;
}

function toRecord(item: Record<string, unknown>): IdempotencyRecord {
  const { state, requestHash, createdAt, lockedUntil, expiresAt, response } =
    item as unknown as IdempotencyRecord;
  return {
    state,
    requestHash,
    createdAt,
    lockedUntil,
    expiresAt,
    ...(typeof response === 'string' ? { response: JSON.parse(response) } : {}),
  };
}

export async function beginIdempotent(
  store: Store,
  input: IdempotencyScope & { requestHash: string },
): Promise<IdempotencyBegin> {
  const now = store.now();
  const nowSeconds = epochSeconds(now);
  const key = Keys.idempotency(store.region, input.sub, input.key);
  // Free when absent, expired (TTL deletes lazily), or abandoned mid-way by a caller with the same body.
  const claimable = cond.or(
    cond.notExists(),
    cond.raw('#expiresAt < :now', { '#expiresAt': 'expiresAt' }, { ':now': nowSeconds }),
    cond.raw(
      '#state = :inProgress AND #lockedUntil < :now AND #requestHash = :hash',
      { '#state': 'state', '#lockedUntil': 'lockedUntil', '#requestHash': 'requestHash' },
      { ':inProgress': 'IN_PROGRESS', ':now': nowSeconds, ':hash': input.requestHash },
    ),
  );
  try {
    await storeCall(() =>
      store.doc.send(
        new PutCommand({
          TableName: store.tableName,
          Item: {
            ...key,
            type: ItemType.IDEMPOTENCY,
            version: 1,
            state: 'IN_PROGRESS',
            requestHash: input.requestHash,
            createdAt: iso(now),
            updatedAt: iso(now),
            lockedUntil: nowSeconds + IDEMPOTENCY_LOCK_SECONDS,
            expiresAt: epochSeconds(addSeconds(now, IDEMPOTENCY_TTL_SECONDS)),
          },
          ConditionExpression: claimable.expression,
          ExpressionAttributeNames: claimable.names,
          ExpressionAttributeValues: claimable.values,
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      ),
    );
    return { state: 'new' };
  } catch (error) {
    if (!isConditionalCheckFailed(error)) throw error;
    const existing = conditionFailedItem(error);
    if (!existing) return { state: 'in-progress' };
    const record = toRecord(existing);
    if (record.requestHash !== input.requestHash) throw new IdempotencyConflictError({ cause: error });
    if (record.state === 'COMPLETE') return { state: 'replay', response: record.response };
    return { state: 'in-progress' };
  }
}

/**
 * Stores the response to replay (JSON). Only an IN_PROGRESS record is completed; if it is already complete
 * (a duplicate completion) or gone, there is nothing left to do.
 */
export async function completeIdempotent(
  store: Store,
  input: IdempotencyScope & { response: unknown },
): Promise<void> {
  try {
    await storeCall(() =>
      store.doc.send(
        new UpdateCommand({
          TableName: store.tableName,
          Key: Keys.idempotency(store.region, input.sub, input.key),
          ...updateParams(
            {
              set: {
                state: 'COMPLETE',
                response: JSON.stringify(input.response),
                updatedAt: iso(store.now()),
              },
              increment: { version: 1 },
            },
            cond.and(cond.exists(), cond.equals('state', 'IN_PROGRESS', 'state')),
          ),
        }),
      ),
    );
  } catch (error) {
    if (!isConditionalCheckFailed(error)) throw error;
  }
}

/** Frees the key after a failed attempt (nothing was created), so the client may retry with it. */
export async function releaseIdempotent(store: Store, input: IdempotencyScope): Promise<void> {
  try {
    await storeCall(() =>
      store.doc.send(
        new DeleteCommand({
          TableName: store.tableName,
          Key: Keys.idempotency(store.region, input.sub, input.key),
          ConditionExpression: '#state = :inProgress',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':inProgress': 'IN_PROGRESS' },
        }),
      ),
    );
  } catch (error) {
    if (!isConditionalCheckFailed(error)) throw error;
  }
}

export async function getIdempotencyRecord(
  store: Store,
  scope: IdempotencyScope,
): Promise<IdempotencyRecord | undefined> {
  const item = await getItem(store, Keys.idempotency(store.region, scope.sub, scope.key));
  return item ? toRecord(item) : undefined;
}
