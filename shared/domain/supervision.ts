import * as z from 'zod/mini';
import { PastOrTodayDateSchema, requiredText, strictObject } from './vocabulary.ts';

/**
 * The supervision log: regular supervision (a coordinator meets a worker, monthly by default) and
 * debriefs, each with a short note the worker reads (never a client's name). A worker without supervision
 * for `SUPERVISION_DUE_DAYS` raises SUPERVISION_DUE for the coordinators.
 */

export const SUPERVISION_DUE_DAYS = 45;
export const SUPERVISION_KINDS = ['SUPERVISION', 'DEBRIEF'] as const;
export const SupervisionKindSchema = z.enum(SUPERVISION_KINDS);
export type SupervisionKind = z.infer<typeof SupervisionKindSchema>;

export const SupervisionInputSchema = strictObject({
  date: PastOrTodayDateSchema.check(z.describe('The day it took place (America/Vancouver)')),
  minutes: z
    .number()
    .check(
      z.int('Must be a whole number'),
      z.positive('Must be more than 0'),
      z.lte(8 * 60, 'Must be at most 480'),
      z.describe('Paid minutes of the meeting'),
    ),
  kind: SupervisionKindSchema.check(z.describe('SUPERVISION (regular) or DEBRIEF')),
  note: requiredText(1000).check(z.describe('A short note the worker can read: never a client’s name')),
}).check(
  z.meta({
    examples: [{ date: '2025-01-15', minutes: 45, kind: 'SUPERVISION', note: 'Boundaries; plan for leave' }],
  }),
);
export type SupervisionInput = z.infer<typeof SupervisionInputSchema>;

export interface SupervisionEntry extends SupervisionInput {
  id: string;
  workerId: string;
  recordedBy: string;
  /** The debrief this entry completed, when it came from `POST /debriefs/{id}/done`. */
  debriefId?: string;
  createdAt: string;
  version: number;
}
