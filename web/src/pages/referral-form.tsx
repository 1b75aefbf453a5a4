import { useState } from 'preact/hooks';
import { type ReferralForm, ReferralInputSchema } from '#domain/referral.ts';
import { useApp } from '../app-context.ts';
import { useDraft, useLoad } from '../hooks.ts';
import {
  draftFromInput,
  emptyReferralDraft,
  friendlyIssues,
  type ReferralDraft,
  type ReferrerDraft,
  toReferralInput,
} from '../referral-draft.ts';
import { navigate } from '../router.ts';
import { loadDraft, saveDraft } from '../session.ts';
import { reportFailure } from '../ui/action-form.tsx';
import { Form } from '../ui/form.tsx';
import { useForm } from '../ui/form-state.ts';
import { ErrorNotice, flash, LoadStatus, Notice, Page, SubmitButton } from '../ui/layout.tsx';
import { ReferralFields } from './referral-fields.tsx';

/**
 * The referral form's pages (a new referral, a correction): validated with the API's own schema before it
 * is sent; kept in the tab while it is typed.
 */

const REFERRER_DRAFT = 'referrer';

function ReferralFormView({
  draftName,
  initial,
  submitLabel,
  send,
  onCancel,
}: {
  draftName: string;
  initial: () => ReferralDraft;
  submitLabel: string;
  /** Sends the validated body with its Idempotency-Key (the same key for the same answers). */
  send: (body: ReferralForm, idempotencyKey: string) => Promise<void>;
  onCancel?: () => void;
}) {
  const { session } = useApp();
  const [draft, setDraft, clearDraft] = useDraft<ReferralDraft>(draftName, initial);
  const form = useForm<ReferralDraft>([draft, setDraft]);
  const [failure, setFailure] = useState<unknown>(undefined);

  const submit = async (values: ReferralDraft) => {
    setFailure(undefined);
    const input = toReferralInput(values, session.region);
    const parsed = ReferralInputSchema.safeParse(input);
    if (!parsed.success) {
      form.showErrors(friendlyIssues(parsed.error.issues, input));
      return;
    }
    form.clearErrors();
    // A retry of the same answers (after a dropped connection) replays the first request, never a duplicate;
    // changed answers are a new request.
    const body = JSON.stringify(input);
    const key = values.sent?.body === body ? values.sent.key : crypto.randomUUID();
    setDraft({ ...values, sent: { key, body } });
    try {
      await send(input, key);
      clearDraft();
    } catch (error) {
      reportFailure(form, setFailure, error);
    }
  };

  return (
    <Form form={form} onSubmit={submit} label="Referral">
      <ReferralFields form={form} />
      <ErrorNotice error={failure} />
      <div class="actions">
        <SubmitButton>{submitLabel}</SubmitButton>
        {onCancel ? (
          <button type="button" class="button button-secondary" onClick={onCancel}>
            Cancel
          </button>
        ) : null}
      </div>
      <p class="hint">
        What you type is kept in this browser tab until it is sent, and cleared when you sign out.
      </p>
    </Form>
  );
}

export function NewReferralPage() {
  const { session, api } = useApp();
  const initial = () =>
    emptyReferralDraft({
      ...(session.email ? { email: session.email } : {}),
      ...loadDraft<Partial<ReferrerDraft>>(session.sub, REFERRER_DRAFT),
    });
  return (
    <Page
      title="Refer a client"
      lead={
        <p>
          Refer someone to a peer support worker who shares similar lived experience. The form checks your
          answers before it is sent.
        </p>
      }
    >
      <ReferralFormView
        draftName="referral-new"
        initial={initial}
        submitLabel="Send referral"
        send={async (body, key) => {
          const created = await api.call('submitReferral', { body, headers: { 'Idempotency-Key': key } });
          saveDraft(session.sub, REFERRER_DRAFT, body.referrer);
          flash(
            created.possibleDuplicateOf
              ? 'Referral sent. It may duplicate an open referral for the same client: a coordinator will check.'
              : 'Referral sent. A coordinator will triage it; you will see each step here.',
            `/referrals/${created.id}`,
          );
          navigate(`/referrals/${created.id}`);
        }}
      />
    </Page>
  );
}

export function EditReferralPage({ id }: { id: string }) {
  const { api } = useApp();
  const loaded = useLoad(() => api.call('getReferral', { params: { id } }), [id]);
  const referral = loaded.data;
  return (
    <Page title="Correct a referral" back={{ path: `/referrals/${id}`, label: 'Back to the referral' }}>
      <LoadStatus loaded={loaded} />
      {referral && !referral.details ? <Notice>These details are not yours to correct.</Notice> : null}
      {referral?.details ? (
        <ReferralFormView
          draftName={`referral-edit-${id}-v${referral.version}`}
          initial={() => draftFromInput(referral.details!)}
          submitLabel="Save corrections"
          onCancel={() => navigate(`/referrals/${id}`)}
          send={async (body) => {
            const { region: _region, ...sections } = body;
            await api.call('correctReferral', {
              params: { id },
              body: { ...sections, version: referral.version },
            });
            flash('Corrections saved.', `/referrals/${id}`);
            navigate(`/referrals/${id}`);
          }}
        />
      ) : null}
    </Page>
  );
}
