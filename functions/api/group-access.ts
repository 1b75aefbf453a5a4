import { NotFoundError } from '#app/errors.ts';
import { getGroup } from '#data/groups.ts';
import type { Group } from '#domain/groups.ts';
import { Role } from '#domain/roles.ts';
import type { Caller } from '#http/auth.ts';
import { depsFor } from './access.ts';

export const isStaff = (caller: Pick<Caller, 'role'>) =>
  caller.role === Role.COORDINATOR || caller.role === Role.ADMIN;

/** The group if the caller may see it: staff any of the region's, a peer worker those they facilitate (404 otherwise). */
export async function groupFor(caller: Caller, id: string): Promise<Group> {
  const group = await getGroup(depsFor(caller).store, id);
  if (!isStaff(caller) && !group.facilitators.includes(caller.sub)) throw new NotFoundError();
  return group;
}
