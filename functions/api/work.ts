import { apiHandler, routeDispatcher } from '#http/middleware.ts';
import { ROUTES, routes } from '../routes.ts';

// SKELETON: each export is replaced by its real handler (issue 5).
const notYet = (): never => {
  throw new Error('not implemented');
};

export const rateGoal = apiHandler(routes.rateGoal, async () => notYet());
export const logSession = apiHandler(routes.logSession, async () => notYet());
export const correctSession = apiHandler(routes.correctSession, async () => notYet());
export const raiseConcern = apiHandler(routes.raiseConcern, async () => notYet());

export const dispatch = routeDispatcher(ROUTES, 'functions/api/work.ts', {
  rateGoal,
  logSession,
  correctSession,
  raiseConcern,
});
