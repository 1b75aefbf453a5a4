import type { ProgramRegion } from '#domain/roles.ts';
import { Role } from '#domain/roles.ts';
import type { DirectoryUser } from '#domain/users.ts';
import { type DemoWorker, demoStaffId, demoStaffPhone } from './demo-roster.ts';
import type { LocalUserDirectory } from './user-directory.ts';

/** The demo logins of a region: its staff accounts and its workers' accounts, in the local directory. */

export type StaffRole = 'clinician' | 'coordinator' | 'admin';
const STAFF_ROLES: readonly StaffRole[] = [Role.CLINICIAN, Role.COORDINATOR, Role.ADMIN];

export interface DemoAccounts {
  staff: Record<StaffRole, string>;
  /** Demo worker ids (their `sub`), the first ones active. */
  workers: string[];
}

/** The demo staff accounts of a region, in the directory's shape. */
function demoStaff(region: ProgramRegion, now: string): DirectoryUser[] {
  const names: Record<StaffRole, [string, string]> = {
    clinician: ['Casey', 'Clinician'],
    coordinator: ['Morgan', 'Coordinator'],
    admin: ['Alex', 'Admin'],
  };
  return STAFF_ROLES.map((role) => ({
    sub: demoStaffId(region, role),
    email: `${role}@${region}.peerpath.example.org`,
    ...(role === Role.CLINICIAN ? {} : { phone: demoStaffPhone(region, role) }),
    givenName: names[role][0],
    familyName: names[role][1],
    role,
    region,
    enabled: true,
    createdAt: now,
  }));
}

export function demoAccounts(region: ProgramRegion, roster: readonly DemoWorker[]): DemoAccounts {
  return {
    staff: {
      clinician: demoStaffId(region, Role.CLINICIAN),
      coordinator: demoStaffId(region, Role.COORDINATOR),
      admin: demoStaffId(region, Role.ADMIN),
    },
    workers: roster.map((worker) => worker.id),
  };
}

/** The region's demo logins (staff and workers) in the directory, unless present. File only: no table. */
export async function seedDemoLogins(
  users: LocalUserDirectory,
  region: ProgramRegion,
  roster: readonly DemoWorker[],
): Promise<void> {
  const now = new Date().toISOString();
  await users.ensureUsers(region, [
    ...demoStaff(region, now),
    ...roster.map((worker) => ({
      sub: worker.id,
      email: worker.input.email,
      givenName: worker.input.firstName,
      familyName: worker.input.lastName,
      role: Role.PEER_WORKER,
      region,
      enabled: true,
      createdAt: now,
    })),
  ]);
}
