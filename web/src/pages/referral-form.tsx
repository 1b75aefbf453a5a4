import { useState } from 'preact/hooks';
import { type ReferralForm, ReferralInputSchema } from '#domain/referral.ts';
import {
  CONSENT_SCOPES,
  DAY_PARTS,
  LIVED_EXPERIENCE_AREAS,
  URGENCIES,
  WEEKDAYS,
  WORKER_GENDER_PREFERENCES,
} from '#domain/vocabulary.ts';
import { isApiError } from '../api.ts';
import { useApp } from '../app-context.ts';
import { useDraft, useLoad } from '../hooks.ts';
import {
  CONSENT_SCOPE_LABELS,
  DAY_PART_LABELS,
  LIVED_EXPERIENCE_LABELS,
  URGENCY_HINTS,
  URGENCY_LABELS,
  WEEKDAY_LABELS,
  WORKER_GENDER_PREFERENCE_LABELS,
} from '../labels.ts';
import {
  draftFromInput,
  emptyReferralDraft,
  friendlyIssues,
  type ReferralDraft,
  type ReferrerDraft,
  slotKey,
  toReferralInput,
} from '../referral-draft.ts';
import { navigate } from '../router.ts';
import { loadDraft, saveDraft } from '../session.ts';
import {
  CheckboxField,
  CheckboxGroup,
  Described,
  describedBy,
  Form,
  type FormState,
  optionsOf,
  RadioGroup,
  SelectField,
  TextField,
  useField,
  useFieldId,
  useForm,
} from '../ui/form.tsx';
import { ErrorNotice, flash, Loading, Notice, Page, SubmitButton } from '../ui/layout.tsx';

/**
 * The referral form, grouped the way a clinician thinks: the client, their consent, why and how urgently,
 * the goals in the client's own words, what they would like in a peer worker, safety, logistics, and the
 * referrer. Validated with the API's own schema before it is sent; kept in the tab while it is typed.
 */

const REFERRER_DRAFT = 'referrer';
const MAX_GOALS = 10;

export function AvailabilityGrid({
  path,
  legend = 'When the client can usually meet',
  hint = 'Leave all unticked if it is not known yet.',
}: {
  path: string;
  legend?: string;
  hint?: string;
}) {
  const { form, id, error, value } = useField(path, legend);
  const selected = Array.isArray(value) ? (value as string[]) : [];
  return (
    <fieldset
      class={`field group${error ? ' field-has-error' : ''}`}
      aria-describedby={describedBy(id, hint, error)}
    >
      <legend class="label">
        {legend}
        <span class="optional"> (optional)</span>
      </legend>
      <Described id={id} hint={hint} error={error} />
      <table class="availability">
        <thead>
          <tr>
            <td />
            {DAY_PARTS.map((part) => (
              <th scope="col" key={part}>
                {DAY_PART_LABELS[part]}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {WEEKDAYS.map((day, row) => (
            <tr key={day}>
              <th scope="row">{WEEKDAY_LABELS[day]}</th>
              {DAY_PARTS.map((part, column) => {
                const key = slotKey(day, part);
                const boxId = row === 0 && column === 0 ? id : `${id}-${key}`;
                return (
                  <td key={key}>
                    <input
                      type="checkbox"
                      id={boxId}
                      checked={selected.includes(key)}
                      aria-label={`${WEEKDAY_LABELS[day]} ${DAY_PART_LABELS[part].toLowerCase()}`}
                      onChange={(event) => {
                        const on = (event.currentTarget as HTMLInputElement).checked;
                        form.set(path, on ? [...selected, key] : selected.filter((k) => k !== key));
                      }}
                    />
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </fieldset>
  );
}

function GoalsFields({ form }: { form: FormState<ReferralDraft> }) {
  const goals = form.values.goals;
  const error = form.errors.goals;
  const id = useFieldId('goals');
  form.registry.set('goals', { label: 'Goals' });
  return (
    <div class={`field${error ? ' field-has-error' : ''}`} id={id} tabIndex={-1}>
      {error ? (
        <p class="field-error" id={`${id}-error`}>
          <span class="visually-hidden">Error: </span>
          {error}
        </p>
      ) : null}
      {goals.map((_goal, index) => (
        <div class="repeat" key={index}>
          <TextField
            path={`goals.${index}.text`}
            label={`Goal ${index + 1}`}
            hint={
              index === 0
                ? 'Write it as the client said it, e.g. “I want to get back to my choir.”'
                : undefined
            }
            multiline
            rows={2}
          />
          {goals.length > 1 ? (
            <button
              type="button"
              class="button button-link"
              onClick={() =>
                form.set(
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
      {goals.length < MAX_GOALS ? (
        <button
          type="button"
          class="button button-secondary"
          onClick={() => form.set('goals', [...goals, { text: '' }])}
        >
          Add another goal
        </button>
      ) : null}
    </div>
  );
}

function PreferenceValues({ name, label, hint }: { name: string; label: string; hint: string }) {
  return (
    <div class="preference">
      <TextField path={`preferences.${name}.values`} label={label} hint={hint} optional />
      <CheckboxField path={`preferences.${name}.mustHave`} label="This is a must-have" />
    </div>
  );
}

function ReferralFields({ form }: { form: FormState<ReferralDraft> }) {
  return (
    <>
      <fieldset class="form-section">
        <legend>
          <h2>The client</h2>
        </legend>
        <div class="row">
          <TextField path="client.givenName" label="Given name" autoComplete="off" />
          <TextField path="client.familyName" label="Family name" autoComplete="off" />
        </div>
        <div class="row">
          <TextField path="client.preferredName" label="Name they like to be called" optional />
          <TextField path="client.pronouns" label="Pronouns" optional width="short" />
        </div>
        <TextField path="client.dateOfBirth" label="Date of birth" type="date" width="medium" />
        <div class="row">
          <TextField
            path="client.neighbourhood"
            label="Neighbourhood"
            hint="Where they live or would like to meet"
          />
          <TextField path="client.language" label="Preferred language" />
        </div>
        <CheckboxField path="client.interpreterNeeded" label="An interpreter is needed" />
        <div class="row">
          <TextField path="client.phone" label="Phone" type="tel" inputMode="tel" optional />
          <TextField path="client.email" label="Email" type="email" inputMode="email" optional />
        </div>
        <CheckboxField
          path="client.safeToText"
          label="It is safe to text this phone"
          hint="No one else reads their messages"
        />
        <CheckboxField path="client.safeToVoicemail" label="It is safe to leave a voicemail" />
      </fieldset>

      <fieldset class="form-section">
        <legend>
          <h2>Consent</h2>
        </legend>
        <CheckboxField path="consent.given" label="The client has consented to this referral" />
        <CheckboxGroup
          path="consent.scope"
          legend="The client agrees to"
          options={optionsOf(CONSENT_SCOPES, CONSENT_SCOPE_LABELS)}
        />
        <div class="row">
          <TextField path="consent.date" label="Date consent was given" type="date" width="medium" />
          <TextField
            path="consent.expiresOn"
            label="Consent covers until"
            type="date"
            width="medium"
            hint="The last day it covers"
          />
        </div>
      </fieldset>

      <fieldset class="form-section">
        <legend>
          <h2>Why you are referring</h2>
        </legend>
        <TextField
          path="reasonForReferral"
          label="Reason for referral"
          hint="What you hope peer support will bring"
          multiline
        />
        <RadioGroup
          path="urgency"
          legend="How soon should someone reach out?"
          options={URGENCIES.map((u) => ({ value: u, label: URGENCY_LABELS[u], hint: URGENCY_HINTS[u] }))}
        />
        <TextField
          path="currentSupports"
          label="Current supports"
          hint="Case manager, family, groups, other services"
          optional
          multiline
          rows={3}
        />
      </fieldset>

      <fieldset class="form-section">
        <legend>
          <h2>Goals, in the client’s words</h2>
        </legend>
        <GoalsFields form={form} />
      </fieldset>

      <fieldset class="form-section">
        <legend>
          <h2>What the client would like in a peer worker</h2>
        </legend>
        <p class="hint">
          Mark a preference as a must-have only if a worker without it would not work: must-haves rule workers
          out.
        </p>
        <div class="preference">
          <CheckboxGroup
            path="preferences.livedExperience.values"
            legend="Shared lived experience"
            optional
            columns
            options={optionsOf(LIVED_EXPERIENCE_AREAS, LIVED_EXPERIENCE_LABELS)}
          />
          <CheckboxField
            path="preferences.livedExperience.mustHave"
            label="Shared lived experience is a must-have"
          />
        </div>
        <div class="preference">
          <SelectField
            path="preferences.workerGender.value"
            label="Worker’s gender"
            options={optionsOf(WORKER_GENDER_PREFERENCES, WORKER_GENDER_PREFERENCE_LABELS)}
          />
          <CheckboxField path="preferences.workerGender.mustHave" label="Gender is a must-have" />
        </div>
        <PreferenceValues
          name="languages"
          label="Languages"
          hint="Separate with commas, e.g. Cantonese, English"
        />
        <PreferenceValues name="culturalBackground" label="Cultural background" hint="Separate with commas" />
        <PreferenceValues
          name="interests"
          label="Interests"
          hint="Separate with commas, e.g. gardening, music"
        />
      </fieldset>

      <fieldset class="form-section">
        <legend>
          <h2>Safety</h2>
        </legend>
        <TextField
          path="safety.riskSummary"
          label="Risk summary"
          hint="What a worker should know to keep the client and themselves safe"
          optional
          multiline
        />
        <TextField
          path="safety.homeVisitSafetyNotes"
          label="Home visit safety notes"
          hint="Pets, other people at home, access"
          optional
          multiline
          rows={3}
        />
      </fieldset>

      <fieldset class="form-section">
        <legend>
          <h2>Logistics</h2>
        </legend>
        <AvailabilityGrid path="availability" />
        <TextField path="logistics.transportNeeds" label="Transport needs" optional multiline rows={2} />
        <TextField
          path="logistics.accessibilityNeeds"
          label="Accessibility needs"
          optional
          multiline
          rows={2}
        />
      </fieldset>

      <fieldset class="form-section">
        <legend>
          <h2>Your details</h2>
        </legend>
        <p class="hint">The client and their worker may contact you about this referral.</p>
        <div class="row">
          <TextField path="referrer.name" label="Your name" autoComplete="name" />
          <TextField path="referrer.team" label="Team" />
        </div>
        <div class="row">
          <TextField path="referrer.site" label="Site" />
          <TextField
            path="referrer.phone"
            label="Phone"
            type="tel"
            inputMode="tel"
            optional
            autoComplete="tel"
          />
        </div>
        <TextField path="referrer.email" label="Email" type="email" inputMode="email" autoComplete="email" />
      </fieldset>
    </>
  );
}

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
      if (isApiError(error, 400) && error.issues.length > 0) form.showErrors(error.issues);
      else setFailure(error);
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
      {loaded.loading && !referral ? <Loading /> : null}
      <ErrorNotice error={loaded.error} retry={loaded.reload} />
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
