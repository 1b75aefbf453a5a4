import { ROUTES, routes } from '#api/routes.ts';
import { createResource, getResource, listResources, patchResource } from '#data/resources.ts';
import { apiHandler, json, routeDispatcher } from '#http/middleware.ts';
import { depsFor } from './access.ts';
import { isStaff } from './group-access.ts';

/**
 * The region's directory of community resources: everyone reads it (active entries; coordinators may ask
 * for inactive ones too), coordinators and admins keep it.
 */

export const list = apiHandler(routes.listResources, async ({ caller, query }) => {
  const page = await listResources(depsFor(caller).store, {
    limit: query.limit,
    ...(query.nextToken !== undefined ? { nextToken: query.nextToken } : {}),
    ...(query.q !== undefined ? { q: query.q } : {}),
    ...(query.category !== undefined ? { category: query.category } : {}),
    ...(query.neighbourhood !== undefined ? { neighbourhood: query.neighbourhood } : {}),
    ...(query.language !== undefined ? { language: query.language } : {}),
    includeInactive: query.inactive === true && isStaff(caller),
  });
  return json(200, page);
});

export const create = apiHandler(routes.createResource, async ({ caller, body }) => {
  return json(201, await createResource(depsFor(caller).store, body));
});

export const get = apiHandler(routes.getResource, async ({ caller, params }) => {
  return json(200, await getResource(depsFor(caller).store, params.id));
});

export const correct = apiHandler(routes.correctResource, async ({ caller, params, body }) => {
  const { version, ...patch } = body;
  return json(200, await patchResource(depsFor(caller).store, { id: params.id, version, patch }));
});

export const dispatch = routeDispatcher(ROUTES, 'functions/api/resources.ts', { list, create, get, correct });
