import { Stage } from '#domain/lifecycle.ts';
import { CLOSURE_REASONS, DECLINE_REASONS } from '#domain/vocabulary.ts';
import { ClosureInputSchema, DeclineInputSchema, HoldInputSchema } from '#domain/work.ts';
import { useApp } from '../app-context.ts';
import { CLOSURE_REASON_LABELS, DECLINE_REASON_LABELS } from '../labels.ts';
import { useActionForm } from '../ui/action-form.tsx';
import { optionsOf, SelectField, TextField } from '../ui/fields.tsx';
import { Form } from '../ui/form.tsx';
import { ErrorNotice, flash, SubmitButton } from '../ui/layout.tsx';
import type { ReferralView } from '../views.ts';

/** The forms of the lifecycle moves that need a reason: decline at triage, close, put on hold. */

export function DeclineForm({ referral, onChanged }: { referral: ReferralView; onChanged: () => void }) {
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

export function CloseForm({ referral, onChanged }: { referral: ReferralView; onChanged: () => void }) {
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
