import { apiHandler, routeDispatcher } from '#http/middleware.ts';
import { ROUTES, routes } from '../routes.ts';

// SKELETON: each export is replaced by its real handler (issue 5).
const notYet = (): never => {
  throw new Error('not implemented');
};

export const list = apiHandler(routes.listDebriefs, async () => notYet());
export const done = apiHandler(routes.completeDebrief, async () => notYet());

export const dispatch = routeDispatcher(ROUTES, 'functions/api/supervision.ts', { list, done });
