import type { RouteDefinition } from '#api/route.ts';
import { Role } from '#domain/roles.ts';
import { listOf, ReferralViewSchema } from './schemas.ts';
import { SearchQuerySchema } from './schemas-search.ts';

/** Client search (issue 18): spread into the route table (shared/api/routes.ts). */
export const searchRoutes = {
  searchReferrals: {
    method: 'GET',
    path: '/referrals/search',
    roles: [Role.COORDINATOR, Role.ADMIN, Role.CLINICIAN],
    tag: 'Referrals',
    summary: 'Find referrals by the client’s name prefix or date of birth',
    description:
      'Open and closed referrals whose client’s family or given name starts with `q` (at least 2 letters; case, accents and hyphens do not matter) and/or who was born on `dob`, newest first. Coordinators and admins search their region; a clinician the referrals they made. Neither `q` nor `dob` is 400.',
    request: { query: SearchQuerySchema },
    responses: { 200: listOf(ReferralViewSchema) },
    handler: { file: 'functions/api/search.ts', export: 'search' },
  },
} as const satisfies Record<string, RouteDefinition>;
