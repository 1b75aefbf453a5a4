import { ROUTES, routes } from '#api/routes.ts';
import { NotFoundError } from '#app/errors.ts';
import {
  addMember as addRosterMember,
  createGroup,
  getGroup,
  listGroups,
  listGroupsOfWorker,
  listMembers,
  patchGroup,
  removeMember as removeRosterMember,
} from '#data/groups.ts';
import { getReferral } from '#data/referrals/reads.ts';
import { ValidationError } from '#domain/errors.ts';
import {
  checkRosterEligible,
  type Group,
  type GroupMember,
  nextMeetingDates,
  shortRefOf,
} from '#domain/groups.ts';
import { todayInProgramZone } from '#domain/vocabulary.ts';
import { apiHandler, json, routeDispatcher } from '#http/middleware.ts';
import { depsFor } from './access.ts';
import { groupFor, isStaff } from './group-access.ts';

/**
 * Peer support groups and their rosters. Coordinators and admins manage all of their region's groups; a
 * peer worker reads only the groups they facilitate (any other is 404, as if absent).
 */

const memberView = (m: GroupMember) => ({
  referralId: m.referralId,
  firstName: m.firstName,
  shortRef: m.shortRef,
  addedAt: m.addedAt,
});

function groupView(group: Group, now: Date, members?: GroupMember[]) {
  return {
    ...group,
    nextMeetings: group.active ? nextMeetingDates(group.schedule, todayInProgramZone(now), 3) : [],
    ...(members ? { members: members.map(memberView) } : {}),
  };
}

export const list = apiHandler(routes.listGroups, async ({ caller, query }) => {
  const { store } = depsFor(caller);
  if (!isStaff(caller)) {
    const mine = await listGroupsOfWorker(store, caller.sub);
    return json(200, { items: mine.map((g) => groupView(g, store.now())) });
  }
  const page = await listGroups(store, {
    limit: query.limit,
    ...(query.nextToken !== undefined ? { nextToken: query.nextToken } : {}),
  });
  return json(200, {
    items: page.items.map((g) => groupView(g, store.now())),
    ...(page.nextToken ? { nextToken: page.nextToken } : {}),
  });
});

export const create = apiHandler(routes.createGroup, async ({ caller, body }) => {
  const { store } = depsFor(caller);
  const group = await createGroup(store, body);
  return json(201, groupView(group, store.now(), []));
});

export const get = apiHandler(routes.getGroup, async ({ caller, params }) => {
  const group = await groupFor(caller, params.id);
  const { store } = depsFor(caller);
  return json(200, groupView(group, store.now(), await listMembers(store, group.id)));
});

export const correct = apiHandler(routes.correctGroup, async ({ caller, params, body }) => {
  const { store } = depsFor(caller);
  const { version, ...patch } = body;
  const group = await patchGroup(store, { id: params.id, version, patch });
  return json(200, groupView(group, store.now()));
});

export const addMember = apiHandler(routes.addGroupMember, async ({ caller, params, body }) => {
  const { store } = depsFor(caller);
  const group = await getGroup(store, params.id);
  // Another region's referral is in another table: here it is simply not one of this region's.
  const referral = await getReferral(store, body.referralId).catch((error: unknown) => {
    if (!(error instanceof NotFoundError)) throw error;
    throw new ValidationError('Not a referral of this region', [
      { path: 'referralId', message: "Must be one of the region's referrals" },
    ]);
  });
  checkRosterEligible(referral, store.now());
  const client = referral.details.client;
  const member = await addRosterMember(store, {
    group,
    referralId: referral.id,
    firstName: client.preferredName ?? client.givenName,
    shortRef: shortRefOf(referral.id),
  });
  return json(201, memberView(member));
});

export const removeMember = apiHandler(routes.removeGroupMember, async ({ caller, params }) => {
  await removeRosterMember(depsFor(caller).store, params.id, params.referralId);
  return json(204, undefined);
});

export const dispatch = routeDispatcher(ROUTES, 'functions/api/groups.ts', {
  list,
  create,
  get,
  correct,
  addMember,
  removeMember,
});
