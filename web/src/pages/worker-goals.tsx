import { useState } from 'preact/hooks';
import { Stage } from '#domain/lifecycle.ts';
import { GoalRatingInputSchema, GoalsInputSchema, MAX_RATING, MIN_RATING } from '#domain/work.ts';
import { useApp } from '../app-context.ts';
import { plural, RATING_LABELS } from '../labels.ts';
import { optionalText, useActionForm } from '../ui/action-form.tsx';
import { RadioGroup, TextField } from '../ui/fields.tsx';
import { Form } from '../ui/form.tsx';
import { ErrorNotice, flash, Section, SubmitButton } from '../ui/layout.tsx';
import { AddItemButton, RepeatItems } from '../ui/repeat.tsx';
import type { GoalView, ReferralView } from '../views.ts';

/** A client's goals: set with the worker in the client's words, then rated on the goal-attainment scale. */

const MAX_GOALS = 10;

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
      <RepeatItems form={action.form} path="goals" noun="goal">
        {(index) => (
          <>
            <TextField path={`goals.${index}.title`} label={`Goal ${index + 1}`} />
            <TextField
              path={`goals.${index}.description`}
              label="What it looks like when it is reached"
              optional
              multiline
              rows={2}
            />
          </>
        )}
      </RepeatItems>
      <div class="actions">
        <AddItemButton
          form={action.form}
          path="goals"
          max={MAX_GOALS}
          blank={() => ({ title: '', description: '' })}
        >
          Add another goal
        </AddItemButton>
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

export function GoalsSection({ referral, onChanged }: { referral: ReferralView; onChanged: () => void }) {
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
