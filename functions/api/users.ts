import { ROUTES, routes } from '#api/routes.ts';
import { creatableRoles } from '#domain/users.ts';
import { ForbiddenError } from '#http/errors.ts';
import { apiHandler, json, routeDispatcher } from '#http/middleware.ts';
import { depsFor } from './access.ts';

/**
 * Accounts of the caller's region, through the region's `UserDirectory` (Cognito in the cloud). The region
 * is always the caller's own, never taken from the body. Coordinators create clinicians and peer workers;
 * admins also coordinators (`creatableRoles`); admin accounts are made outside the API. A peer worker's
 * roster profile is added with `POST /workers`, which reuses a login made here for the same email.
 */

export const list = apiHandler(routes.listUsers, async ({ caller, query }) => {
  const users = await depsFor(caller).users.listUsers({
    region: caller.region,
    ...(query.role !== undefined ? { role: query.role } : {}),
  });
  return json(200, { items: users });
});

export const create = apiHandler(routes.createUser, async ({ caller, body }) => {
  if (!creatableRoles(caller.role).includes(body.role)) {
    throw new ForbiddenError(`Your role may not create ${body.role} accounts`);
  }
  const { sub } = await depsFor(caller).users.createUser({ ...body, region: caller.region });
  return json(201, {
    sub,
    email: body.email,
    givenName: body.givenName,
    familyName: body.familyName,
    role: body.role,
    region: caller.region,
  });
});

export const dispatch = routeDispatcher(ROUTES, 'functions/api/users.ts', { list, create });
