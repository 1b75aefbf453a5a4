import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as z from 'zod/mini';
import { defineRoutes, type RouteSpec } from '#api/route.ts';
import { ROUTES, routes } from '#api/routes.ts';
import { PROGRAM_REGIONS } from '#domain/roles.ts';
import { httpLogger } from '#http/errors.ts';
import { apiHandler, json } from '#http/middleware.ts';
import { type Gateway, type GatewayLambda, importHandler, startGateway } from '../../../local/gateway.ts';
import { type LocalJwt, loadLocalJwt } from '../../../local/jwt.ts';
import { PROJECT_ROOT } from '../../../scripts/token.ts';

/** A tiny route table of test-only handlers, plus the real public routes (health, document, docs). */
const testRoutes = defineRoutes({
  echo: {
    method: 'POST',
    path: '/things/{id}',
    roles: ['coordinator', 'admin'],
    tag: 'Test',
    summary: 'echo',
    request: {
      params: z.object({ id: z.string() }),
      body: z.object({ name: z.string() }),
    },
    responses: { 200: null },
    handler: { file: 'test', export: 'echo' },
  },
  capture: {
    method: 'GET',
    path: '/capture/{id}',
    roles: ['clinician', 'coordinator', 'peer-worker', 'admin'],
    tag: 'Test',
    summary: 'capture',
    responses: { 200: null },
    handler: { file: 'test', export: 'capture' },
  },
  upload: {
    method: 'POST',
    path: '/capture/{id}',
    roles: ['clinician', 'coordinator', 'peer-worker', 'admin'],
    tag: 'Test',
    summary: 'upload',
    responses: { 200: null },
    handler: { file: 'test', export: 'capture' },
  },
  fails: {
    method: 'GET',
    path: '/fails',
    roles: ['coordinator'],
    tag: 'Test',
    summary: 'fails',
    responses: { 200: null },
    handler: { file: 'test', export: 'fails' },
  },
  hangs: {
    method: 'GET',
    path: '/hangs',
    roles: ['coordinator'],
    tag: 'Test',
    summary: 'hangs',
    responses: { 200: null },
    handler: { file: 'test', export: 'hangs' },
  },
});

let captured: APIGatewayProxyEventV2 | undefined;
const testHandlers: Record<string, GatewayLambda> = {
  echo: apiHandler(testRoutes.echo, async ({ caller, params, body }) => json(200, { caller, params, body })),
  capture: async (event) => {
    captured = event;
    return { statusCode: 200, headers: { 'Content-Type': 'application/json' }, body: '{"ok":true}' };
  },
  fails: async () => {
    throw new Error('handler bug');
  },
  hangs: () => new Promise(() => undefined),
};

const TABLE: RouteSpec[] = [...Object.values(testRoutes), routes.health, routes.openapi, routes.docs];
const BODY_LIMIT = 64 * 1024;

let gateway: Gateway;
let jwt: LocalJwt;
let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'peerpath-gateway-'));
  const staticDir = join(dataDir, 'web');
  await mkdir(staticDir);
  await writeFile(join(staticDir, 'index.html'), '<!doctype html><title>PeerPath</title>');
  await writeFile(join(staticDir, 'app.js'), 'console.log(1);');
  await writeFile(join(dataDir, 'secret.txt'), 'outside the web root');
  jwt = await loadLocalJwt({ dataDir });
  const real = importHandler(PROJECT_ROOT);
  gateway = await startGateway({
    port: 0,
    host: '127.0.0.1',
    routes: TABLE,
    regions: ['vancouver', 'richmond'],
    jwt,
    staticDir,
    bodyLimitBytes: BODY_LIMIT,
    handlerTimeoutMs: 200,
    loadHandler: async (ref) => (ref.file === 'test' ? testHandlers[ref.export]! : real(ref)),
  });
});

afterAll(async () => {
  await gateway?.close();
  await rm(dataDir, { recursive: true, force: true });
});

const token = (
  role: 'clinician' | 'coordinator' | 'peer-worker' | 'admin' = 'coordinator',
  region = 'vancouver',
) => jwt.signToken({ sub: `sub-${role}`, role, region: region as 'vancouver', email: `${role}@example.org` });

async function call(path: string, init: RequestInit & { bearer?: string } = {}) {
  const headers = new Headers(init.headers);
  if (init.bearer) headers.set('authorization', `Bearer ${init.bearer}`);
  const response = await fetch(`${gateway.url}${path}`, { ...init, headers });
  const text = await response.text();
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are read field by field in assertions
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: response.status, headers: response.headers, body };
}

/** A request with a raw path and Host header (fetch normalises both). */
function rawGet(path: string, host = `127.0.0.1:${gateway.port}`): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: gateway.port, path, headers: { host } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

const post = (body: unknown, bearer?: string, contentType = 'application/json') => ({
  method: 'POST',
  headers: { 'content-type': contentType },
  body: typeof body === 'string' ? body : JSON.stringify(body),
  ...(bearer ? { bearer } : {}),
});

describe('the local gateway', () => {
  it('listens on a free loopback port', () => {
    expect(gateway.port).toBeGreaterThan(0);
    expect(gateway.url).toBe(`http://127.0.0.1:${gateway.port}`);
  });

  it('answers 401 without a bearer token, or with one it cannot verify', async () => {
    expect((await call('/vancouver/capture/1')).status).toBe(401);
    expect((await call('/vancouver/capture/1', { bearer: 'not.a.jwt' })).status).toBe(401);
    const expired = await jwt.signToken({ sub: 's', role: 'admin', region: 'vancouver', ttlSeconds: -60 });
    const response = await call('/vancouver/capture/1', { bearer: expired });
    expect(response.status).toBe(401);
    expect(response.body.error).toBe('Unauthorized');
  });

  it("answers 404 when the path's region is not the token's", async () => {
    const response = await call(
      '/richmond/things/1',
      post({ name: 'x' }, await token('coordinator', 'vancouver')),
    );
    expect(response.status).toBe(404);
    const own = await call('/richmond/things/1', post({ name: 'x' }, await token('coordinator', 'richmond')));
    expect(own.status).toBe(200);
  });

  it('answers 404 for an unknown region and for a region it does not serve', async () => {
    const bearer = await token();
    expect((await call('/atlantis/capture/1', { bearer })).status).toBe(404);
    expect((await call('/north-shore/capture/1', { bearer })).status).toBe(404);
  });

  it('answers 405 for a known path with another method', async () => {
    const response = await call('/vancouver/things/1', { bearer: await token() });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
  });

  it('hands the handler an API Gateway v2 event with verified, flattened claims', async () => {
    const bearer = await token('peer-worker');
    const response = await call('/vancouver/capture/a%20b?stage=REFERRED&tag=1&tag=2', {
      bearer,
      headers: { 'X-Trace': 'abc' },
    });
    expect(response.status).toBe(200);
    expect(captured).toMatchObject({
      version: '2.0',
      routeKey: 'GET /capture/{id}',
      rawPath: '/capture/a%20b',
      rawQueryString: 'stage=REFERRED&tag=1&tag=2',
      queryStringParameters: { stage: 'REFERRED', tag: '1,2' },
      pathParameters: { id: 'a b', region: 'vancouver' },
      isBase64Encoded: false,
      requestContext: {
        http: { method: 'GET', path: '/capture/a%20b', sourceIp: '127.0.0.1' },
        routeKey: 'GET /capture/{id}',
        stage: '$default',
        authorizer: {
          jwt: {
            claims: {
              sub: 'sub-peer-worker',
              'cognito:groups': '[peer-worker]',
              'custom:region': 'vancouver',
              email: 'peer-worker@example.org',
              token_use: 'id',
            },
            scopes: null,
          },
        },
      },
    });
    expect(captured?.headers['x-trace']).toBe('abc');
    expect(captured?.headers.authorization).toBe(`Bearer ${bearer}`);
    expect(captured?.requestContext.requestId).toBe(response.headers.get('x-request-id'));
    expect(captured?.body).toBeUndefined();
  });

  it('passes a JSON body as text and a binary body as base64', async () => {
    const bearer = await token();
    await call('/vancouver/capture/1', post({ a: 1 }, bearer));
    expect(captured).toMatchObject({ body: '{"a":1}', isBase64Encoded: false });
    await call('/vancouver/capture/1', post('\u0001\u0002', bearer, 'application/octet-stream'));
    expect(captured).toMatchObject({
      body: Buffer.from('\u0001\u0002').toString('base64'),
      isBase64Encoded: true,
    });
  });

  it('reads a chunked body, and resolves dot segments in the path as a URL would', async () => {
    const bearer = await token();
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(
        {
          host: '127.0.0.1',
          port: gateway.port,
          method: 'POST',
          path: '/vancouver/capture/x/../7?via=chunks',
          headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.write('{"part":');
      req.end('1}'); // no Content-Length: sent as Transfer-Encoding: chunked
    });
    expect(status).toBe(200);
    expect(captured).toMatchObject({
      routeKey: 'POST /capture/{id}',
      rawPath: '/capture/7',
      rawQueryString: 'via=chunks',
      pathParameters: { id: '7', region: 'vancouver' },
      body: '{"part":1}',
    });
    expect(captured?.headers['transfer-encoding']).toBe('chunked');
  });

  it('runs the middy chain on the flattened claims: caller, params and body reach the handler', async () => {
    const response = await call('/vancouver/things/42', post({ name: 'x' }, await token('admin')));
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      caller: {
        sub: 'sub-admin',
        role: 'admin',
        roles: ['admin'],
        region: 'vancouver',
        email: 'admin@example.org',
      },
      params: { id: '42' },
      body: { name: 'x' },
    });
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  });

  it('answers 413 for a body over the limit', async () => {
    const response = await call('/vancouver/things/1', post({ name: 'x'.repeat(BODY_LIMIT) }, await token()));
    expect(response.status).toBe(413);
    expect(response.body.error).toBe('PayloadTooLarge');
  });

  it('answers 500 with a correlation id when a handler throws, and 503 when it never answers', async () => {
    vi.spyOn(httpLogger, 'error').mockImplementation(() => undefined);
    vi.spyOn(httpLogger, 'warn').mockImplementation(() => undefined);
    const bearer = await token();
    const failed = await call('/vancouver/fails', { bearer });
    expect(failed.status).toBe(500);
    expect(failed.body).toEqual({
      error: 'InternalError',
      message: 'Internal error',
      correlationId: expect.any(String),
    });
    const hung = await call('/vancouver/hangs', { bearer });
    expect(hung.status).toBe(503);
    expect(hung.headers.get('retry-after')).toBe('2');
    vi.restoreAllMocks();
  });

  it('serves /health at the root and under each region', async () => {
    const root = await call('/health');
    expect(root.status).toBe(200);
    expect(root.body).toMatchObject({ status: 'ok', service: 'peerpath' });
    expect(root.body.region).toBeUndefined();
    expect((await call('/richmond/health')).body).toMatchObject({ status: 'ok', region: 'richmond' });
  });

  it('serves an OpenAPI 3.1.0 document listing every route of the route table', async () => {
    const { status, body } = await call('/openapi.json');
    expect(status).toBe(200);
    expect(body.openapi).toBe('3.1.0');
    for (const route of ROUTES) {
      expect(body.paths[route.path]?.[route.method.toLowerCase()]?.operationId, route.id).toBe(route.id);
    }
    expect(body.servers.map((s: { url: string }) => s.url)).toEqual(PROGRAM_REGIONS.map((r) => `/${r}`));
    expect((await call('/vancouver/openapi.json')).body.servers).toEqual([
      { url: '/vancouver', description: 'Vancouver' },
    ]);
  });

  it('serves the docs page offline', async () => {
    const response = await call('/docs');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(response.body).toContain('data-document-url="openapi.json"');
  });

  it('issues local tokens that the API accepts', async () => {
    const issued = await call('/local/token', post({ role: 'coordinator', region: 'richmond' }));
    expect(issued.status).toBe(200);
    expect(issued.body).toMatchObject({ role: 'coordinator', region: 'richmond', sub: expect.any(String) });
    const used = await call('/richmond/things/7', post({ name: 'x' }, issued.body.token));
    expect(used.status).toBe(200);
    expect(used.body.caller.sub).toBe(issued.body.sub);
  });

  it('refuses token requests that are not JSON, are invalid, or name a region it does not serve', async () => {
    expect(
      (await call('/local/token', post('role=admin&region=vancouver', undefined, 'text/plain'))).status,
    ).toBe(415);
    expect((await call('/local/token', post({ role: 'boss', region: 'vancouver' }))).status).toBe(400);
    expect((await call('/local/token', post({ role: 'admin', region: 'sea-to-sky' }))).status).toBe(404);
    expect((await call('/local/token', { method: 'GET' })).status).toBe(405);
  });

  it('serves the static pages and nothing outside them', async () => {
    const index = await call('/');
    expect(index.status).toBe(200);
    expect(index.body).toContain('<title>PeerPath</title>');
    const script = await call('/app.js');
    expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(await rawGet('/%2e%2e/secret.txt')).toBe(404);
    expect(await rawGet('/..%2fsecret.txt')).toBe(404);
    expect(await rawGet('/../secret.txt')).toBe(404);
    expect((await call('/missing.html')).status).toBe(404);
  });

  it('refuses a request whose Host is not local (DNS rebinding)', async () => {
    expect(await rawGet('/health', 'evil.example:80')).toBe(403);
    expect(await rawGet('/health', `localhost:${gateway.port}`)).toBe(200);
  });
});

describe('closing the gateway', () => {
  it('stops listening', async () => {
    const other = await startGateway({
      routes: [routes.health],
      regions: ['vancouver'],
      jwt,
      loadHandler: importHandler(PROJECT_ROOT),
    });
    expect((await fetch(`${other.url}/health`)).status).toBe(200);
    await other.close();
    await expect(fetch(`${other.url}/health`)).rejects.toThrow();
  });
});
