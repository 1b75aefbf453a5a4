import * as z from 'zod/mini';
import {
  IsoDateSchema,
  isIsoDate,
  PastOrTodayDateSchema,
  strictObject,
  TrainingModuleSchema,
} from './vocabulary.ts';

/**
 * A worker's training record: which training (from the vocabulary), when it was completed and, for the
 * trainings that lapse (naloxone, for one), when it expires. A record expiring within
 * `TRAINING_EXPIRY_WARNING_DAYS` alerts the worker and the coordinators.
 */

export const TRAINING_EXPIRY_WARNING_DAYS = 30;

export const TrainingRecordInputSchema = strictObject({
  course: TrainingModuleSchema.check(z.describe('The training completed, from the program’s vocabulary')),
  completedOn: PastOrTodayDateSchema.check(z.describe('The day it was completed (America/Vancouver)')),
  expiresOn: z.optional(
    IsoDateSchema.check(z.describe('The day it lapses, for a training that does (e.g. naloxone)')),
  ),
}).check(
  z.refine(
    (input) =>
      input.expiresOn === undefined ||
      !isIsoDate(input.expiresOn) ||
      !isIsoDate(input.completedOn) ||
      input.expiresOn > input.completedOn,
    { path: ['expiresOn'], error: 'Must be after completedOn' },
  ),
  z.meta({ examples: [{ course: 'NALOXONE', completedOn: '2025-01-15', expiresOn: '2027-01-15' }] }),
);
export type TrainingRecordInput = z.infer<typeof TrainingRecordInputSchema>;

export interface TrainingRecord extends TrainingRecordInput {
  id: string;
  workerId: string;
  recordedBy: string;
  createdAt: string;
  version: number;
}

/** Whether a record is current on `today` (a record without an expiry never lapses). */
export const isCurrent = (record: Pick<TrainingRecord, 'expiresOn'>, today: string): boolean =>
  record.expiresOn === undefined || record.expiresOn >= today;
