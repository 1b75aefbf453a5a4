import { createHash, randomUUID } from 'node:crypto';

/**
 * Small fakes of the services the bundles call besides DynamoDB, replying as the services do: Step
 * Functions (JSON 1.0), Cognito user pools, EventBridge and SSM (JSON 1.1, by X-Amz-Target), SNS (query
 * protocol, XML replies) and SES v2 (REST JSON). Each request is recorded as its IAM action and resource.
 */

export interface FakeRequest {
  service: string;
  target: string;
  method: string;
  path: string;
  body: string;
  record: (action: string, resource: string) => void;
}

export interface FakeReply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** A service error as the SDK reads it (`__type` names the exception). */
export class ServiceError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

/** Step Functions behind the fake: the contract's ASL runner. */
export interface StepFunctionsBackend {
  start(stateMachineArn: string, name: string, input: string): { executionArn: string; startDate: Date };
  describe(executionArn: string): { status: string; stateMachineArn: string; startDate: Date };
  /** The state machine whose execution issued the token (the resource IAM checks); any token ever issued. */
  machineOfToken(token: string): string;
  /** Completes a waiting task; a token no longer waiting is ServiceError `TaskDoesNotExist`. */
  succeed(token: string, output: string): void;
  fail(token: string, error: string, cause: string): void;
}

interface FakeUser {
  username: string;
  attributes: { Name: string; Value: string }[];
  groups: Set<string>;
  created: Date;
}

const epoch = (date: Date) => date.getTime() / 1000;

export class CloudFakes {
  /** Cognito users by pool id, then username. */
  readonly users = new Map<string, Map<string, FakeUser>>();
  readonly published: { topicArn: string; subject?: string; message: string }[] = [];
  readonly events: { eventBusName: string; detailType: string; detail: string }[] = [];
  readonly emails: unknown[] = [];

  constructor(
    private readonly options: { awsRegion: string; account: string; stepFunctions: StepFunctionsBackend },
  ) {}

  private arn(service: string, resource: string): string {
    return `arn:aws:${service}:${this.options.awsRegion}:${this.options.account}:${resource}`;
  }

  async answer(request: FakeRequest): Promise<FakeReply> {
    try {
      switch (request.service) {
        case 'states':
          return json10(this.stepFunctions(request));
        case 'cognito-idp':
          return json11(this.cognito(request));
        case 'events':
          return json11(this.eventBridge(request));
        case 'ssm':
          return json11(this.ssm(request));
        case 'sns':
          return this.sns(request);
        case 'ses':
          return this.ses(request);
        default:
          throw new ServiceError('UnknownService', `the contract has no fake for ${request.service}`);
      }
    } catch (error) {
      if (!(error instanceof ServiceError)) throw error;
      const query = request.service === 'sns';
      return {
        status: error.status,
        headers: {
          'content-type': query ? 'text/xml' : 'application/x-amz-json-1.0',
          'x-amzn-errortype': error.type,
        },
        body: query
          ? `<ErrorResponse><Error><Type>Sender</Type><Code>${error.type}</Code><Message>${error.message}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`
          : JSON.stringify({ __type: error.type, message: error.message }),
      };
    }
  }

  private stepFunctions({ target, body, record }: FakeRequest): unknown {
    const input = JSON.parse(body) as Record<string, string>;
    const sfn = this.options.stepFunctions;
    const operation = target.split('.')[1];
    switch (operation) {
      case 'StartExecution': {
        record('states:StartExecution', input.stateMachineArn!);
        const started = sfn.start(input.stateMachineArn!, input.name ?? randomUUID(), input.input ?? '{}');
        return { executionArn: started.executionArn, startDate: epoch(started.startDate) };
      }
      case 'DescribeExecution': {
        record('states:DescribeExecution', input.executionArn!);
        const described = sfn.describe(input.executionArn!);
        return {
          executionArn: input.executionArn,
          stateMachineArn: described.stateMachineArn,
          name: input.executionArn!.split(':').pop(),
          status: described.status,
          startDate: epoch(described.startDate),
        };
      }
      case 'SendTaskSuccess':
      case 'SendTaskFailure': {
        // IAM authorizes against the machine whose execution issued the token (remembered once issued).
        record(`states:${operation}`, sfn.machineOfToken(input.taskToken!));
        if (operation === 'SendTaskSuccess') sfn.succeed(input.taskToken!, input.output ?? '{}');
        else sfn.fail(input.taskToken!, input.error ?? '', input.cause ?? '');
        return {};
      }
      default:
        throw new ServiceError('UnknownOperationException', `Step Functions fake: ${operation}`);
    }
  }

  private pool(id: string): Map<string, FakeUser> {
    const pool = this.users.get(id) ?? new Map<string, FakeUser>();
    this.users.set(id, pool);
    return pool;
  }

  private cognito({ target, body, record }: FakeRequest): unknown {
    const input = JSON.parse(body) as Record<string, any>;
    const operation = String(target.split('.')[1]);
    record(`cognito-idp:${operation}`, this.arn('cognito-idp', `userpool/${input.UserPoolId}`));
    const pool = this.pool(input.UserPoolId);
    const view = (user: FakeUser) => ({
      Username: user.username,
      Attributes: user.attributes,
      UserCreateDate: epoch(user.created),
      UserLastModifiedDate: epoch(user.created),
      Enabled: true,
      UserStatus: 'FORCE_CHANGE_PASSWORD',
    });
    switch (operation) {
      case 'AdminCreateUser': {
        if (pool.has(input.Username)) throw new ServiceError('UsernameExistsException', 'User exists');
        const user: FakeUser = {
          username: input.Username,
          attributes: [{ Name: 'sub', Value: randomUUID() }, ...(input.UserAttributes ?? [])],
          groups: new Set(),
          created: new Date(),
        };
        pool.set(user.username, user);
        return { User: view(user) };
      }
      case 'AdminAddUserToGroup': {
        const user = pool.get(input.Username);
        if (!user) throw new ServiceError('UserNotFoundException', 'User does not exist.');
        user.groups.add(input.GroupName);
        return {};
      }
      case 'AdminDeleteUser':
        pool.delete(input.Username);
        return {};
      case 'AdminDisableUser':
      case 'AdminEnableUser':
      case 'AdminUserGlobalSignOut':
        return {};
      case 'ListUsersInGroup':
        return { Users: [...pool.values()].filter((u) => u.groups.has(input.GroupName)).map(view) };
      case 'ListUsers':
        return { Users: [...pool.values()].map(view) };
      default:
        throw new ServiceError('UnknownOperationException', `Cognito fake: ${operation}`);
    }
  }

  private eventBridge({ target, body, record }: FakeRequest): unknown {
    const operation = target.split('.')[1];
    if (operation !== 'PutEvents') throw new ServiceError('UnknownOperationException', `${operation}`);
    const input = JSON.parse(body) as { Entries: Record<string, string>[] };
    for (const entry of input.Entries) {
      const bus = entry.EventBusName ?? 'default';
      record('events:PutEvents', bus.startsWith('arn:') ? bus : this.arn('events', `event-bus/${bus}`));
      this.events.push({ eventBusName: bus, detailType: entry.DetailType!, detail: entry.Detail! });
    }
    return { FailedEntryCount: 0, Entries: input.Entries.map(() => ({ EventId: randomUUID() })) };
  }

  private ssm({ target, body, record }: FakeRequest): unknown {
    const operation = target.split('.')[1];
    const input = JSON.parse(body) as { Name?: string; Names?: string[] };
    const parameter = (name: string) => {
      const arn = this.arn('ssm', `parameter/${name.replace(/^\//, '')}`);
      record(`ssm:${operation === 'GetParameters' ? 'GetParameters' : 'GetParameter'}`, arn);
      // A SecureString as an operator creates it: base64 of 32 random bytes (here derived from the name).
      const value = createHash('sha256').update(`contract-${name}`).digest('base64');
      return { Name: name, Type: 'SecureString', Value: value, Version: 1, ARN: arn };
    };
    if (operation === 'GetParameter') return { Parameter: parameter(input.Name!) };
    if (operation === 'GetParameters') return { Parameters: (input.Names ?? []).map(parameter) };
    throw new ServiceError('UnknownOperationException', `SSM fake: ${operation}`);
  }

  private sns({ body, record }: FakeRequest): FakeReply {
    const form = new URLSearchParams(body);
    const action = form.get('Action');
    if (action !== 'Publish') throw new ServiceError('InvalidAction', `SNS fake: ${action}`);
    const topicArn = form.get('TopicArn') ?? '';
    record('sns:Publish', topicArn);
    this.published.push({
      topicArn,
      ...(form.get('Subject') ? { subject: form.get('Subject')! } : {}),
      message: form.get('Message') ?? '',
    });
    return {
      status: 200,
      headers: { 'content-type': 'text/xml' },
      body:
        '<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult>' +
        `<MessageId>${randomUUID()}</MessageId></PublishResult><ResponseMetadata><RequestId>${randomUUID()}` +
        '</RequestId></ResponseMetadata></PublishResponse>',
    };
  }

  private ses({ method, path, body, record }: FakeRequest): FakeReply {
    if (method !== 'POST' || !path.startsWith('/v2/email/outbound-emails')) {
      throw new ServiceError('NotFoundException', `SES fake: ${method} ${path}`, 404);
    }
    const input = JSON.parse(body) as { FromEmailAddress?: string };
    const identity = (input.FromEmailAddress ?? '').replace(/^.*</, '').replace(/>.*$/, '');
    record('ses:SendEmail', this.arn('ses', `identity/${identity.split('@')[1] ?? identity}`));
    this.emails.push(input);
    return {
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ MessageId: randomUUID() }),
    };
  }
}

const json = (contentType: string, value: unknown): FakeReply => ({
  status: 200,
  headers: { 'content-type': contentType },
  body: JSON.stringify(value),
});
const json10 = (value: unknown) => json('application/x-amz-json-1.0', value);
const json11 = (value: unknown) => json('application/x-amz-json-1.1', value);
