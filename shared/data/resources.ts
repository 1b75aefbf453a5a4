import { PutCommand } from '@aws-sdk/lib-dynamodb';
import {
  type Resource,
  type ResourceCategory,
  type ResourceInput,
  type ResourcePatch,
  searchName,
} from '#domain/resources.ts';
import { getItem, iso, newId, type Page, type PageOptions, queryPage, withoutInternals } from './common.ts';
import { ConcurrentUpdateError, NotFoundError } from './errors.ts';
import { isConditionalCheckFailed, storeCall } from './failures.ts';
import { CommunityIndexKeys, CommunityItemType, CommunityKeys } from './keys-community.ts';
import type { Store } from './store.ts';
import { INDEX } from './table.ts';
import { cond } from './tx.ts';

/**
 * The region's directory of community resources. Found by name prefix (GSI1, the normalised name) or by
 * category and name prefix (GSI2); neighbourhood and language narrow a page with a filter.
 */

export function toResource(item: Record<string, unknown>): Resource {
  return withoutInternals<Resource>(item, ['searchName']);
}

function resourceItem(store: Store, resource: Resource): Record<string, unknown> {
  const name = searchName(resource.name);
  const sort = CommunityIndexKeys.resourceSort(name, resource.id);
  return {
    ...CommunityKeys.resource(resource.id),
    type: CommunityItemType.RESOURCE,
    gsi1pk: CommunityIndexKeys.regionResources(store.region),
    gsi1sk: sort,
    gsi2pk: CommunityIndexKeys.regionResourcesByCategory(store.region, resource.category),
    gsi2sk: sort,
    searchName: name,
    ...resource,
  };
}

async function put(store: Store, item: Record<string, unknown>, condition: ReturnType<typeof cond.exists>) {
  await storeCall(() =>
    store.doc.send(
      new PutCommand({
        TableName: store.tableName,
        Item: item,
        ConditionExpression: condition.expression,
        ...(condition.names ? { ExpressionAttributeNames: condition.names } : {}),
        ...(condition.values ? { ExpressionAttributeValues: condition.values } : {}),
      }),
    ),
  );
}

export async function createResource(
  store: Store,
  input: ResourceInput,
  id: string = newId(store),
): Promise<Resource> {
  const now = iso(store.now());
  const resource: Resource = {
    ...input,
    id,
    region: store.region,
    createdAt: now,
    updatedAt: now,
    version: 1,
  };
  await put(store, resourceItem(store, resource), cond.notExists());
  return resource;
}

export async function getResource(store: Store, id: string): Promise<Resource> {
  const item = await getItem(store, CommunityKeys.resource(id));
  if (!item) throw new NotFoundError('Resource', id);
  return toResource(item);
}

/** Replaces the fields sent (`version` as read; a stale one is 409). */
export async function patchResource(
  store: Store,
  input: { id: string; version: number; patch: Omit<ResourcePatch, 'version'> },
): Promise<Resource> {
  const current = await getResource(store, input.id);
  if (current.version !== input.version) throw new ConcurrentUpdateError('Resource', input.id);
  const next: Resource = { ...current, updatedAt: iso(store.now()), version: current.version + 1 };
  for (const [field, value] of Object.entries(input.patch)) {
    if (value !== undefined) (next as unknown as Record<string, unknown>)[field] = value;
  }
  try {
    await put(store, resourceItem(store, next), cond.and(cond.exists(), cond.versionIs(current.version)));
  } catch (error) {
    if (isConditionalCheckFailed(error))
      throw new ConcurrentUpdateError('Resource', input.id, { cause: error });
    throw error;
  }
  return next;
}

export interface ResourceSearch extends PageOptions {
  /** A name prefix (accents and case ignored). */
  q?: string;
  category?: ResourceCategory;
  neighbourhood?: string;
  language?: string;
  /** Inactive resources too (coordinators keeping the directory). */
  includeInactive?: boolean;
}

/** One page of the directory, by name. Filters (neighbourhood, language, active) may make a page shorter. */
export async function listResources(store: Store, search: ResourceSearch = {}): Promise<Page<Resource>> {
  const [index, attribute, partition] = search.category
    ? ([
        INDEX.GSI2,
        'gsi2',
        CommunityIndexKeys.regionResourcesByCategory(store.region, search.category),
      ] as const)
    : ([INDEX.GSI1, 'gsi1', CommunityIndexKeys.regionResources(store.region)] as const);
  const prefix = search.q !== undefined ? searchName(search.q) : '';
  const filters: string[] = [];
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = { ':pk': partition };
  if (prefix) values[':prefix'] = prefix;
  if (search.neighbourhood !== undefined) {
    filters.push('#neighbourhood = :neighbourhood');
    names['#neighbourhood'] = 'neighbourhood';
    values[':neighbourhood'] = search.neighbourhood;
  }
  if (search.language !== undefined) {
    filters.push('contains(#languages, :language)');
    names['#languages'] = 'languages';
    values[':language'] = search.language;
  }
  if (!search.includeInactive) {
    filters.push('#active = :active');
    names['#active'] = 'active';
    values[':active'] = true;
  }
  const out = await queryPage(
    store,
    {
      IndexName: index,
      KeyConditionExpression: `${attribute}pk = :pk${prefix ? ` AND begins_with(${attribute}sk, :prefix)` : ''}`,
      ...(filters.length ? { FilterExpression: filters.join(' AND '), ExpressionAttributeNames: names } : {}),
      ExpressionAttributeValues: values,
    },
    search,
    { attribute: `${attribute}pk`, value: partition },
  );
  return { ...out, items: out.items.map(toResource) };
}
