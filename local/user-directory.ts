import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as z from 'zod/mini';
import { UserExistsError } from '#app/errors.ts';
import type { ListUsersQuery, UserDirectory } from '#app/ports.ts';
import type { ProgramRegion } from '#domain/roles.ts';
import {
  byName,
  type DirectoryUser,
  DirectoryUserSchema,
  type NewUser,
  NewUserSchema,
} from '#domain/users.ts';

/**
 * The local stand-in for the region's Cognito user pool.
 *
 * Users live in `<dataDir>/users-<region>.json`, not in the DynamoDB table: in the cloud logins are
 * in Cognito, outside the table, so keeping them out of the local table keeps the table's items
 * identical to the cloud's. Without `dataDir` the users live in memory only (tests).
 * Writes within a process are serialised and each file is replaced atomically (write + rename).
 */
export class LocalUserDirectory implements UserDirectory {
  private readonly memory = new Map<ProgramRegion, DirectoryUser[]>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: { dataDir?: string } = {}) {}

  async createUser(input: NewUser): Promise<{ sub: string }> {
    const user = NewUserSchema.parse(input);
    return this.serialised(async () => {
      const users = await this.load(user.region);
      const email = user.email.toLowerCase();
      if (users.some((existing) => existing.email.toLowerCase() === email)) throw new UserExistsError();
      const sub = randomUUID();
      users.push({
        sub,
        email: user.email,
        givenName: user.givenName,
        familyName: user.familyName,
        role: user.role,
        region: user.region,
        enabled: true,
        createdAt: new Date().toISOString(),
      });
      await this.save(user.region, users);
      return { sub };
    });
  }

  /**
   * Adds the given accounts (fixed subs: the demo roster and staff) unless an account with that sub or
   * email exists. Returns how many were added or given a phone. An existing account is never changed, but
   * for one thing: an account of the same sub that has no phone gets the given one (a directory written
   * before people had phones gets the demo coordinators' numbers for SMS alerts).
   */
  async ensureUsers(region: ProgramRegion, accounts: readonly DirectoryUser[]): Promise<number> {
    return this.serialised(async () => {
      const users = await this.load(region);
      const bySub = new Map(users.map((user) => [user.sub, user]));
      const emails = new Set(users.map((user) => user.email.toLowerCase()));
      let changed = 0;
      for (const account of accounts) {
        const user = DirectoryUserSchema.parse(account);
        if (user.region !== region) throw new Error('An account for another region');
        const existing = bySub.get(user.sub);
        if (existing) {
          if (user.phone && !existing.phone) {
            existing.phone = user.phone;
            changed++;
          }
          continue;
        }
        if (emails.has(user.email.toLowerCase())) continue;
        users.push(user);
        bySub.set(user.sub, user);
        emails.add(user.email.toLowerCase());
        changed++;
      }
      if (changed > 0) await this.save(region, users);
      return changed;
    });
  }

  async listUsers({ region, role }: ListUsersQuery): Promise<DirectoryUser[]> {
    await this.queue.catch(() => undefined);
    const users = await this.load(region);
    return users.filter((user) => role === undefined || user.role === role).sort(byName);
  }

  private serialised<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.catch(() => undefined).then(work);
    this.queue = run;
    return run;
  }

  private file(region: ProgramRegion): string | undefined {
    return this.options.dataDir ? join(this.options.dataDir, `users-${region}.json`) : undefined;
  }

  private async load(region: ProgramRegion): Promise<DirectoryUser[]> {
    const file = this.file(region);
    if (!file) return [...(this.memory.get(region) ?? [])];
    try {
      return z.array(DirectoryUserSchema).parse(JSON.parse(await readFile(file, 'utf8')));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
  }

  private async save(region: ProgramRegion, users: DirectoryUser[]): Promise<void> {
    const file = this.file(region);
    if (!file) {
      this.memory.set(region, users);
      return;
    }
    await mkdir(this.options.dataDir!, { recursive: true });
    const temp = `${file}.${process.pid}.tmp`;
    await writeFile(temp, JSON.stringify(users, null, 2), { mode: 0o600 });
    await rename(temp, file);
  }
}
