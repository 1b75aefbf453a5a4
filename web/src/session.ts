import { PROGRAM_REGIONS, type ProgramRegion, ROLES, type Role } from '#domain/roles.ts';

/**
 * The signed-in person, kept in `sessionStorage` only (gone when the tab closes; never in a URL, never in
 * localStorage or a cookie). Shared clinic computers are the norm, so:
 * - 15 minutes without a key press, click or touch signs out, and signing out clears every draft;
 * - an expired token ends the session but keeps the person's drafts (they sign in again and carry on),
 *   and a different person signing in on the same tab never sees them (drafts are cleared on a new sub).
 */

export const STORAGE_PREFIX = 'peerpath.';
const TOKEN_KEY = `${STORAGE_PREFIX}token`;
const REFRESH_KEY = `${STORAGE_PREFIX}refreshToken`;
const ACTIVE_KEY = `${STORAGE_PREFIX}lastActiveAt`;
const NOTICE_KEY = `${STORAGE_PREFIX}signOutNotice`;
const DRAFT_PREFIX = `${STORAGE_PREFIX}draft.`;
export const IDLE_LIMIT_MS = 15 * 60 * 1000;

export interface Session {
  token: string;
  sub: string;
  /** The role the pages act as: the most privileged one held. */
  role: Role;
  roles: Role[];
  region: ProgramRegion;
  email?: string;
  name?: string;
  /** Epoch milliseconds. */
  expiresAt: number;
}

export type SignOutReason = 'signed-out' | 'idle' | 'expired';

/** Most privileged first, as the API picks the role a request acts as. */
const ROLE_PRECEDENCE: readonly Role[] = ['admin', 'coordinator', 'clinician', 'peer-worker'];

function base64UrlDecode(text: string): string {
  const base64 = text
    .replace(/-/g, '+')
    .replace(/_/g, '/')
    .padEnd(Math.ceil(text.length / 4) * 4, '=');
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

/** The claims of a JWT (not verified here: the API verifies every request). */
export function decodeClaims(token: string): Record<string, unknown> | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const claims: unknown = JSON.parse(base64UrlDecode(payload));
    return typeof claims === 'object' && claims !== null ? (claims as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** A token's `cognito:groups` is an array of exact names: a comma inside one name never makes two. */
function groupsOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((g): g is string => typeof g === 'string');
  return [];
}

/** A session from an ID token, or undefined when the token lacks what PeerPath needs. */
export function sessionFromToken(token: string): Session | undefined {
  const claims = decodeClaims(token);
  if (!claims) return undefined;
  const { sub, exp, email, given_name: givenName } = claims as Record<string, unknown>;
  const region = claims['custom:region'];
  const held = new Set(
    groupsOf(claims['cognito:groups']).filter((g) => (ROLES as readonly string[]).includes(g)),
  );
  const roles = ROLE_PRECEDENCE.filter((role) => held.has(role));
  const role = roles[0];
  if (typeof sub !== 'string' || !sub || role === undefined) return undefined;
  if (typeof region !== 'string' || !(PROGRAM_REGIONS as readonly string[]).includes(region))
    return undefined;
  if (typeof exp !== 'number') return undefined;
  return {
    token,
    sub,
    role,
    roles,
    region: region as ProgramRegion,
    expiresAt: exp * 1000,
    ...(typeof email === 'string' ? { email } : {}),
    ...(typeof givenName === 'string' ? { name: givenName } : {}),
  };
}

/** Keys this app wrote to sessionStorage. */
function ownKeys(): string[] {
  const keys: string[] = [];
  for (let i = 0; i < sessionStorage.length; i++) {
    const key = sessionStorage.key(i);
    if (key?.startsWith(STORAGE_PREFIX)) keys.push(key);
  }
  return keys;
}

export function lastActiveAt(): number {
  return Number(sessionStorage.getItem(ACTIVE_KEY) ?? 0);
}

/** Records activity (a key press, a click, a touch). */
export function touch(now = Date.now()): void {
  sessionStorage.setItem(ACTIVE_KEY, String(now));
}

/** Why the stored session cannot be used, if it cannot. */
export function sessionProblem(session: Session, now = Date.now()): SignOutReason | undefined {
  if (now - lastActiveAt() >= IDLE_LIMIT_MS) return 'idle';
  if (now >= session.expiresAt) return 'expired';
  return undefined;
}

/** The session stored in this tab, if there is one. Ending a stale one is the caller's choice. */
export function storedSession(): Session | undefined {
  const token = sessionStorage.getItem(TOKEN_KEY);
  return token ? sessionFromToken(token) : undefined;
}

/** Stores a new session. A different person's drafts in this tab are cleared first. */
export function startSession(token: string, now = Date.now()): Session {
  const session = sessionFromToken(token);
  if (!session) throw new Error('The sign-in did not return a PeerPath token');
  for (const key of ownKeys()) {
    if (key.startsWith(DRAFT_PREFIX) && !key.startsWith(`${DRAFT_PREFIX}${session.sub}.`)) {
      sessionStorage.removeItem(key);
    }
  }
  sessionStorage.removeItem(NOTICE_KEY);
  sessionStorage.setItem(TOKEN_KEY, token);
  touch(now);
  return session;
}

/** Keeps the hosted sign-in's refresh token beside the ID token (this tab only, like it). */
export function storeRefreshToken(token: string): void {
  sessionStorage.setItem(REFRESH_KEY, token);
}

export function storedRefreshToken(): string | undefined {
  return sessionStorage.getItem(REFRESH_KEY) ?? undefined;
}

/**
 * Replaces the ID token with a fresh one for the same person (a refresh), keeping drafts and the activity
 * clock. A token for anyone else is refused: undefined, nothing changed.
 */
export function renewSession(token: string): Session | undefined {
  const session = sessionFromToken(token);
  if (!session || session.sub !== storedSession()?.sub) return undefined;
  sessionStorage.setItem(TOKEN_KEY, token);
  return session;
}

/**
 * Ends the session. Signing out (or being signed out for inactivity) clears everything this app kept,
 * drafts included; an expired token keeps the drafts for the same person's next sign-in.
 */
export function endSession(reason: SignOutReason): void {
  for (const key of ownKeys()) {
    if (reason === 'expired' && key.startsWith(DRAFT_PREFIX)) continue;
    sessionStorage.removeItem(key);
  }
  sessionStorage.setItem(NOTICE_KEY, reason);
}

/**
 * Why the last session ended, shown on the sign-in page until the next sign-in (it survives the round trip
 * through the hosted sign-out page).
 */
export function signOutNotice(): SignOutReason | undefined {
  const reason = sessionStorage.getItem(NOTICE_KEY);
  return reason === 'signed-out' || reason === 'idle' || reason === 'expired' ? reason : undefined;
}

// --- drafts --------------------------------------------------------------------------------------------

const draftKey = (sub: string, name: string) => `${DRAFT_PREFIX}${sub}.${name}`;

export function loadDraft<T>(sub: string, name: string): T | undefined {
  const text = sessionStorage.getItem(draftKey(sub, name));
  if (!text) return undefined;
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}

export function saveDraft(sub: string, name: string, value: unknown): void {
  try {
    sessionStorage.setItem(draftKey(sub, name), JSON.stringify(value));
  } catch {
    // Storage full or unavailable: the form still works, only the safety net is gone.
  }
}

export function clearDraft(sub: string, name: string): void {
  sessionStorage.removeItem(draftKey(sub, name));
}
