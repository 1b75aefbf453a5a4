import * as z from 'zod/mini';
import { OTHER_WORK_KINDS } from '#domain/contracts.ts';
import { SUPERVISION_KINDS } from '#domain/supervision.ts';
import { IdSchema, IsoDateSchema, strictObject, TrainingModuleSchema } from '#domain/vocabulary.ts';

/**
 * The views of the workforce routes (training, contracts, paid time, supervision). Request bodies are the
 * domain's input schemas (shared/domain/training.ts, contracts.ts, supervision.ts).
 */

const about = (description: string) => z.meta({ description });
const timestamp = z.string().check(about('When it was recorded (ISO-8601 UTC)'));

export const TrainingRecordViewSchema = strictObject({
  id: IdSchema.check(about('The record’s id')),
  workerId: IdSchema.check(about('The worker (their `sub`)')),
  course: TrainingModuleSchema.check(about('The training')),
  completedOn: IsoDateSchema.check(about('Completed on')),
  expiresOn: z.optional(IsoDateSchema.check(about('Expires on, for a training that lapses'))),
  current: z.boolean().check(about('Not expired today')),
  recordedBy: IdSchema.check(about('Who recorded it')),
  createdAt: timestamp,
  version: z.number().check(about('Item version')),
});

export const PaidMonthSchema = strictObject({
  month: z.string().check(about('The month (America/Vancouver), YYYY-MM')),
  sessions: z.number().check(about('Session minutes')),
  supervision: z.number().check(about('Supervision and debrief minutes')),
  other: z.number().check(about('Other paid work: training, admin, travel')),
  total: z.number().check(about('All paid minutes')),
});

export const ContractSchema = strictObject({
  workerId: IdSchema.check(about('The worker (their `sub`)')),
  start: IsoDateSchema.check(about('First day')),
  end: IsoDateSchema.check(about('Last day')),
  hoursPerMonth: z.number().check(about('Contracted paid hours per month')),
  updatedBy: IdSchema.check(about('Who set it last')),
  createdAt: timestamp,
  updatedAt: timestamp,
  version: z.number().check(about('Item version')),
});

export const ContractViewSchema = strictObject({
  workerId: IdSchema.check(about('The worker (their `sub`)')),
  contract: z.optional(ContractSchema.check(about('The contract, once one is set'))),
  inForce: z.boolean().check(about('Whether a contract is in force today')),
  paidThisMonth: PaidMonthSchema.check(about('Paid minutes this month, by kind')),
});

export const TimeEntryViewSchema = strictObject({
  id: IdSchema.check(about('The entry’s id')),
  workerId: IdSchema.check(about('The worker (their `sub`)')),
  date: IsoDateSchema.check(about('The day of the work')),
  kind: z.enum(OTHER_WORK_KINDS).check(about('TRAINING, ADMIN or TRAVEL')),
  minutes: z.number().check(about('Paid minutes')),
  recordedBy: IdSchema.check(about('Who logged it')),
  createdAt: timestamp,
  version: z.number().check(about('Item version')),
});

export const SupervisionViewSchema = strictObject({
  id: IdSchema.check(about('The entry’s id')),
  workerId: IdSchema.check(about('The worker (their `sub`)')),
  date: IsoDateSchema.check(about('The day it took place')),
  minutes: z.number().check(about('Paid minutes')),
  kind: z.enum(SUPERVISION_KINDS).check(about('SUPERVISION or DEBRIEF')),
  note: z.string().check(about('The short note the worker reads')),
  debriefId: z.optional(IdSchema.check(about('The debrief this entry completed'))),
  recordedBy: IdSchema.check(about('Who recorded it')),
  createdAt: timestamp,
  version: z.number().check(about('Item version')),
});
