import { useState } from 'preact/hooks';
import { SESSION_STAGES, Stage } from '#domain/lifecycle.ts';
import { CONCERN_CATEGORIES, CONCERN_LEVELS, SESSION_MODES, todayInProgramZone } from '#domain/vocabulary.ts';
import {
  ConcernInputSchema,
  GoalRatingInputSchema,
  GoalsInputSchema,
  MAX_RATING,
  MIN_RATING,
  SessionInputSchema,
  SessionPatchSchema,
} from '#domain/work.ts';
import { useApp } from '../app-context.ts';
import { useLoad } from '../hooks.ts';
import {
  CONCERN_CATEGORY_LABELS,
  CONCERN_LEVEL_LABELS,
  formatDate,
  monthName,
  plural,
  RATING_LABELS,
  SESSION_MODE_LABELS,
} from '../labels.ts';
import { optionalText, useActionForm } from '../ui/action-form.tsx';
import { CheckboxField, Form, optionsOf, RadioGroup, SelectField, TextField } from '../ui/form.tsx';
import {
  ConfirmBox,
  Details,
  ErrorNotice,
  flash,
  Link,
  Loading,
  Notice,
  Page,
  Section,
  StageBadge,
  SubmitButton,
} from '../ui/layout.tsx';
import {
  allowedEvents,
  type GoalView,
  type ReferralView,
  referralTitle,
  type SessionView,
} from '../views.ts';
import { HoldForm } from './coordinator-actions.tsx';
import { ReferralDetails } from './referral-page.tsx';

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
      {loaded.loading && !loaded.data ? <Loading /> : null}
      <ErrorNotice error={loaded.error} retry={loaded.reload} />
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
      {loaded.loading && !loaded.data ? <Loading /> : null}
      <ErrorNotice error={loaded.error} retry={loaded.reload} />
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

// --- goals ----------------------------------------------------------------------------------------------

interface GoalsDraft {
  goals: { title: string; description: string }[];
}

function GoalsForm({ referral, onChanged }: { referral: ReferralView; onChanged: () => void }) {
  const { api } = useApp();
  const first = referral.stage === Stage.GOAL_SETTING;
  const fromReferral = first
    ? (referral.details?.goals ?? []).map((g) => ({ title: g.text, description: '' }))
    : [];
  const action = useActionForm({
    draftName: `goals-${referral.id}`,
    initial: (): GoalsDraft => ({
      goals: fromReferral.length > 0 ? fromReferral : [{ title: '', description: '' }],
    }),
    schema: GoalsInputSchema,
    toBody: (values: GoalsDraft) => ({
      goals: values.goals.map((g) => ({ title: g.title, description: optionalText(g.description) })),
    }),
    send: async (body) => {
      await api.call('setGoals', { params: { id: referral.id }, body });
      flash(first ? 'Goals set. Sessions can start.' : 'Goal added.');
      onChanged();
    },
  });
  const goals = action.form.values.goals;
  action.form.registry.set('goals', { label: 'Goals' });
  return (
    <Form
      form={action.form}
      onSubmit={action.submit}
      label={first ? 'Set goals' : 'Add goals'}
      class="form subform"
    >
      <h3>{first ? 'Set the client’s goals' : 'Add a goal'}</h3>
      <p class="hint">In the client’s own words. Each goal starts at −1 (somewhat less than expected).</p>
      {goals.map((_goal, index) => (
        <div class="repeat" key={index}>
          <TextField path={`goals.${index}.title`} label={`Goal ${index + 1}`} />
          <TextField
            path={`goals.${index}.description`}
            label="What it looks like when it is reached"
            optional
            multiline
            rows={2}
          />
          {goals.length > 1 ? (
            <button
              type="button"
              class="button button-link"
              onClick={() =>
                action.form.set(
                  'goals',
                  goals.filter((_, i) => i !== index),
                )
              }
            >
              Remove goal {index + 1}
            </button>
          ) : null}
        </div>
      ))}
      <div class="actions">
        {goals.length < 10 ? (
          <button
            type="button"
            class="button button-secondary"
            onClick={() => action.form.set('goals', [...goals, { title: '', description: '' }])}
          >
            Add another goal
          </button>
        ) : null}
        <SubmitButton>{first ? 'Save goals' : 'Add goals'}</SubmitButton>
      </div>
      <ErrorNotice error={action.failure} />
    </Form>
  );
}

function RatingForm({
  referral,
  goal,
  onChanged,
}: {
  referral: ReferralView;
  goal: GoalView;
  onChanged: () => void;
}) {
  const { api } = useApp();
  const action = useActionForm({
    draftName: `rating-${goal.id}`,
    initial: () => ({ rating: '', note: '' }),
    schema: GoalRatingInputSchema,
    toBody: (values: { rating: string; note: string }) => ({
      rating: values.rating === '' ? undefined : Number(values.rating),
      note: optionalText(values.note),
    }),
    send: async (body) => {
      await api.call('rateGoal', { params: { id: referral.id, goalId: goal.id }, body });
      flash(`Rating saved for “${goal.title}”.`);
      onChanged();
    },
  });
  const ratings: string[] = [];
  for (let r = MAX_RATING; r >= MIN_RATING; r--) ratings.push(String(r));
  return (
    <Form form={action.form} onSubmit={action.submit} label={`Rate ${goal.title}`} class="form subform">
      <RadioGroup
        path="rating"
        legend={`How is “${goal.title}” going?`}
        options={ratings.map((r) => ({ value: r, label: RATING_LABELS[r] ?? r }))}
      />
      <TextField path="note" label="Note" optional multiline rows={2} />
      <ErrorNotice error={action.failure} />
      <SubmitButton secondary>Save rating</SubmitButton>
    </Form>
  );
}

function GoalsSection({ referral, onChanged }: { referral: ReferralView; onChanged: () => void }) {
  const goals = referral.goals ?? [];
  const [rating, setRating] = useState<string | undefined>(undefined);
  const [adding, setAdding] = useState(false);
  const canWork = referral.stage === Stage.IN_SESSIONS;
  return (
    <Section title="Goals" id="goals">
      {referral.stage === Stage.GOAL_SETTING ? <GoalsForm referral={referral} onChanged={onChanged} /> : null}
      {goals.length > 0 ? (
        <ul class="cards">
          {goals.map((goal) => {
            const headingId = `goal-${goal.id}`;
            return (
              <li key={goal.id} class="card" aria-labelledby={headingId}>
                <h3 id={headingId}>{goal.title}</h3>
                {goal.description ? <p>{goal.description}</p> : null}
                <p class="meta">
                  Now: <strong>{RATING_LABELS[String(goal.latestRating)]}</strong> · started at{' '}
                  {RATING_LABELS[String(goal.baselineRating)]}
                  {goal.ratings.length > 0 ? ` · ${plural(goal.ratings.length, 'rating')}` : ''}
                </p>
                {canWork ? (
                  rating === goal.id ? (
                    <RatingForm
                      referral={referral}
                      goal={goal}
                      onChanged={() => {
                        setRating(undefined);
                        onChanged();
                      }}
                    />
                  ) : (
                    <button type="button" class="button button-secondary" onClick={() => setRating(goal.id)}>
                      Rate this goal
                    </button>
                  )
                ) : null}
              </li>
            );
          })}
        </ul>
      ) : null}
      {canWork ? (
        adding ? (
          <GoalsForm
            referral={referral}
            onChanged={() => {
              setAdding(false);
              onChanged();
            }}
          />
        ) : (
          <button type="button" class="button button-link" onClick={() => setAdding(true)}>
            Add a goal
          </button>
        )
      ) : null}
    </Section>
  );
}

// --- sessions -------------------------------------------------------------------------------------------

interface SessionDraft {
  date: string;
  mode: string;
  minutes: string;
  note: string;
  debriefNeeded: boolean;
}

const sessionBody = (values: SessionDraft) => ({
  date: values.date,
  mode: values.mode || undefined,
  minutes: values.minutes.trim() === '' ? undefined : Number(values.minutes),
  note: optionalText(values.note),
  debriefNeeded: values.debriefNeeded,
});

function SessionFields() {
  return (
    <>
      <div class="row">
        <TextField path="date" label="Date" type="date" width="medium" />
        <TextField
          path="minutes"
          label="Minutes"
          hint="Paid time, travel included"
          type="text"
          inputMode="numeric"
          width="short"
        />
      </div>
      <SelectField path="mode" label="How you met" options={optionsOf(SESSION_MODES, SESSION_MODE_LABELS)} />
      <TextField
        path="note"
        label="Note"
        hint="Seen by you and the coordinators, never by the referrer"
        optional
        multiline
        rows={3}
      />
      <CheckboxField
        path="debriefNeeded"
        label="I need a debrief about this session"
        hint="A coordinator will follow up with you within 72 hours"
      />
    </>
  );
}

function LogSessionForm({ referral, onChanged }: { referral: ReferralView; onChanged: () => void }) {
  const { api } = useApp();
  const action = useActionForm({
    draftName: `session-${referral.id}`,
    initial: (): SessionDraft => ({
      date: todayInProgramZone(),
      mode: '',
      minutes: '',
      note: '',
      debriefNeeded: false,
    }),
    schema: SessionInputSchema,
    toBody: sessionBody,
    send: async (body) => {
      await api.call('logSession', { params: { id: referral.id }, body });
      flash(
        body.debriefNeeded ? 'Session logged. A coordinator will arrange your debrief.' : 'Session logged.',
      );
      onChanged();
    },
  });
  return (
    <Form form={action.form} onSubmit={action.submit} label="Log a session" class="form subform">
      <h3>Log a session</h3>
      <SessionFields />
      <ErrorNotice error={action.failure} />
      <SubmitButton>Log session</SubmitButton>
    </Form>
  );
}

function CorrectSessionForm({
  referral,
  session,
  onDone,
}: {
  referral: ReferralView;
  session: SessionView;
  onDone: (changed: boolean) => void;
}) {
  const { api } = useApp();
  const original: SessionDraft = {
    date: session.date,
    mode: session.mode,
    minutes: String(session.minutes),
    note: session.note ?? '',
    debriefNeeded: session.debriefNeeded,
  };
  const action = useActionForm({
    draftName: `session-${session.id}-v${session.version}`,
    initial: () => original,
    schema: SessionPatchSchema,
    toBody: (values: SessionDraft) => {
      const next = sessionBody(values);
      const before = sessionBody(original);
      const changed = Object.fromEntries(
        Object.entries(next).filter(([key, value]) => before[key as keyof typeof before] !== value),
      );
      return { ...changed, version: session.version };
    },
    send: async (body) => {
      await api.call('correctSession', { params: { id: referral.id, sessionId: session.id }, body });
      flash('Session corrected.');
      onDone(true);
    },
  });
  return (
    <Form form={action.form} onSubmit={action.submit} label="Correct a session" class="form subform">
      <h3>Correct the session of {formatDate(session.date)}</h3>
      <SessionFields />
      <ErrorNotice error={action.failure} />
      <div class="actions">
        <SubmitButton>Save correction</SubmitButton>
        <button type="button" class="button button-secondary" onClick={() => onDone(false)}>
          Cancel
        </button>
      </div>
    </Form>
  );
}

function SessionsSection({ referral, onChanged }: { referral: ReferralView; onChanged: () => void }) {
  const sessions = [...(referral.sessions ?? [])].sort((a, b) => b.date.localeCompare(a.date));
  const [editing, setEditing] = useState<string | undefined>(undefined);
  const canLog = SESSION_STAGES.includes(referral.stage);
  const total = sessions.reduce((sum, s) => sum + s.minutes, 0);
  return (
    <Section title="Sessions" id="sessions">
      {canLog ? <LogSessionForm referral={referral} onChanged={onChanged} /> : null}
      {sessions.length === 0 ? (
        <p class="muted">No sessions logged yet.</p>
      ) : (
        <>
          <p>
            {plural(sessions.length, 'session')}, {total} minutes in all.
          </p>
          <ul class="cards">
            {sessions.map((session) => (
              <li key={session.id} class="card" aria-label={`Session of ${formatDate(session.date)}`}>
                {editing === session.id ? (
                  <CorrectSessionForm
                    referral={referral}
                    session={session}
                    onDone={(changed) => {
                      setEditing(undefined);
                      if (changed) onChanged();
                    }}
                  />
                ) : (
                  <>
                    <p class="card-title">
                      <strong>{formatDate(session.date)}</strong> · {SESSION_MODE_LABELS[session.mode]} ·{' '}
                      {session.minutes} minutes
                      {session.debriefNeeded ? ' · debrief asked for' : ''}
                    </p>
                    {session.note ? <p class="note">{session.note}</p> : null}
                    {canLog ? (
                      <button type="button" class="button button-link" onClick={() => setEditing(session.id)}>
                        Correct this session
                      </button>
                    ) : null}
                  </>
                )}
              </li>
            ))}
          </ul>
        </>
      )}
    </Section>
  );
}

// --- concerns -------------------------------------------------------------------------------------------

export function EmergencyLine() {
  return (
    <div class="notice notice-emergency" role="note" aria-label="In an emergency">
      <p>
        <strong>PeerPath is not an emergency service.</strong> If someone is in immediate danger, call{' '}
        <a href="tel:911">911</a>. For a mental health crisis, call the 24-hour crisis line{' '}
        <a href="tel:18007842433">1-800-784-2433</a> or <a href="tel:3106789">310-6789</a> (no area code).
      </p>
    </div>
  );
}

function ConcernForm({ referral }: { referral: ReferralView }) {
  const { api } = useApp();
  const [sent, setSent] = useState(false);
  const action = useActionForm({
    draftName: `concern-${referral.id}`,
    initial: () => ({ level: '', category: '' }),
    schema: ConcernInputSchema,
    toBody: (values: { level: string; category: string }) => ({
      level: values.level || undefined,
      category: values.category || undefined,
    }),
    send: async (body) => {
      await api.call('raiseConcern', { params: { id: referral.id }, body });
      setSent(true);
    },
  });
  return (
    <Section title="Raise a concern" id="concern">
      <EmergencyLine />
      <p>
        A concern alerts the coordinators and the referring clinician at once. Say what it is about here;
        discuss the details in person or by phone, not in writing.
      </p>
      {sent ? (
        <Notice kind="success" live>
          Concern sent. A coordinator will contact you.
        </Notice>
      ) : null}
      <Form form={action.form} onSubmit={action.submit} label="Raise a concern" class="form subform">
        <RadioGroup
          path="level"
          legend="How soon?"
          options={optionsOf(CONCERN_LEVELS, CONCERN_LEVEL_LABELS)}
        />
        <SelectField
          path="category"
          label="About"
          options={optionsOf(CONCERN_CATEGORIES, CONCERN_CATEGORY_LABELS)}
        />
        <ErrorNotice error={action.failure} />
        <SubmitButton secondary>Send concern</SubmitButton>
      </Form>
    </Section>
  );
}

// --- the client page ------------------------------------------------------------------------------------

function WorkerActions({ referral, onChanged }: { referral: ReferralView; onChanged: () => void }) {
  const { api, session } = useApp();
  const events = allowedEvents(referral, session.role);
  const [confirming, setConfirming] = useState(false);
  const [holding, setHolding] = useState(false);
  const [failure, setFailure] = useState<unknown>(undefined);
  if (!events.some((e) => e === 'goalsAchieved' || e === 'hold' || e === 'resume')) return null;
  const run = async (what: 'goalsAchieved' | 'resume') => {
    setFailure(undefined);
    try {
      if (what === 'goalsAchieved') await api.call('goalsAchieved', { params: { id: referral.id } });
      else await api.call('resumeReferral', { params: { id: referral.id }, body: {} });
      flash(
        what === 'goalsAchieved'
          ? 'Marked as goals achieved. A coordinator will confirm the closure.'
          : 'Sessions resumed.',
      );
      setConfirming(false);
      onChanged();
    } catch (error) {
      setFailure(error);
    }
  };
  return (
    <Section title="Where the work is going" id="work-actions">
      <div class="actions">
        {events.includes('goalsAchieved') && !confirming ? (
          <button type="button" class="button" onClick={() => setConfirming(true)}>
            Mark goals achieved…
          </button>
        ) : null}
        {events.includes('hold') ? (
          <button
            type="button"
            class="button button-secondary"
            aria-expanded={holding}
            onClick={() => setHolding(!holding)}
          >
            Put on hold…
          </button>
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
  if (!referral) {
    return (
      <Page title="Client" back={back}>
        {loaded.loading ? <Loading /> : null}
        <ErrorNotice error={loaded.error} retry={loaded.reload} />
      </Page>
    );
  }
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
      <WorkerActions referral={referral} onChanged={loaded.reload} />
      <ConcernForm referral={referral} />
    </Page>
  );
}
