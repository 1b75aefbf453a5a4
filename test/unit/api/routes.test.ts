import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type * as z from 'zod/mini';
import { buildOpenApiDocument, renderDocsHtml } from '#api/openapi.ts';
import { pathParameterNames } from '#api/route.ts';
import { ROUTES, routes } from '#api/routes.ts';
import { rolesFor } from '#domain/lifecycle.ts';

/** DESIGN.md's API table, route by route. */
const DESIGN_ROUTES = [
  'POST /referrals',
  'GET /referrals',
  'GET /referrals/{id}',
  'PATCH /referrals/{id}',
  'GET /referrals/{id}/history',
  'POST /referrals/{id}/accept',
  'POST /referrals/{id}/decline',
  'GET /referrals/{id}/candidates',
  'POST /referrals/{id}/match',
  'POST /referrals/{id}/reassign',
  'POST /referrals/{id}/goals',
  'POST /referrals/{id}/goals/{goalId}/ratings',
  'POST /referrals/{id}/sessions',
  'PATCH /referrals/{id}/sessions/{sessionId}',
  'POST /referrals/{id}/concerns',
  'POST /referrals/{id}/hold',
  'POST /referrals/{id}/resume',
  'POST /referrals/{id}/goals-achieved',
  'POST /referrals/{id}/close',
  'POST /referrals/{id}/withdraw',
  'POST /referrals/{id}/rerefer',
  'GET /workers',
  'POST /workers',
  'GET /workers/{id}',
  'PATCH /workers/{id}',
  'GET /users',
  'POST /users',
  'GET /debriefs',
  'POST /debriefs/{id}/done',
  'GET /alerts',
  'POST /alerts/{id}/ack',
  'GET /reports/summary',
  'GET /openapi.json',
  'GET /health',
];

const keyOf = (route: { method: string; path: string }) => `${route.method} ${route.path}`;

describe('the route table', () => {
  it("has every route of the design's API table", () => {
    const keys = ROUTES.map(keyOf);
    for (const key of DESIGN_ROUTES) expect(keys, key).toContain(key);
  });

  it('has unique ids and unique method + path', () => {
    expect(new Set(ROUTES.map((r) => r.id)).size).toBe(ROUTES.length);
    expect(new Set(ROUTES.map(keyOf)).size).toBe(ROUTES.length);
    for (const [key, route] of Object.entries(routes)) expect(route.id).toBe(key);
  });

  it('gives each lifecycle route exactly the roles the transition table allows for its event', () => {
    const lifecycle = ROUTES.filter((route) => route.event !== undefined);
    expect(lifecycle.map((r) => r.event).sort()).toEqual([
      'accept',
      'close',
      'decline',
      'goalsAchieved',
      'hold',
      'match',
      'reassign',
      'resume',
      'setGoals',
      'withdraw',
    ]);
    for (const route of lifecycle) {
      expect([...route.roles].sort(), route.id).toEqual(rolesFor(route.event!).sort());
    }
  });

  it('lets admins call every route coordinators can', () => {
    for (const route of ROUTES) {
      if (route.roles.includes('coordinator')) expect(route.roles, route.id).toContain('admin');
    }
  });

  it('keeps only health, the document and the docs page public', () => {
    expect(
      ROUTES.filter((r) => r.public)
        .map((r) => r.id)
        .sort(),
    ).toEqual(['docs', 'health', 'openapi']);
    for (const route of ROUTES.filter((r) => !r.public))
      expect(route.roles.length, route.id).toBeGreaterThan(0);
  });

  it('validates exactly the path parameters each path has', () => {
    for (const route of ROUTES) {
      const names = pathParameterNames(route.path).sort();
      const schema = route.request?.params as z.ZodMiniObject | undefined;
      expect(schema ? Object.keys(schema.shape).sort() : [], route.id).toEqual(names);
    }
  });

  it('names handler files under functions/api and never imports handler code', () => {
    for (const route of ROUTES) {
      expect(route.handler.file, route.id).toMatch(/^functions\/api\/[a-z-]+\.ts$/);
      expect(route.handler.export, route.id).toMatch(/^[A-Za-z]\w*$/);
    }
    const source = readFileSync(new URL('../../../shared/api/routes.ts', import.meta.url), 'utf8');
    expect(source).not.toMatch(/from '\.\/api\//);
    expect(existsSync(new URL('../../../functions/api/health.ts', import.meta.url))).toBe(true);
  });

  it('lets POST /referrals honour Idempotency-Key', () => {
    expect(routes.submitReferral.idempotent).toBe(true);
  });
});

// biome-ignore lint/suspicious/noExplicitAny: the document is plain JSON read field by field in assertions
type Json = any;

describe('the OpenAPI document', () => {
  const document = buildOpenApiDocument();

  it('declares OpenAPI 3.1.0 and lists every route with its operation id', () => {
    expect(document.openapi).toBe('3.1.0');
    for (const route of ROUTES) {
      const operation = document.paths[route.path]?.[route.method.toLowerCase()] as { operationId?: string };
      expect(operation?.operationId, keyOf(route)).toBe(route.id);
    }
  });

  it('resolves every $ref inside the document', () => {
    const refs = JSON.stringify(document).match(/"\$ref":"[^"]+"/g) ?? [];
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of new Set(refs)) {
      const pointer = ref.slice('"$ref":"'.length, -1);
      expect(pointer.startsWith('#/components/'), pointer).toBe(true);
      const [, , kind, name] = pointer.split('/');
      expect(
        (document.components as Record<string, Record<string, unknown>>)[kind!]?.[name!],
        pointer,
      ).toBeDefined();
    }
  });

  it('secures every route but the public ones with a bearer JWT', () => {
    expect(document.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    for (const route of ROUTES) {
      const operation = document.paths[route.path]?.[route.method.toLowerCase()] as { security: unknown[] };
      expect(operation.security, route.id).toEqual(route.public ? [] : [{ bearerAuth: [] }]);
    }
  });

  it('documents request bodies, the error shape and 503 Retry-After', () => {
    const match = document.paths['/referrals/{id}/match']?.post as Json;
    expect(match.requestBody.content['application/json'].schema.required).toEqual(['workerId']);
    expect(match.responses['409']).toEqual({ $ref: '#/components/responses/Conflict' });
    expect(document.components.schemas.Error).toMatchObject({ required: ['error', 'message'] });
    expect(document.components.responses.ServiceUnavailable).toMatchObject({
      headers: { 'Retry-After': {} },
    });
    const submit = document.paths['/referrals']?.post as Json;
    expect(submit.parameters.map((p: { name: string }) => p.name)).toContain('Idempotency-Key');
  });

  it('renders a docs page that loads the reference from its own origin, escaping what it prints', () => {
    const html = renderDocsHtml({ specUrl: 'openapi.json?a=1&b="2"' });
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('data-document-url="openapi.json?a=1&amp;b=&quot;2&quot;"');
    expect(html).toContain('<script src="/docs/api-reference.js"></script>');
    expect(html).not.toMatch(/<script>|<style|https?:\/\//);
  });
});
