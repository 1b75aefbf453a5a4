import { apiHandler, routeDispatcher } from '#http/middleware.ts';
import { ROUTES, routes } from '../routes.ts';

// SKELETON: each export is replaced by its real handler (issue 5).
const notYet = (): never => {
  throw new Error('not implemented');
};

export const list = apiHandler(routes.listAlerts, async () => notYet());
export const acknowledge = apiHandler(routes.acknowledgeAlert, async () => notYet());

export const dispatch = routeDispatcher(ROUTES, 'functions/api/alerts.ts', { list, acknowledge });
