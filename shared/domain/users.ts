import * as z from 'zod/mini';
import { type ProgramRegion, ProgramRegionSchema, Role, RoleSchema } from '#domain/roles.ts';

/** People's logins as the API and the `UserDirectory` port (shared/app/ports.ts) see them. */

export const NameSchema = z.string().check(z.trim(), z.minLength(1), z.maxLength(100));

/** `POST /users` body: the region comes from the caller's token, never from the body. */
export const CreateUserBodySchema = z
  .strictObject({
    email: z
      .email()
      .check(z.maxLength(254), z.describe('The person’s email: their login and where the invitation goes')),
    givenName: NameSchema.check(z.describe('The person’s given name')),
    familyName: NameSchema.check(z.describe('The person’s family name')),
    role: RoleSchema.check(
      z.describe('Their one role (Cognito group); coordinators may not create admins or coordinators'),
    ),
  })
  .register(z.globalRegistry, {
    id: 'CreateUserInput',
    examples: [
      { email: 'riley.example@example.org', givenName: 'Riley', familyName: 'Example', role: 'clinician' },
    ],
  });
export type CreateUserBody = z.infer<typeof CreateUserBodySchema>;

export const NewUserSchema = z.extend(CreateUserBodySchema, { region: ProgramRegionSchema });
export type NewUser = z.infer<typeof NewUserSchema>;

export const DirectoryUserSchema = z
  .object({
    sub: z.string().check(z.describe('The user’s id in the user pool')),
    email: z.string().check(z.describe('Email address (their login)')),
    givenName: z.string().check(z.describe('Given name')),
    familyName: z.string().check(z.describe('Family name')),
    role: RoleSchema.check(z.describe('Their role (Cognito group)')),
    region: ProgramRegionSchema.check(z.describe('The program region of the account')),
    phone: z.optional(
      z.string().check(z.describe('E.164 phone number, for SMS alerts; absent when the person gave none')),
    ),
    enabled: z.boolean().check(z.describe('A disabled account cannot sign in')),
    createdAt: z.string().check(z.describe('When the account was created (ISO-8601 UTC)')),
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
