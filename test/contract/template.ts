import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A synthesized stack template as the cloud contract reads it: CloudFormation intrinsics resolved to the
 * names and ARNs the deployed resources would have (a fake account, the template's AWS region), the
 * PeerPath functions with their bundles, environments and IAM policies, and the API's route → function map.
 */

export const CONTRACT_ACCOUNT = '123456789012';

export interface CfnResource {
  Type: string;
  Properties?: Record<string, any>;
  Metadata?: Record<string, any>;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
}

export interface RawTemplate {
  Resources: Record<string, CfnResource>;
}

export interface PolicyStatement {
  Effect: 'Allow' | 'Deny';
  Action: string[];
  Resource: string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

export interface ContractFunction {
  logicalId: string;
  /** `index.dispatch` → `dispatch`. */
  handlerExport: string;
  /** The bundle Lambda loads (`<asset dir>/index.mjs`). */
  bundle: string;
  /** The function's environment, resolved. */
  environment: Record<string, string>;
  functionName: string;
  statements: PolicyStatement[];
}

const arrayOf = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

export class StackTemplate {
  readonly resources: Record<string, CfnResource>;

  constructor(
    readonly template: RawTemplate,
    readonly awsRegion: string,
    readonly assemblyDir: string,
  ) {
    this.resources = template.Resources;
  }

  static load(assemblyDir: string, stackId: string, awsRegion = 'ca-central-1'): StackTemplate {
    const raw = JSON.parse(
      readFileSync(join(assemblyDir, `${stackId}.template.json`), 'utf8'),
    ) as RawTemplate;
    return new StackTemplate(raw, awsRegion, assemblyDir);
  }

  ofType(type: string): [string, CfnResource][] {
    return Object.entries(this.resources).filter(([, r]) => r.Type === type);
  }

  private arn(service: string, resource: string): string {
    return `arn:aws:${service}:${this.awsRegion}:${CONTRACT_ACCOUNT}:${resource}`;
  }

  /** What `Ref` gives for a resource of the template. */
  private ref(logicalId: string): string {
    const pseudo: Record<string, string> = {
      'AWS::Partition': 'aws',
      'AWS::Region': this.awsRegion,
      'AWS::AccountId': CONTRACT_ACCOUNT,
      'AWS::URLSuffix': 'amazonaws.com',
      'AWS::StackName': 'PeerPath',
    };
    if (pseudo[logicalId]) return pseudo[logicalId];
    const resource = this.resources[logicalId];
    if (!resource) throw new Error(`Ref to unknown ${logicalId}`);
    const p = resource.Properties ?? {};
    switch (resource.Type) {
      case 'AWS::DynamoDB::GlobalTable':
      case 'AWS::DynamoDB::Table':
        return p.TableName ?? logicalId.toLowerCase();
      case 'AWS::SNS::Topic':
        return this.arn('sns', p.TopicName ?? logicalId);
      case 'AWS::Events::EventBus':
        return p.Name;
      case 'AWS::Cognito::UserPool':
        return `${this.awsRegion}_${logicalId.slice(0, 9)}`;
      case 'AWS::StepFunctions::StateMachine':
        return this.arn('states', `stateMachine:${p.StateMachineName ?? logicalId}`);
      case 'AWS::Lambda::Function':
        return p.FunctionName ?? logicalId;
      case 'AWS::SQS::Queue':
        return `https://sqs.${this.awsRegion}.amazonaws.com/${CONTRACT_ACCOUNT}/${p.QueueName ?? logicalId}`;
      case 'AWS::IAM::ManagedPolicy':
        return `arn:aws:iam::${CONTRACT_ACCOUNT}:policy/${logicalId}`;
      default:
        return p.Name ?? logicalId;
    }
  }

  /** What `Fn::GetAtt [id, Arn]` gives. */
  private arnOf(logicalId: string): string {
    const resource = this.resources[logicalId];
    if (!resource) throw new Error(`GetAtt of unknown ${logicalId}`);
    const p = resource.Properties ?? {};
    const name = this.ref(logicalId);
    switch (resource.Type) {
      case 'AWS::DynamoDB::GlobalTable':
      case 'AWS::DynamoDB::Table':
        return this.arn('dynamodb', `table/${name}`);
      case 'AWS::Events::EventBus':
        return this.arn('events', `event-bus/${name}`);
      case 'AWS::Cognito::UserPool':
        return this.arn('cognito-idp', `userpool/${name}`);
      case 'AWS::Lambda::Function':
        return this.arn('lambda', `function:${name}`);
      case 'AWS::IAM::Role':
        return `arn:aws:iam::${CONTRACT_ACCOUNT}:role/${p.RoleName ?? logicalId}`;
      case 'AWS::KMS::Key':
        return this.arn('kms', `key/${logicalId}`);
      case 'AWS::Logs::LogGroup':
        return this.arn('logs', `log-group:${p.LogGroupName ?? logicalId}:*`);
      case 'AWS::SQS::Queue':
        return this.arn('sqs', p.QueueName ?? logicalId);
      case 'AWS::SNS::Topic':
      case 'AWS::StepFunctions::StateMachine':
        return name;
      default:
        return this.arn(resource.Type.split('::')[1]!.toLowerCase(), logicalId);
    }
  }

  /** Resolves the intrinsics the stack uses (Ref, GetAtt, Join, Select, Split, Sub without a map). */
  resolve(node: unknown): any {
    if (Array.isArray(node)) return node.map((n) => this.resolve(n));
    if (node === null || typeof node !== 'object') return node;
    const entries = Object.entries(node);
    if (entries.length === 1) {
      const [key, arg] = entries[0]!;
      if (key === 'Ref') return this.ref(String(arg));
      if (key === 'Fn::GetAtt') {
        const [id, attribute] = arg as [string, string];
        if (attribute === 'Arn') return this.arnOf(id);
        return `${id}.${attribute}`;
      }
      if (key === 'Fn::Join') {
        const [separator, parts] = arg as [string, unknown[]];
        return (this.resolve(parts) as unknown[]).map(String).join(separator);
      }
      if (key === 'Fn::Select') {
        const [index, list] = arg as [number, unknown];
        return (this.resolve(list) as unknown[])[Number(index)];
      }
      if (key === 'Fn::Split') {
        const [separator, text] = arg as [string, unknown];
        return String(this.resolve(text)).split(separator);
      }
      if (key === 'Fn::Sub' && typeof arg === 'string') {
        return arg.replace(/\$\{([^}]+)\}/g, (_, name: string) =>
          name.endsWith('.Arn') ? this.arnOf(name.slice(0, -4)) : this.ref(name),
        );
      }
    }
    return Object.fromEntries(entries.map(([k, v]) => [k, this.resolve(v)]));
  }

  /** Every Allow/Deny statement of a role: its inline policies, the policies naming it, its managed ones. */
  statementsOfRole(roleLogicalId: string): PolicyStatement[] {
    const role = this.resources[roleLogicalId];
    const documents: unknown[] = [];
    for (const policy of arrayOf(role?.Properties?.Policies)) documents.push(policy.PolicyDocument);
    for (const [, policy] of this.ofType('AWS::IAM::Policy')) {
      const roles = arrayOf(policy.Properties?.Roles) as { Ref?: string }[];
      if (roles.some((r) => r.Ref === roleLogicalId)) documents.push(policy.Properties?.PolicyDocument);
    }
    for (const managed of arrayOf(role?.Properties?.ManagedPolicyArns) as { Ref?: string }[]) {
      const policy = managed.Ref ? this.resources[managed.Ref] : undefined;
      if (policy?.Type === 'AWS::IAM::ManagedPolicy') documents.push(policy.Properties?.PolicyDocument);
    }
    return documents.flatMap((document) =>
      arrayOf((document as { Statement?: unknown }).Statement).map((raw) => {
        const s = this.resolve(raw) as Record<string, any>;
        return {
          Effect: s.Effect,
          Action: arrayOf(s.Action),
          Resource: arrayOf(s.Resource),
          ...(s.Condition ? { Condition: s.Condition } : {}),
        };
      }),
    );
  }

  /** The PeerPath functions (those the stack gives a `PROGRAM_REGION`), each with its bundle and policy. */
  functions(): ContractFunction[] {
    return this.ofType('AWS::Lambda::Function')
      .filter(([, r]) => r.Properties?.Environment?.Variables?.PROGRAM_REGION !== undefined)
      .map(([logicalId, r]) => {
        const p = r.Properties ?? {};
        const roleId = (p.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
        const asset = r.Metadata?.['aws:asset:path'];
        if (!asset) throw new Error(`${logicalId} has no asset (was the stack synthesized with bundling?)`);
        return {
          logicalId,
          handlerExport: String(p.Handler).split('.').pop()!,
          bundle: join(this.assemblyDir, asset, 'index.mjs'),
          environment: this.resolve(p.Environment.Variables) as Record<string, string>,
          functionName: this.ref(logicalId),
          statements: this.statementsOfRole(roleId),
        };
      });
  }

  /** `POST /referrals` → the logical id of the function behind it. */
  routeFunctions(): Map<string, string> {
    const routes = new Map<string, string>();
    for (const [, route] of this.ofType('AWS::ApiGatewayV2::Route')) {
      const target = this.resolve(route.Properties?.Target) as string;
      const integration = this.resources[target.replace(/^integrations\//, '')];
      const uri = integration?.Properties?.IntegrationUri as { 'Fn::GetAtt': [string, string] };
      routes.set(String(route.Properties?.RouteKey), uri['Fn::GetAtt'][0]);
    }
    return routes;
  }

  /** The table's resolved properties (name, key schema, indexes). */
  table(): { logicalId: string; properties: Record<string, any> } {
    const tables = [...this.ofType('AWS::DynamoDB::GlobalTable'), ...this.ofType('AWS::DynamoDB::Table')];
    if (tables.length !== 1) throw new Error(`Expected one table, found ${tables.length}`);
    const [logicalId, table] = tables[0]!;
    return { logicalId, properties: this.resolve(table.Properties) };
  }
}
