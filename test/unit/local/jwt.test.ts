import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { base64url, importJWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  KEY_FILE_NAME,
  LOCAL_JWT_AUDIENCE,
  LOCAL_JWT_ISSUER,
  loadLocalJwt,
  localSubFor,
} from '../../../local/jwt.ts';
import { runTokenCli } from '../../../scripts/token.ts';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'peerpath-jwt-'));
  dirs.push(dir);
  return dir;
}
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

// RSA key generation is slow: most tests share one key directory.
let sharedDir: string;
beforeAll(async () => {
  sharedDir = await tempDir();
  await loadLocalJwt({ dataDir: sharedDir });
});

/** Signs arbitrary claims with the key stored in `dataDir` (to forge tokens missing claims). */
async function signRaw(dataDir: string, claims: Record<string, unknown>): Promise<string> {
  const keyFile = JSON.parse(await readFile(join(dataDir, KEY_FILE_NAME), 'utf8'));
  const key = await importJWK(keyFile.privateJwk, 'RS256');
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: keyFile.kid })
    .setIssuer(LOCAL_JWT_ISSUER)
    .setAudience(LOCAL_JWT_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(key);
}

describe('the local JWT signer', () => {
  it('signs the claims of a Cognito ID token and verifies them', async () => {
    const jwt = await loadLocalJwt({ dataDir: sharedDir });
    const token = await jwt.signToken({
      sub: 'u-1',
      role: 'coordinator',
      region: 'richmond',
      email: 'c@example.org',
    });
    const claims = await jwt.verifyToken(token);
    expect(claims).toMatchObject({
      sub: 'u-1',
      'cognito:groups': ['coordinator'],
      'custom:region': 'richmond',
      email: 'c@example.org',
      token_use: 'id',
      iss: LOCAL_JWT_ISSUER,
      aud: LOCAL_JWT_AUDIENCE,
    });
    expect(claims.exp - claims.iat).toBe(12 * 60 * 60);
  });

  it('keeps one key under the data directory, private to the user, across loads', async () => {
    const dataDir = await tempDir();
    const first = await loadLocalJwt({ dataDir });
    const token = await first.signToken({ sub: 'u-1', role: 'admin', region: 'vancouver' });
    const second = await loadLocalJwt({ dataDir });
    await expect(second.verifyToken(token)).resolves.toMatchObject({ sub: 'u-1' });
    expect((await stat(join(dataDir, KEY_FILE_NAME))).mode & 0o077).toBe(0);
  });

  it('ends with one key when two processes create it at once', async () => {
    const dataDir = await tempDir();
    const [a, b] = await Promise.all([loadLocalJwt({ dataDir }), loadLocalJwt({ dataDir })]);
    const token = await a.signToken({ sub: 'u-1', role: 'admin', region: 'vancouver' });
    await expect(b.verifyToken(token)).resolves.toBeDefined();
  });

  it('rejects an expired token', async () => {
    const jwt = await loadLocalJwt({ dataDir: sharedDir });
    const token = await jwt.signToken({ sub: 'u-1', role: 'admin', region: 'vancouver', ttlSeconds: -60 });
    await expect(jwt.verifyToken(token)).rejects.toThrow(/expired/i);
  });

  it('rejects a token signed with another key', async () => {
    const ours = await loadLocalJwt({ dataDir: sharedDir });
    const theirs = await loadLocalJwt({ dataDir: await tempDir() });
    const token = await theirs.signToken({ sub: 'u-1', role: 'admin', region: 'vancouver' });
    await expect(ours.verifyToken(token)).rejects.toThrow(/Invalid token/);
  });

  it('rejects an unsigned token (alg: none)', async () => {
    const jwt = await loadLocalJwt({ dataDir: sharedDir });
    const now = Math.floor(Date.now() / 1000);
    const encode = (value: object) => base64url.encode(JSON.stringify(value));
    const unsigned = `${encode({ alg: 'none', typ: 'JWT' })}.${encode({
      sub: 'u-1',
      'cognito:groups': ['admin'],
      'custom:region': 'vancouver',
      token_use: 'id',
      iss: LOCAL_JWT_ISSUER,
      aud: LOCAL_JWT_AUDIENCE,
      iat: now,
      exp: now + 3600,
    })}.`;
    await expect(jwt.verifyToken(unsigned)).rejects.toThrow(/Invalid token/);
  });

  it.each([
    ['custom:region', { sub: 'u-1', 'cognito:groups': ['admin'], token_use: 'id' }],
    ['cognito:groups', { sub: 'u-1', 'custom:region': 'vancouver', token_use: 'id' }],
    ['sub', { 'cognito:groups': ['admin'], 'custom:region': 'vancouver', token_use: 'id' }],
    ['token_use', { sub: 'u-1', 'cognito:groups': ['admin'], 'custom:region': 'vancouver' }],
  ])('rejects a token without %s', async (_missing, claims) => {
    const dataDir = sharedDir;
    const jwt = await loadLocalJwt({ dataDir });
    await expect(jwt.verifyToken(await signRaw(dataDir, claims))).rejects.toThrow(/Invalid token/);
  });

  it('rejects an access token and a region that is not a program region', async () => {
    const dataDir = sharedDir;
    const jwt = await loadLocalJwt({ dataDir });
    const base = { sub: 'u-1', 'cognito:groups': ['admin'], 'custom:region': 'vancouver', token_use: 'id' };
    await expect(jwt.verifyToken(await signRaw(dataDir, { ...base, token_use: 'access' }))).rejects.toThrow();
    await expect(
      jwt.verifyToken(await signRaw(dataDir, { ...base, 'custom:region': 'atlantis' })),
    ).rejects.toThrow();
    await expect(jwt.verifyToken(await signRaw(dataDir, base))).resolves.toBeDefined();
  });

  it('gives each role and region a stable UUID-shaped local sub', () => {
    expect(localSubFor('coordinator', 'vancouver')).toBe(localSubFor('coordinator', 'vancouver'));
    expect(localSubFor('coordinator', 'vancouver')).not.toBe(localSubFor('coordinator', 'richmond'));
    expect(localSubFor('admin', 'richmond')).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });
});

describe('npm run token', () => {
  async function run(argv: string[], options: Parameters<typeof runTokenCli>[1] = {}) {
    const dataDir = sharedDir;
    let stdout = '';
    let stderr = '';
    const code = await runTokenCli(argv, {
      dataDir,
      stdout: (text) => {
        stdout += text;
      },
      stderr: (text) => {
        stderr += text;
      },
      ...options,
    });
    return { code, stdout, stderr, dataDir };
  }

  it('prints a bare 12-hour JWT the local key verifies', async () => {
    const { code, stdout, dataDir } = await run(['--role', 'coordinator', '--region', 'north-shore']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    const claims = await (await loadLocalJwt({ dataDir })).verifyToken(stdout.trim());
    expect(claims).toMatchObject({
      sub: localSubFor('coordinator', 'north-shore'),
      'cognito:groups': ['coordinator'],
      'custom:region': 'north-shore',
    });
    expect(claims.exp - claims.iat).toBe(12 * 60 * 60);
  });

  it('uses --sub when given', async () => {
    const sub = randomUUID();
    const { stdout, dataDir } = await run(['--role', 'peer-worker', '--region', 'vancouver', '--sub', sub]);
    expect((await (await loadLocalJwt({ dataDir })).verifyToken(stdout.trim())).sub).toBe(sub);
  });

  it("asks the defaultSub hook for a peer worker's id (the region's first demo worker)", async () => {
    const { stdout, dataDir } = await run(['--role', 'peer-worker', '--region', 'richmond'], {
      defaultSub: (role, region) => (role === 'peer-worker' ? `demo-${region}-0` : undefined),
    });
    expect((await (await loadLocalJwt({ dataDir })).verifyToken(stdout.trim())).sub).toBe('demo-richmond-0');
  });

  it('refuses a peer worker token without --sub when no demo worker is known', async () => {
    const { code, stdout, stderr } = await run(['--role', 'peer-worker', '--region', 'richmond']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/--sub/);
  });

  it.each([
    [['--role', 'boss', '--region', 'vancouver']],
    [['--role', 'admin', '--region', 'atlantis']],
    [['--role', 'admin']],
    [['--role', 'admin', '--region', 'vancouver', '--sub', 'a b']],
    [['--bogus']],
  ])('exits 2 with usage for bad arguments %j', async (argv) => {
    const { code, stdout } = await run(argv);
    expect(code).toBe(2);
    expect(stdout).toBe('');
  });
});
