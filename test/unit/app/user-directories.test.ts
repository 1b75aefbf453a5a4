import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  type CognitoIdentityProviderClient,
  type ListUsersInGroupCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, describe, expect, it } from 'vitest';
import { UserExistsError } from '#app/errors.ts';
import { CognitoUserDirectory } from '#aws/cognito-directory.ts';
import { creatableRoles, type NewUser } from '#domain/users.ts';
import { LocalUserDirectory } from '../../../local/user-directory.ts';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

const person = (overrides: Partial<NewUser> = {}): NewUser => ({
  email: 'sam.rivera@example.org',
  givenName: 'Sam',
  familyName: 'Rivera',
  role: 'clinician',
  region: 'vancouver',
  ...overrides,
});

describe('LocalUserDirectory', () => {
  it('creates users with a UUID sub and lists them by region and role', async () => {
    const directory = new LocalUserDirectory();
    const { sub } = await directory.createUser(person());
    await directory.createUser(person({ email: 'a@example.org', familyName: 'Adams', role: 'coordinator' }));
    await directory.createUser(person({ email: 'r@example.org', region: 'richmond' }));
    expect(sub).toMatch(/^[0-9a-f-]{36}$/);
    const vancouver = await directory.listUsers({ region: 'vancouver' });
    expect(vancouver.map((u) => u.familyName)).toEqual(['Adams', 'Rivera']);
    expect(await directory.listUsers({ region: 'vancouver', role: 'clinician' })).toMatchObject([
      { sub, email: 'sam.rivera@example.org', role: 'clinician', region: 'vancouver', enabled: true },
    ]);
  });

  it('refuses a second account with the same email in a region, whatever its case', async () => {
    const directory = new LocalUserDirectory();
    await directory.createUser(person());
    await expect(directory.createUser(person({ email: 'SAM.RIVERA@example.org' }))).rejects.toThrow(
      UserExistsError,
    );
    await expect(directory.createUser(person({ region: 'richmond' }))).resolves.toBeDefined();
  });

  it('creates one account when the same email is submitted twice at once', async () => {
    const directory = new LocalUserDirectory();
    const results = await Promise.allSettled([
      directory.createUser(person()),
      directory.createUser(person()),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(await directory.listUsers({ region: 'vancouver' })).toHaveLength(1);
  });

  it('keeps users in a file under the data directory across instances', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'peerpath-users-'));
    dirs.push(dataDir);
    const { sub } = await new LocalUserDirectory({ dataDir }).createUser(person());
    expect(await new LocalUserDirectory({ dataDir }).listUsers({ region: 'vancouver' })).toMatchObject([
      { sub },
    ]);
    expect(JSON.parse(await readFile(join(dataDir, 'users-vancouver.json'), 'utf8'))).toHaveLength(1);
  });

  it('validates what it is given', async () => {
    await expect(new LocalUserDirectory().createUser(person({ email: 'not-an-email' }))).rejects.toThrow();
  });
});

describe('creatableRoles', () => {
  it('lets coordinators create clinicians and workers, admins also coordinators', () => {
    expect(creatableRoles('coordinator').sort()).toEqual(['clinician', 'peer-worker']);
    expect(creatableRoles('admin').sort()).toEqual(['clinician', 'coordinator', 'peer-worker']);
    expect(creatableRoles('clinician')).toEqual([]);
    expect(creatableRoles('peer-worker')).toEqual([]);
  });
});

/** A recording stand-in for the Cognito client: checks the adapter's requests, not Cognito. */
function fakeCognito(respond: (command: object) => unknown) {
  const sent: object[] = [];
  const client = {
    send: async (command: object) => {
      sent.push(command);
      return respond(command);
    },
  } as unknown as CognitoIdentityProviderClient;
  return { client, sent };
}

describe('CognitoUserDirectory', () => {
  const created = { User: { Attributes: [{ Name: 'sub', Value: 'sub-123' }] } };

  it('creates the user with the region attribute, then adds them to their role group', async () => {
    const { client, sent } = fakeCognito((command) =>
      command instanceof AdminCreateUserCommand ? created : {},
    );
    const directory = new CognitoUserDirectory({ userPoolId: 'pool-1', region: 'vancouver', client });
    await expect(directory.createUser(person())).resolves.toEqual({ sub: 'sub-123' });
    expect(sent[0]).toBeInstanceOf(AdminCreateUserCommand);
    expect((sent[0] as AdminCreateUserCommand).input).toMatchObject({
      UserPoolId: 'pool-1',
      Username: 'sam.rivera@example.org',
      UserAttributes: expect.arrayContaining([{ Name: 'custom:region', Value: 'vancouver' }]),
    });
    expect(sent[1]).toBeInstanceOf(AdminAddUserToGroupCommand);
    expect((sent[1] as AdminAddUserToGroupCommand).input).toMatchObject({ GroupName: 'clinician' });
  });

  it('removes the new login when it cannot be put in its group', async () => {
    const { client, sent } = fakeCognito((command) => {
      if (command instanceof AdminCreateUserCommand) return created;
      if (command instanceof AdminAddUserToGroupCommand) throw new Error('throttled');
      return {};
    });
    const directory = new CognitoUserDirectory({ userPoolId: 'pool-1', region: 'vancouver', client });
    await expect(directory.createUser(person())).rejects.toThrow('throttled');
    expect(sent.at(-1)).toBeInstanceOf(AdminDeleteUserCommand);
  });

  it('turns an existing username into UserExistsError', async () => {
    const { client } = fakeCognito(() => {
      throw Object.assign(new Error('exists'), { name: 'UsernameExistsException' });
    });
    const directory = new CognitoUserDirectory({ userPoolId: 'pool-1', region: 'vancouver', client });
    await expect(directory.createUser(person())).rejects.toThrow(UserExistsError);
  });

  it('refuses to create a user for another region', async () => {
    const { client, sent } = fakeCognito(() => created);
    const directory = new CognitoUserDirectory({ userPoolId: 'pool-1', region: 'richmond', client });
    await expect(directory.createUser(person())).rejects.toThrow(/richmond/);
    expect(sent).toHaveLength(0);
  });

  it('lists users of every role group, page by page, once each under their most privileged role', async () => {
    const user = (sub: string, family: string) => ({
      Enabled: true,
      UserCreateDate: new Date('2025-01-01T00:00:00Z'),
      Attributes: [
        { Name: 'sub', Value: sub },
        { Name: 'email', Value: `${sub}@example.org` },
        { Name: 'given_name', Value: 'A' },
        { Name: 'family_name', Value: family },
        { Name: 'custom:region', Value: 'vancouver' },
      ],
    });
    const { client } = fakeCognito((command) => {
      const { GroupName, NextToken } = (command as ListUsersInGroupCommand).input;
      if (GroupName === 'clinician')
        return NextToken
          ? { Users: [user('c2', 'Baker')] }
          : { Users: [user('c1', 'Young')], NextToken: 'p2' };
      if (GroupName === 'admin') return { Users: [user('c1', 'Young')] };
      return { Users: [] };
    });
    const directory = new CognitoUserDirectory({ userPoolId: 'pool-1', region: 'vancouver', client });
    const users = await directory.listUsers({ region: 'vancouver' });
    expect(users.map((u) => [u.sub, u.role])).toEqual([
      ['c2', 'clinician'],
      ['c1', 'admin'],
    ]);
  });
});
