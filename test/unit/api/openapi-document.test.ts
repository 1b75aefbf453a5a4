import { describe, expect, it } from 'vitest';
import type * as z from 'zod/mini';
import { buildOpenApiDocument } from '#api/openapi.ts';
import { pathParameterNames } from '#api/route.ts';
import { ROUTES } from '#api/routes.ts';

/**
 * What a stranger needs from the document alone: what every operation and parameter means, and an example
 * of every parameter and request body that the server itself accepts (checked with the route's own zod
 * schemas, the same ones the API validates with).
 */

// biome-ignore lint/suspicious/noExplicitAny: the document is plain JSON read field by field
type Json = any;
const document = buildOpenApiDocument() as Json;

const operations = Object.entries(document.paths as Record<string, Record<string, Json>>).flatMap(
  ([path, item]) =>
    Object.entries(item).map(([method, op]) => ({ where: `${method.toUpperCase()} ${path}`, op })),
);

describe('the OpenAPI document for a stranger', () => {
  it('describes every tag, operation and parameter', () => {
    // Act
    const missing = [
      ...document.tags.filter((tag: Json) => !tag.description).map((tag: Json) => `tag ${tag.name}`),
      ...operations.filter(({ op }) => !op.description).map(({ where }) => where),
      ...operations.flatMap(({ where, op }) =>
        op.parameters.filter((p: Json) => !p.description).map((p: Json) => `${where} ${p.in} ${p.name}`),
      ),
    ];

    // Assess
    expect(operations).toHaveLength(ROUTES.length);
    expect(missing).toEqual([]);
  });

  it('describes every field of every request body and schema', () => {
    // Prepare
    const missing: string[] = [];
    const walk = (schema: Json, where: string): void => {
      if (!schema || typeof schema !== 'object') return;
      if (schema.$ref) {
        walk(document.components.schemas[schema.$ref.split('/').pop()], where);
        return;
      }
      for (const [name, property] of Object.entries((schema.properties ?? {}) as Record<string, Json>)) {
        if (!property.description) missing.push(`${where}.${name}`);
        walk(property, `${where}.${name}`);
      }
      if (schema.items) walk(schema.items, `${where}[]`);
      for (const branch of [...(schema.anyOf ?? []), ...(schema.oneOf ?? [])]) walk(branch, where);
    };

    // Act
    for (const { where, op } of operations) {
      if (op.requestBody) walk(op.requestBody.content['application/json'].schema, where);
    }
    for (const [name, schema] of Object.entries(document.components.schemas)) walk(schema, `#${name}`);

    // Assess
    expect(missing).toEqual([]);
  });

  it('gives an example of every parameter and request body', () => {
    // Act
    const missing = operations.flatMap(({ where, op }) => [
      ...op.parameters.filter((p: Json) => p.example === undefined).map((p: Json) => `${where} ${p.name}`),
      ...(op.requestBody && op.requestBody.content['application/json'].example === undefined
        ? [`${where} body`]
        : []),
    ]);

    // Assess
    expect(missing).toEqual([]);
  });

  it('gives examples the server accepts', () => {
    // Prepare
    const rejected: string[] = [];
    const check = (what: string, schema: z.ZodMiniType | undefined, value: unknown) => {
      const result = schema?.safeParse(value);
      if (result && !result.success) rejected.push(`${what}: ${JSON.stringify(result.error.issues)}`);
    };

    // Act
    for (const route of ROUTES) {
      const op = document.paths[route.path][route.method.toLowerCase()];
      const example = (where: string) =>
        Object.fromEntries(
          op.parameters.filter((p: Json) => p.in === where).map((p: Json) => [p.name, p.example]),
        );
      check(`${route.id} path`, route.request?.params, example('path'));
      check(`${route.id} query`, route.request?.query, example('query'));
      if (route.request?.body) {
        check(`${route.id} body`, route.request.body, op.requestBody.content['application/json'].example);
      }
      expect(Object.keys(example('path')).sort()).toEqual(pathParameterNames(route.path).sort());
    }

    // Assess
    expect(rejected).toEqual([]);
  });

  it('states the formats the server enforces and the consent rule', () => {
    // Prepare
    const referral = document.paths['/referrals'].post.requestBody.content['application/json'].schema;

    // Act
    const { referrer, client, consent } = referral.properties;

    // Assess
    expect(referrer.properties.email.format).toBe('email');
    expect(client.properties.dateOfBirth.format).toBe('date');
    expect(consent.properties.expiresOn.format).toBe('date');
    expect(consent.properties.scope.description).toMatch(/SHARE_WITH_PEER_WORKER and CONTACT_CLIENT/);
    const report = document.paths['/reports/summary'].get.parameters;
    expect(report.map((p: Json) => p.schema.format)).toEqual(['date', 'date']);
  });
});
