import { apiHandler, routeDispatcher } from '#http/middleware.ts';
import { ROUTES, routes } from '../routes.ts';

// SKELETON: each export is replaced by its real handler (issue 5).
const notYet = (): never => {
  throw new Error('not implemented');
};

export const accept = apiHandler(routes.acceptReferral, async () => notYet());
export const decline = apiHandler(routes.declineReferral, async () => notYet());
export const candidates = apiHandler(routes.referralCandidates, async () => notYet());
export const match = apiHandler(routes.matchReferral, async () => notYet());
export const reassign = apiHandler(routes.reassignReferral, async () => notYet());
export const setGoals = apiHandler(routes.setGoals, async () => notYet());
export const hold = apiHandler(routes.holdReferral, async () => notYet());
export const resume = apiHandler(routes.resumeReferral, async () => notYet());
export const goalsAchieved = apiHandler(routes.goalsAchieved, async () => notYet());
export const close = apiHandler(routes.closeReferral, async () => notYet());
export const withdraw = apiHandler(routes.withdrawReferral, async () => notYet());

export const dispatch = routeDispatcher(ROUTES, 'functions/api/lifecycle.ts', {
  accept,
  decline,
  candidates,
  match,
  reassign,
  setGoals,
  hold,
  resume,
  goalsAchieved,
  close,
  withdraw,
});
