import {
  DAY_PARTS,
  GENDERS,
  LIVED_EXPERIENCE_AREAS,
  TRAINING_MODULES,
  WEEKDAYS,
} from '#domain/vocabulary.ts';
import { MAX_CASELOAD_LIMIT, WorkerInputSchema, WorkerPatchSchema } from '#domain/worker.ts';
import { useApp } from '../app-context.ts';
import { GENDER_LABELS, LIVED_EXPERIENCE_LABELS, TRAINING_LABELS } from '../labels.ts';
import { slotKey, splitList } from '../referral-draft.ts';
import { navigate } from '../router.ts';
import { changedOnly, optionalText, useActionForm } from '../ui/action-form.tsx';
import { AvailabilityGrid } from '../ui/availability-grid.tsx';
import {
  CheckboxField,
  CheckboxGroup,
  FormSection,
  optionsOf,
  SelectField,
  TextField,
} from '../ui/fields.tsx';
import { Form } from '../ui/form.tsx';
import { ErrorNotice, flash, Page, SubmitButton } from '../ui/layout.tsx';
import type { WorkerView } from '../views.ts';

/** A worker's profile as a coordinator adds and corrects it (a correction sends the changed fields only). */

interface WorkerDraft {
  firstName: string;
  lastName: string;
  email: string;
  phone: string;
  gender: string;
  pronouns: string;
  languages: string;
  culturalBackground: string;
  livedExperience: string[];
  neighbourhoods: string;
  availability: string[];
  interests: string;
  trainingCompleted: string[];
  maxCaseload: string;
  active: boolean;
  bio: string;
}

function emptyWorkerDraft(): WorkerDraft {
  return {
    firstName: '',
    lastName: '',
    email: '',
    phone: '',
    gender: '',
    pronouns: '',
    languages: 'English',
    culturalBackground: '',
    livedExperience: [],
    neighbourhoods: '',
    availability: [],
    interests: '',
    trainingCompleted: [],
    maxCaseload: '6',
    active: true,
    bio: '',
  };
}

function workerDraftFrom(worker: WorkerView): WorkerDraft {
  return {
    firstName: worker.firstName,
    lastName: worker.lastName,
    email: worker.email,
    phone: worker.phone,
    gender: worker.gender,
    pronouns: worker.pronouns ?? '',
    languages: worker.languages.join(', '),
    culturalBackground: worker.culturalBackground.join(', '),
    livedExperience: [...worker.livedExperience],
    neighbourhoods: worker.neighbourhoods.join(', '),
    availability: worker.availability.map((slot) => slotKey(slot.day, slot.part)),
    interests: worker.interests.join(', '),
    trainingCompleted: [...worker.trainingCompleted],
    maxCaseload: String(worker.maxCaseload),
    active: worker.active,
    bio: worker.bio ?? '',
  };
}

function workerBody(values: WorkerDraft) {
  const slots = WEEKDAYS.flatMap((day) =>
    DAY_PARTS.filter((part) => values.availability.includes(slotKey(day, part))).map((part) => ({
      day,
      part,
    })),
  );
  return {
    firstName: values.firstName,
    lastName: values.lastName,
    email: values.email,
    phone: values.phone,
    gender: values.gender || undefined,
    pronouns: optionalText(values.pronouns),
    languages: splitList(values.languages),
    culturalBackground: splitList(values.culturalBackground),
    livedExperience: values.livedExperience,
    neighbourhoods: splitList(values.neighbourhoods),
    availability: slots,
    interests: splitList(values.interests),
    trainingCompleted: values.trainingCompleted,
    maxCaseload: values.maxCaseload.trim() === '' ? undefined : Number(values.maxCaseload),
    active: values.active,
    bio: optionalText(values.bio),
  };
}

function WorkerFields() {
  return (
    <>
      <FormSection title="Who they are">
        <div class="row">
          <TextField path="firstName" label="First name" />
          <TextField path="lastName" label="Last name" />
        </div>
        <div class="row">
          <TextField path="email" label="Email" type="email" inputMode="email" hint="Their sign-in" />
          <TextField path="phone" label="Phone" type="tel" inputMode="tel" />
        </div>
        <div class="row">
          <SelectField path="gender" label="Gender" options={optionsOf(GENDERS, GENDER_LABELS)} />
          <TextField path="pronouns" label="Pronouns" optional width="short" />
        </div>
        <TextField path="bio" label="A short introduction a client may read" optional multiline rows={3} />
      </FormSection>
      <FormSection title="What they bring">
        <CheckboxGroup
          path="livedExperience"
          legend="Lived experience (their own, or as a family carer)"
          columns
          options={optionsOf(LIVED_EXPERIENCE_AREAS, LIVED_EXPERIENCE_LABELS)}
        />
        <TextField path="languages" label="Languages" hint="Separate with commas" />
        <TextField
          path="culturalBackground"
          label="Cultural background"
          hint="Separate with commas"
          optional
        />
        <TextField path="interests" label="Interests" hint="Separate with commas" optional />
        <CheckboxGroup
          path="trainingCompleted"
          legend="Training completed"
          optional
          columns
          options={optionsOf(TRAINING_MODULES, TRAINING_LABELS)}
        />
      </FormSection>
      <FormSection title="Where and when">
        <TextField
          path="neighbourhoods"
          label="Neighbourhoods they can meet in"
          hint="Separate with commas"
          optional
        />
        <AvailabilityGrid
          path="availability"
          legend="When they are usually available"
          hint="Tick every time that suits."
        />
        <TextField
          path="maxCaseload"
          label="Most clients at once"
          hint={`0 to ${MAX_CASELOAD_LIMIT}. Lowering it below today's caseload only stops new matches.`}
          inputMode="numeric"
          width="short"
        />
        <CheckboxField path="active" label="Active: can take new clients" />
      </FormSection>
    </>
  );
}

export function NewWorkerPage() {
  const { api } = useApp();
  const action = useActionForm({
    draftName: 'worker-new',
    initial: emptyWorkerDraft,
    schema: WorkerInputSchema,
    toBody: workerBody,
    send: async (body) => {
      const created = await api.call('createWorker', { body });
      flash(`${created.firstName} was added, with a sign-in for ${created.email}.`, `/roster/${created.id}`);
      navigate(`/roster/${created.id}`);
    },
  });
  return (
    <Page title="Add a worker" back={{ path: '/roster', label: 'Back to the roster' }}>
      <Form form={action.form} onSubmit={action.submit} label="Worker">
        <WorkerFields />
        <ErrorNotice error={action.failure} />
        <SubmitButton>Add worker</SubmitButton>
      </Form>
    </Page>
  );
}

export function EditWorkerForm({ worker, onSaved }: { worker: WorkerView; onSaved: () => void }) {
  const { api } = useApp();
  const action = useActionForm({
    draftName: `worker-${worker.id}-v${worker.version}`,
    initial: () => workerDraftFrom(worker),
    schema: WorkerPatchSchema,
    toBody: (values: WorkerDraft) => ({
      ...changedOnly(workerBody(values), workerBody(workerDraftFrom(worker))),
      version: worker.version,
    }),
    send: async (body) => {
      await api.call('correctWorker', { params: { id: worker.id }, body });
      flash('Changes saved.');
      onSaved();
    },
  });
  return (
    <Form form={action.form} onSubmit={action.submit} label="Edit worker">
      <WorkerFields />
      <ErrorNotice error={action.failure} />
      <SubmitButton>Save changes</SubmitButton>
    </Form>
  );
}
