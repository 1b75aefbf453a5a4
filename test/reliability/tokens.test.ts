import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { generateKeyPair, importJWK, type JWTPayload, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '#api/routes.ts';
import { Stage } from '#domain/lifecycle.ts';
import { Role } from '#domain/roles.ts';
import { LOCAL_JWT_AUDIENCE, LOCAL_JWT_ISSUER } from '../../local/jwt.ts';
import { type ReliabilityApi, startReliabilityApi } from '../support/reliability-api.ts';
import { seedReferral } from '../support/store.ts';

/**
 * Tokens an attacker or a broken client could send, on every authenticated route: expired, signed with
 * another key, unsigned (`alg: none`), HMAC-signed with the public key, tampered, missing each claim the API
 * relies on, for another region. The API answers 401 (404 for another region's valid token) and never
 * anything about the data: the body is an error and nothing else.
 */

let r: ReliabilityApi;
let paths: { method: string; path: string; body?: unknown }[];
let secrets: string[];
let privateKey: CryptoKey;
let kid: string;
let referralId: string;

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

async function claimsFor(overrides: Record<string, unknown> = {}, drop: string[] = []): Promise<JWTPayload> {
  const now = Math.floor(Date.now() / 1000);
  const claims: Record<string, unknown> = {
    sub: r.api.demo.vancouver.staff.coordinator,
    'cognito:groups': [Role.COORDINATOR],
    'cognito:username': r.api.demo.vancouver.staff.coordinator,
    'custom:region': 'vancouver',
    token_use: 'id',
    auth_time: now,
    iss: LOCAL_JWT_ISSUER,
    aud: LOCAL_JWT_AUDIENCE,
    iat: now,
    exp: now + 3600,
    jti: randomUUID(),
    ...overrides,
  };
  for (const name of drop) delete claims[name];
  return claims as JWTPayload;
}

async function signed(claims: JWTPayload, key: CryptoKey | Uint8Array = privateKey, alg = 'RS256') {
  return new SignJWT(claims).setProtectedHeader({ alg, kid, typ: 'JWT' }).sign(key);
}

/** Each bad token and the status it must get. */
async function badTokens(): Promise<{ name: string; token: string; status: number }[]> {
  const now = Math.floor(Date.now() / 1000);
  const other = await generateKeyPair('RS256', { extractable: true });
  const keyFile = JSON.parse(await readFile(r.api.jwt.keyFile, 'utf8')) as { publicJwk: object };
  const valid = await signed(await claimsFor());
  const [header, payload, signature] = valid.split('.') as [string, string, string];
  const tampered = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
  tampered['cognito:groups'] = [Role.ADMIN];
  const tokens = [
    {
      name: 'expired',
      token: await signed(await claimsFor({ iat: now - 7200, exp: now - 3600 })),
      status: 401,
    },
    { name: 'not yet valid', token: await signed(await claimsFor({ nbf: now + 3600 })), status: 401 },
    {
      name: 'signed with another key',
      token: await signed(await claimsFor(), other.privateKey),
      status: 401,
    },
    {
      name: 'alg none',
      token: `${b64({ alg: 'none', typ: 'JWT' })}.${b64(await claimsFor())}.`,
      status: 401,
    },
    {
      name: 'HS256 with the public key as secret',
      token: await signed(
        await claimsFor(),
        new TextEncoder().encode(JSON.stringify(keyFile.publicJwk)),
        'HS256',
      ),
      status: 401,
    },
    { name: 'tampered payload', token: `${header}.${b64(tampered)}.${signature}`, status: 401 },
    {
      name: 'another issuer',
      token: await signed(await claimsFor({ iss: 'https://evil.example' })),
      status: 401,
    },
    { name: 'another audience', token: await signed(await claimsFor({ aud: 'someone-else' })), status: 401 },
    { name: 'an access token', token: await signed(await claimsFor({ token_use: 'access' })), status: 401 },
    {
      name: 'an unknown region',
      token: await signed(await claimsFor({ 'custom:region': 'atlantis' })),
      status: 401,
    },
    { name: 'an empty sub', token: await signed(await claimsFor({ sub: '' })), status: 401 },
    {
      name: 'groups not a list',
      token: await signed(await claimsFor({ 'cognito:groups': 'coordinator' })),
      status: 401,
    },
    { name: 'garbage', token: 'not-a-jwt', status: 401 },
    { name: 'three empty parts', token: '..', status: 401 },
    {
      name: 'another region (valid token)',
      token: await r.api.tokenFor(Role.COORDINATOR, 'richmond'),
      status: 404,
    },
  ];
  for (const claim of ['sub', 'custom:region', 'cognito:groups', 'token_use', 'exp', 'iat', 'iss', 'aud']) {
    tokens.push({ name: `missing ${claim}`, token: await signed(await claimsFor({}, [claim])), status: 401 });
  }
  return tokens;
}

beforeAll(async () => {
  r = await startReliabilityApi();
  const keyFile = JSON.parse(await readFile(r.api.jwt.keyFile, 'utf8')) as {
    privateJwk: object;
    kid: string;
  };
  kid = keyFile.kid;
  privateKey = (await importJWK(keyFile.privateJwk as Parameters<typeof importJWK>[0], 'RS256')) as CryptoKey;
  // Real data behind every id the routes are called with (seeded through the data layer directly).
  const store = r.api.stores.vancouver;
  const [workerId] = await r.addWorkers(1);
  const referral = await seedReferral(store, { stage: Stage.IN_SESSIONS, workerId: workerId! });
  referralId = referral.id;
  secrets = [referral.id, referral.details.client.familyName, workerId!];
  const ids: Record<string, string> = { id: referral.id, goalId: randomUUID(), sessionId: randomUUID() };
  paths = ROUTES.filter((route) => !route.public).map((route) => ({
    method: route.method,
    path: `/vancouver${route.path.replace(/\{(\w+)\}/g, (_, name: string) => ids[name] ?? workerId!)}`,
    ...(route.method === 'GET' ? {} : { body: { version: 1, reason: 'OTHER', summary: 'x', workerId } }),
  }));
});

afterAll(async () => {
  await r?.stop();
});

describe('tokens that must not get in', () => {
  it('a valid token reaches the handlers (so the refusals below are the tokens’ doing)', async () => {
    const reply = await r.as(Role.COORDINATOR).get('/workers');
    expect(reply.status).toBe(200);
  });

  it('answers 401 (404 for another region) on every route, with an error body and no data', async () => {
    const tokens = await badTokens();
    const failures: string[] = [];
    for (const { name, token, status } of tokens) {
      const replies = await Promise.all(
        paths.map(async (call) => ({
          call,
          reply: await r.send(call.method, call.path, {
            token,
            ...(call.body !== undefined ? { body: call.body } : {}),
          }),
        })),
      );
      for (const { call, reply } of replies) {
        const text = JSON.stringify(reply.body);
        const keys = typeof reply.body === 'object' && reply.body ? Object.keys(reply.body) : ['<not json>'];
        const extra = keys.filter((key) => !['error', 'message', 'correlationId'].includes(key));
        const leaked = secrets.filter((secret) => text.includes(secret));
        if (
          reply.status !== status ||
          extra.length > 0 ||
          leaked.length > 0 ||
          r.writesOf(reply).length > 0
        ) {
          failures.push(`${name}: ${call.method} ${call.path} → ${reply.status} ${text.slice(0, 120)}`);
        }
      }
    }
    expect(failures).toEqual([]);
    expect(tokens.length * paths.length).toBeGreaterThan(500);
  });

  it('refuses a token once it has expired, even one the gateway verified before', async () => {
    const token = await r.api.jwt.signToken({
      sub: r.api.demo.vancouver.staff.coordinator,
      role: Role.COORDINATOR,
      region: 'vancouver',
      ttlSeconds: 2,
    });
    const before = await r.send('GET', '/vancouver/workers', { token });
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const after = await r.send('GET', '/vancouver/workers', { token });
    expect(before.status).toBe(200);
    expect(after.status).toBe(401);
    expect(Object.keys(after.body as object).sort()).toEqual(['correlationId', 'error', 'message']);
  });

  it('answers 401 without a token and with a scheme other than Bearer', async () => {
    const basic = `Basic ${Buffer.from('coordinator:password').toString('base64')}`;
    const variants: Record<string, string>[] = [{}, { authorization: basic }, { authorization: 'Bearer' }];
    for (const headers of variants) {
      const reply = await r.send('GET', `/vancouver/referrals/${referralId}`, { headers });
      expect(reply.status).toBe(401);
      expect(JSON.stringify(reply.body)).not.toContain(secrets[1]);
    }
  });
});
