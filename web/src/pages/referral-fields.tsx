import {
  CONSENT_SCOPES,
  LIVED_EXPERIENCE_AREAS,
  URGENCIES,
  WORKER_GENDER_PREFERENCES,
} from '#domain/vocabulary.ts';
import {
  CONSENT_SCOPE_LABELS,
  LIVED_EXPERIENCE_LABELS,
  URGENCY_HINTS,
  URGENCY_LABELS,
  WORKER_GENDER_PREFERENCE_LABELS,
} from '../labels.ts';
import type { ReferralDraft } from '../referral-draft.ts';
import { AvailabilityGrid } from '../ui/availability-grid.tsx';
import {
  CheckboxField,
  CheckboxGroup,
  FormSection,
  optionsOf,
  RadioGroup,
  SelectField,
  TextField,
} from '../ui/fields.tsx';
import { Described, useFieldId } from '../ui/form.tsx';
import type { FormState } from '../ui/form-state.ts';
import { AddItemButton, RepeatItems } from '../ui/repeat.tsx';

/**
 * The referral form's fields, grouped the way a clinician thinks: the client, their consent, why and how
 * urgently, the goals in the client's own words, what they would like in a peer worker, safety, logistics,
 * and the referrer.
 */

const MAX_GOALS = 10;

function GoalsFields({ form }: { form: FormState<ReferralDraft> }) {
  const error = form.errors.goals;
  const id = useFieldId('goals');
  form.registry.set('goals', { label: 'Goals' });
  return (
    <div class={`field${error ? ' field-has-error' : ''}`} id={id} tabIndex={-1}>
      <Described id={id} error={error} />
      <RepeatItems form={form} path="goals" noun="goal">
        {(index) => (
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
        )}
      </RepeatItems>
      <AddItemButton form={form} path="goals" max={MAX_GOALS} blank={() => ({ text: '' })}>
        Add another goal
      </AddItemButton>
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

export function ReferralFields({ form }: { form: FormState<ReferralDraft> }) {
  return (
    <>
      <FormSection title="The client">
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
      </FormSection>

      <FormSection title="Consent">
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
      </FormSection>

      <FormSection title="Why you are referring">
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
      </FormSection>

      <FormSection title="Goals, in the client’s words">
        <GoalsFields form={form} />
      </FormSection>

      <FormSection title="What the client would like in a peer worker">
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
      </FormSection>

      <FormSection title="Safety">
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
      </FormSection>

      <FormSection title="Logistics">
        <AvailabilityGrid path="availability" />
        <TextField path="logistics.transportNeeds" label="Transport needs" optional multiline rows={2} />
        <TextField
          path="logistics.accessibilityNeeds"
          label="Accessibility needs"
          optional
          multiline
          rows={2}
        />
      </FormSection>

      <FormSection title="Your details">
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
      </FormSection>
    </>
  );
}
