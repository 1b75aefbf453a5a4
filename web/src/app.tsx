import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import { createApiClient } from './api.ts';
import { AppContext, type AppState, useApp } from './app-context.ts';
import { cloudSignOut, refreshCloudSession } from './cognito.ts';
import { type AppConfig, apiBaseUrl } from './config.ts';
import { ROLE_LABELS, regionName } from './labels.ts';
import { isInformation } from './notification-labels.ts';
import { ALERTS_CHANGED, AlertsPage } from './pages/alerts.tsx';
import { DebriefsPage } from './pages/debriefs.tsx';
import { GroupPage, GroupsPage } from './pages/groups.tsx';
import { MyReferralsPage, QueuePage } from './pages/lists.tsx';
import { NOTIFICATION_SETTINGS_PATH, NotificationSettingsPage } from './pages/notification-settings.tsx';
import { EditReferralPage, NewReferralPage } from './pages/referral-form.tsx';
import { ReferralPage } from './pages/referral-page.tsx';
import { ReportPage } from './pages/report.tsx';
import { DirectoryPage } from './pages/resources.tsx';
import { RosterPage, WorkerPage } from './pages/roster.tsx';
import { SignInPage } from './pages/sign-in.tsx';
import { ClientPage, MyClientsPage } from './pages/worker.tsx';
import { NewWorkerPage } from './pages/worker-form.tsx';
import { href, matchRoute, useHashPath } from './router.ts';
import {
  endSession,
  type Session,
  type SignOutReason,
  sessionProblem,
  storedSession,
  touch,
} from './session.ts';
import { Footer } from './ui/crisis-lines.tsx';
import { Page } from './ui/layout.tsx';
import { isStaff } from './views.ts';

interface NavItem {
  path: string;
  label: string;
}

/** Groups and the resource directory (issue 16): coordinators and workers. */
const COMMUNITY_NAV: NavItem[] = [
  { path: '/groups', label: 'Groups' },
  { path: '/resources', label: 'Resources' },
];
const COMMUNITY_ROUTES: RouteTable = [
  ['/groups', () => <GroupsPage />],
  ['/groups/:id', ({ id }) => <GroupPage id={id!} />],
  ['/resources', () => <DirectoryPage />],
];

function navFor(session: Session): NavItem[] {
  if (isStaff(session.role)) {
    return [
      { path: '/', label: 'Queue' },
      { path: '/alerts', label: 'Alerts' },
      { path: '/roster', label: 'Roster' },
      { path: '/debriefs', label: 'Debriefs' },
      { path: '/report', label: 'Report' },
      ...COMMUNITY_NAV,
    ];
  }
  if (session.role === 'clinician') {
    return [
      { path: '/', label: 'My referrals' },
      { path: '/referrals/new', label: 'Refer a client' },
      { path: '/alerts', label: 'Alerts' },
    ];
  }
  return [{ path: '/', label: 'My clients' }, { path: '/alerts', label: 'Alerts' }, ...COMMUNITY_NAV];
}

type RouteTable = [pattern: string, render: (params: Record<string, string>) => ComponentChildren][];

/** Every role's pages, then the role's own. */
function routesFor(session: Session): RouteTable {
  return [[NOTIFICATION_SETTINGS_PATH, () => <NotificationSettingsPage />], ...roleRoutes(session)];
}

function roleRoutes(session: Session): RouteTable {
  if (isStaff(session.role)) {
    return [
      ['/', () => <QueuePage />],
      ['/alerts', () => <AlertsPage />],
      ['/referrals/:id', ({ id }) => <ReferralPage id={id!} />],
      ['/referrals/:id/edit', ({ id }) => <EditReferralPage id={id!} />],
      ['/roster', () => <RosterPage />],
      ['/roster/new', () => <NewWorkerPage />],
      ['/roster/:id', ({ id }) => <WorkerPage id={id!} />],
      ['/debriefs', () => <DebriefsPage />],
      ['/report', () => <ReportPage />],
      ...COMMUNITY_ROUTES,
    ];
  }
  if (session.role === 'clinician') {
    return [
      ['/', () => <MyReferralsPage />],
      ['/referrals/new', () => <NewReferralPage />],
      ['/alerts', () => <AlertsPage />],
      ['/referrals/:id', ({ id }) => <ReferralPage id={id!} />],
      ['/referrals/:id/edit', ({ id }) => <EditReferralPage id={id!} />],
    ];
  }
  return [
    ['/', () => <MyClientsPage />],
    ['/alerts', () => <AlertsPage />],
    ['/clients/:id', ({ id }) => <ClientPage id={id!} />],
    ...COMMUNITY_ROUTES,
  ];
}

function NotFound() {
  return (
    <Page title="Page not found">
      <p>
        There is no page here for your role. <a href={href('/')}>Go to your start page</a>.
      </p>
    </Page>
  );
}

function UnreadAlerts({ path }: { path: string }) {
  const { api } = useApp();
  const [count, setCount] = useState<number | undefined>(undefined);
  const [changes, setChanges] = useState(0);
  useEffect(() => {
    const changed = () => setChanges((n) => n + 1);
    window.addEventListener(ALERTS_CHANGED, changed);
    return () => window.removeEventListener(ALERTS_CHANGED, changed);
  }, []);
  useEffect(() => {
    let live = true;
    api
      .call('listAlerts', { query: { acknowledged: 'false', limit: 100 } })
      // Information (a stage changed) needs nobody: it is in the inbox, not in the count.
      .then((page) => live && setCount(page.items.filter((alert) => !isInformation(alert.kind)).length))
      .catch(() => live && setCount(undefined));
    return () => {
      live = false;
    };
  }, [api, path, changes]);
  if (!count) return null;
  return (
    <span class="nav-count">
      {count >= 100 ? '99+' : count}
      <span class="visually-hidden"> unacknowledged</span>
    </span>
  );
}

function Shell() {
  const { session, signOut } = useApp();
  const path = useHashPath();
  const nav = navFor(session);
  const routes = routesFor(session);
  let page: ComponentChildren = <NotFound />;
  for (const [pattern, render] of routes) {
    const params = matchRoute(pattern, path);
    if (params) {
      page = render(params);
      break;
    }
  }
  const current = (item: NavItem) =>
    item.path === '/' ? path === '/' : path === item.path || path.startsWith(`${item.path}/`);
  return (
    <>
      {/* A button, not a link: `#main` would be read as a page address by the hash routing. */}
      <button type="button" class="skip-link" onClick={() => document.getElementById('main')?.focus()}>
        Skip to main content
      </button>
      <header class="header">
        <div class="header-inner">
          <a href={href('/')} class="brand">
            PeerPath
          </a>
          <p class="who">
            {ROLE_LABELS[session.role]} · {regionName(session.region)}
            {session.name ? ` · ${session.name}` : ''}
          </p>
          <a
            href={href(NOTIFICATION_SETTINGS_PATH)}
            class="header-link"
            aria-current={path === NOTIFICATION_SETTINGS_PATH ? 'page' : undefined}
          >
            Notifications
          </a>
          <button type="button" class="button button-quiet sign-out" onClick={() => signOut('signed-out')}>
            Sign out
          </button>
        </div>
        <nav class="nav" aria-label="Main">
          <ul>
            {nav.map((item) => (
              <li key={item.path}>
                <a href={href(item.path)} aria-current={current(item) ? 'page' : undefined}>
                  {item.label}
                  {item.path === '/alerts' ? <UnreadAlerts path={path} /> : null}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      </header>
      <main id="main" tabIndex={-1} key={path}>
        {page}
      </main>
      <Footer />
    </>
  );
}

const ACTIVITY_EVENTS = ['keydown', 'pointerdown', 'touchstart', 'wheel'] as const;
const CHECK_EVERY_MS = 15_000;

/** Signs out after 15 minutes without a key press, click or touch (checked every 15 s and on return). */
function useIdleSignOut(
  session: Session | undefined,
  signOut: (reason: SignOutReason) => void,
  config: AppConfig,
) {
  useEffect(() => {
    if (!session) return;
    let lastWrite = 0;
    const active = () => {
      const now = Date.now();
      if (now - lastWrite > 5_000) {
        lastWrite = now;
        touch(now);
      }
    };
    const check = async () => {
      // A cloud session's ID token is renewed with the refresh token before it expires (cognito.ts).
      if (config.mode === 'cloud' && sessionProblem(session) !== 'idle') await refreshCloudSession(config);
      const problem = sessionProblem(storedSession() ?? session);
      if (problem) signOut(problem);
    };
    for (const name of ACTIVITY_EVENTS)
      window.addEventListener(name, active, { passive: true, capture: true });
    document.addEventListener('visibilitychange', check);
    const timer = window.setInterval(check, CHECK_EVERY_MS);
    return () => {
      for (const name of ACTIVITY_EVENTS) window.removeEventListener(name, active, { capture: true });
      document.removeEventListener('visibilitychange', check);
      window.clearInterval(timer);
    };
  }, [session, signOut, config]);
}

function SignedIn({
  config,
  session,
  signOut,
}: {
  config: AppConfig;
  session: Session;
  signOut: AppState['signOut'];
}) {
  const api = useMemo(
    () =>
      createApiClient({
        baseUrl: apiBaseUrl(config, session.region),
        token: () => storedSession()?.token ?? session.token,
        onUnauthorized: () => signOut('expired'),
      }),
    [config, session, signOut],
  );
  const state = useMemo(() => ({ config, session, api, signOut }), [config, session, api, signOut]);
  return (
    <AppContext.Provider value={state}>
      <Shell />
    </AppContext.Provider>
  );
}

function initialSession(): Session | undefined {
  const session = storedSession();
  if (!session) return undefined;
  const problem = sessionProblem(session);
  if (problem) {
    endSession(problem);
    return undefined;
  }
  return session;
}

export function App({ config, problem }: { config: AppConfig; problem?: string | undefined }) {
  const [session, setSession] = useState<Session | undefined>(initialSession);
  const signOut = useCallback(
    (reason: SignOutReason = 'signed-out') => {
      endSession(reason);
      setSession(undefined);
      // Also end the hosted sign-in's own session, or the next person at this computer would walk straight in.
      if (config.mode === 'cloud' && reason !== 'expired') cloudSignOut(config);
      else if (window.location.hash !== '' && reason !== 'expired')
        window.history.replaceState(null, '', window.location.pathname);
    },
    [config],
  );
  useIdleSignOut(session, signOut, config);
  if (!session) return <SignInPage config={config} onSignedIn={setSession} problem={problem} />;
  return <SignedIn config={config} session={session} signOut={signOut} />;
}
