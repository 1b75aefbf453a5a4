import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { NotFoundError } from '#app/errors.ts';
import { PROGRAM_REGIONS, type ProgramRegion, ROLES, type Role } from '#domain/roles.ts';
import { ConfigurationError, ForbiddenError, UnauthorizedError } from './errors.ts';

/** Who is calling, from the claims the API Gateway JWT authorizer verified (a Cognito ID token). */
export interface Caller {
  sub: string;
  /** The role this request acts as: the caller's most privileged role the route allows. */
  role: Role;
  /** Every PeerPath role (Cognito group) the caller holds, most privileged first. */
  roles: Role[];
  region: ProgramRegion;
  email?: string;
}

/** Most privileged first: when a caller holds several groups, the first one a route allows wins. */
export const ROLE_PRECEDENCE: readonly Role[] = ['admin', 'coordinator', 'clinician', 'peer-worker'];

type ClaimValue = string | number | boolean | string[] | undefined | null;
export type Claims = Record<string, ClaimValue | unknown>;

/**
 * `cognito:groups` as the API Gateway JWT authorizer hands it over: `"[admin coordinator]"` (the array
 * flattened, names separated by spaces, which a Cognito group name cannot hold), or a real array when
 * the claims were not flattened. Nothing else is read as groups: a comma or a JSON string inside a
 * group's name (Cognito allows both) must never make a second group out of it, so a group named
 * `clinician,admin` stays that one, unknown, name.
 */
export function parseGroups(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((g): g is string => typeof g === 'string');
  if (typeof value !== 'string' || !value.startsWith('[') || !value.endsWith(']')) return [];
  return value.slice(1, -1).split(' ').filter(Boolean);
}

const isRole = (value: string): value is Role => (ROLES as readonly string[]).includes(value);
export const isProgramRegion = (value: unknown): value is ProgramRegion =>
  typeof value === 'string' && (PROGRAM_REGIONS as readonly string[]).includes(value);

/** PeerPath roles among the groups, most privileged first (unknown groups are ignored). */
export function rolesFromGroups(groups: readonly string[]): Role[] {
  const held = new Set(groups.filter(isRole));
  return ROLE_PRECEDENCE.filter((role) => held.has(role));
}

/**
 * Claims → Caller. A missing or malformed `sub`/`custom:region` is 401 (the token is not one this
 * API can use); a valid identity holding no PeerPath group is 403 (authenticated, not authorised).
 * Only an ID token is accepted: API Gateway's JWT authorizer lets a Cognito access token (same issuer,
 * `client_id` for audience) through as well, and an access token carries no `custom:region` contract.
 */
export function callerFromClaims(claims: Claims | undefined | null): Caller {
  if (!claims || typeof claims !== 'object') throw new UnauthorizedError();
  if ((claims as Record<string, unknown>).token_use !== 'id') throw new UnauthorizedError();
  const { sub, email } = claims as { sub?: unknown; email?: unknown };
  const region = (claims as Record<string, unknown>)['custom:region'];
  if (typeof sub !== 'string' || sub.trim() === '' || sub.length > 128) throw new UnauthorizedError();
  if (!isProgramRegion(region)) throw new UnauthorizedError();
  const roles = rolesFromGroups(parseGroups((claims as Record<string, unknown>)['cognito:groups']));
  const role = roles[0];
  if (role === undefined) throw new ForbiddenError('Your account has no PeerPath role');
  return { sub, role, roles, region, ...(typeof email === 'string' && email ? { email } : {}) };
}

type EventWithAuthorizer = Pick<APIGatewayProxyEventV2, 'pathParameters'> & {
  requestContext?: { authorizer?: { jwt?: { claims?: Claims } } } | object;
};

export function callerFromEvent(event: EventWithAuthorizer): Caller {
  const context = event.requestContext as { authorizer?: { jwt?: { claims?: Claims } } } | undefined;
  return callerFromClaims(context?.authorizer?.jwt?.claims);
}

/**
 * The program region this request is for: the `{region}` path segment the local gateway mounts each
 * region's API under, or, in the cloud (one stack per region, no region in the path), the stack's
 * `PROGRAM_REGION`. An unknown path region is 404: there is no such API.
 */
export function requestRegion(
  event: Pick<APIGatewayProxyEventV2, 'pathParameters'>,
  env: Record<string, string | undefined> = process.env,
): ProgramRegion {
  const fromPath = event.pathParameters?.region;
  if (fromPath !== undefined) {
    if (!isProgramRegion(fromPath)) throw new NotFoundError();
    return fromPath;
  }
  const fromEnv = env.PROGRAM_REGION;
  if (!isProgramRegion(fromEnv)) {
    throw new ConfigurationError('PROGRAM_REGION is not set to a program region and the path has none');
  }
  return fromEnv;
}

/** A token from another region gets 404, not 403: it must not learn that the resource exists. */
export function assertSameRegion(caller: Caller, region: ProgramRegion): void {
  if (caller.region !== region) throw new NotFoundError();
}

/**
 * The role the caller acts as on a route allowing `allowed`, or 403. With several groups the most
 * privileged allowed one wins, so a handler scoping its view by `caller.role` sees the role that
 * actually let the request in.
 */
export function roleForRoute(caller: Pick<Caller, 'roles'>, allowed: readonly Role[]): Role {
  const role = caller.roles.find((held) => allowed.includes(held));
  if (role === undefined) throw new ForbiddenError();
  return role;
}

/** Caller for a route: 401 (claims) → 404 (region) → 403 (role), in that order. */
export function authorize(
  event: EventWithAuthorizer,
  allowed: readonly Role[],
  env: Record<string, string | undefined> = process.env,
): Caller {
  const caller = callerFromEvent(event);
  assertSameRegion(caller, requestRegion(event as Pick<APIGatewayProxyEventV2, 'pathParameters'>, env));
  return { ...caller, role: roleForRoute(caller, allowed) };
}
