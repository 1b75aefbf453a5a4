import { useState } from 'preact/hooks';
import { Stage } from '#domain/lifecycle.ts';
import { todayInProgramZone } from '#domain/vocabulary.ts';
import { useApp } from '../app-context.ts';
import { useAction, useLoad } from '../hooks.ts';
import { formatDate, monthName } from '../labels.ts';
import {
  ConfirmBox,
  Details,
  ErrorNotice,
  flash,
  Link,
  LoadStatus,
  Page,
  PendingPage,
  Section,
  StageBadge,
  ToggleButton,
} from '../ui/layout.tsx';
import { allowedEvents, type ReferralView, referralTitle } from '../views.ts';
import { ConcernForm } from './concern-form.tsx';
import { HoldForm } from './referral-action-forms.tsx';
import { ReferralDetails } from './referral-page.tsx';
import { CommunitySection } from './resources.tsx';
import { GoalsSection } from './worker-goals.tsx';
import { SessionsSection } from './worker-sessions.tsx';

/**
 * A peer worker's pages: their clients, and for each client the goals (set in the client's words, rated on
 * the goal-attainment scale), the sessions (logged and corrected), concerns and the close of the work.
 */

const NEXT_STEP: Partial<Record<Stage, string>> = {
  [Stage.GOAL_SETTING]: 'Meet the client and set their goals together.',
  [Stage.IN_SESSIONS]: 'Log each session; rate goals as they move.',
  [Stage.ON_HOLD]: 'On hold: resume when the client is ready.',
  [Stage.GOALS_ACHIEVED]: 'Goals achieved: a coordinator will confirm the closure.',
};

const clientFirstName = (referral: ReferralView) =>
  referral.details?.client.preferredName ?? referral.details?.client.givenName ?? 'the client';

const thisMonth = () => todayInProgramZone().slice(0, 7);

function MinutesThisMonth() {
  const { api, session } = useApp();
  const loaded = useLoad(() => api.call('getWorker', { params: { id: session.sub } }), [session.sub]);
  const month = thisMonth();
  const minutes = loaded.data?.minutesByMonth?.find((m) => m.month === month)?.minutes ?? 0;
  return (
    <Section title="My minutes this month" id="minutes">
      <LoadStatus loaded={loaded} />
      {loaded.data ? (
        <p class="big-number">
          <strong>{minutes}</strong> paid minutes in {monthName(month)}
          <span class="muted"> ({(minutes / 60).toFixed(1)} hours)</span>
        </p>
      ) : null}
      {loaded.data?.minutesByMonth && loaded.data.minutesByMonth.length > 1 ? (
        <details>
          <summary>Earlier months</summary>
          <ul class="plain-list">
            {loaded.data.minutesByMonth
              .filter((m) => m.month !== month)
              .map((m) => (
                <li key={m.month}>
                  {monthName(m.month)}: {m.minutes} minutes
                </li>
              ))}
          </ul>
        </details>
      ) : null}
    </Section>
  );
}

export function MyClientsPage() {
  const { api } = useApp();
  const loaded = useLoad(() => api.call('listReferrals', { query: { limit: 100 } }), []);
  const items = loaded.data?.items ?? [];
  return (
    <Page title="My clients" lead={<p>The people you support now, and what comes next with each.</p>}>
      <LoadStatus loaded={loaded} />
      {loaded.data && items.length === 0 ? <p>You have no clients right now.</p> : null}
      <ul class="cards" aria-label="Clients">
        {items.map((referral) => {
          const headingId = `client-${referral.id}`;
          return (
            <li key={referral.id} class="card" aria-labelledby={headingId}>
              <div class="card-head">
                <h2 id={headingId} class="card-title">
                  <Link to={`/clients/${referral.id}`}>{referralTitle(referral)}</Link>
                </h2>
                <StageBadge stage={referral.stage} />
              </div>
              <p>{NEXT_STEP[referral.stage] ?? ''}</p>
              <Details
                items={[
                  ['Matched', referral.matchedAt ? formatDate(referral.matchedAt) : undefined],
                  ['Last session', referral.lastSessionAt ? formatDate(referral.lastSessionAt) : undefined],
                ]}
              />
            </li>
          );
        })}
      </ul>
      <MinutesThisMonth />
    </Page>
  );
}

// --- the client page ------------------------------------------------------------------------------------

function WorkerActions({ referral, onChanged }: { referral: ReferralView; onChanged: () => void }) {
  const { api, session } = useApp();
  const events = allowedEvents(referral, session.role);
  const [confirming, setConfirming] = useState(false);
  const [holding, setHolding] = useState(false);
  const { failure, run: attempt } = useAction();
  if (!events.some((e) => e === 'goalsAchieved' || e === 'hold' || e === 'resume')) return null;
  const run = (what: 'goalsAchieved' | 'resume') =>
    attempt(async () => {
      if (what === 'goalsAchieved') await api.call('goalsAchieved', { params: { id: referral.id } });
      else await api.call('resumeReferral', { params: { id: referral.id }, body: {} });
      flash(
        what === 'goalsAchieved'
          ? 'Marked as goals achieved. A coordinator will confirm the closure.'
          : 'Sessions resumed.',
      );
      setConfirming(false);
      onChanged();
    });
  return (
    <Section title="Where the work is going" id="work-actions">
      <div class="actions">
        {events.includes('goalsAchieved') && !confirming ? (
          <button type="button" class="button" onClick={() => setConfirming(true)}>
            Mark goals achieved…
          </button>
        ) : null}
        {events.includes('hold') ? (
          <ToggleButton open={holding} onToggle={() => setHolding(!holding)}>
            Put on hold…
          </ToggleButton>
        ) : null}
        {events.includes('resume') ? (
          <button type="button" class="button" onClick={() => run('resume')}>
            Resume sessions
          </button>
        ) : null}
      </div>
      {confirming ? (
        <ConfirmBox question="Has the client reached their goals?">
          <p>A coordinator will confirm and close the referral.</p>
          <div class="actions">
            <button type="button" class="button" onClick={() => run('goalsAchieved')}>
              Yes, goals achieved
            </button>
            <button type="button" class="button button-secondary" onClick={() => setConfirming(false)}>
              Not yet
            </button>
          </div>
        </ConfirmBox>
      ) : null}
      {holding ? (
        <HoldForm
          referral={referral}
          onChanged={() => {
            setHolding(false);
            onChanged();
          }}
        />
      ) : null}
      <ErrorNotice error={failure} />
    </Section>
  );
}

export function ClientPage({ id }: { id: string }) {
  const { api } = useApp();
  const loaded = useLoad(() => api.call('getReferral', { params: { id } }), [id]);
  const referral = loaded.data;
  const back = { path: '/', label: 'Back to my clients' };
  if (!referral) return <PendingPage title="Client" back={back} loaded={loaded} />;
  return (
    <Page
      title={referralTitle(referral)}
      back={back}
      lead={
        <p class="meta">
          <StageBadge stage={referral.stage} /> {NEXT_STEP[referral.stage] ?? ''}
        </p>
      }
    >
      <ErrorNotice error={loaded.error} retry={loaded.reload} />
      <details class="section">
        <summary>About {clientFirstName(referral)}: contact, safety, preferences</summary>
        <ReferralDetails referral={referral} />
      </details>
      <GoalsSection referral={referral} onChanged={loaded.reload} />
      <SessionsSection referral={referral} onChanged={loaded.reload} />
      <CommunitySection referralId={referral.id} />
      <WorkerActions referral={referral} onChanged={loaded.reload} />
      <ConcernForm referral={referral} />
    </Page>
  );
}
