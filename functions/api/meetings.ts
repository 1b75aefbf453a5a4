import { ROUTES, routes } from '#api/routes.ts';
import { listMembers } from '#data/groups.ts';
import { getMeeting, listMeetings, logMeeting, patchMeeting } from '#data/meetings.ts';
import { checkMeeting } from '#domain/groups.ts';
import { apiHandler, json, routeDispatcher } from '#http/middleware.ts';
import { depsFor } from './access.ts';
import { groupFor } from './group-access.ts';

/**
 * A group's meetings: its facilitators and the region's coordinators log and correct them. Attendance names
 * members of the roster; the date is today or earlier and not before the group started (400 otherwise,
 * nothing written).
 */

const rosterIds = async (store: Parameters<typeof listMembers>[0], groupId: string) =>
  new Set((await listMembers(store, groupId)).map((m) => m.referralId));

export const list = apiHandler(routes.listMeetings, async ({ caller, params, query }) => {
  const group = await groupFor(caller, params.id);
  const page = await listMeetings(depsFor(caller).store, group.id, {
    limit: query.limit,
    ...(query.nextToken !== undefined ? { nextToken: query.nextToken } : {}),
  });
  return json(200, page);
});

export const log = apiHandler(routes.logMeeting, async ({ caller, params, body }) => {
  const group = await groupFor(caller, params.id);
  const { store } = depsFor(caller);
  checkMeeting(group, await rosterIds(store, group.id), body);
  const meeting = await logMeeting(store, { group, meeting: body, loggedBy: caller.sub });
  return json(201, meeting);
});

export const correct = apiHandler(routes.correctMeeting, async ({ caller, params, body }) => {
  const group = await groupFor(caller, params.id);
  const { store } = depsFor(caller);
  const { version, ...patch } = body;
  const current = await getMeeting(store, group.id, params.meetingId);
  // Someone taken off the roster since stays valid on the meetings they were part of.
  const allowed = await rosterIds(store, group.id);
  for (const row of current.attendance) allowed.add(row.referralId);
  checkMeeting(group, allowed, patch);
  return json(200, await patchMeeting(store, { current, patch, version }));
});

export const dispatch = routeDispatcher(ROUTES, 'functions/api/meetings.ts', { list, log, correct });
