import type { RouteDefinition } from '#api/route.ts';
import {
  LinkInputSchema,
  LinkPatchSchema,
  ResourceInputSchema,
  ResourcePatchSchema,
} from '#domain/resources.ts';
import { Role, type Role as RoleType } from '#domain/roles.ts';
import { IdParamsSchema, listOf } from './schemas.ts';
import {
  LinkParamsSchema,
  LinkViewSchema,
  ReferralCommunityViewSchema,
  ResourceListQuerySchema,
  ResourceViewSchema,
} from './schemas-resources.ts';

/**
 * Community resources and a client's links to them (issue 16), spread into the route table. Everyone reads
 * the region's directory; coordinators and admins keep it. Links are health information: the client's
 * worker and coordinators only.
 */

const ALL: readonly RoleType[] = [Role.CLINICIAN, Role.COORDINATOR, Role.PEER_WORKER, Role.ADMIN];
const STAFF: readonly RoleType[] = [Role.COORDINATOR, Role.ADMIN];
const STAFF_AND_WORKER: readonly RoleType[] = [Role.COORDINATOR, Role.ADMIN, Role.PEER_WORKER];
const RESOURCES = 'functions/api/resources.ts';
const LINKS = 'functions/api/links.ts';

export const resourceRoutes = {
  listResources: {
    method: 'GET',
    path: '/resources',
    roles: ALL,
    tag: 'Resources',
    summary: "The region's directory of community resources",
    description:
      'By name: `q` a name prefix (accents and case ignored), `category`, `neighbourhood`, `language`. Active ' +
      'entries only unless a coordinator asks for `inactive=true`. A filtered page may come out shorter.',
    request: { query: ResourceListQuerySchema },
    responses: { 200: listOf(ResourceViewSchema) },
    handler: { file: RESOURCES, export: 'list' },
  },
  createResource: {
    method: 'POST',
    path: '/resources',
    roles: STAFF,
    tag: 'Resources',
    summary: 'Add a resource to the directory',
    description: 'Coordinators add a resource for the whole region; it is listed while `active`.',
    request: { body: ResourceInputSchema },
    responses: { 201: ResourceViewSchema },
    handler: { file: RESOURCES, export: 'create' },
  },
  getResource: {
    method: 'GET',
    path: '/resources/{id}',
    roles: ALL,
    tag: 'Resources',
    summary: 'A resource',
    description: 'Inactive resources stay readable, so old links still show what they pointed to.',
    request: { params: IdParamsSchema },
    responses: { 200: ResourceViewSchema },
    handler: { file: RESOURCES, export: 'get' },
  },
  correctResource: {
    method: 'PATCH',
    path: '/resources/{id}',
    roles: STAFF,
    tag: 'Resources',
    summary: 'Correct a resource, or make it inactive (`version` as read)',
    description: 'Send only the fields that change, with `version` as read; another version is 409.',
    request: { params: IdParamsSchema, body: ResourcePatchSchema },
    responses: { 200: ResourceViewSchema },
    errors: [409],
    handler: { file: RESOURCES, export: 'correct' },
  },
  createLink: {
    method: 'POST',
    path: '/referrals/{id}/links',
    roles: STAFF_AND_WORKER,
    tag: 'Resources',
    summary: 'Link a client to a resource (SUGGESTED), optionally for one of their goals',
    description: 'The resource must be active.',
    request: { params: IdParamsSchema, body: LinkInputSchema },
    responses: { 201: LinkViewSchema },
    handler: { file: LINKS, export: 'create' },
  },
  moveLink: {
    method: 'PATCH',
    path: '/referrals/{id}/links/{linkId}',
    roles: STAFF_AND_WORKER,
    tag: 'Resources',
    summary: "Update a link's status",
    description:
      'SUGGESTED → CONTACTED or DID_NOT_CONNECT; CONTACTED → CONNECTED or DID_NOT_CONNECT; CONNECTED → ' +
      'STILL_CONNECTED (at least 4 weeks later) or DID_NOT_CONNECT (which needs a `reason`). Any other move is 409.',
    request: { params: LinkParamsSchema, body: LinkPatchSchema },
    responses: { 200: LinkViewSchema },
    errors: [409],
    handler: { file: LINKS, export: 'move' },
  },
  referralCommunity: {
    method: 'GET',
    path: '/referrals/{id}/community',
    roles: ALL,
    tag: 'Resources',
    summary: "A client's groups, meetings attended and resource links",
    description:
      "The client's worker and coordinators see the entries; the referring clinician sees counts only, and " +
      'only when the client agreed to share outcomes with them.',
    request: { params: IdParamsSchema },
    responses: { 200: ReferralCommunityViewSchema },
    handler: { file: LINKS, export: 'community' },
  },
} as const satisfies Record<string, RouteDefinition>;
