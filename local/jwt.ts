import { createHash, randomUUID } from 'node:crypto';
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, type JWK, type JWTPayload, jwtVerify, SignJWT } from 'jose';
import { PROGRAM_REGIONS, type ProgramRegion, ROLES, type Role } from '#domain/roles.ts';

/**
 * The local stand-in for a Cognito user pool's signing key: an RS256 key pair made once and kept in
 * `<dataDir>/local-jwt-key.json` (mode 0600), so tokens survive restarts and `npm run token` signs
 * with the same key the gateway verifies with. Local only: never deployed.
 */

export const LOCAL_JWT_ISSUER = 'urn:peerpath:local';
/** Cognito puts the app client id in an ID token's `aud`; locally every region shares one. */
export const LOCAL_JWT_AUDIENCE = 'peerpath-local';
export const LOCAL_JWT_ALG = 'RS256';
export const KEY_FILE_NAME = 'local-jwt-key.json';
export const DEFAULT_TOKEN_TTL_SECONDS = 12 * 60 * 60;

/** The claims of a Cognito ID token that PeerPath reads, plus the registered ones. */
export interface LocalIdTokenClaims extends JWTPayload {
  sub: string;
  'cognito:groups': Role[];
  'cognito:username': string;
  'custom:region': ProgramRegion;
  email?: string;
  token_use: 'id';
  iss: string;
  aud: string;
  iat: number;
  exp: number;
  auth_time: number;
}

export interface SignTokenInput {
  sub: string;
  role: Role;
  region: ProgramRegion;
  email?: string;
  ttlSeconds?: number;
}

export interface LocalJwt {
  readonly keyFile: string;
  signToken(input: SignTokenInput): Promise<string>;
  /** Verified claims, or throws (expired, wrong key, `alg: none`, wrong issuer/audience, missing claims). */
  verifyToken(token: string): Promise<LocalIdTokenClaims>;
}

interface KeyFile {
  alg: typeof LOCAL_JWT_ALG;
  kid: string;
  createdAt: string;
  privateJwk: JWK;
  publicJwk: JWK;
}

export class InvalidTokenError extends Error {
  constructor(reason: string, options?: { cause?: unknown }) {
    super(`Invalid token: ${reason}`, options);
    this.name = 'InvalidTokenError';
  }
}

async function readKeyFile(path: string): Promise<KeyFile | undefined> {
  try {
    const parsed = JSON.parse(await readFile(path, 'utf8')) as Partial<KeyFile>;
    if (parsed.alg !== LOCAL_JWT_ALG || !parsed.privateJwk || !parsed.publicJwk || !parsed.kid) {
      throw new Error(`${path} is not a PeerPath local JWT key; delete it to make a new one`);
    }
    return parsed as KeyFile;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Creates the key file atomically: two processes starting at once end up with the same key. */
async function createKeyFile(path: string): Promise<KeyFile> {
  const { privateKey, publicKey } = await generateKeyPair(LOCAL_JWT_ALG, { extractable: true });
  const kid = randomUUID();
  const keyFile: KeyFile = {
    alg: LOCAL_JWT_ALG,
    kid,
    createdAt: new Date().toISOString(),
    privateJwk: { ...(await exportJWK(privateKey)), alg: LOCAL_JWT_ALG, kid },
    publicJwk: { ...(await exportJWK(publicKey)), alg: LOCAL_JWT_ALG, kid, use: 'sig' },
  };
  const temp = `${path}.${process.pid}.${randomUUID()}.tmp`;
  await writeFile(temp, JSON.stringify(keyFile, null, 2), { mode: 0o600 });
  try {
    await link(temp, path); // fails if another process won the race
    return keyFile;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const existing = await readKeyFile(path);
    if (!existing) throw error;
    return existing;
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

/** Loads (or creates once) the local signing key under `dataDir` (default `.data`). */
export async function loadLocalJwt(options: { dataDir?: string } = {}): Promise<LocalJwt> {
  const dataDir = options.dataDir ?? '.data';
  await mkdir(dataDir, { recursive: true });
  const keyFilePath = join(dataDir, KEY_FILE_NAME);
  const keyFile = (await readKeyFile(keyFilePath)) ?? (await createKeyFile(keyFilePath));
  const privateKey = await importJWK(keyFile.privateJwk, LOCAL_JWT_ALG);
  const publicKey = await importJWK(keyFile.publicJwk, LOCAL_JWT_ALG);

  return {
    keyFile: keyFilePath,

    async signToken({ sub, role, region, email, ttlSeconds = DEFAULT_TOKEN_TTL_SECONDS }) {
      if (!(ROLES as readonly string[]).includes(role)) throw new Error(`Unknown role: ${role}`);
      if (!(PROGRAM_REGIONS as readonly string[]).includes(region))
        throw new Error(`Unknown region: ${region}`);
      if (!sub) throw new Error('sub is required');
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({
        'cognito:groups': [role],
        'cognito:username': sub,
        'custom:region': region,
        ...(email ? { email, email_verified: true } : {}),
        token_use: 'id',
        auth_time: now,
      })
        .setProtectedHeader({ alg: LOCAL_JWT_ALG, kid: keyFile.kid, typ: 'JWT' })
        .setSubject(sub)
        .setIssuer(LOCAL_JWT_ISSUER)
        .setAudience(LOCAL_JWT_AUDIENCE)
        .setIssuedAt(now)
        .setExpirationTime(now + ttlSeconds)
        .setJti(randomUUID())
        .sign(privateKey);
    },

    async verifyToken(token) {
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, publicKey, {
          algorithms: [LOCAL_JWT_ALG],
          issuer: LOCAL_JWT_ISSUER,
          audience: LOCAL_JWT_AUDIENCE,
          requiredClaims: ['sub', 'exp', 'iat', 'token_use', 'custom:region', 'cognito:groups'],
        }));
      } catch (error) {
        throw new InvalidTokenError((error as { code?: string }).code ?? 'unverifiable', { cause: error });
      }
      const groups = payload['cognito:groups'];
      if (payload.token_use !== 'id') throw new InvalidTokenError('not an ID token');
      if (typeof payload.sub !== 'string' || payload.sub === '') throw new InvalidTokenError('no sub');
      if (!Array.isArray(groups) || !groups.every((g) => typeof g === 'string')) {
        throw new InvalidTokenError('cognito:groups is not a list');
      }
      if (!(PROGRAM_REGIONS as readonly unknown[]).includes(payload['custom:region'])) {
        throw new InvalidTokenError('custom:region is not a program region');
      }
      return payload as LocalIdTokenClaims;
    },
  };
}

/**
 * A stable local `sub` (UUID-shaped, like Cognito's) for a role in a region, so the coordinator
 * token printed today addresses the same alerts tomorrow.
 */
export function localSubFor(role: Role, region: ProgramRegion): string {
  const hex = createHash('sha256').update(`peerpath-local:${region}:${role}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
