import { apiHandler, routeDispatcher } from '#http/middleware.ts';
import { ROUTES, routes } from '../routes.ts';

// SKELETON: each export is replaced by its real handler (issue 5).
const notYet = (): never => {
  throw new Error('not implemented');
};

export const submit = apiHandler(routes.submitReferral, async () => notYet());
export const list = apiHandler(routes.listReferrals, async () => notYet());
export const get = apiHandler(routes.getReferral, async () => notYet());
export const correct = apiHandler(routes.correctReferral, async () => notYet());
export const history = apiHandler(routes.referralHistory, async () => notYet());
export const rerefer = apiHandler(routes.rereferReferral, async () => notYet());

export const dispatch = routeDispatcher(ROUTES, 'functions/api/referrals.ts', {
  submit,
  list,
  get,
  correct,
  history,
  rerefer,
});
