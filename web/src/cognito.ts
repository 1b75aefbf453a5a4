import { type CloudConfig, cognitoOrigin } from './config.ts';
import {
  IDLE_LIMIT_MS,
  lastActiveAt,
  renewSession,
  type Session,
  STORAGE_PREFIX,
  storedRefreshToken,
  storedSession,
  storeRefreshToken,
} from './session.ts';

/**
 * Cognito's hosted sign-in with the authorization code flow and PKCE (no client secret in the pages).
 * The code arrives in the redirect URL; it is exchanged at once and removed from the address bar, so no
 * token or code stays in a URL, the history or a Referer.
 */

const PKCE_KEY = `${STORAGE_PREFIX}pkce`;

function base64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function randomString(bytes = 32): string {
  return base64Url(crypto.getRandomValues(new Uint8Array(bytes)));
}

async function challengeFor(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64Url(new Uint8Array(digest));
}

/** Sends the browser to the hosted sign-in page. */
export async function beginCloudSignIn(config: CloudConfig): Promise<void> {
  const verifier = randomString(48);
  const state = randomString(16);
  sessionStorage.setItem(PKCE_KEY, JSON.stringify({ verifier, state }));
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: config.userPoolClientId,
    redirect_uri: config.redirectUri,
    scope: 'openid email profile',
    state,
    code_challenge_method: 'S256',
    code_challenge: await challengeFor(verifier),
  });
  window.location.assign(`${cognitoOrigin(config.cognitoDomain)}/oauth2/authorize?${query}`);
}

/** Whether this page load is the return from the hosted sign-in. */
export function isSignInCallback(): boolean {
  const query = new URLSearchParams(window.location.search);
  return query.has('code') || query.has('error');
}

/**
 * Completes the sign-in: checks `state`, exchanges the code for tokens and returns the ID token (the one
 * the API's JWT authorizer accepts). The code is removed from the address bar whatever happens.
 */
export async function completeCloudSignIn(config: CloudConfig): Promise<string> {
  const query = new URLSearchParams(window.location.search);
  window.history.replaceState(null, '', `${window.location.pathname}${window.location.hash}`);
  const stored = sessionStorage.getItem(PKCE_KEY);
  sessionStorage.removeItem(PKCE_KEY);
  if (query.has('error')) throw new Error('The sign-in was cancelled or refused.');
  const { verifier, state } = (stored ? JSON.parse(stored) : {}) as { verifier?: string; state?: string };
  const code = query.get('code');
  if (!verifier || !state || query.get('state') !== state || !code) {
    throw new Error('This sign-in link is not valid any more. Please sign in again.');
  }
  const response = await fetch(`${cognitoOrigin(config.cognitoDomain)}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: config.userPoolClientId,
      code,
      redirect_uri: config.redirectUri,
      code_verifier: verifier,
    }),
  });
  if (!response.ok) throw new Error('The sign-in could not be completed. Please sign in again.');
  const tokens = (await response.json()) as { id_token?: unknown; refresh_token?: unknown };
  if (typeof tokens.id_token !== 'string') throw new Error('The sign-in did not return an ID token.');
  if (typeof tokens.refresh_token === 'string') storeRefreshToken(tokens.refresh_token);
  return tokens.id_token;
}

/** Renew the ID token this long before it expires (the check runs every 15 s and on return to the tab). */
export const REFRESH_BEFORE_MS = 5 * 60 * 1000;

/**
 * Keeps a cloud session going past the ID token's hour: shortly before it expires, a new ID token is asked
 * for with the refresh token (Cognito's `InitiateAuth`, `REFRESH_TOKEN_AUTH`; a public app client needs no
 * secret) and stored in its place. Returns the session as it now stands, or undefined when there is none to
 * keep (no refresh token, or Cognito refused it: then the expiry signs the person out as before). The idle
 * limit is not touched: 15 minutes without activity still signs out.
 */
export async function refreshCloudSession(
  config: CloudConfig,
  now = Date.now(),
): Promise<Session | undefined> {
  const session = storedSession();
  const refreshToken = storedRefreshToken();
  if (!session || !refreshToken) return undefined;
  // An idle tab is signed out, never kept going.
  if (now - lastActiveAt() >= IDLE_LIMIT_MS) return undefined;
  if (session.expiresAt - now > REFRESH_BEFORE_MS) return session;
  const awsRegion = config.userPoolId.split('_')[0];
  try {
    const response = await fetch(`https://cognito-idp.${awsRegion}.amazonaws.com/`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'AWSCognitoIdentityProviderService.InitiateAuth',
      },
      body: JSON.stringify({
        AuthFlow: 'REFRESH_TOKEN_AUTH',
        ClientId: config.userPoolClientId,
        AuthParameters: { REFRESH_TOKEN: refreshToken },
      }),
    });
    if (!response.ok) return undefined;
    const body = (await response.json()) as { AuthenticationResult?: { IdToken?: unknown } };
    const idToken = body.AuthenticationResult?.IdToken;
    return typeof idToken === 'string' ? renewSession(idToken) : undefined;
  } catch {
    return undefined; // offline: the token's own expiry decides
  }
}

/** Signs out of the hosted sign-in too (the local session is already cleared). */
export function cloudSignOut(config: CloudConfig): void {
  const query = new URLSearchParams({ client_id: config.userPoolClientId, logout_uri: config.redirectUri });
  window.location.assign(`${cognitoOrigin(config.cognitoDomain)}/logout?${query}`);
}
