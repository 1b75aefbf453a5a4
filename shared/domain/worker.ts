import * as z from 'zod/mini';
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
  languages: uniqueArray(LanguageSchema, 10).check(z.minLength(1, 'At least one language')),
  culturalBackground: uniqueArray(requiredText(80), 10),
  /** Their own lived experience, or as a family carer (`FAMILY_CARER`). */
  livedExperience: uniqueArray(LivedExperienceAreaSchema, LIVED_EXPERIENCE_AREAS.length).check(
    z.minLength(1, 'At least one lived-experience area'),
  ),
  /** Neighbourhoods the worker can meet clients in. */
  neighbourhoods: uniqueArray(requiredText(80), 30),
  availability: AvailabilitySchema,
  interests: uniqueArray(requiredText(80), 20),
  trainingCompleted: uniqueArray(TrainingModuleSchema, TRAINING_MODULES.length),
  /** Lowering it below the current caseload is allowed: it only blocks new matches. */
  maxCaseload: z
    .number()
    .check(
      z.int('Must be a whole number'),
      z.gte(0, 'Must be at least 0'),
      z.lte(MAX_CASELOAD_LIMIT, `Must be at most ${MAX_CASELOAD_LIMIT}`),
    ),
  active: z.boolean(),
  /** A short introduction a client may read. */
  bio: optionalText(500),
};

export const WorkerInputSchema = strictObject({
  ...workerFields,
  culturalBackground: z._default(workerFields.culturalBackground, []),
  neighbourhoods: z._default(workerFields.neighbourhoods, []),
  availability: z._default(workerFields.availability, []),
  interests: z._default(workerFields.interests, []),
  trainingCompleted: z._default(workerFields.trainingCompleted, []),
  active: z._default(workerFields.active, true),
}).check(
  z.meta({
    examples: [
      {
        firstName: 'Sam',
        lastName: 'Rivera',
        email: 'sam.rivera@example.org',
        phone: '604-555-0199',
        gender: 'NON_BINARY',
        languages: ['English', 'Spanish'],
        livedExperience: ['MOOD', 'ANXIETY'],
        neighbourhoods: ['Kitsilano'],
        maxCaseload: 6,
      },
    ],
  }),
);
export type WorkerInput = z.infer<typeof WorkerInputSchema>;
/** The form as sent (defaults not yet applied). */
export type WorkerForm = z.input<typeof WorkerInputSchema>;

/** A profile correction: any fields, `version` as read. Nothing defaults, so omitted fields stay. */
export const WorkerPatchSchema = strictObject({
  firstName: z.optional(workerFields.firstName),
  lastName: z.optional(workerFields.lastName),
  email: z.optional(workerFields.email),
  phone: z.optional(workerFields.phone),
  gender: z.optional(workerFields.gender),
  pronouns: workerFields.pronouns,
  languages: z.optional(workerFields.languages),
  culturalBackground: z.optional(workerFields.culturalBackground),
  livedExperience: z.optional(workerFields.livedExperience),
  neighbourhoods: z.optional(workerFields.neighbourhoods),
  availability: z.optional(workerFields.availability),
  interests: z.optional(workerFields.interests),
  trainingCompleted: z.optional(workerFields.trainingCompleted),
  maxCaseload: z.optional(workerFields.maxCaseload),
  active: z.optional(workerFields.active),
  bio: workerFields.bio,
  version: z.number().check(z.int('Must be a whole number'), z.gte(1, 'Must be at least 1')),
}).check(
  z.refine((patch) => Object.keys(patch).some((key) => key !== 'version'), {
    error: 'Nothing to change: send at least one field',
  }),
  z.meta({ examples: [{ maxCaseload: 8, version: 1 }] }),
);
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
