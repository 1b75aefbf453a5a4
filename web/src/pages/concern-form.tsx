import { useState } from 'preact/hooks';
import { CONCERN_CATEGORIES, CONCERN_LEVELS } from '#domain/vocabulary.ts';
import { ConcernInputSchema } from '#domain/work.ts';
import { useApp } from '../app-context.ts';
import { CONCERN_CATEGORY_LABELS, CONCERN_LEVEL_LABELS } from '../labels.ts';
import { useActionForm } from '../ui/action-form.tsx';
import { EmergencyLine } from '../ui/crisis-lines.tsx';
import { optionsOf, RadioGroup, SelectField } from '../ui/fields.tsx';
import { Form } from '../ui/form.tsx';
import { ErrorNotice, Notice, Section, SubmitButton } from '../ui/layout.tsx';
import type { ReferralView } from '../views.ts';

/** A worker's concern about a client: a level and a category only; the details are talked through. */

export function ConcernForm({ referral }: { referral: ReferralView }) {
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
