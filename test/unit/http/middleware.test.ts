import { afterEach, describe, expect, it, vi } from 'vitest';
import * as z from 'zod/mini';
import { defineRoutes } from '#api/route.ts';
import { ReportQuerySchema } from '#api/schemas.ts';
import { ConcurrentUpdateError } from '#app/errors.ts';
import { ConsentSchema } from '#domain/referral.ts';
import { SessionModeSchema } from '#domain/vocabulary.ts';
import { httpLogger } from '#http/errors.ts';
import {
  type ApiEvent,
  apiHandler,
  json,
  logAccess,
  publicHandler,
  routeDispatcher,
} from '#http/middleware.ts';

const CANARY = 'Canary-Jane-Doe-1987';

const testRoutes = defineRoutes({
  act: {
    method: 'POST',
    path: '/things/{id}/act',
    roles: ['coordinator', 'admin'],
    tag: 'Test',
    summary: 'act',
    request: {
      params: z.object({ id: z.string().check(z.regex(/^[A-Z0-9]+$/)) }),
      query: z.object({ limit: z._default(z.coerce.number().check(z.int(), z.lte(100)), 50) }),
      body: z.strictObject({
        name: z.string().check(z.maxLength(10)),
        count: z._default(z.number().check(z.int()), 1),
      }),
    },
    responses: { 200: z.strictObject({ ok: z.literal(true) }) },
    handler: { file: 'test', export: 'act' },
  },
  consent: {
    method: 'POST',
    path: '/things/{id}/consent',
    roles: ['coordinator'],
    tag: 'Test',
    summary: 'consent',
    request: {
      query: ReportQuerySchema,
      body: z.strictObject({ consent: ConsentSchema, mode: SessionModeSchema, name: z.string() }),
    },
    responses: { 200: null },
    handler: { file: 'test-consent', export: 'consent' },
  },
  read: {
    method: 'GET',
    path: '/things/{id}',
    roles: ['clinician', 'coordinator', 'peer-worker', 'admin'],
    tag: 'Test',
    summary: 'read',
    responses: { 200: null },
    handler: { file: 'test', export: 'read' },
  },
  ping: {
    method: 'GET',
    path: '/ping',
    roles: [],
    public: true,
    tag: 'Test',
    summary: 'ping',
    responses: { 200: z.object({ region: z.optional(z.string()) }) },
    handler: { file: 'test', export: 'ping' },
  },
});

interface EventOptions {
  groups?: unknown;
  region?: string;
  pathRegion?: string;
  body?: string;
  contentType?: string | null;
  query?: Record<string, string>;
  id?: string;
  claims?: boolean;
}

function event(options: EventOptions = {}): ApiEvent {
  const headers: Record<string, string> = { 'X-Custom': 'yes' };
  if (options.contentType !== null) headers['Content-Type'] = options.contentType ?? 'application/json';
  return {
    version: '2.0',
    routeKey: 'POST /things/{id}/act',
    rawPath: '/things/ABC/act',
    rawQueryString: '',
    headers,
    ...(options.query ? { queryStringParameters: options.query } : {}),
    pathParameters: { id: options.id ?? 'ABC', region: options.pathRegion ?? 'vancouver' },
    requestContext: {
      accountId: 'local',
      apiId: 'api',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: {
        method: 'POST',
        path: '/things/ABC/act',
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: 't',
      },
      requestId: 'req-1',
      routeKey: 'POST /things/{id}/act',
      stage: '$default',
      time: '',
      timeEpoch: 0,
      ...(options.claims === false
        ? {}
        : {
            authorizer: {
              jwt: {
                claims: {
                  sub: 'sub-1',
                  'cognito:groups': (options.groups ?? '[coordinator]') as string,
                  'custom:region': options.region ?? 'vancouver',
                  token_use: 'id',
                },
                scopes: null,
              },
              principalId: '',
              integrationLatency: 0,
            },
          }),
    },
    ...(options.body === undefined ? {} : { body: options.body }),
    isBase64Encoded: false,
  } as ApiEvent;
}

const parse = (response: { body?: string }) => JSON.parse(response.body ?? 'null') as Record<string, unknown>;

afterEach(() => {
  vi.restoreAllMocks();
  delete process.env.PEERPATH_CHECK_RESPONSES;
});

describe('apiHandler', () => {
  it('refuses a wrong role with 403 before reading the body (a malformed body is not even parsed)', async () => {
    const inner = vi.fn(async () => json(200, { ok: true }));
    const handler = apiHandler(testRoutes.act, inner);
    const response = await handler(event({ groups: '[clinician]', body: '{not json' }));
    expect(response.statusCode).toBe(403);
    expect(parse(response).error).toBe('Forbidden');
    expect(inner).not.toHaveBeenCalled();
  });

  it('answers a malformed body from an allowed role with 400', async () => {
    const response = await apiHandler(testRoutes.act, async () => json(200, { ok: true }))(
      event({ body: `{"name": "${CANARY}"` }),
    );
    expect(response.statusCode).toBe(400);
    expect(parse(response).error).toBe('MalformedJson');
    expect(response.body).not.toContain(CANARY);
  });

  it('answers 404 for a token of another region before the role check', async () => {
    const response = await apiHandler(testRoutes.act, async () => json(200, { ok: true }))(
      event({ groups: '[clinician]', region: 'richmond', body: '{}' }),
    );
    expect(response.statusCode).toBe(404);
  });

  it('answers 401 without authorizer claims', async () => {
    const response = await apiHandler(testRoutes.act, async () => json(200, { ok: true }))(
      event({ claims: false, body: '{}' }),
    );
    expect(response.statusCode).toBe(401);
  });

  it('answers 415 for a body that is not JSON by content type', async () => {
    const response = await apiHandler(testRoutes.act, async () => json(200, { ok: true }))(
      event({ contentType: 'text/plain', body: '{"name":"a"}' }),
    );
    expect(response.statusCode).toBe(415);
  });

  it('validates body, query and path together, with paths and without values', async () => {
    const inner = vi.fn(async () => json(200, { ok: true }));
    const response = await apiHandler(
      testRoutes.act,
      inner,
    )(event({ id: 'lower', query: { limit: '5000' }, body: JSON.stringify({ name: CANARY, extra: 1 }) }));
    expect(response.statusCode).toBe(400);
    const body = parse(response);
    expect(body.error).toBe('ValidationError');
    expect((body.issues as { path: string }[]).map((i) => i.path).sort()).toEqual([
      '',
      'name',
      'params.id',
      'query.limit',
    ]);
    expect(response.body).not.toContain(CANARY);
    expect(inner).not.toHaveBeenCalled();
  });

  it('names the rules and enum values broken, says Required for what is missing, never echoes', async () => {
    // Prepare: consent without CONTACT_CLIENT, an unknown mode, the canary in a field, a key and a value
    const body = {
      consent: {
        given: true,
        scope: ['SHARE_WITH_PEER_WORKER'],
        date: '2020-01-01',
        expiresOn: '2099-12-31',
      },
      mode: CANARY,
      name: CANARY,
      [CANARY]: CANARY,
    };

    // Act
    const response = await apiHandler(testRoutes.consent, async () => json(200, { ok: true }))(
      event({ query: { to: CANARY }, body: JSON.stringify(body) }),
    );

    // Assess
    expect(response.statusCode).toBe(400);
    const issues = parse(response).issues as { path: string; message: string }[];
    expect(issues).toEqual(
      expect.arrayContaining([
        { path: 'query.from', message: 'Required' },
        { path: 'query.to', message: 'Must be a calendar date as YYYY-MM-DD' },
        { path: 'consent.scope', message: 'Consent must include SHARE_WITH_PEER_WORKER and CONTACT_CLIENT' },
        { path: 'mode', message: expect.stringMatching(/^Invalid option: expected one of .*"WALK"/) },
        { path: '', message: expect.any(String) },
      ]),
    );
    expect(response.body).not.toContain(CANARY);
  });

  it('answers a missing body with 400, not 500', async () => {
    const response = await apiHandler(testRoutes.act, async () => json(200, { ok: true }))(event({}));
    expect(response.statusCode).toBe(400);
    expect(parse(response).error).toBe('ValidationError');
  });

  it('hands the handler the caller and the parsed, defaulted inputs', async () => {
    const inner = vi.fn(async (_req: unknown) => json(200, { ok: true }));
    const response = await apiHandler(
      testRoutes.act,
      inner,
    )(event({ groups: ['admin', 'peer-worker'], query: { limit: '7' }, body: '{"name":"x"}' }));
    expect(response.statusCode).toBe(200);
    const request = inner.mock.calls[0]?.[0] as Record<string, unknown>;
    expect(request.caller).toEqual({
      sub: 'sub-1',
      role: 'admin',
      roles: ['admin', 'peer-worker'],
      region: 'vancouver',
    });
    expect(request.body).toEqual({ name: 'x', count: 1 });
    expect(request.query).toEqual({ limit: 7 });
    expect(request.params).toEqual({ id: 'ABC' });
    expect((request.headers as Record<string, string>)['x-custom']).toBe('yes');
    expect(request.correlationId).toBe('req-1');
  });

  it('answers JSON, not cacheable, with the correlation id', async () => {
    const response = await apiHandler(testRoutes.act, async () => json(200, { ok: true }))(
      event({ body: '{"name":"x"}' }),
    );
    expect(response.headers).toMatchObject({
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      'x-correlation-id': 'req-1',
    });
    expect(parse(response)).toEqual({ ok: true });
  });

  it('does not read a body on a route without one', async () => {
    const inner = vi.fn(async () => ({ statusCode: 204 }));
    const response = await apiHandler(
      testRoutes.read,
      inner,
    )(event({ groups: '[clinician]', body: '{oops' }));
    expect(response.statusCode).toBe(204);
    expect(response.body).toBeUndefined();
  });

  it('maps errors thrown by the handler', async () => {
    const response = await apiHandler(testRoutes.act, async () => {
      throw new ConcurrentUpdateError('Referral', 'ABC');
    })(event({ body: '{"name":"x"}' }));
    expect(response.statusCode).toBe(409);
    expect(parse(response)).toMatchObject({ error: 'ConcurrentUpdate', correlationId: 'req-1' });
  });

  it('with PEERPATH_CHECK_RESPONSES=1, refuses a body that does not match the declared response', async () => {
    process.env.PEERPATH_CHECK_RESPONSES = '1';
    vi.spyOn(httpLogger, 'error').mockImplementation(() => undefined);
    const leaky = apiHandler(testRoutes.act, async () => json(200, { ok: true, waitToken: 'secret' }));
    expect((await leaky(event({ body: '{"name":"x"}' }))).statusCode).toBe(500);
    const undeclared = apiHandler(testRoutes.act, async () => json(201, { ok: true }));
    expect((await undeclared(event({ body: '{"name":"x"}' }))).statusCode).toBe(500);
  });

  it('refuses to wrap a public route', () => {
    expect(() => apiHandler(testRoutes.ping, async () => json(200, {}))).toThrow(/public/);
  });
});

describe('publicHandler', () => {
  it('needs no token and knows the region from the path', async () => {
    const handler = publicHandler(testRoutes.ping, async ({ region }) => json(200, { region }));
    const response = await handler(event({ claims: false }));
    expect(response.statusCode).toBe(200);
    expect(parse(response)).toEqual({ region: 'vancouver' });
  });

  it('answers 404 under a path region that does not exist', async () => {
    const handler = publicHandler(testRoutes.ping, async () => json(200, {}));
    expect((await handler(event({ claims: false, pathRegion: 'atlantis' }))).statusCode).toBe(404);
  });
});

describe('logAccess', () => {
  it('writes one structured line with ids only', () => {
    const info = vi.spyOn(httpLogger, 'info').mockImplementation(() => undefined);
    logAccess({ callerSub: 'sub-1', role: 'clinician', referralId: '01REF', route: 'getReferral' });
    expect(info).toHaveBeenCalledWith('referral accessed', {
      audit: 'referral-access',
      callerSub: 'sub-1',
      role: 'clinician',
      referralId: '01REF',
      route: 'getReferral',
    });
  });
});

describe('routeDispatcher', () => {
  const table = Object.values(testRoutes);

  it("runs the file's export for the event's route key", async () => {
    const dispatch = routeDispatcher(table, 'test', {
      act: async () => ({ statusCode: 201 }),
      read: async () => ({ statusCode: 202 }),
      ping: async () => ({ statusCode: 203 }),
    });
    expect((await dispatch({ ...event(), routeKey: 'GET /things/{id}' })).statusCode).toBe(202);
    expect((await dispatch({ ...event(), routeKey: 'POST /things/{id}/act' })).statusCode).toBe(201);
    expect((await dispatch({ ...event(), routeKey: 'DELETE /nothing' })).statusCode).toBe(404);
  });

  it('fails at load when the file lacks an export the table names', () => {
    expect(() => routeDispatcher(table, 'test', { act: async () => ({ statusCode: 200 }) })).toThrow(/read/);
  });
});
