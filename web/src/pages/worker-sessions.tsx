import { useState } from 'preact/hooks';
import { SESSION_STAGES } from '#domain/lifecycle.ts';
import { SESSION_MODES, todayInProgramZone } from '#domain/vocabulary.ts';
import { SessionInputSchema, SessionPatchSchema } from '#domain/work.ts';
import { useApp } from '../app-context.ts';
import { formatDate, plural, SESSION_MODE_LABELS } from '../labels.ts';
import { changedOnly, optionalText, useActionForm } from '../ui/action-form.tsx';
import { CheckboxField, optionsOf, SelectField, TextField } from '../ui/fields.tsx';
import { Form } from '../ui/form.tsx';
import { ErrorNotice, flash, Section, SubmitButton } from '../ui/layout.tsx';
import type { ReferralView, SessionView } from '../views.ts';

/** A client's sessions: logged by the worker, corrected (the changed fields only) while the work goes on. */

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
    toBody: (values: SessionDraft) => ({
      ...changedOnly(sessionBody(values), sessionBody(original)),
      version: session.version,
    }),
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

export function SessionsSection({ referral, onChanged }: { referral: ReferralView; onChanged: () => void }) {
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
