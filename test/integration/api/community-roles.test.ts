import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouteSpec } from '#api/route.ts';
import { routes } from '#api/routes.ts';
import { groupRoutes } from '#api/routes-groups.ts';
import { resourceRoutes } from '#api/routes-resources.ts';
import { Stage } from '#domain/lifecycle.ts';
import { ROLES, type Role } from '#domain/roles.ts';
import { startTestApi, type TestApi } from '../../support/api.ts';
import { seedReferral, seedWorker } from '../../support/store.ts';

/**
 * Who may call each route of groups, resources and links: every role the route does not name gets 403 before
 * its body is read (the body sent is not even JSON); every role it names gets past the role check.
 */

let api: TestApi;
let workerId: string;
const ids: Record<string, string> = {};

beforeAll(async () => {
  api = await startTestApi();
  const store = api.stores.vancouver;
  workerId = (await seedWorker(store, { lastName: 'Roles', email: 'roles@example.org' })).id;
  const referral = await seedReferral(store, { stage: Stage.IN_SESSIONS, workerId });
  ids.id = referral.id;
  ids.referralId = referral.id;
  ids.meetingId = 'no-such-meeting';
  ids.linkId = 'no-such-link';
});
afterAll(async () => {
  await api?.stop();
});

const NEW_ROUTES = [...Object.keys(groupRoutes), ...Object.keys(resourceRoutes)].map(
  (id) => routes[id as keyof typeof routes] as RouteSpec,
);

const cases = NEW_ROUTES.flatMap((route) =>
  ROLES.map((role) => [route.id, role, route.roles.includes(role)] as const),
);

async function call(route: RouteSpec, role: Role, body: string | undefined) {
  const path = route.path.replace(/\{(\w+)\}/g, (_, name: string) => ids[name] ?? 'x');
  const sub = role === 'peer-worker' ? workerId : undefined;
  return api.call({
    method: route.method,
    path: `/vancouver${path}`,
    token: await api.as(role, 'vancouver', sub).token(),
    ...(body !== undefined ? { body } : {}),
  });
}

describe('who may call the group, resource and link routes', () => {
  it('covers all 16 new routes', () => {
    expect(NEW_ROUTES).toHaveLength(16);
  });

  it.each(cases)('%s as %s: allowed %s', async (routeId, role, allowed) => {
    // Prepare
    const route = routes[routeId as keyof typeof routes] as RouteSpec;
    const sendsBody = route.method !== 'GET' && route.method !== 'DELETE';

    // Act
    const reply = await call(route, role, sendsBody ? '{not json' : undefined);

    // Assess
    if (allowed) {
      expect(reply.status).not.toBe(403);
      expect(reply.status).not.toBe(401);
    } else {
      expect(reply.status).toBe(403);
      expect(reply.body).toMatchObject({ error: expect.any(String) });
    }
  });
});
