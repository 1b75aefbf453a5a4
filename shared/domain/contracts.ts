import * as z from 'zod/mini';
import { IsoDateSchema, isIsoDate, PastOrTodayDateSchema, strictObject } from './vocabulary.ts';

/**
 * A worker's contract (start, end, hours per month) and the paid time outside client sessions. Paid time =
 * session minutes + supervision and debrief minutes (the supervision log) + other work logged here; every
 * kind moves the same per-worker-per-day counter, capped by the region's `maxPaidMinutesPerDay`.
 */

export const CONTRACT_ENDING_WARNING_DAYS = 30;
/** At this share of the month's contracted hours the worker and the coordinators are told. */
export const HOURS_NEAR_LIMIT_SHARE = 0.9;
export const MAX_HOURS_PER_MONTH = 744;

export const ContractInputSchema = strictObject({
  start: IsoDateSchema.check(z.describe('First day of the contract (America/Vancouver)')),
  end: IsoDateSchema.check(z.describe('Last day of the contract (America/Vancouver)')),
  hoursPerMonth: z
    .number()
    .check(
      z.positive('Must be more than 0'),
      z.lte(MAX_HOURS_PER_MONTH, `Must be at most ${MAX_HOURS_PER_MONTH}`),
      z.describe('Contracted paid hours per month'),
    ),
}).check(
  z.refine((input) => !isIsoDate(input.start) || !isIsoDate(input.end) || input.end >= input.start, {
    path: ['end'],
    error: 'Must not be before start',
  }),
  z.meta({ examples: [{ start: '2025-04-01', end: '2026-03-31', hoursPerMonth: 40 }] }),
);
export type ContractInput = z.infer<typeof ContractInputSchema>;

export interface Contract extends ContractInput {
  workerId: string;
  updatedBy: string;
  createdAt: string;
  updatedAt: string;
  version: number;
}

/** A contract is in force on `today` when today lies within its dates. */
export const inForce = (contract: Pick<Contract, 'start' | 'end'>, today: string): boolean =>
  contract.start <= today && today <= contract.end;

/** Other paid work logged through `/time`; supervision comes from the supervision log only. */
export const OTHER_WORK_KINDS = ['TRAINING', 'ADMIN', 'TRAVEL'] as const;
export const OtherWorkKindSchema = z.enum(OTHER_WORK_KINDS, {
  error: 'Must be TRAINING, ADMIN or TRAVEL (supervision is logged in the supervision log)',
});

export const TimeEntryInputSchema = strictObject({
  date: PastOrTodayDateSchema.check(z.describe('The day of the work (America/Vancouver), not in the future')),
  kind: OtherWorkKindSchema.check(z.describe('TRAINING, ADMIN or TRAVEL')),
  minutes: z
    .number()
    .check(
      z.int('Must be a whole number'),
      z.positive('Must be more than 0'),
      z.lte(24 * 60, 'Must be at most 1440'),
      z.describe('Paid minutes'),
    ),
}).check(z.meta({ examples: [{ date: '2025-01-15', kind: 'TRAINING', minutes: 90 }] }));
export type TimeEntryInput = z.infer<typeof TimeEntryInputSchema>;

export interface TimeEntry extends TimeEntryInput {
  id: string;
  workerId: string;
  recordedBy: string;
  createdAt: string;
  version: number;
}
