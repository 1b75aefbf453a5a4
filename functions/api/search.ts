import { ROUTES, routes } from '#api/routes.ts';
import { searchReferrals } from '#data/referral-search.ts';
import { Role } from '#domain/roles.ts';
import { apiHandler, json, logAccess, routeDispatcher } from '#http/middleware.ts';
import { canSee, depsFor } from './access.ts';
import { referralView } from './views.ts';

/** Client search: coordinators and admins over the region, a clinician over the referrals they made. */

export const search = apiHandler(routes.searchReferrals, async ({ caller, query }) => {
  const { q, dob, limit, nextToken } = query;
  const page = await searchReferrals(depsFor(caller).store, {
    limit,
    ...(q !== undefined ? { q } : {}),
    ...(dob !== undefined ? { dob } : {}),
    ...(nextToken ? { nextToken } : {}),
    ...(caller.role === Role.CLINICIAN ? { referrerSub: caller.sub } : {}),
  });
  const items = page.items.filter((referral) => canSee(caller, referral));
  for (const referral of items) {
    logAccess({
      callerSub: caller.sub,
      role: caller.role,
      referralId: referral.id,
      route: routes.searchReferrals.id,
    });
  }
  return json(200, {
    items: items.map((referral) => referralView(caller, referral)),
    ...(page.nextToken ? { nextToken: page.nextToken } : {}),
  });
});

export const dispatch = routeDispatcher(ROUTES, 'functions/api/search.ts', { search });
