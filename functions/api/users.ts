import { apiHandler, routeDispatcher } from '#http/middleware.ts';
import { ROUTES, routes } from '../routes.ts';

// SKELETON: each export is replaced by its real handler (issue 5).
const notYet = (): never => {
  throw new Error('not implemented');
};

export const list = apiHandler(routes.listUsers, async () => notYet());
export const create = apiHandler(routes.createUser, async () => notYet());

export const dispatch = routeDispatcher(ROUTES, 'functions/api/users.ts', { list, create });
