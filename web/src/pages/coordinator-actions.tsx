import { useState } from 'preact/hooks';
import { OPEN_STAGES, Stage } from '#domain/lifecycle.ts';
import { CLOSURE_REASONS, DECLINE_REASONS } from '#domain/vocabulary.ts';
import {
  ClosureInputSchema,
  DeclineInputSchema,
  HoldInputSchema,
  ReassignInputSchema,
} from '#domain/work.ts';
import { useApp } from '../app-context.ts';
import { useLoad } from '../hooks.ts';
import {
  CLOSURE_REASON_LABELS,
  CRITERION_LABELS,
  DECLINE_REASON_LABELS,
  EVENT_LABELS,
  EXCLUSION_LABELS,
  formatDateTime,
  plural,
  ROLE_LABELS,
  STAGE_SHORT,
} from '../labels.ts';
import { useActionForm } from '../ui/action-form.tsx';
import { Form, optionsOf, SelectField, TextField } from '../ui/form.tsx';
import {
  ConfirmBox,
  ErrorNotice,
  flash,
  Link,
  Loading,
  Notice,
  Section,
  SubmitButton,
} from '../ui/layout.tsx';
import { allowedEvents, type CandidatesView, type ReferralView } from '../views.ts';

/**
 * What a coordinator can do with a referral now (the lifecycle table decides), the ranked candidates with
 * the reason for each score, and the referral's history.
 */

type Candidate = CandidatesView['items'][number];

/** Candidates shown before "Show all": the best few are what a coordinator weighs. */
const TOP_CANDIDATES = 5;

function CandidateCard({
  candidate,
  rank,
  actionLabel,
  onChoose,
}: {
  candidate: Candidate;
  rank: number;
  actionLabel: string;
  onChoose: (candidate: Candidate) => void;
}) {
  const possible = candidate.reasons.reduce((sum, reason) => sum + reason.weight, 0);
  const headingId = `candidate-${candidate.workerId}`;
  return (
    <li class="card candidate" aria-labelledby={headingId}>
      <div class="card-head">
        <h3 id={headingId}>
          {rank}. {candidate.firstName}
        </h3>
        <span class="score">
          Score {Math.round(candidate.score)}
          {possible > 0 ? <span class="muted"> of {possible}</span> : null}
        </span>
      </div>
      <ul class="reasons">
        {candidate.reasons.map((reason) => (
          <li key={reason.criterion} class={reason.met ? 'reason met' : 'reason unmet'}>
            <span class="reason-mark" aria-hidden="true">
              {reason.met ? '✓' : '–'}
            </span>
            <span>
              <strong>{CRITERION_LABELS[reason.criterion]}</strong>
              <span class="visually-hidden">{reason.met ? ' (met)' : ' (not met)'}</span>: {reason.detail}{' '}
              <span class="muted">
                ({Math.round(reason.points)}/{reason.weight})
              </span>
            </span>
          </li>
        ))}
      </ul>
      <button type="button" class="button" onClick={() => onChoose(candidate)}>
        {actionLabel} {candidate.firstName}
      </button>
    </li>
  );
}

function Candidates({
  referral,
  mode,
  onChanged,
}: {
  referral: ReferralView;
  mode: 'match' | 'reassign';
  onChanged: () => void;
}) {
  const { api } = useApp();
  const loaded = useLoad(
    () => api.call('referralCandidates', { params: { id: referral.id } }),
    [referral.id, referral.version],
  );
  const [chosen, setChosen] = useState<Candidate | undefined>(undefined);
  const [failure, setFailure] = useState<unknown>(undefined);
  const reassign = useActionForm({
    draftName: `reassign-${referral.id}`,
    initial: () => ({ reason: '' }),
    schema: ReassignInputSchema,
    toBody: (values) => ({ workerId: chosen?.workerId ?? '', reason: values.reason }),
    send: async (body) => {
      await api.call('reassignReferral', { params: { id: referral.id }, body });
      flash(`Reassigned to ${chosen?.firstName}.`);
      setChosen(undefined);
      onChanged();
    },
  });
  const [showAll, setShowAll] = useState(false);
  const items = (loaded.data?.items ?? []).filter((c) => c.workerId !== referral.workerId);
  const shown = showAll ? items : items.slice(0, TOP_CANDIDATES);
  const excluded = loaded.data?.excluded ?? [];

  const match = async (candidate: Candidate) => {
    setFailure(undefined);
    try {
      await api.call('matchReferral', {
        params: { id: referral.id },
        body: { workerId: candidate.workerId },
      });
      flash(`Matched with ${candidate.firstName}. They and the referrer have been told.`);
      setChosen(undefined);
      onChanged();
    } catch (error) {
      setFailure(error);
      void loaded.reload();
    }
  };

  return (
    <Section
      title={mode === 'match' ? 'Suggested workers' : 'Reassign to another worker'}
      id={`candidates-${mode}`}
    >
      <p class="hint">
        Ranked by shared lived experience, language, preferences, neighbourhood, availability and capacity.
        The system suggests; you choose.
      </p>
      {loaded.loading && !loaded.data ? <Loading what="Ranking workers" /> : null}
      <ErrorNotice error={loaded.error} retry={loaded.reload} />
      {chosen ? (
        <ConfirmBox
          key={chosen.workerId}
          question={`${mode === 'match' ? 'Match this client with' : 'Move this client to'} ${chosen.firstName}?`}
        >
          {mode === 'match' ? (
            <div class="actions">
              <button type="button" class="button" onClick={() => match(chosen)}>
                Confirm match with {chosen.firstName}
              </button>
              <button type="button" class="button button-secondary" onClick={() => setChosen(undefined)}>
                Cancel
              </button>
            </div>
          ) : (
            <Form form={reassign.form} onSubmit={reassign.submit} label="Reassign">
              <TextField path="reason" label="Reason for the change" multiline rows={2} />
              <ErrorNotice error={reassign.failure} />
              <div class="actions">
                <SubmitButton>Confirm: reassign to {chosen.firstName}</SubmitButton>
                <button type="button" class="button button-secondary" onClick={() => setChosen(undefined)}>
                  Cancel
                </button>
              </div>
            </Form>
          )}
          <ErrorNotice error={failure} />
        </ConfirmBox>
      ) : null}
      {loaded.data && items.length === 0 ? (
        <Notice kind="warning">
          No worker can take this client now. See who was left out and why, below.
        </Notice>
      ) : null}
      <ol class="cards">
        {shown.map((candidate, index) => (
          <CandidateCard
            key={candidate.workerId}
            candidate={candidate}
            rank={index + 1}
            actionLabel={mode === 'match' ? 'Match with' : 'Reassign to'}
            onChoose={setChosen}
          />
        ))}
      </ol>
      {items.length > shown.length ? (
        <button type="button" class="button button-secondary" onClick={() => setShowAll(true)}>
          Show all {items.length} suggested workers
        </button>
      ) : null}
      {excluded.length > 0 ? (
        <details class="excluded">
          <summary>{plural(excluded.length, 'worker')} not suggested, and why</summary>
          <ul class="plain-list">
            {excluded.map((worker) => (
              <li key={worker.workerId}>
                <strong>{worker.firstName}</strong>: {EXCLUSION_LABELS[worker.reason]}. {worker.detail}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
    </Section>
  );
}

function DeclineForm({ referral, onChanged }: { referral: ReferralView; onChanged: () => void }) {
  const { api } = useApp();
  const action = useActionForm({
    draftName: `decline-${referral.id}`,
    initial: () => ({ reason: '', summary: '' }),
    schema: DeclineInputSchema,
    toBody: (values) => values,
    send: async (body) => {
      await api.call('declineReferral', { params: { id: referral.id }, body });
      flash('Referral declined. The referrer has been told why.');
      onChanged();
    },
  });
  return (
    <Form form={action.form} onSubmit={action.submit} label="Decline" class="form subform">
      <h3>Decline at triage</h3>
      <SelectField path="reason" label="Reason" options={optionsOf(DECLINE_REASONS, DECLINE_REASON_LABELS)} />
      <TextField path="summary" label="Summary for the referrer" multiline rows={3} />
      <ErrorNotice error={action.failure} />
      <SubmitButton secondary>Decline referral</SubmitButton>
    </Form>
  );
}

function CloseForm({ referral, onChanged }: { referral: ReferralView; onChanged: () => void }) {
  const { api } = useApp();
  const confirming = referral.stage === Stage.GOALS_ACHIEVED;
  const action = useActionForm({
    draftName: `close-${referral.id}`,
    initial: () => ({ reason: confirming ? 'GOALS_MET' : '', summary: '' }),
    schema: ClosureInputSchema,
    toBody: (values) => values,
    send: async (body) => {
      await api.call('closeReferral', { params: { id: referral.id }, body });
      flash('Referral closed. The referrer has been sent the reason and summary.');
      onChanged();
    },
  });
  return (
    <Form form={action.form} onSubmit={action.submit} label="Close" class="form subform">
      <h3>{confirming ? 'Confirm closure' : 'Close early'}</h3>
      <SelectField
        path="reason"
        label="Closure reason"
        options={optionsOf(CLOSURE_REASONS, CLOSURE_REASON_LABELS)}
      />
      <TextField
        path="summary"
        label="Summary for the referrer"
        hint="What was achieved and anything the referrer should follow up. No session notes."
        multiline
        rows={4}
      />
      <ErrorNotice error={action.failure} />
      <SubmitButton>{confirming ? 'Confirm closure' : 'Close referral'}</SubmitButton>
    </Form>
  );
}

export function HoldForm({ referral, onChanged }: { referral: ReferralView; onChanged: () => void }) {
  const { api } = useApp();
  const action = useActionForm({
    draftName: `hold-${referral.id}`,
    initial: () => ({ reason: '' }),
    schema: HoldInputSchema,
    toBody: (values) => values,
    send: async (body) => {
      await api.call('holdReferral', { params: { id: referral.id }, body });
      flash('Put on hold.');
      onChanged();
    },
  });
  return (
    <Form form={action.form} onSubmit={action.submit} label="Hold" class="form subform">
      <h3>Put on hold</h3>
      <TextField path="reason" label="Reason" hint="For example: in hospital, travelling" />
      <ErrorNotice error={action.failure} />
      <SubmitButton secondary>Put on hold</SubmitButton>
    </Form>
  );
}

type Panel = 'decline' | 'close' | 'hold' | 'reassign' | undefined;

export function CoordinatorActions({
  referral,
  onChanged,
}: {
  referral: ReferralView;
  onChanged: () => void;
}) {
  const { api, session } = useApp();
  const events = allowedEvents(referral, session.role);
  const [panel, setPanel] = useState<Panel>(referral.stage === Stage.GOALS_ACHIEVED ? 'close' : undefined);
  const [failure, setFailure] = useState<unknown>(undefined);
  const open = OPEN_STAGES.includes(referral.stage);
  const changed = () => {
    setPanel(undefined);
    onChanged();
  };
  const simple = async (what: 'accept' | 'resume') => {
    setFailure(undefined);
    try {
      if (what === 'accept') await api.call('acceptReferral', { params: { id: referral.id } });
      else await api.call('resumeReferral', { params: { id: referral.id }, body: {} });
      flash(what === 'accept' ? 'Accepted. It is now waiting for a match.' : 'Sessions resumed.');
      onChanged();
    } catch (error) {
      setFailure(error);
    }
  };
  const toggle = (next: Panel) => setPanel(panel === next ? undefined : next);
  return (
    <>
      {open ? (
        <Section title="Actions" id="actions">
          <div class="actions">
            {events.includes('accept') ? (
              <button type="button" class="button" onClick={() => simple('accept')}>
                Accept for matching
              </button>
            ) : null}
            {events.includes('decline') ? (
              <button
                type="button"
                class="button button-secondary"
                aria-expanded={panel === 'decline'}
                onClick={() => toggle('decline')}
              >
                Decline…
              </button>
            ) : null}
            {events.includes('resume') ? (
              <button type="button" class="button" onClick={() => simple('resume')}>
                Resume sessions
              </button>
            ) : null}
            {events.includes('hold') ? (
              <button
                type="button"
                class="button button-secondary"
                aria-expanded={panel === 'hold'}
                onClick={() => toggle('hold')}
              >
                Put on hold…
              </button>
            ) : null}
            {events.includes('reassign') ? (
              <button
                type="button"
                class="button button-secondary"
                aria-expanded={panel === 'reassign'}
                onClick={() => toggle('reassign')}
              >
                Reassign…
              </button>
            ) : null}
            {events.includes('close') ? (
              <button
                type="button"
                class={referral.stage === Stage.GOALS_ACHIEVED ? 'button' : 'button button-secondary'}
                aria-expanded={panel === 'close'}
                onClick={() => toggle('close')}
              >
                {referral.stage === Stage.GOALS_ACHIEVED ? 'Confirm closure…' : 'Close early…'}
              </button>
            ) : null}
            <Link to={`/referrals/${referral.id}/edit`} class="button button-link">
              Correct the details
            </Link>
          </div>
          <ErrorNotice error={failure} />
          {panel === 'decline' ? <DeclineForm referral={referral} onChanged={changed} /> : null}
          {panel === 'hold' ? <HoldForm referral={referral} onChanged={changed} /> : null}
          {panel === 'close' ? <CloseForm referral={referral} onChanged={changed} /> : null}
        </Section>
      ) : null}
      {events.includes('match') ? (
        <Candidates referral={referral} mode="match" onChanged={onChanged} />
      ) : null}
      {panel === 'reassign' && events.includes('reassign') ? (
        <Candidates referral={referral} mode="reassign" onChanged={changed} />
      ) : null}
    </>
  );
}

/** `SESSION_CORRECTED` → "Session corrected". */
export function humanize(code: string): string {
  const words = code.replace(/[_-]+/g, ' ').trim().toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function ReferralHistory({ id, version }: { id: string; version: number }) {
  const { api } = useApp();
  const loaded = useLoad(
    () => api.call('referralHistory', { params: { id }, query: { limit: 100 } }),
    [id, version],
  );
  const items = loaded.data?.items ?? [];
  const stage = (value: string | undefined) =>
    value && value in STAGE_SHORT ? STAGE_SHORT[value as keyof typeof STAGE_SHORT] : undefined;
  return (
    <Section title="History" id="history">
      {loaded.loading && !loaded.data ? <Loading /> : null}
      <ErrorNotice error={loaded.error} retry={loaded.reload} />
      {loaded.data && items.length === 0 ? <p class="muted">No history yet.</p> : null}
      <ol class="timeline">
        {items.map((event) => {
          const from = stage(event.from);
          const to = stage(event.to);
          return (
            <li key={event.id}>
              <span class="timeline-when">{formatDateTime(event.at)}</span>{' '}
              <strong>{event.event ? EVENT_LABELS[event.event] : humanize(event.kind ?? 'Change')}</strong>
              {from && to && from !== to ? ` · ${from} → ${to}` : to && !from ? ` · ${to}` : ''}
              {event.role ? ` · by the ${ROLE_LABELS[event.role].toLowerCase()}` : ''}
              {event.fields?.length ? ` · changed ${event.fields.join(', ')}` : ''}
            </li>
          );
        })}
      </ol>
    </Section>
  );
}
