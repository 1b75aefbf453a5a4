import * as z from 'zod/mini';
import type { ProgramRegion } from './roles.ts';
import {
  AvailabilitySchema,
  EmailSchema,
  GenderSchema,
  LanguageSchema,
  LIVED_EXPERIENCE_AREAS,
  LivedExperienceAreaSchema,
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
  firstName: requiredText(80).check(z.describe('The worker’s first name (what clients and clinicians see)')),
  lastName: requiredText(80).check(z.describe('The worker’s last name')),
  email: EmailSchema.check(z.describe('The worker’s email: their login and where alerts go')),
  phone: PhoneSchema.check(z.describe('The worker’s phone')),
  gender: GenderSchema.check(z.describe('The worker’s gender (matched with a client’s preference)')),
  pronouns: z.optional(requiredText(40).check(z.describe('The worker’s pronouns'))),
  languages: uniqueArray(LanguageSchema, 10).check(
    z.minLength(1, 'At least one language'),
    z.describe('Languages the worker speaks'),
  ),
  culturalBackground: uniqueArray(requiredText(80), 10).check(z.describe('The worker’s cultural background')),
  /** Their own lived experience, or as a family carer (`FAMILY_CARER`). */
  livedExperience: uniqueArray(LivedExperienceAreaSchema, LIVED_EXPERIENCE_AREAS.length).check(
    z.minLength(1, 'At least one lived-experience area'),
    z.describe('The worker’s lived experience, their own or as a family carer (FAMILY_CARER)'),
  ),
  /** Neighbourhoods the worker can meet clients in. */
  neighbourhoods: uniqueArray(requiredText(80), 30).check(
    z.describe('Neighbourhoods the worker can meet clients in'),
  ),
  availability: AvailabilitySchema.check(z.describe('When the worker can meet clients')),
  interests: uniqueArray(requiredText(80), 20).check(
    z.describe('Interests the worker may share with a client'),
  ),
  trainingCompleted: uniqueArray(TrainingModuleSchema, TRAINING_MODULES.length).check(
    z.describe('Training modules the worker has completed'),
  ),
  /** Lowering it below the current caseload is allowed: it only blocks new matches. */
  maxCaseload: z
    .number()
    .check(
      z.int('Must be a whole number'),
      z.gte(0, 'Must be at least 0'),
      z.lte(MAX_CASELOAD_LIMIT, `Must be at most ${MAX_CASELOAD_LIMIT}`),
      z.describe(
        'The most clients the worker takes; lowering it below the current load only blocks new matches',
      ),
    ),
  active: z.boolean().check(z.describe('An inactive worker is never proposed for a match')),
  /** A short introduction a client may read. */
  bio: z.optional(requiredText(500).check(z.describe('A short introduction a client may read'))),
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
  version: z
    .number()
    .check(
      z.int('Must be a whole number'),
      z.gte(1, 'Must be at least 1'),
      z.describe('The `version` of the profile as read; another is 409'),
    ),
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
