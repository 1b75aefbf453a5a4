import { ROUTES, routes } from '#api/routes.ts';
import { NotFoundError } from '#app/errors.ts';
import { getGoal } from '#data/goals.ts';
import { getGroup, getMember, listGroupIdsOfReferral } from '#data/groups.ts';
import { createLink, listLinks, moveLink } from '#data/links.ts';
import { listAttended } from '#data/meetings.ts';
import { getResource } from '#data/resources.ts';
import type { Store } from '#data/store.ts';
import { ValidationError } from '#domain/errors.ts';
import { Role } from '#domain/roles.ts';
import { apiHandler, json, routeDispatcher } from '#http/middleware.ts';
import { depsFor, referralFor } from './access.ts';

/**
 * A client's links to community resources, and the referral page's view of their groups and links. Links
 * are health information: the client's own worker and the coordinators (anyone else's client is 404). The
 * referring clinician sees counts only, and only if the client agreed to share outcomes with them.
 */

/** A value of the body that names something that is not there (or not usable) is bad input: 400. */
const invalid = (path: string, message: string) =>
  new ValidationError(`Invalid ${path}`, [{ path, message }]);

async function resourceToLink(store: Store, id: string) {
  const resource = await getResource(store, id).catch((error: unknown) => {
    if (error instanceof NotFoundError) throw invalid('resourceId', "Must be one of the region's resources");
    throw error;
  });
  if (!resource.active) throw invalid('resourceId', 'Must be an active resource');
  return resource;
}

export const create = apiHandler(routes.createLink, async ({ caller, params, body }) => {
  const referral = await referralFor(caller, params.id, routes.createLink.id);
  const { store } = depsFor(caller);
  const resource = await resourceToLink(store, body.resourceId);
  if (body.goalId !== undefined) {
    await getGoal(store, referral.id, body.goalId).catch((error: unknown) => {
      if (error instanceof NotFoundError) throw invalid('goalId', "Must be one of the client's goals");
      throw error;
    });
  }
  const link = await createLink(store, {
    referralId: referral.id,
    resource,
    ...(body.goalId !== undefined ? { goalId: body.goalId } : {}),
    createdBy: caller.sub,
  });
  return json(201, link);
});

export const move = apiHandler(routes.moveLink, async ({ caller, params, body }) => {
  const referral = await referralFor(caller, params.id, routes.moveLink.id);
  return json(
    200,
    await moveLink(depsFor(caller).store, { referralId: referral.id, linkId: params.linkId, patch: body }),
  );
});

export const community = apiHandler(routes.referralCommunity, async ({ caller, params }) => {
  const referral = await referralFor(caller, params.id, routes.referralCommunity.id);
  const countsOnly = caller.role === Role.CLINICIAN;
  if (countsOnly && !referral.details.consent.scope.includes('SHARE_OUTCOMES_WITH_REFERRER')) {
    throw new NotFoundError();
  }
  const { store } = depsFor(caller);
  const [groupIds, meetings, links] = await Promise.all([
    listGroupIdsOfReferral(store, referral.id),
    listAttended(store, referral.id),
    listLinks(store, referral.id),
  ]);
  const counts = {
    groups: groupIds.length,
    meetingsAttended: meetings.length,
    links: links.length,
    connected: links.filter((l) => l.connectedAt !== undefined).length,
  };
  if (countsOnly) return json(200, { referralId: referral.id, counts });
  const groups = await Promise.all(
    groupIds.map(async (id) => {
      const [group, member] = await Promise.all([getGroup(store, id), getMember(store, id, referral.id)]);
      const { referralId, firstName, shortRef, addedAt } = member;
      return { id, name: group.name, member: { referralId, firstName, shortRef, addedAt } };
    }),
  );
  return json(200, { referralId: referral.id, groups, meetings, links, counts });
});

export const dispatch = routeDispatcher(ROUTES, 'functions/api/links.ts', { create, move, community });
