import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  checkLinkMove,
  type Link,
  type LinkPatch,
  linkMoveStamp,
  OPEN_LINK_STATUSES,
  type Resource,
} from '#domain/resources.ts';
import { getItem, iso, monthsFrom, newId, programMonth, queryAll, withoutInternals } from './common.ts';
import { ConcurrentUpdateError, NotFoundError } from './errors.ts';
import { appliedIf, isConditionalCheckFailed, storeCall } from './failures.ts';
import { CommunityIndexKeys, CommunityItemType, CommunityKeys } from './keys-community.ts';
import type { Store } from './store.ts';
import { INDEX } from './table.ts';
import { cond, transact, tx, updateParams } from './tx.ts';

/**
 * A client's links to community resources, under their referral (`REF#<id>` / `LINK#<linkId>`). Open links
 * sit in the region's open-links index by the time of their last update (the follow-up nudge reads the
 * oldest); every link sits in its creation month's partition (reports).
 */

export function toLink(item: Record<string, unknown>): Link {
  return withoutInternals<Link>(item, ['nudgedFor']);
}

export async function createLink(
  store: Store,
  input: { referralId: string; resource: Resource; goalId?: string; createdBy: string },
): Promise<Link> {
  const now = iso(store.now());
  const link: Link = {
    id: newId(store),
    referralId: input.referralId,
    resourceId: input.resource.id,
    resourceName: input.resource.name,
    category: input.resource.category,
    ...(input.goalId !== undefined ? { goalId: input.goalId } : {}),
    status: 'SUGGESTED',
    createdBy: input.createdBy,
    createdAt: now,
    updatedAt: now,
    version: 1,
  };
  const outcome = await transact(store, [
    tx.put(
      store,
      {
        ...CommunityKeys.link(link.referralId, link.id),
        type: CommunityItemType.LINK,
        gsi1pk: CommunityIndexKeys.openLinks(store.region),
        gsi1sk: CommunityIndexKeys.openLinkSort(now, link.id),
        gsi2pk: CommunityIndexKeys.regionLinks(store.region, programMonth(now)),
        gsi2sk: CommunityIndexKeys.linkSort(now, link.id),
        ...link,
      },
      cond.notExists(),
    ),
    // The resource must still be active when the link is written.
    tx.check(
      store,
      CommunityKeys.resource(link.resourceId),
      cond.and(cond.exists(), cond.equals('active', true)),
    ),
  ]);
  if (!outcome.ok) throw new ConcurrentUpdateError('Resource', link.resourceId, { cause: outcome.error });
  return link;
}

export async function getLink(store: Store, referralId: string, linkId: string): Promise<Link> {
  const item = await getItem(store, CommunityKeys.link(referralId, linkId));
  if (!item) throw new NotFoundError('Link', linkId);
  return toLink(item);
}

/** Moves a link's status (409 for a move DESIGN.md does not allow; conditioned on the status read). */
export async function moveLink(
  store: Store,
  input: { referralId: string; linkId: string; patch: LinkPatch },
): Promise<Link> {
  const current = await getLink(store, input.referralId, input.linkId);
  const now = store.now();
  checkLinkMove(current, input.patch, now);
  const at = iso(now);
  const open = OPEN_LINK_STATUSES.includes(input.patch.status);
  try {
    const out = await storeCall(() =>
      store.doc.send(
        new UpdateCommand({
          TableName: store.tableName,
          Key: CommunityKeys.link(input.referralId, input.linkId),
          ...updateParams(
            {
              set: {
                status: input.patch.status,
                updatedAt: at,
                [linkMoveStamp(input.patch.status)]: at,
                ...(input.patch.reason !== undefined ? { reason: input.patch.reason } : {}),
                ...(open ? { gsi1sk: CommunityIndexKeys.openLinkSort(at, input.linkId) } : {}),
              },
              increment: { version: 1 },
              ...(open ? {} : { remove: ['gsi1pk', 'gsi1sk'] }),
            },
            cond.and(cond.exists(), cond.equals('status', current.status, 'expectedStatus')),
          ),
          ReturnValues: 'ALL_NEW',
        }),
      ),
    );
    return toLink(out.Attributes ?? {});
  } catch (error) {
    if (isConditionalCheckFailed(error))
      throw new ConcurrentUpdateError('Link', input.linkId, { cause: error });
    throw error;
  }
}

/** A referral's links, oldest first (a handful per client: read whole). */
export async function listLinks(store: Store, referralId: string): Promise<Link[]> {
  const items = await queryAll(store, {
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: {
      ':pk': CommunityKeys.link(referralId, 'x').pk,
      ':prefix': CommunityKeys.SK.LINK_PREFIX,
    },
  });
  return items.map(toLink);
}

/** Open links whose last update is older than `before` and not yet nudged for that update. */
export async function listQuietLinks(store: Store, before: Date): Promise<Link[]> {
  const items = await queryAll(store, {
    IndexName: INDEX.GSI1,
    KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk < :before',
    FilterExpression: 'attribute_not_exists(nudgedFor) OR nudgedFor <> updatedAt',
    ExpressionAttributeValues: { ':pk': CommunityIndexKeys.openLinks(store.region), ':before': iso(before) },
  });
  return items.map(toLink);
}

/** Records the nudge for this quiet period; true for the one caller that recorded it. */
export async function markLinkNudged(
  store: Store,
  link: Pick<Link, 'referralId' | 'id' | 'updatedAt'>,
): Promise<boolean> {
  return appliedIf(() =>
    store.doc.send(
      new UpdateCommand({
        TableName: store.tableName,
        Key: CommunityKeys.link(link.referralId, link.id),
        ...updateParams(
          { set: { nudgedFor: link.updatedAt } },
          cond.and(
            cond.exists(),
            cond.equals('updatedAt', link.updatedAt, 'expectedUpdatedAt'),
            cond.raw('attribute_not_exists(#nudgedFor) OR #nudgedFor <> :expectedUpdatedAt', {
              '#nudgedFor': 'nudgedFor',
            }),
          ),
        ),
      }),
    ),
  );
}

/** Links created in a range of instants (ISO): one Query per program month. */
export async function listLinksCreatedBetween(
  store: Store,
  range: { from: string; to: string },
): Promise<Link[]> {
  const months = monthsFrom(programMonth(range.from), programMonth(range.to));
  const pages = await Promise.all(
    months.map((month) =>
      queryAll(store, {
        IndexName: INDEX.GSI2,
        KeyConditionExpression: 'gsi2pk = :pk AND gsi2sk BETWEEN :from AND :to',
        ExpressionAttributeValues: {
          ':pk': CommunityIndexKeys.regionLinks(store.region, month),
          ':from': range.from,
          ':to': `${range.to}#\uffff`,
        },
      }),
    ),
  );
  return pages.flat().map(toLink);
}
