import { useState } from 'preact/hooks';
import { ReassignInputSchema } from '#domain/work.ts';
import { useApp } from '../app-context.ts';
import { useAction, useLoad } from '../hooks.ts';
import { CRITERION_LABELS, EXCLUSION_LABELS, plural } from '../labels.ts';
import { useActionForm } from '../ui/action-form.tsx';
import { TextField } from '../ui/fields.tsx';
import { Form } from '../ui/form.tsx';
import { ConfirmBox, ErrorNotice, flash, LoadStatus, Notice, Section, SubmitButton } from '../ui/layout.tsx';
import type { CandidatesView, ReferralView } from '../views.ts';

/** The ranked candidates for a referral, with the reason for each score, and who was left out and why. */

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

export function Candidates({
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
  const { failure, run } = useAction();
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

  const match = (candidate: Candidate) =>
    run(
      async () => {
        await api.call('matchReferral', {
          params: { id: referral.id },
          body: { workerId: candidate.workerId },
        });
        flash(`Matched with ${candidate.firstName}. They and the referrer have been told.`);
        setChosen(undefined);
        onChanged();
      },
      () => void loaded.reload(),
    );

  return (
    <Section
      title={mode === 'match' ? 'Suggested workers' : 'Reassign to another worker'}
      id={`candidates-${mode}`}
    >
      <p class="hint">
        Ranked by shared lived experience, language, preferences, neighbourhood, availability and capacity.
        The system suggests; you choose.
      </p>
      <LoadStatus loaded={loaded} what="Ranking workers" />
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
