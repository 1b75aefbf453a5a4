import type * as z from 'zod/mini';
import type { LifecycleEvent } from '#domain/lifecycle.ts';
import type { Role } from '#domain/roles.ts';

/**
 * One route of the API. The route table (shared/api/routes.ts) is a list of these and feeds the
 * middleware (roles, schemas), the local gateway and the CDK stack (method, path, handler) and the
 * OpenAPI document (everything). It holds no handler code: handlers are named by file and export,
 * so importing the table never loads a handler.
 */

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/** Where a route's Lambda handler lives: `export` of `file` (a path from the project root). */
export interface HandlerRef {
  file: string;
  export: string;
}

export interface RouteRequest {
  body?: z.ZodMiniType;
  query?: z.ZodMiniType;
  /** Path parameters other than `region` (which the gateway adds and auth checks). */
  params?: z.ZodMiniType;
}

export interface RouteDefinition {
  method: HttpMethod;
  /** Relative to a region's base URL, with `{name}` parameters: `/referrals/{id}/match`. */
  path: string;
  /** Roles that may ever call it (403 otherwise, before the body is read). Empty for public routes. */
  roles: readonly Role[];
  /** The lifecycle event this route sends; its roles must be `rolesFor(event)`. */
  event?: LifecycleEvent;
  /** No token needed (health, the OpenAPI document, the docs page). */
  public?: boolean;
  summary: string;
  description?: string;
  tag: string;
  request?: RouteRequest;
  /** Status → body schema; `null` for a response without a body. */
  responses: Readonly<Record<number, z.ZodMiniType | null>>;
  /** Error statuses this route can answer besides the ones every route can (400/401/403/404/500/503). */
  errors?: readonly number[];
  /** Media type of the success body (default application/json). */
  produces?: 'application/json' | 'text/html' | 'text/csv';
  handler: HandlerRef;
  /** Honours an `Idempotency-Key` header, scoped to the caller. */
  idempotent?: boolean;
}

export interface RouteSpec extends RouteDefinition {
  /** Stable id: the key in the route table, the OpenAPI operationId. */
  id: string;
}

/** Builds a keyed route table whose entries keep their literal types (for typed handler requests). */
export function defineRoutes<const T extends Record<string, RouteDefinition>>(
  definitions: T,
): { readonly [K in keyof T & string]: T[K] & { readonly id: K } } {
  const table: Record<string, RouteSpec> = {};
  for (const [id, definition] of Object.entries(definitions)) table[id] = { ...definition, id };
  return table as { readonly [K in keyof T & string]: T[K] & { readonly id: K } };
}

/** `/referrals/{id}/goals/{goalId}` → `['id', 'goalId']`. */
export function pathParameterNames(path: string): string[] {
  return [...path.matchAll(/\{([A-Za-z0-9_]+)\}/g)].map((match) => match[1]!);
}

/** API Gateway's route key: `POST /referrals/{id}/match`. */
export const routeKey = (route: Pick<RouteDefinition, 'method' | 'path'>): string =>
  `${route.method} ${route.path}`;
