import type { Group, GroupInput, GroupMember, GroupPatch } from '#domain/groups.ts';
import { searchName } from '#domain/resources.ts';
import { todayInProgramZone } from '#domain/vocabulary.ts';
import {
  batchGet,
  getItem,
  iso,
  newId,
  type Page,
  type PageOptions,
  queryAll,
  queryPage,
  withoutInternals,
} from './common.ts';
import { ConcurrentUpdateError, NotFoundError, ValidationError } from './errors.ts';
import { CommunityIndexKeys, CommunityItemType, CommunityKeys } from './keys-community.ts';
import type { Store } from './store.ts';
import { INDEX } from './table.ts';
import { cond, type TxItem, transact, tx } from './tx.ts';

/**
 * Groups and their rosters (meetings are in meetings.ts). A group lives in `GROUP#<id>` with its members;
 * each facilitator has a pointer item in their own partition (the groups they facilitate, one Query). The
 * group keeps `memberCount`, moved in the same transaction as the member item, so a roster never grows
 * past `capacity`.
 */

export function toGroup(item: Record<string, unknown>): Group {
  return withoutInternals<Group>(item);
}

function groupIndexKeys(store: Store, group: Pick<Group, 'active' | 'name' | 'id'>) {
  return {
    gsi1pk: CommunityIndexKeys.regionGroups(store.region),
    gsi1sk: CommunityIndexKeys.groupSort(group.active, searchName(group.name), group.id),
  };
}

const pointer = (store: Store, workerId: string, groupId: string): Record<string, unknown> => ({
  ...CommunityKeys.facilitatorPointer(workerId, groupId),
  type: CommunityItemType.GROUP_FACILITATOR,
  groupId,
  workerId,
  version: 1,
  createdAt: iso(store.now()),
});

export async function createGroup(store: Store, input: GroupInput): Promise<Group> {
  const now = iso(store.now());
  const group: Group = {
    id: newId(store),
    region: store.region,
    name: input.name,
    ...(input.purpose !== undefined ? { purpose: input.purpose } : {}),
    facilitators: input.facilitators,
    schedule: input.schedule,
    place: input.place,
    capacity: input.capacity,
    active: input.active,
    startedOn: todayInProgramZone(store.now()),
    memberCount: 0,
    createdAt: now,
    updatedAt: now,
    version: 1,
  };
  const outcome = await transact(store, [
    tx.put(
      store,
      {
        ...CommunityKeys.group(group.id),
        type: CommunityItemType.GROUP,
        ...groupIndexKeys(store, group),
        ...group,
      },
      cond.notExists(),
    ),
    ...group.facilitators.map((w) => tx.put(store, pointer(store, w, group.id))),
  ]);
  if (!outcome.ok) throw new ConcurrentUpdateError('Group', group.id, { cause: outcome.error });
  return group;
}

export async function getGroup(store: Store, id: string): Promise<Group> {
  const item = await getItem(store, CommunityKeys.group(id));
  if (!item) throw new NotFoundError('Group', id);
  return toGroup(item);
}

/** The region's groups, active first, by name. */
export async function listGroups(store: Store, page: PageOptions = {}): Promise<Page<Group>> {
  const partition = CommunityIndexKeys.regionGroups(store.region);
  const out = await queryPage(
    store,
    {
      IndexName: INDEX.GSI1,
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': partition },
    },
    page,
    { attribute: 'gsi1pk', value: partition },
  );
  return { ...out, items: out.items.map(toGroup) };
}

/** The groups a worker facilitates (a handful: read whole). */
export async function listGroupsOfWorker(store: Store, workerId: string): Promise<Group[]> {
  const pointers = await queryAll(store, {
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: {
      ':pk': CommunityKeys.facilitatorPointer(workerId, 'x').pk,
      ':prefix': CommunityKeys.SK.GROUP_PREFIX,
    },
  });
  const groups = await batchGet(
    store,
    pointers.map((p) => CommunityKeys.group(String(p.groupId))),
  );
  return groups.map(toGroup).sort((a, b) => a.name.localeCompare(b.name));
}

/** Applies a correction (`version` as read); a change of facilitators moves their pointers in the same transaction. */
export async function patchGroup(
  store: Store,
  input: { id: string; version: number; patch: Omit<GroupPatch, 'version'> },
): Promise<Group> {
  const current = await getGroup(store, input.id);
  if (current.version !== input.version) throw new ConcurrentUpdateError('Group', input.id);
  const next: Group = { ...current, updatedAt: iso(store.now()), version: current.version + 1 };
  for (const [field, value] of Object.entries(input.patch)) {
    if (value !== undefined) (next as unknown as Record<string, unknown>)[field] = value;
  }
  if (next.capacity < current.memberCount) {
    throw new ValidationError('Capacity below the roster', [
      { path: 'capacity', message: 'Must not be below the number of members' },
    ]);
  }
  const removed = current.facilitators.filter((w) => !next.facilitators.includes(w));
  const added = next.facilitators.filter((w) => !current.facilitators.includes(w));
  const outcome = await transact(store, [
    tx.put(
      store,
      {
        ...CommunityKeys.group(next.id),
        type: CommunityItemType.GROUP,
        ...groupIndexKeys(store, next),
        ...next,
      },
      cond.and(cond.exists(), cond.versionIs(current.version)),
    ),
    ...removed.map((w) => tx.delete(store, CommunityKeys.facilitatorPointer(w, next.id))),
    ...added.map((w) => tx.put(store, pointer(store, w, next.id))),
  ]);
  if (!outcome.ok) throw new ConcurrentUpdateError('Group', input.id, { cause: outcome.error });
  return next;
}

// ---------------------------------------------------------------------------------------------------------
// Roster
// ---------------------------------------------------------------------------------------------------------

export function toMember(item: Record<string, unknown>): GroupMember {
  return withoutInternals<GroupMember>(item, ['version']);
}

/**
 * Adds a referral to a group's roster (the caller checked it may join). Adding someone already on it
 * returns their entry as it is; a full group is 400.
 */
export async function addMember(
  store: Store,
  input: { group: Group; referralId: string; firstName: string; shortRef: string },
): Promise<GroupMember> {
  const { group, referralId } = input;
  const member: GroupMember = {
    groupId: group.id,
    referralId,
    firstName: input.firstName,
    shortRef: input.shortRef,
    addedAt: iso(store.now()),
  };
  const outcome = await transact(store, [
    tx.put(
      store,
      {
        ...CommunityKeys.member(group.id, referralId),
        type: CommunityItemType.GROUP_MEMBER,
        gsi1pk: CommunityIndexKeys.referralGroups(referralId),
        gsi1sk: group.id,
        ...member,
        version: 1,
      },
      cond.notExists(),
    ),
    tx.update(
      store,
      CommunityKeys.group(group.id),
      { add: { memberCount: 1 }, set: { updatedAt: member.addedAt } },
      cond.and(
        cond.exists(),
        cond.raw('#memberCount < #capacity', { '#memberCount': 'memberCount', '#capacity': 'capacity' }),
      ),
    ),
  ]);
  if (outcome.ok) return member;
  const [memberReason, groupReason] = outcome.reasons;
  if (memberReason?.code === 'ConditionalCheckFailed' && memberReason.item)
    return toMember(memberReason.item);
  if (groupReason?.code === 'ConditionalCheckFailed') {
    if (!groupReason.item) throw new NotFoundError('Group', group.id);
    throw new ValidationError('The group is full', [
      { path: 'referralId', message: 'The group is at capacity' },
    ]);
  }
  throw new ConcurrentUpdateError('Group', group.id, { cause: outcome.error });
}

/** Takes a referral off a roster (404 when it is not on it). Its past attendance stays. */
export async function removeMember(store: Store, groupId: string, referralId: string): Promise<void> {
  const items: TxItem[] = [
    tx.delete(store, CommunityKeys.member(groupId, referralId), cond.exists()),
    tx.update(
      store,
      CommunityKeys.group(groupId),
      { add: { memberCount: -1 }, set: { updatedAt: iso(store.now()) } },
      cond.exists(),
    ),
  ];
  const outcome = await transact(store, items);
  if (outcome.ok) return;
  if (outcome.reasons.some((r) => r.code === 'ConditionalCheckFailed')) {
    throw new NotFoundError('Group member');
  }
  throw new ConcurrentUpdateError('Group', groupId, { cause: outcome.error });
}

/** A group's roster (bounded by its capacity: read whole). */
export async function listMembers(store: Store, groupId: string): Promise<GroupMember[]> {
  const items = await queryAll(store, {
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: {
      ':pk': CommunityKeys.groupPartition(groupId),
      ':prefix': CommunityKeys.SK.MEMBER_PREFIX,
    },
  });
  return items.map(toMember).sort((a, b) => a.firstName.localeCompare(b.firstName));
}

/** The groups a referral is on the roster of (ids). */
export async function listGroupIdsOfReferral(store: Store, referralId: string): Promise<string[]> {
  const items = await queryAll(store, {
    IndexName: INDEX.GSI1,
    KeyConditionExpression: 'gsi1pk = :pk',
    ExpressionAttributeValues: { ':pk': CommunityIndexKeys.referralGroups(referralId) },
  });
  return items.map((item) => String(item.groupId));
}

/** One roster entry (404 when the referral is not on the group's roster). */
export async function getMember(store: Store, groupId: string, referralId: string): Promise<GroupMember> {
  const item = await getItem(store, CommunityKeys.member(groupId, referralId));
  if (!item) throw new NotFoundError('Group member');
  return toMember(item);
}
