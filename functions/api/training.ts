import { ROUTES, routes } from '#api/routes.ts';
import { addTrainingRecord, listTrainingRecords } from '#data/training.ts';
import { getWorker } from '#data/workers.ts';
import { isCurrent, type TrainingRecord } from '#domain/training.ts';
import { todayInProgramZone } from '#domain/vocabulary.ts';
import { apiHandler, json, routeDispatcher } from '#http/middleware.ts';
import { depsFor } from './access.ts';
import { checkOwnProfile } from './workers.ts';

/** A worker's training records: coordinators record them; a worker reads their own (others' are 404). */

export const trainingView = (record: TrainingRecord, today: string) => ({
  ...record,
  current: isCurrent(record, today),
});

export const list = apiHandler(routes.listTrainingRecords, async ({ caller, params }) => {
  checkOwnProfile(caller, params.id);
  const { store } = depsFor(caller);
  const [, records] = await Promise.all([getWorker(store, params.id), listTrainingRecords(store, params.id)]);
  const today = todayInProgramZone(store.now());
  return json(200, { items: records.map((r) => trainingView(r, today)) });
});

export const add = apiHandler(routes.addTrainingRecord, async ({ caller, params, body }) => {
  const { store } = depsFor(caller);
  const record = await addTrainingRecord(store, { workerId: params.id, record: body, by: caller.sub });
  return json(201, trainingView(record, todayInProgramZone(store.now())));
});

export const dispatch = routeDispatcher(ROUTES, 'functions/api/training.ts', { list, add });
