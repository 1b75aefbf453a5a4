import type { Group, Meeting, MeetingInput, MeetingPatch } from '#domain/groups.ts';
import {
  getItem,
  iso,
  monthsFrom,
  newId,
  type Page,
  type PageOptions,
  queryAll,
  queryPage,
  withoutInternals,
} from './common.ts';
import { ConcurrentUpdateError, NotFoundError } from './errors.ts';
import type { ItemKey } from './keys.ts';
import { CommunityIndexKeys, CommunityItemType, CommunityKeys } from './keys-community.ts';
import type { Store } from './store.ts';
import { INDEX } from './table.ts';
import { cond, type TxItem, transact, tx } from './tx.ts';

/**
 * Group meetings. One meeting is one transaction: the meeting item, one facilitation item per facilitator
 * (their paid minutes: the meeting's minutes once, read by worker and month) and one timeline entry per
 * member present (under their referral: date and group name only). A correction replaces the facilitation
 * and timeline items that changed in the same transaction, conditioned on the meeting's `version`.
 * The caller (the groups service) checked the rules: roster, dates, facilitators.
 */

export function toMeeting(item: Record<string, unknown>): Meeting {
  return withoutInternals<Meeting>(item);
}

interface Derived {
  key: ItemKey;
  item: Record<string, unknown>;
}

/** The facilitation and timeline items a meeting implies. */
function derivedItems(meeting: Meeting): Derived[] {
  const facilitation = meeting.facilitators.map((workerId) => {
    const key = CommunityKeys.facilitation(meeting.groupId, meeting.id, workerId);
    return {
      key,
      item: {
        ...key,
        type: CommunityItemType.FACILITATION,
        gsi1pk: CommunityIndexKeys.workerFacilitation(workerId),
        gsi1sk: CommunityIndexKeys.meetingSort(meeting.date, meeting.id),
        workerId,
        groupId: meeting.groupId,
        meetingId: meeting.id,
        date: meeting.date,
        minutes: meeting.minutes,
        version: 1,
      },
    };
  });
  const attended = meeting.attendance
    .filter((row) => row.present)
    .map(({ referralId }) => {
      const key = CommunityKeys.attendance(referralId, meeting.id);
      return {
        key,
        item: {
          ...key,
          type: CommunityItemType.ATTENDANCE,
          referralId,
          groupId: meeting.groupId,
          groupName: meeting.groupName,
          meetingId: meeting.id,
          date: meeting.date,
          version: 1,
        },
      };
    });
  return [...facilitation, ...attended];
}

function meetingItem(store: Store, meeting: Meeting): Record<string, unknown> {
  const sort = CommunityIndexKeys.meetingSort(meeting.date, meeting.id);
  return {
    ...CommunityKeys.meeting(meeting.groupId, meeting.id),
    type: CommunityItemType.MEETING,
    gsi2pk: CommunityIndexKeys.regionMeetings(store.region, meeting.date.slice(0, 7)),
    gsi2sk: sort,
    gsi3pk: CommunityIndexKeys.groupMeetings(meeting.groupId),
    gsi3sk: sort,
    ...meeting,
  };
}

export async function logMeeting(
  store: Store,
  input: { group: Pick<Group, 'id' | 'name'>; meeting: MeetingInput; loggedBy: string },
): Promise<Meeting> {
  const now = iso(store.now());
  const meeting: Meeting = {
    id: newId(store),
    groupId: input.group.id,
    groupName: input.group.name,
    ...input.meeting,
    loggedBy: input.loggedBy,
    createdAt: now,
    updatedAt: now,
    version: 1,
  };
  const outcome = await transact(store, [
    tx.put(store, meetingItem(store, meeting), cond.notExists()),
    tx.check(store, CommunityKeys.group(meeting.groupId), cond.exists()),
    ...derivedItems(meeting).map((d) => tx.put(store, d.item)),
  ]);
  if (!outcome.ok) {
    if (outcome.reasons[1]?.code === 'ConditionalCheckFailed')
      throw new NotFoundError('Group', meeting.groupId);
    throw new ConcurrentUpdateError('Meeting', meeting.id, { cause: outcome.error });
  }
  return meeting;
}

export async function getMeeting(store: Store, groupId: string, meetingId: string): Promise<Meeting> {
  const item = await getItem(store, CommunityKeys.meeting(groupId, meetingId));
  if (!item) throw new NotFoundError('Meeting', meetingId);
  return toMeeting(item);
}

/** Corrects a meeting (`version` as read): the items it implies follow in the same transaction. */
export async function patchMeeting(
  store: Store,
  input: { current: Meeting; patch: Omit<MeetingPatch, 'version'>; version: number },
): Promise<Meeting> {
  const { current } = input;
  if (current.version !== input.version) throw new ConcurrentUpdateError('Meeting', current.id);
  const next: Meeting = { ...current, updatedAt: iso(store.now()), version: current.version + 1 };
  if (input.patch.date !== undefined) next.date = input.patch.date;
  if (input.patch.minutes !== undefined) next.minutes = input.patch.minutes;
  if (input.patch.facilitators !== undefined) next.facilitators = input.patch.facilitators;
  if (input.patch.attendance !== undefined) next.attendance = input.patch.attendance;
  const wanted = derivedItems(next);
  const wantedKeys = new Set(wanted.map((d) => `${d.key.pk}|${d.key.sk}`));
  const stale = derivedItems(current).filter((d) => !wantedKeys.has(`${d.key.pk}|${d.key.sk}`));
  const items: TxItem[] = [
    tx.put(store, meetingItem(store, next), cond.and(cond.exists(), cond.versionIs(current.version))),
    ...stale.map((d) => tx.delete(store, d.key)),
    ...wanted.map((d) => tx.put(store, d.item)),
  ];
  const outcome = await transact(store, items);
  if (!outcome.ok) throw new ConcurrentUpdateError('Meeting', current.id, { cause: outcome.error });
  return next;
}

/** A group's meetings, newest first. */
export async function listMeetings(
  store: Store,
  groupId: string,
  page: PageOptions = {},
): Promise<Page<Meeting>> {
  const partition = CommunityIndexKeys.groupMeetings(groupId);
  const out = await queryPage(
    store,
    {
      IndexName: INDEX.GSI3,
      KeyConditionExpression: 'gsi3pk = :pk',
      ExpressionAttributeValues: { ':pk': partition },
      ScanIndexForward: false,
    },
    page,
    { attribute: 'gsi3pk', value: partition },
  );
  return { ...out, items: out.items.map(toMeeting) };
}

/** The region's meetings dated `from`…`to` (local dates, inclusive): one Query per month. */
export async function listMeetingsBetween(
  store: Store,
  range: { from: string; to: string },
): Promise<Meeting[]> {
  const months = monthsFrom(range.from.slice(0, 7), range.to.slice(0, 7));
  const pages = await Promise.all(
    months.map((month) =>
      queryAll(store, {
        IndexName: INDEX.GSI2,
        KeyConditionExpression: 'gsi2pk = :pk AND gsi2sk BETWEEN :from AND :to',
        ExpressionAttributeValues: {
          ':pk': CommunityIndexKeys.regionMeetings(store.region, month),
          ':from': range.from,
          ':to': `${range.to}#\uffff`,
        },
      }),
    ),
  );
  return pages.flat().map(toMeeting);
}

/** A worker's facilitation minutes in a month (`YYYY-MM`): each meeting counted once. */
export async function facilitationMinutes(store: Store, workerId: string, month: string): Promise<number> {
  const items = await queryAll(store, {
    IndexName: INDEX.GSI1,
    KeyConditionExpression: 'gsi1pk = :pk AND begins_with(gsi1sk, :month)',
    ExpressionAttributeValues: {
      ':pk': CommunityIndexKeys.workerFacilitation(workerId),
      ':month': `${month}-`,
    },
  });
  return items.reduce((sum, item) => sum + Number(item.minutes ?? 0), 0);
}

export interface AttendedMeeting {
  meetingId: string;
  groupId: string;
  groupName: string;
  date: string;
}

/** The meetings a referral's client attended (their timeline entries), oldest first. */
export async function listAttended(store: Store, referralId: string): Promise<AttendedMeeting[]> {
  const items = await queryAll(store, {
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: {
      ':pk': CommunityKeys.attendance(referralId, 'x').pk,
      ':prefix': CommunityKeys.SK.ATTENDED_PREFIX,
    },
  });
  return items
    .map((item) => ({
      meetingId: String(item.meetingId),
      groupId: String(item.groupId),
      groupName: String(item.groupName),
      date: String(item.date),
    }))
    .sort((a, b) => a.date.localeCompare(b.date) || a.meetingId.localeCompare(b.meetingId));
}
