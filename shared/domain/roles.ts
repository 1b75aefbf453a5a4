import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';

/**
 * zod/mini (the Lambda bundles' zod: no methods on schemas, so unused features tree-shake) ships no locale:
 * without one every issue reads "Invalid input". Every schema module imports this one, so zod's English
 * messages (the ones classic zod uses by default) are set before anything is parsed. Only the English
 * locale module is imported: `z.locales` would pull in all of them.
 */
z.config(en());

/** Cognito groups, one per role. */
export const ROLES = ['clinician', 'coordinator', 'peer-worker', 'admin'] as const;
export const RoleSchema = z.enum(ROLES);
export type Role = z.infer<typeof RoleSchema>;

export const Role = {
  CLINICIAN: 'clinician',
  COORDINATOR: 'coordinator',
  PEER_WORKER: 'peer-worker',
  ADMIN: 'admin',
} as const satisfies Record<string, Role>;

/** Roles that run the program in a region (coordinators, and admins who can do all they do). */
export const STAFF_ROLES: readonly Role[] = [Role.COORDINATOR, Role.ADMIN];

/** The program regions: each is an isolated stack with its own table and user pool. */
export const PROGRAM_REGIONS = ['vancouver', 'north-shore', 'richmond', 'sea-to-sky'] as const;
export const ProgramRegionSchema = z.enum(PROGRAM_REGIONS);
export type ProgramRegion = z.infer<typeof ProgramRegionSchema>;

export const PROGRAM_REGION_NAMES: Record<ProgramRegion, string> = {
  vancouver: 'Vancouver',
  'north-shore': 'North Shore',
  richmond: 'Richmond',
  'sea-to-sky': 'Sea-to-Sky',
};

/** Dates for paid minutes and reports use the program's time zone. */
export const PROGRAM_TIME_ZONE = 'America/Vancouver';
