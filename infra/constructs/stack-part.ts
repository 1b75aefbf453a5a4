import { Names, Stack } from 'aws-cdk-lib';
import { Construct, type IConstruct } from 'constructs';
import type { ProgramRegion } from '#domain/roles.ts';
import type { PeerPathFunctionProps } from './peerpath-function.ts';

/**
 * One part of a region's stack (data, sign-in, API, workflow, web, operations): a group in the construct
 * tree (`PeerPath-vancouver/Data/Table`) that is NOT part of any logical id. The stack allocates every
 * logical id from the construct path without its parts (see {@link logicalIdOf}), so moving a resource into
 * a part never renames it: a renamed table, key or user pool would be a new, empty one on the next deploy.
 */
export class StackPart extends Construct {}

/** `peerpath-<region>-<suffix>`: every name that must be unique in an account and AWS region. */
export const nameFor = (region: ProgramRegion, suffix: string): string => `peerpath-${region}-${suffix}`;

/** What every PeerPath function of a stack shares, whichever part it belongs to. */
export type FunctionDefaults = Pick<
  PeerPathFunctionProps,
  'region' | 'logsKey' | 'logRetention' | 'reservedConcurrency' | 'tracingPolicy'
>;

/** The ids of a construct's path below its stack, leaving out the stack's parts. */
export function pathWithoutParts(construct: IConstruct): string[] {
  const scopes = construct.node.scopes;
  return scopes
    .slice(scopes.indexOf(Stack.of(construct)) + 1)
    .filter((scope) => !(scope instanceof StackPart))
    .map((scope) => scope.node.id);
}

/**
 * CDK's unique id (human-readable path and hash, `TableCD117FA1`) of a path, computed through the public
 * `Names.uniqueId` of a construct at that path in a scratch tree: the same id CDK gives a resource there.
 */
export function uniqueIdOf(components: readonly string[]): string {
  let scope = new Construct(undefined as never, '');
  for (const id of components) scope = new Construct(scope, id);
  return Names.uniqueId(scope);
}

/**
 * What `Names.uniqueId` (path from the app, with the stack's id) gives the construct at `construct`'s path
 * plus `below`, leaving out the stack's parts. For the few names CDK derives from a construct's full path.
 */
export function uniqueIdWithoutParts(construct: IConstruct, ...below: string[]): string {
  const path = construct.node.scopes
    .slice(1)
    .filter((scope) => !(scope instanceof StackPart))
    .map((scope) => scope.node.id);
  return uniqueIdOf([...path, ...below]);
}

/** The logical id of a resource as if it were created in its stack's scope with no part in between. */
export const logicalIdOf = (construct: IConstruct): string => uniqueIdOf(pathWithoutParts(construct));
