import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PROGRAM_REGIONS, Role } from '#domain/roles.ts';
import { seedDemoLogins } from '../../../local/demo-accounts.ts';
import { demoWorkers } from '../../../local/demo-roster.ts';
import { LocalUserDirectory } from '../../../local/user-directory.ts';

let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'peerpath-directory-'));
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('the demo directory (people the alerts reach)', () => {
  it('gives every demo person an example.org email, and coordinators and admins an E.164 phone', async () => {
    const users = new LocalUserDirectory({ dataDir });
    const phones = new Set<string>();
    for (const region of PROGRAM_REGIONS) {
      await seedDemoLogins(users, region, demoWorkers(region, 3));
      const everyone = await users.listUsers({ region });
      expect(everyone).toHaveLength(6);
      for (const user of everyone) {
        expect(user.email).toMatch(/@([a-z0-9-]+\.)*example\.org$/);
        if (user.role === Role.COORDINATOR || user.role === Role.ADMIN) {
          expect(user.phone).toMatch(/^\+1604555\d{4}$/);
          phones.add(user.phone as string);
        } else {
          expect(user.phone).toBeUndefined();
        }
      }
    }
    expect(phones.size).toBe(PROGRAM_REGIONS.length * 2);
  });

  it('gives the phones to a directory written before people had them, and changes nothing else', async () => {
    // Prepare: an earlier start's directory, without phones, and one account a coordinator made since.
    const users = new LocalUserDirectory({ dataDir });
    await seedDemoLogins(users, 'vancouver', demoWorkers('vancouver', 2));
    const file = join(dataDir, 'users-vancouver.json');
    const before = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>[];
    for (const user of before) delete user.phone;
    before.push({ ...before[0], sub: 'made-later', email: 'later@example.org', role: Role.COORDINATOR });
    await writeFile(file, JSON.stringify(before));

    // Act
    const changed = await new LocalUserDirectory({ dataDir }).ensureUsers('vancouver', []);
    await seedDemoLogins(new LocalUserDirectory({ dataDir }), 'vancouver', demoWorkers('vancouver', 2));

    // Assess
    expect(changed).toBe(0);
    const after = await new LocalUserDirectory({ dataDir }).listUsers({ region: 'vancouver' });
    const staff = after.filter((u) => u.role === Role.COORDINATOR || u.role === Role.ADMIN);
    expect(
      staff.filter((u) => u.sub !== 'made-later').every((u) => /^\+1604555\d{4}$/.test(u.phone ?? '')),
    ).toBe(true);
    expect(after.find((u) => u.sub === 'made-later')?.phone).toBeUndefined();
    const strip = ({ phone: _phone, ...rest }: Record<string, unknown>) => rest;
    expect(after.map(strip).sort((a, b) => String(a.sub).localeCompare(String(b.sub)))).toEqual(
      before.map(strip).sort((a, b) => String(a.sub).localeCompare(String(b.sub))),
    );
  });
});
