import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../../support/api.ts';

/**
 * A client made from the document alone, as a stranger's generator would: operations by operationId, the
 * server from `servers`, paths from their templates, the bearer scheme, and each request body sampled from
 * its schema (examples first, then enum, default, format and bounds). It knows nothing of the route table.
 */

// biome-ignore lint/suspicious/noExplicitAny: plain JSON read field by field
type Json = any;

let api: TestApi;

beforeAll(async () => {
  api = await startTestApi();
});

afterAll(async () => {
  await api?.stop();
});

/** A value that fits `schema`, preferring the document's own examples wherever it gives one. */
function sample(document: Json, schema: Json): unknown {
  if (schema.$ref) return sample(document, document.components.schemas[schema.$ref.split('/').pop()]);
  if (schema.examples?.length) return schema.examples[0];
  if (schema.const !== undefined) return schema.const;
  if (schema.default !== undefined) return schema.default;
  if (schema.enum) return schema.enum[0];
  const alternative = schema.anyOf ?? schema.oneOf;
  if (alternative) return sample(document, alternative[0]);
  switch (schema.type) {
    case 'object':
      return Object.fromEntries(
        (schema.required ?? []).map((name: string) => [name, sample(document, schema.properties[name])]),
      );
    case 'array':
      return Array.from({ length: Math.max(1, schema.minItems ?? 0) }, () => sample(document, schema.items));
    case 'integer':
    case 'number':
      return schema.minimum ?? 1;
    case 'boolean':
      return true;
    default:
      if (schema.format === 'email') return 'someone@example.org';
      if (schema.format === 'date') return '2026-01-15';
      return 'x'.repeat(Math.max(1, schema.minLength ?? 1));
  }
}

function clientFrom(document: Json, baseUrl: string, token: () => Promise<string>) {
  const operations = new Map<string, { method: string; path: string; op: Json }>();
  for (const [path, item] of Object.entries(document.paths as Record<string, Json>)) {
    for (const [method, op] of Object.entries(item as Record<string, Json>)) {
      operations.set(op.operationId, { method: method.toUpperCase(), path, op });
    }
  }
  const server = `${baseUrl}${document.servers[0].url}`;
  return async (operationId: string, params: Record<string, string> = {}, body?: unknown): Promise<Json> => {
    const found = operations.get(operationId);
    if (!found) throw new Error(`The document has no operation ${operationId}`);
    const path = found.path.replace(/\{(\w+)\}/g, (_m, name: string) =>
      encodeURIComponent(params[name] ?? ''),
    );
    const content = found.op.requestBody?.content['application/json'];
    const payload = body ?? (content ? sample(document, content.schema) : undefined);
    const secured = (found.op.security ?? document.security ?? []).length > 0;
    const response = await fetch(`${server}${path}`, {
      method: found.method,
      headers: {
        ...(secured ? { authorization: `Bearer ${await token()}` } : {}),
        ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(payload === undefined ? {} : { body: JSON.stringify(payload) }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${operationId} answered ${response.status}: ${text}`);
    return text ? JSON.parse(text) : undefined;
  };
}

describe('a client generated from the document alone', { timeout: 60_000 }, () => {
  it('submits a referral and walks it to closure', async () => {
    // Prepare
    const document = await (await fetch(`${api.url}/vancouver/openapi.json`)).json();
    const as = (role: 'clinician' | 'coordinator' | 'peer-worker', sub?: string) =>
      clientFrom(document, api.url, () => api.tokenFor(role, 'vancouver', sub));
    const coordinator = as('coordinator');
    const clinician = as('clinician');

    // Act
    const worker = await coordinator('createWorker');
    const peer = as('peer-worker', worker.id);
    const referral = await clinician('submitReferral');
    await coordinator('acceptReferral', { id: referral.id });
    await coordinator('matchReferral', { id: referral.id }, { workerId: worker.id });
    await peer('setGoals', { id: referral.id });
    await peer('logSession', { id: referral.id });
    await peer('goalsAchieved', { id: referral.id });
    await coordinator('closeReferral', { id: referral.id });
    const closed = await clinician('getReferral', { id: referral.id });

    // Assess
    expect(closed.stage).toBe('CLOSED');
    expect(closed.closure.reason).toBe('GOALS_MET');
  });
});
