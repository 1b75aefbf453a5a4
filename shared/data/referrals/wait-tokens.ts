import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Stage } from '#domain/lifecycle.ts';
import { NotFoundError } from '../errors.ts';
import { conditionFailedItem, isConditionalCheckFailed, storeCall } from '../failures.ts';
import { Keys } from '../keys.ts';
import type { Store } from '../store.ts';
import { setReferralAttributesIf } from './item.ts';

/** The state machine's attributes on a referral (no version bump: they never make a person's edit fail). */

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
  return setReferralAttributesIf(store, referralId, {
    update: 'SET waitToken = :token, waitStage = :stage',
    condition: 'attribute_exists(pk) AND #stage = :stage',
    names: { '#stage': 'stage' },
    values: { ':token': token, ':stage': stage },
  });
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
