import { apiHandler, routeDispatcher } from '#http/middleware.ts';
import { ROUTES, routes } from '../routes.ts';

// SKELETON: each export is replaced by its real handler (issue 5).
const notYet = (): never => {
  throw new Error('not implemented');
};

export const list = apiHandler(routes.listWorkers, async () => notYet());
export const create = apiHandler(routes.createWorker, async () => notYet());
export const get = apiHandler(routes.getWorker, async () => notYet());
export const correct = apiHandler(routes.correctWorker, async () => notYet());

export const dispatch = routeDispatcher(ROUTES, 'functions/api/workers.ts', { list, create, get, correct });
