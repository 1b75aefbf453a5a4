import { readdirSync } from 'node:fs';
import { resolveDefinition, stateMachineDefinition } from '../../infra/asl.ts';
import { UNRESERVED_MINIMUM } from './config.ts';
import { type CfnResource, StackTemplate } from './template.ts';

/**
 * Deploy rules read from the synthesized templates alone (no bundle runs): each returns its violations,
 * `<stack> <what>`, so a failing test names every offender.
 */

/** Every stack template of the assembly (bundled or not). */
export function assemblyTemplates(cdkOut: string): { stack: string; template: StackTemplate }[] {
  return (
    readdirSync(cdkOut)
      // The regions' stacks; each us-east-1 companion (`-edge`) holds only the CloudFront web ACL.
      .filter((file) => file.endsWith('.template.json') && !file.endsWith('-edge.template.json'))
      .sort()
      .map((file) => {
        const stack = file.replace(/\.template\.json$/, '');
        return { stack, template: StackTemplate.load(cdkOut, stack) };
      })
  );
}

const refOf = (value: unknown): string | undefined => (value as { Ref?: string } | null)?.Ref;
const list = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/** Every alarm's SNS action topic has a policy statement allowing cloudwatch.amazonaws.com to publish. */
export function alarmTopicsAllowCloudWatch(stack: string, template: StackTemplate): string[] {
  const violations: string[] = [];
  const policies = template.ofType('AWS::SNS::TopicPolicy');
  for (const [alarmId, alarm] of template.ofType('AWS::CloudWatch::Alarm')) {
    const p = alarm.Properties ?? {};
    const topics = [...list(p.AlarmActions), ...list(p.OKActions), ...list(p.InsufficientDataActions)]
      .map(refOf)
      .filter((id): id is string => id !== undefined && template.resources[id]?.Type === 'AWS::SNS::Topic');
    for (const topic of new Set(topics)) {
      const allowed = policies.some(([, policy]) => {
        if (!list(policy.Properties?.Topics).some((t) => refOf(t) === topic)) return false;
        return list(policy.Properties?.PolicyDocument?.Statement).some((s: Record<string, any>) => {
          const services = list(s.Principal?.Service) as string[];
          const actions = list(s.Action) as string[];
          return (
            s.Effect === 'Allow' &&
            services.includes('cloudwatch.amazonaws.com') &&
            actions.some((a) => /^sns:(Publish|\*)$/i.test(a) || a === '*')
          );
        });
      });
      if (!allowed) violations.push(`${stack} ${alarmId} → ${topic}`);
    }
  }
  return violations;
}

type AslStates = Record<string, Record<string, any>>;

function everyState(states: AslStates): [string, Record<string, any>][] {
  return Object.entries(states).flatMap(([name, state]) => [
    [name, state] as [string, Record<string, any>],
    ...list(state.Branches).flatMap((b: { States: AslStates }) => everyState(b.States)),
    ...(state.Iterator ? everyState(state.Iterator.States) : []),
    ...(state.ItemProcessor ? everyState(state.ItemProcessor.States) : []),
  ]);
}

/** Every `.waitForTaskToken` task retries `Lambda.TooManyRequestsException` (throttling of its Lambda). */
export function waitsRetryThrottling(stack: string, template: StackTemplate): string[] {
  const asl = JSON.parse(
    resolveDefinition(
      template.template as never,
      stateMachineDefinition(template.template as never),
      template.awsRegion,
    ),
  ) as { States: AslStates };
  return everyState(asl.States)
    .filter(([, state]) => String(state.Resource ?? '').endsWith('.waitForTaskToken'))
    .filter(
      ([, state]) =>
        !list(state.Retry).some((retry: { ErrorEquals: string[] }) =>
          retry.ErrorEquals.some((e) => e === 'Lambda.TooManyRequestsException' || e === 'States.ALL'),
        ),
    )
    .map(([name]) => `${stack} ${name}`);
}

const NAME_PROPERTIES = ['TableName', 'UserPoolName', 'TopicName', 'QueueName', 'BucketName', 'Name'];

/**
 * A retained resource with a fixed name (the table, the user pool, a key with an alias…) blocks the retry
 * of a failed first create (the name is taken by the orphan): it must be RetainExceptOnCreate.
 */
export function namedRetainedResources(stack: string, template: StackTemplate): string[] {
  const aliased = new Set(
    template.ofType('AWS::KMS::Alias').map(([, alias]) => {
      const target = alias.Properties?.TargetKeyId as { Ref?: string; 'Fn::GetAtt'?: [string, string] };
      return target?.Ref ?? target?.['Fn::GetAtt']?.[0] ?? '';
    }),
  );
  const named = (id: string, resource: CfnResource) =>
    aliased.has(id) || NAME_PROPERTIES.some((name) => typeof resource.Properties?.[name] === 'string');
  return Object.entries(template.resources)
    .filter(([, r]) => r.DeletionPolicy === 'Retain' || r.DeletionPolicy === 'RetainExceptOnCreate')
    .filter(([id, r]) => named(id, r) && r.DeletionPolicy !== 'RetainExceptOnCreate')
    .map(([id, r]) => `${stack} ${id} (${r.Type}) is ${r.DeletionPolicy}`);
}

/** Reserved concurrency of every stack deployed to one account, against what the quota lets one reserve. */
export function reservedConcurrency(templates: { stack: string; template: StackTemplate }[]): {
  total: number;
  byStack: Record<string, number>;
} {
  const byStack: Record<string, number> = {};
  for (const { stack, template } of templates) {
    byStack[stack] = template
      .ofType('AWS::Lambda::Function')
      .reduce((sum, [, fn]) => sum + Number(fn.Properties?.ReservedConcurrentExecutions ?? 0), 0);
  }
  return { total: Object.values(byStack).reduce((a, b) => a + b, 0), byStack };
}

/** What an account with `quota` concurrent executions lets its functions reserve. */
export const reservable = (quota: number): number => Math.max(0, quota - UNRESERVED_MINIMUM);
