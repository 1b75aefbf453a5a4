import * as z from 'zod/mini';
import { type ProgramRegion, ProgramRegionSchema, Role, RoleSchema } from '#domain/roles.ts';

/** People's logins as the API and the `UserDirectory` port (shared/app/ports.ts) see them. */

export const NameSchema = z.string().check(z.trim(), z.minLength(1), z.maxLength(100));

/** `POST /users` body: the region comes from the caller's token, never from the body. */
export const CreateUserBodySchema = z
  .strictObject({
    email: z.email().check(z.maxLength(254)),
    givenName: NameSchema,
    familyName: NameSchema,
    role: RoleSchema,
  })
  .register(z.globalRegistry, { id: 'CreateUserInput' });
export type CreateUserBody = z.infer<typeof CreateUserBodySchema>;

export const NewUserSchema = z.extend(CreateUserBodySchema, { region: ProgramRegionSchema });
export type NewUser = z.infer<typeof NewUserSchema>;

export const DirectoryUserSchema = z
  .object({
    sub: z.string(),
    email: z.string(),
    givenName: z.string(),
    familyName: z.string(),
    role: RoleSchema,
    region: ProgramRegionSchema,
    /** E.164, for SMS alerts; absent when the person gave none. */
    phone: z.optional(z.string()),
    enabled: z.boolean(),
    createdAt: z.string(),
  })
  .register(z.globalRegistry, { id: 'User' });
export type DirectoryUser = z.infer<typeof DirectoryUserSchema>;

/**
 * Which roles a caller may create accounts for: coordinators make clinicians and peer workers;
 * admins also make coordinators. Admin accounts are made outside the API.
 */
export function creatableRoles(actor: Role): Role[] {
  if (actor === Role.ADMIN) return [Role.CLINICIAN, Role.PEER_WORKER, Role.COORDINATOR];
  if (actor === Role.COORDINATOR) return [Role.CLINICIAN, Role.PEER_WORKER];
  return [];
}

export function byName(a: DirectoryUser, b: DirectoryUser): number {
  return a.familyName.localeCompare(b.familyName) || a.givenName.localeCompare(b.givenName);
}
