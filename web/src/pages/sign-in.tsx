import { useEffect, useState } from 'preact/hooks';
import { PROGRAM_REGIONS, type ProgramRegion, ROLES, type Role } from '#domain/roles.ts';
import { createApiClient, localToken } from '../api.ts';
import { beginCloudSignIn } from '../cognito.ts';
import type { AppConfig } from '../config.ts';
import { ROLE_LABELS, regionName } from '../labels.ts';
import { type Session, type SignOutReason, signOutNotice, startSession } from '../session.ts';
import { ErrorNotice, Notice } from '../ui/layout.tsx';

/**
 * Sign-in. In the cloud: Cognito's hosted sign-in (authorization code + PKCE). Locally (`npm start`): pick a
 * role, a region and an account; the local signer issues the same kind of token Cognito would. Local
 * sign-in has no password: it exists only on a laptop running the invented demo data.
 */

const NOTICES: Record<SignOutReason, string> = {
  'signed-out': 'You have signed out. Anything you had typed in this tab has been cleared.',
  idle: 'You were signed out after 15 minutes without activity, and what you had typed was cleared. This keeps clients’ details safe on shared computers.',
  expired: 'Your sign-in expired. Sign in again to carry on: what you had typed is kept in this tab.',
};

interface Account {
  sub: string;
  label: string;
}

/** The region's accounts of a role, read with a throwaway local admin token (local sign-in only). */
async function localAccounts(region: ProgramRegion, role: Role): Promise<Account[]> {
  const token = await localToken({ role: 'admin', region });
  const api = createApiClient({ baseUrl: `/${region}`, token: () => token });
  const { items } = await api.call('listUsers', { query: { role } });
  return items
    .filter((user) => user.enabled)
    .map((user) => ({ sub: user.sub, label: `${user.givenName} ${user.familyName} (${user.email})` }));
}

function LocalSignIn({ onSignedIn }: { onSignedIn: (session: Session) => void }) {
  const [role, setRole] = useState<Role>('clinician');
  const [region, setRegion] = useState<ProgramRegion>('vancouver');
  const [accounts, setAccounts] = useState<Account[] | undefined>(undefined);
  const [sub, setSub] = useState('');
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let live = true;
    setAccounts(undefined);
    setSub('');
    localAccounts(region, role)
      .then((found) => live && setAccounts(found))
      .catch(() => live && setAccounts([]));
    return () => {
      live = false;
    };
  }, [region, role]);

  return (
    <form
      class="form card sign-in"
      aria-labelledby="local-sign-in-title"
      onSubmit={async (event) => {
        event.preventDefault();
        setBusy(true);
        setError(undefined);
        try {
          const token = await localToken({ role, region, ...(sub ? { sub } : {}) });
          onSignedIn(startSession(token));
        } catch (caught) {
          setError(caught);
        } finally {
          setBusy(false);
        }
      }}
    >
      <h2 id="local-sign-in-title">Sign in on this computer</h2>
      <p class="hint">
        Local mode: no password, invented demo data only. In the cloud, people sign in with their PeerPath
        account.
      </p>
      <fieldset class="field group">
        <legend class="label">Role</legend>
        <div class="choices">
          {ROLES.map((value) => (
            <div class="radio" key={value}>
              <input
                type="radio"
                id={`role-${value}`}
                name="role"
                value={value}
                checked={role === value}
                onChange={() => setRole(value)}
              />
              <label for={`role-${value}`}>{ROLE_LABELS[value]}</label>
            </div>
          ))}
        </div>
      </fieldset>
      <div class="field">
        <label class="label" for="region">
          Region
        </label>
        <select
          id="region"
          class="select"
          value={region}
          onChange={(event) => setRegion((event.currentTarget as HTMLSelectElement).value as ProgramRegion)}
        >
          {PROGRAM_REGIONS.map((value) => (
            <option key={value} value={value}>
              {regionName(value)}
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <label class="label" for="account">
          Account
        </label>
        <select
          id="account"
          class="select"
          value={sub}
          disabled={accounts === undefined}
          onChange={(event) => setSub((event.currentTarget as HTMLSelectElement).value)}
        >
          <option value="">
            {accounts === undefined ? 'Loading accounts…' : `The demo ${ROLE_LABELS[role].toLowerCase()}`}
          </option>
          {(accounts ?? []).map((account) => (
            <option key={account.sub} value={account.sub}>
              {account.label}
            </option>
          ))}
        </select>
      </div>
      <ErrorNotice error={error} />
      <button type="submit" class="button" disabled={busy}>
        Sign in
      </button>
    </form>
  );
}

export function SignInPage({
  config,
  onSignedIn,
  problem,
}: {
  config: AppConfig;
  onSignedIn: (session: Session) => void;
  problem?: string | undefined;
}) {
  const [notice] = useState(signOutNotice);
  const [error, setError] = useState<unknown>(undefined);
  useEffect(() => {
    document.title = 'Sign in · PeerPath';
    document.querySelector<HTMLElement>('h1')?.focus();
  }, []);
  return (
    <>
      <header class="header">
        <div class="header-inner">
          <span class="brand">PeerPath</span>
        </div>
      </header>
      <main id="main" class="page page-narrow">
        <h1 tabIndex={-1}>Sign in to PeerPath</h1>
        <p class="lead">
          Peer support from referral to closure: for clinicians, coordinators and peer workers.
        </p>
        {notice ? (
          <Notice kind={notice === 'expired' ? 'warning' : 'info'} live>
            {NOTICES[notice]}
          </Notice>
        ) : null}
        {problem ? (
          <Notice kind="error" live>
            {problem}
          </Notice>
        ) : null}
        {config.mode === 'cloud' ? (
          <div class="card sign-in">
            <p>
              You will sign in on the {regionName(config.region)} program’s secure page, then come straight
              back here.
            </p>
            <ErrorNotice error={error} />
            <button
              type="button"
              class="button"
              onClick={() => beginCloudSignIn(config).catch((caught: unknown) => setError(caught))}
            >
              Sign in
            </button>
          </div>
        ) : (
          <LocalSignIn onSignedIn={onSignedIn} />
        )}
        <p class="hint">
          PeerPath holds confidential health information. Sign out when you leave a shared computer; it also
          signs you out after 15 minutes without activity.
        </p>
      </main>
    </>
  );
}
