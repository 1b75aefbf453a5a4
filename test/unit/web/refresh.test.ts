import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { completeCloudSignIn, REFRESH_BEFORE_MS, refreshCloudSession } from '../../../web/src/cognito.ts';
import type { CloudConfig } from '../../../web/src/config.ts';
import {
  sessionFromToken,
  startSession,
  storedRefreshToken,
  storedSession,
} from '../../../web/src/session.ts';

/** The pages' sessionStorage, in memory (the tests run in Node). */
class MemoryStorage {
  private readonly items = new Map<string, string>();
  get length() {
    return this.items.size;
  }
  key(i: number) {
    return [...this.items.keys()][i] ?? null;
  }
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.items.set(key, String(value));
  }
  removeItem(key: string) {
    this.items.delete(key);
  }
}

const config: CloudConfig = {
  apiUrl: 'https://api.example.org',
  region: 'vancouver',
  userPoolId: 'ca-central-1_Abc123',
  userPoolClientId: 'client-1',
  cognitoDomain: 'peerpath-vancouver.auth.ca-central-1.amazoncognito.com',
  redirectUri: 'https://peerpath.example.org/',
};

/** An unsigned ID token with the claims the pages read. */
function idToken(sub: string, expiresAt: number): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const claims = {
    sub,
    exp: Math.floor(expiresAt / 1000),
    'cognito:groups': ['coordinator'],
    'custom:region': 'vancouver',
    token_use: 'id',
  };
  return `${part({ alg: 'none' })}.${part(claims)}.sig`;
}

let calls: { url: string; init: RequestInit }[];

beforeEach(() => {
  vi.stubGlobal('sessionStorage', new MemoryStorage());
  calls = [];
});
afterEach(() => {
  vi.unstubAllGlobals();
});

function answer(body: unknown, status = 200) {
  vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    return new Response(JSON.stringify(body), { status });
  });
}

describe('the pages keep a cloud session past the ID token’s hour', () => {
  it('keeps the refresh token from the sign-in beside the ID token, in sessionStorage', async () => {
    // Prepare
    const now = Date.now();
    sessionStorage.setItem('peerpath.pkce', JSON.stringify({ verifier: 'v', state: 's' }));
    vi.stubGlobal('window', {
      location: { search: '?code=c&state=s', pathname: '/', hash: '' },
      history: { replaceState: () => undefined },
    });
    answer({ id_token: idToken('u-1', now + 3_600_000), refresh_token: 'refresh-1' });

    // Act
    const token = await completeCloudSignIn(config);

    // Assess
    expect(storedRefreshToken()).toBe('refresh-1');
    expect(startSession(token).sub).toBe('u-1');
  });

  it('renews the ID token with REFRESH_TOKEN_AUTH shortly before it expires', async () => {
    // Prepare
    const now = Date.now();
    startSession(idToken('u-1', now + REFRESH_BEFORE_MS - 1000), now);
    sessionStorage.setItem('peerpath.refreshToken', 'refresh-1');
    const fresh = idToken('u-1', now + 3_600_000);
    answer({ AuthenticationResult: { IdToken: fresh } });

    // Act
    const session = await refreshCloudSession(config, now);

    // Assess
    expect(calls).toHaveLength(1);
    expect(calls[0]?.url).toBe('https://cognito-idp.ca-central-1.amazonaws.com/');
    const headers = calls[0]?.init.headers as Record<string, string> | undefined;
    expect(headers?.['x-amz-target']).toBe('AWSCognitoIdentityProviderService.InitiateAuth');
    expect(JSON.parse(String(calls[0]?.init.body))).toEqual({
      AuthFlow: 'REFRESH_TOKEN_AUTH',
      ClientId: 'client-1',
      AuthParameters: { REFRESH_TOKEN: 'refresh-1' },
    });
    expect(session?.token).toBe(fresh);
    expect(storedSession()?.token).toBe(fresh);
  });

  it('asks nothing while the token is fresh, and keeps the old one when Cognito refuses or names someone else', async () => {
    // Prepare
    const now = Date.now();
    const old = idToken('u-1', now + 60_000);
    startSession(idToken('u-1', now + 3_600_000), now);
    sessionStorage.setItem('peerpath.refreshToken', 'refresh-1');
    answer({});

    // Act
    const fresh = await refreshCloudSession(config, now);
    startSession(old, now);
    answer({ message: 'NotAuthorizedException' }, 400);
    const refused = await refreshCloudSession(config, now);
    answer({ AuthenticationResult: { IdToken: idToken('someone-else', now + 3_600_000) } });
    const other = await refreshCloudSession(config, now);

    // Assess
    expect(fresh?.sub).toBe('u-1');
    expect(refused).toBeUndefined();
    expect(other).toBeUndefined();
    expect(storedSession()?.token).toBe(old);
    expect(calls).toHaveLength(2);
  });
});

describe('the pages read roles from exact group names', () => {
  it('gives no role for a group named "clinician,admin"', () => {
    const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const token = (groups: unknown) =>
      `${part({ alg: 'none' })}.${part({ sub: 'u-1', exp: 2e9, 'cognito:groups': groups, 'custom:region': 'vancouver' })}.sig`;
    expect(sessionFromToken(token(['clinician,admin']))).toBeUndefined();
    expect(sessionFromToken(token('clinician,admin'))).toBeUndefined();
    expect(sessionFromToken(token(['clinician']))?.roles).toEqual(['clinician']);
  });
});

describe('an idle tab', () => {
  it('is not kept going: no refresh after 15 minutes without activity', async () => {
    // Prepare
    const now = Date.now();
    startSession(idToken('u-1', now + 60_000), now - 16 * 60_000);
    sessionStorage.setItem('peerpath.refreshToken', 'refresh-1');
    answer({ AuthenticationResult: { IdToken: idToken('u-1', now + 3_600_000) } });

    // Act
    const session = await refreshCloudSession(config, now);

    // Assess
    expect(session).toBeUndefined();
    expect(calls).toHaveLength(0);
  });
});
