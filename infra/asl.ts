import { App } from 'aws-cdk-lib';
import type { ProgramRegion } from '#domain/roles.ts';
import type { Timers } from '#domain/settings.ts';
import type { WorkflowFunctions } from '../workflows/definition.ts';
import { regionConfig } from './regions.ts';
import { PeerPathStack } from './stack.ts';

/**
 * The ASL a region's stack deploys, as a plain string. The local runner executes exactly this, so what runs
 * on a laptop is what `cdk synth` emits. CloudFormation tokens in the definition are resolved to
 * deterministic placeholders (account 000000000000; Lambda ARNs named by their logical ids).
 */

export const PLACEHOLDER_ACCOUNT = '000000000000';

export interface SynthesizedWorkflow {
  asl: string;
  /** The placeholder ARN of each task's function in `asl`, for mapping Task states to handlers. */
  functionArns: Record<keyof WorkflowFunctions, string>;
  /** The raw `DefinitionString` of the template (before placeholders). */
  definitionString: unknown;
  awsRegion: string;
}

export interface SynthesizeOptions {
  /** Timer overrides for this synth (tests shorten them); default: the region's configured timers. */
  timers?: Timers;
}

type Template = { Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }> };

export function lambdaPlaceholderArn(awsRegion: string, logicalId: string): string {
  return `arn:aws:lambda:${awsRegion}:${PLACEHOLDER_ACCOUNT}:function:${logicalId}`;
}

/** Resolves `Fn::Join`, `Ref` and `Fn::GetAtt … Arn` to placeholders; anything else is refused. */
export function resolveDefinition(template: Template, value: unknown, awsRegion: string): string {
  const resolve = (node: unknown): string => {
    if (typeof node === 'string') return node;
    if (node && typeof node === 'object') {
      const entries = Object.entries(node);
      const [key, arg] = entries[0] ?? [];
      if (entries.length === 1 && key === 'Fn::Join' && Array.isArray(arg)) {
        const [separator, parts] = arg as [string, unknown[]];
        return parts.map(resolve).join(separator);
      }
      if (entries.length === 1 && key === 'Ref' && typeof arg === 'string') {
        const pseudo: Record<string, string> = {
          'AWS::Partition': 'aws',
          'AWS::Region': awsRegion,
          'AWS::AccountId': PLACEHOLDER_ACCOUNT,
          'AWS::URLSuffix': 'amazonaws.com',
        };
        const resolved = pseudo[arg];
        if (resolved) return resolved;
      }
      if (entries.length === 1 && key === 'Fn::GetAtt' && Array.isArray(arg) && arg[1] === 'Arn') {
        const logicalId = String(arg[0]);
        if (template.Resources[logicalId]?.Type === 'AWS::Lambda::Function') {
          return lambdaPlaceholderArn(awsRegion, logicalId);
        }
      }
    }
    throw new Error(`Cannot resolve ${JSON.stringify(node)} in the state machine definition`);
  };
  return resolve(value);
}

export function stateMachineDefinition(template: Template): unknown {
  const machines = Object.values(template.Resources).filter(
    (r) => r.Type === 'AWS::StepFunctions::StateMachine',
  );
  if (machines.length !== 1) throw new Error(`Expected one state machine, found ${machines.length}`);
  return machines[0]?.Properties?.DefinitionString;
}

/** Synthesizes the region's stack (no bundling, no account needed) and extracts its workflow. */
export function synthesizeWorkflow(
  region: ProgramRegion,
  options: SynthesizeOptions = {},
): SynthesizedWorkflow {
  process.env.CDK_DISABLE_VERSION_CHECK ??= '1';
  const base = regionConfig(region);
  const config = { ...base, timers: options.timers ?? base.timers };
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new PeerPathStack(app, `PeerPath-${region}`, {
    config,
    env: { account: config.account, region: config.awsRegion },
  });
  const template = app.synth().getStackByName(stack.stackName).template as Template;
  const definitionString = stateMachineDefinition(template);
  const functionArns = Object.fromEntries(
    Object.entries(stack.workflowFunctions).map(([name, fn]) => [
      name,
      lambdaPlaceholderArn(config.awsRegion, stack.getLogicalId(fn.node.defaultChild as never)),
    ]),
  ) as Record<keyof WorkflowFunctions, string>;
  return {
    asl: resolveDefinition(template, definitionString, config.awsRegion),
    functionArns,
    definitionString,
    awsRegion: config.awsRegion,
  };
}

/** The resolved ASL of the region's state machine. */
export function synthesizeAsl(region: ProgramRegion, options: SynthesizeOptions = {}): string {
  return synthesizeWorkflow(region, options).asl;
}
