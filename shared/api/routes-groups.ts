import type { RouteDefinition } from '#api/route.ts';
import {
  GroupInputSchema,
  GroupPatchSchema,
  MeetingInputSchema,
  MeetingPatchSchema,
} from '#domain/groups.ts';
import { Role, type Role as RoleType } from '#domain/roles.ts';
import { listOf } from './schemas.ts';
import {
  AddMemberBodySchema,
  GroupListQuerySchema,
  GroupMemberParamsSchema,
  GroupMemberViewSchema,
  GroupParamsSchema,
  GroupViewSchema,
  MeetingParamsSchema,
  MeetingViewSchema,
} from './schemas-groups.ts';

/**
 * Peer support groups (issue 16), spread into the route table. Coordinators and admins manage every group
 * of their region; a peer worker reads, and logs meetings of, the groups they facilitate (any other is 404).
 */

const STAFF: readonly RoleType[] = [Role.COORDINATOR, Role.ADMIN];
const STAFF_AND_WORKER: readonly RoleType[] = [Role.COORDINATOR, Role.ADMIN, Role.PEER_WORKER];
const GROUPS = 'functions/api/groups.ts';
const MEETINGS = 'functions/api/meetings.ts';
const byId = { params: GroupParamsSchema };

export const groupRoutes = {
  listGroups: {
    method: 'GET',
    path: '/groups',
    roles: STAFF_AND_WORKER,
    tag: 'Groups',
    summary: "The region's groups (a peer worker: the groups they facilitate)",
    description:
      'Coordinators see every group of the region; a peer worker sees the groups they facilitate. Pages of `limit`.',
    request: { query: GroupListQuerySchema },
    responses: { 200: listOf(GroupViewSchema) },
    handler: { file: GROUPS, export: 'list' },
  },
  createGroup: {
    method: 'POST',
    path: '/groups',
    roles: STAFF,
    tag: 'Groups',
    summary: 'Start a group',
    description:
      'Facilitators are peer workers of the region; the group starts today (no meeting can be dated before it).',
    request: { body: GroupInputSchema },
    responses: { 201: GroupViewSchema },
    handler: { file: GROUPS, export: 'create' },
  },
  getGroup: {
    method: 'GET',
    path: '/groups/{id}',
    roles: STAFF_AND_WORKER,
    tag: 'Groups',
    summary: 'A group with its roster (first names and short references) and next meeting dates',
    description:
      'The roster shows first names and short references only; the next three meeting dates come from the schedule.',
    request: byId,
    responses: { 200: GroupViewSchema },
    handler: { file: GROUPS, export: 'get' },
  },
  correctGroup: {
    method: 'PATCH',
    path: '/groups/{id}',
    roles: STAFF,
    tag: 'Groups',
    summary: 'Correct a group (`version` as read)',
    description: 'Send only the fields that change, with `version` as read; another version is 409.',
    request: { ...byId, body: GroupPatchSchema },
    responses: { 200: GroupViewSchema },
    errors: [409],
    handler: { file: GROUPS, export: 'correct' },
  },
  addGroupMember: {
    method: 'POST',
    path: '/groups/{id}/members',
    roles: STAFF,
    tag: 'Groups',
    summary: "Add a client to a group's roster",
    description:
      "Any of the region's clients in an open referral, or one closed within the last year. Adding someone " +
      'already on the roster returns their entry.',
    request: { ...byId, body: AddMemberBodySchema },
    responses: { 201: GroupMemberViewSchema },
    handler: { file: GROUPS, export: 'addMember' },
  },
  removeGroupMember: {
    method: 'DELETE',
    path: '/groups/{id}/members/{referralId}',
    roles: STAFF,
    tag: 'Groups',
    summary: "Take a client off a group's roster (their past attendance stays)",
    description: 'Meetings already logged keep their attendance; removing someone not on the roster is 404.',
    request: { params: GroupMemberParamsSchema },
    responses: { 204: null },
    handler: { file: GROUPS, export: 'removeMember' },
  },
  listMeetings: {
    method: 'GET',
    path: '/groups/{id}/meetings',
    roles: STAFF_AND_WORKER,
    tag: 'Groups',
    summary: "A group's meetings, newest first",
    description:
      'A facilitator sees the meetings of their own groups; coordinators those of any group in the region.',
    request: { ...byId, query: GroupListQuerySchema },
    responses: { 200: listOf(MeetingViewSchema) },
    handler: { file: MEETINGS, export: 'list' },
  },
  logMeeting: {
    method: 'POST',
    path: '/groups/{id}/meetings',
    roles: STAFF_AND_WORKER,
    tag: 'Groups',
    summary: 'Log a meeting with its attendance',
    description:
      'Dated today or earlier and not before the group started; attendance names members of the roster; each ' +
      "facilitator is paid the meeting's minutes once.",
    request: { ...byId, body: MeetingInputSchema },
    responses: { 201: MeetingViewSchema },
    handler: { file: MEETINGS, export: 'log' },
  },
  correctMeeting: {
    method: 'PATCH',
    path: '/groups/{id}/meetings/{meetingId}',
    roles: STAFF_AND_WORKER,
    tag: 'Groups',
    summary: 'Correct a meeting (`version` as read)',
    description: 'The same rules as logging one; send only the fields that change, with `version` as read.',
    request: { params: MeetingParamsSchema, body: MeetingPatchSchema },
    responses: { 200: MeetingViewSchema },
    errors: [409],
    handler: { file: MEETINGS, export: 'correct' },
  },
} as const satisfies Record<string, RouteDefinition>;
