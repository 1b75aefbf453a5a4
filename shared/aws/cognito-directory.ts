import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  type AttributeType,
  CognitoIdentityProviderClient,
  ListUsersInGroupCommand,
  type UserType,
} from '@aws-sdk/client-cognito-identity-provider';
import { UserExistsError } from '#app/errors.ts';
import type { ListUsersQuery, UserDirectory } from '#app/ports.ts';
import { type ProgramRegion, Role } from '#domain/roles.ts';
import { byName, type DirectoryUser, type NewUser, NewUserSchema } from '#domain/users.ts';

/**
 * `UserDirectory` on the region's Cognito user pool. The pool signs in by email (`signInAliases:
 * {email: true}`, so the username is the email), has one group per role and a `custom:region`
 * attribute that app clients may read but not write; the admin API used here sets it at creation.
 */
export class CognitoUserDirectory implements UserDirectory {
  private readonly client: CognitoIdentityProviderClient;

  constructor(
    private readonly options: {
      userPoolId: string;
      /** The program region this pool belongs to (one pool per region stack). */
      region: ProgramRegion;
      client?: CognitoIdentityProviderClient;
    },
  ) {
    this.client = options.client ?? new CognitoIdentityProviderClient({});
  }

  async createUser(input: NewUser): Promise<{ sub: string }> {
    const user = NewUserSchema.parse(input);
    if (user.region !== this.options.region) {
      throw new Error(`This directory serves ${this.options.region}, not ${user.region}`);
    }
    const UserPoolId = this.options.userPoolId;
    let created: UserType | undefined;
    try {
      ({ User: created } = await this.client.send(
        new AdminCreateUserCommand({
          UserPoolId,
          Username: user.email,
          DesiredDeliveryMediums: ['EMAIL'],
          UserAttributes: [
            { Name: 'email', Value: user.email },
            { Name: 'email_verified', Value: 'true' },
            { Name: 'given_name', Value: user.givenName },
            { Name: 'family_name', Value: user.familyName },
            { Name: 'custom:region', Value: user.region },
          ],
        }),
      ));
    } catch (error) {
      if ((error as { name?: string }).name === 'UsernameExistsException') throw new UserExistsError();
      throw error;
    }
    const sub = attribute(created?.Attributes, 'sub');
    if (!sub) throw new Error('AdminCreateUser returned no sub');
    try {
      await this.client.send(
        new AdminAddUserToGroupCommand({ UserPoolId, Username: user.email, GroupName: user.role }),
      );
    } catch (error) {
      // A login without a group can do nothing and would block a retry with the same email.
      await this.client
        .send(new AdminDeleteUserCommand({ UserPoolId, Username: user.email }))
        .catch(() => undefined);
      throw error;
    }
    return { sub };
  }

  async listUsers({ region, role }: ListUsersQuery): Promise<DirectoryUser[]> {
    if (region !== this.options.region) return [];
    const users = new Map<string, DirectoryUser>(); // a user in two groups is listed once
    for (const groupRole of role ? [role] : MOST_PRIVILEGED_FIRST) {
      let NextToken: string | undefined;
      do {
        const page = await this.client.send(
          new ListUsersInGroupCommand({
            UserPoolId: this.options.userPoolId,
            GroupName: groupRole,
            Limit: 60,
            NextToken,
          }),
        );
        for (const user of page.Users ?? []) {
          const mapped = toDirectoryUser(user, groupRole);
          if (mapped && mapped.region === region && !users.has(mapped.sub)) users.set(mapped.sub, mapped);
        }
        NextToken = page.NextToken;
      } while (NextToken);
    }
    return [...users.values()].sort(byName);
  }
}

/** A user in several groups is listed once, under their most privileged role. */
const MOST_PRIVILEGED_FIRST: readonly Role[] = [
  Role.ADMIN,
  Role.COORDINATOR,
  Role.CLINICIAN,
  Role.PEER_WORKER,
];

function attribute(attributes: AttributeType[] | undefined, name: string): string | undefined {
  return attributes?.find((a) => a.Name === name)?.Value;
}

function toDirectoryUser(user: UserType, role: Role): DirectoryUser | undefined {
  const sub = attribute(user.Attributes, 'sub');
  const region = attribute(user.Attributes, 'custom:region');
  if (!sub || !region) return undefined;
  return {
    sub,
    email: attribute(user.Attributes, 'email') ?? '',
    givenName: attribute(user.Attributes, 'given_name') ?? '',
    familyName: attribute(user.Attributes, 'family_name') ?? '',
    role,
    region: region as ProgramRegion,
    enabled: user.Enabled ?? true,
    createdAt: (user.UserCreateDate ?? new Date(0)).toISOString(),
  };
}
