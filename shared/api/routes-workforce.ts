import type { RouteDefinition } from '#api/route.ts';
import { ContractInputSchema, TimeEntryInputSchema } from '#domain/contracts.ts';
import { Role, type Role as RoleType } from '#domain/roles.ts';
import { SupervisionInputSchema } from '#domain/supervision.ts';
import { TrainingRecordInputSchema } from '#domain/training.ts';
import { IdParamsSchema, ListQuerySchema, listOf } from './schemas.ts';
import {
  ContractViewSchema,
  SupervisionViewSchema,
  TimeEntryViewSchema,
  TrainingRecordViewSchema,
} from './schemas-workforce.ts';

/**
 * The workforce routes (issue 17): a worker's training records, contract and paid time, and supervision
 * log. Coordinators and admins read and write; a peer worker reads their own (anyone else's is 404) and
 * logs their own other paid work.
 */

const STAFF: readonly RoleType[] = [Role.COORDINATOR, Role.ADMIN];
const STAFF_AND_WORKER: readonly RoleType[] = [Role.COORDINATOR, Role.ADMIN, Role.PEER_WORKER];
const TRAINING = 'functions/api/training.ts';
const CONTRACTS = 'functions/api/contracts.ts';
const SUPERVISION = 'functions/api/supervision.ts';
const byId = { params: IdParamsSchema };

export const workforceRoutes = {
  listTrainingRecords: {
    method: 'GET',
    path: '/workers/{id}/training',
    roles: STAFF_AND_WORKER,
    tag: 'Workers',
    summary: "A worker's training records (a peer worker: only their own)",
    description: 'Every training record of the worker, newest completion first, with whether it is current.',
    request: byId,
    responses: { 200: listOf(TrainingRecordViewSchema) },
    handler: { file: TRAINING, export: 'list' },
  },
  addTrainingRecord: {
    method: 'POST',
    path: '/workers/{id}/training',
    roles: STAFF,
    tag: 'Workers',
    summary: 'Record a completed training',
    description:
      'Records a training the worker completed; `expiresOn`, for a training that lapses, must be after `completedOn`.',
    request: { ...byId, body: TrainingRecordInputSchema },
    responses: { 201: TrainingRecordViewSchema },
    handler: { file: TRAINING, export: 'add' },
  },
  getContract: {
    method: 'GET',
    path: '/workers/{id}/contract',
    roles: STAFF_AND_WORKER,
    tag: 'Workers',
    summary: "A worker's contract and paid time this month (a peer worker: only their own)",
    description:
      'The contract (once set), whether it is in force today, and the paid minutes this month: sessions, supervision and debriefs, other work.',
    request: byId,
    responses: { 200: ContractViewSchema },
    handler: { file: CONTRACTS, export: 'get' },
  },
  putContract: {
    method: 'PUT',
    path: '/workers/{id}/contract',
    roles: STAFF,
    tag: 'Workers',
    summary: "Set a worker's contract",
    description: 'Sets or replaces the contract: start, end (not before start) and paid hours per month.',
    request: { ...byId, body: ContractInputSchema },
    responses: { 200: ContractViewSchema },
    errors: [409],
    handler: { file: CONTRACTS, export: 'put' },
  },
  logTime: {
    method: 'POST',
    path: '/workers/{id}/time',
    roles: STAFF_AND_WORKER,
    tag: 'Workers',
    summary: 'Log other paid work: TRAINING, ADMIN or TRAVEL (a peer worker: their own)',
    description:
      "Other paid work counts towards the day's `maxPaidMinutesPerDay` with sessions and supervision (400 past it, nothing written). Supervision is logged in the supervision log, not here.",
    request: { ...byId, body: TimeEntryInputSchema },
    responses: { 201: TimeEntryViewSchema },
    handler: { file: CONTRACTS, export: 'logTime' },
  },
  listSupervision: {
    method: 'GET',
    path: '/workers/{id}/supervision',
    roles: STAFF_AND_WORKER,
    tag: 'Supervision',
    summary: "A worker's supervision log, newest first (a peer worker: only their own)",
    description: 'Regular supervision and debriefs with their short notes, newest first.',
    request: { ...byId, query: ListQuerySchema },
    responses: { 200: listOf(SupervisionViewSchema) },
    handler: { file: SUPERVISION, export: 'listLog' },
  },
  logSupervision: {
    method: 'POST',
    path: '/workers/{id}/supervision',
    roles: STAFF,
    tag: 'Supervision',
    summary: 'Log supervision or a debrief',
    description:
      "Logs a supervision meeting or debrief with a short note the worker reads (never a client's name); its minutes are paid time within the day's cap.",
    request: { ...byId, body: SupervisionInputSchema },
    responses: { 201: SupervisionViewSchema },
    handler: { file: SUPERVISION, export: 'logEntry' },
  },
} as const satisfies Record<string, RouteDefinition>;
