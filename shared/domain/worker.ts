import { z } from 'zod';
import type { ProgramRegion } from './roles.ts';
import {
  AvailabilitySchema,
  EmailSchema,
  GenderSchema,
  LanguageSchema,
  LIVED_EXPERIENCE_AREAS,
  LivedExperienceAreaSchema,
  optionalText,
  PhoneSchema,
  requiredText,
  strictObject,
  TRAINING_MODULES,
  TrainingModuleSchema,
  uniqueArray,
} from './vocabulary.ts';

/** The most clients one worker can hold; the program's contracts stay well under it. */
export const MAX_CASELOAD_LIMIT = 30;

const workerFields = {
  firstName: requiredText(80),
  lastName: requiredText(80),
  email: EmailSchema,
  phone: PhoneSchema,
  gender: GenderSchema,
  pronouns: optionalText(40),
  languages: uniqueArray(LanguageSchema, 10).min(1, 'At least one language'),
  culturalBackground: uniqueArray(requiredText(80), 10),
  /** Their own lived experience, or as a family carer (`FAMILY_CARER`). */
  livedExperience: uniqueArray(LivedExperienceAreaSchema, LIVED_EXPERIENCE_AREAS.length).min(
    1,
    'At least one lived-experience area',
  ),
  /** Neighbourhoods the worker can meet clients in. */
  neighbourhoods: uniqueArray(requiredText(80), 30),
  availability: AvailabilitySchema,
  interests: uniqueArray(requiredText(80), 20),
  trainingCompleted: uniqueArray(TrainingModuleSchema, TRAINING_MODULES.length),
  /** Lowering it below the current caseload is allowed: it only blocks new matches. */
  maxCaseload: z
    .number()
    .int('Must be a whole number')
    .min(0, 'Must be at least 0')
    .max(MAX_CASELOAD_LIMIT, `Must be at most ${MAX_CASELOAD_LIMIT}`),
  active: z.boolean(),
  /** A short introduction a client may read. */
  bio: optionalText(500),
};

export const WorkerInputSchema = strictObject({
  ...workerFields,
  culturalBackground: workerFields.culturalBackground.default([]),
  neighbourhoods: workerFields.neighbourhoods.default([]),
  availability: workerFields.availability.default([]),
  interests: workerFields.interests.default([]),
  trainingCompleted: workerFields.trainingCompleted.default([]),
  active: workerFields.active.default(true),
});
export type WorkerInput = z.infer<typeof WorkerInputSchema>;
/** The form as sent (defaults not yet applied). */
export type WorkerForm = z.input<typeof WorkerInputSchema>;

/** A profile correction: any fields, `version` as read. Nothing defaults, so omitted fields stay. */
export const WorkerPatchSchema = strictObject({
  firstName: workerFields.firstName.optional(),
  lastName: workerFields.lastName.optional(),
  email: workerFields.email.optional(),
  phone: workerFields.phone.optional(),
  gender: workerFields.gender.optional(),
  pronouns: workerFields.pronouns,
  languages: workerFields.languages.optional(),
  culturalBackground: workerFields.culturalBackground.optional(),
  livedExperience: workerFields.livedExperience.optional(),
  neighbourhoods: workerFields.neighbourhoods.optional(),
  availability: workerFields.availability.optional(),
  interests: workerFields.interests.optional(),
  trainingCompleted: workerFields.trainingCompleted.optional(),
  maxCaseload: workerFields.maxCaseload.optional(),
  active: workerFields.active.optional(),
  bio: workerFields.bio,
  version: z.number().int('Must be a whole number').min(1, 'Must be at least 1'),
}).refine((patch) => Object.keys(patch).some((key) => key !== 'version'), {
  error: 'Nothing to change: send at least one field',
});
export type WorkerPatch = z.infer<typeof WorkerPatchSchema>;

/** Fields of a worker's profile a correction can name (for the audit event). */
export const WORKER_FIELDS = Object.keys(workerFields) as (keyof WorkerInput)[];

/** The stored worker. `id` is their user's `sub`. */
export interface Worker extends WorkerInput {
  id: string;
  region: ProgramRegion;
  /** Clients currently assigned (kept in step with assignments in the same transactions). */
  activeCaseload: number;
  version: number;
  createdAt: string;
  updatedAt: string;
}
