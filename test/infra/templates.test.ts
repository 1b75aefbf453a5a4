import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, CfnResource } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROGRAM_REGIONS } from '#domain/roles.ts';
import { createPeerPathApp } from '../../infra/constructs/peerpath-app.ts';
import { StackPart } from '../../infra/constructs/stack-part.ts';
import { regionConfig, stackIdFor } from '../../infra/regions.ts';
import { PeerPathStack, stackPropsFor } from '../../infra/stack.ts';
import { type LogicalIds, STATEFUL_TYPES, statefulLogicalIds } from './logical-ids.ts';

/**
 * Every region's template as `cdk synth` writes it (no bundling: the code is not what is checked here), for
 * what must not change unnoticed: the logical ids of stateful resources, and the settings cdk-nag does not
 * check that this program relies on (SSL-only policies, encryption with its own keys, PITR, deletion
 * protection, retention).
 */

type Resource = {
  Type: string;
  Properties?: Record<string, unknown>;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
};
type Template = { Resources: Record<string, Resource> };

const SNAPSHOT = join(import.meta.dirname, 'logical-ids.snapshot.json');

let outdir: string;
let templates: Record<string, Template>;

beforeAll(async () => {
  process.env.CDK_DISABLE_VERSION_CHECK = '1';
  outdir = await mkdtemp(join(tmpdir(), 'peerpath-templates-'));
  const { app } = createPeerPathApp({
    appProps: {
      outdir,
      context: {
        'aws:cdk:bundling-stacks': [],
        '@aws-cdk/core:failSynthOnValidationErrors': false,
      },
    },
  });
  const assembly = app.synth();
  templates = Object.fromEntries(assembly.stacks.map((s) => [s.stackName, s.template as Template]));
}, 120_000);

afterAll(async () => {
  if (outdir) await rm(outdir, { recursive: true, force: true });
});

const STACKS = PROGRAM_REGIONS.map((region) => `PeerPath-${region}`);
const entriesOf = (template: Template, type: string): [string, Resource][] =>
  Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);
const props = (resource: Resource | undefined): Record<string, unknown> => resource?.Properties ?? {};

/** The statements of the policies of `policyType` that name `logicalId` (a Ref or Fn::GetAtt of it). */
function statementsAbout(
  template: Template,
  policyType: string,
  logicalId: string,
): Record<string, unknown>[] {
  const mentions = (value: unknown): boolean => {
    const text = JSON.stringify(value);
    return text.includes(`{"Ref":"${logicalId}"}`) || text.includes(`{"Fn::GetAtt":["${logicalId}",`);
  };
  return entriesOf(template, policyType)
    .filter(([, policy]) => mentions({ ...props(policy), PolicyDocument: undefined }))
    .flatMap(
      ([, policy]) => (props(policy).PolicyDocument as { Statement: Record<string, unknown>[] }).Statement,
    );
}

/** A statement that refuses every request not made over TLS. */
const isSslOnly = (statement: Record<string, unknown>): boolean =>
  statement.Effect === 'Deny' &&
  JSON.stringify(statement.Principal) in { '"*"': 1, '{"AWS":"*"}': 1 } &&
  JSON.stringify(statement.Condition) === '{"Bool":{"aws:SecureTransport":"false"}}';

describe('the logical ids of the stateful resources', () => {
  it('are those in logical-ids.snapshot.json, in every region', () => {
    const committed = JSON.parse(readFileSync(SNAPSHOT, 'utf8')) as LogicalIds;
    const fresh = Object.fromEntries(STACKS.map((stack) => [stack, statefulLogicalIds(templates[stack]!)]));

    expect(Object.keys(committed).sort()).toEqual([...STACKS].sort());
    for (const stack of STACKS) {
      expect(Object.keys(committed[stack] ?? {}).sort(), stack).toEqual([...STATEFUL_TYPES].sort());
      for (const type of STATEFUL_TYPES)
        expect(committed[stack]?.[type]?.length, `${stack} ${type}`).toBeGreaterThan(0);
    }
    expect(fresh).toEqual(committed);
  });
});

describe('the parts of a stack (infra/constructs/)', () => {
  it('never let two resources share a logical id: the synth fails instead of one replacing the other', () => {
    const config = regionConfig('vancouver', {});
    const app = new App({ outdir: join(outdir, 'clash'), context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new PeerPathStack(app, stackIdFor(config.region), stackPropsFor(config));
    // `Other/Table/Resource` leaves out its part as `Data/Table/Resource` does: the table's logical id.
    const clash = new Construct(new StackPart(stack, 'Other'), 'Table');
    new CfnResource(clash, 'Resource', { type: 'AWS::SQS::Queue' });

    expect(() => app.synth()).toThrow(/would share the logical id TableCD117FA1/);
  }, 60_000);
});

describe.each(STACKS)('%s: what cdk-nag does not check', (stackName) => {
  const template = () => templates[stackName] as Template;
  const only = (type: string): [string, Resource] => {
    const found = entriesOf(template(), type);
    expect(found, type).toHaveLength(1);
    return found[0] as [string, Resource];
  };
  const keyRef = (alias: string) => {
    const [[aliasId, aliasResource] = []] = entriesOf(template(), 'AWS::KMS::Alias').filter(([, a]) =>
      String(props(a).AliasName).endsWith(`-${alias}`),
    );
    expect(aliasId, alias).toBeDefined();
    return {
      'Fn::GetAtt': [
        (props(aliasResource).TargetKeyId as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0],
        'Arn',
      ],
    };
  };

  it('makes every topic and queue refuse requests not made over TLS, and encrypts it with the data key', () => {
    const topics = entriesOf(template(), 'AWS::SNS::Topic');
    const queues = entriesOf(template(), 'AWS::SQS::Queue');

    expect(topics.length).toBeGreaterThanOrEqual(2);
    expect(queues.length).toBeGreaterThanOrEqual(1);
    for (const [id, topic] of topics) {
      expect(statementsAbout(template(), 'AWS::SNS::TopicPolicy', id).some(isSslOnly), id).toBe(true);
      expect(props(topic).KmsMasterKeyId, id).toEqual(keyRef('data'));
    }
    for (const [id, queue] of queues) {
      expect(statementsAbout(template(), 'AWS::SQS::QueuePolicy', id).some(isSslOnly), id).toBe(true);
      expect(props(queue).KmsMasterKeyId, id).toEqual(keyRef('data'));
    }
  });

  it('makes every bucket refuse requests not made over TLS, block public access, encrypt and keep versions', () => {
    const buckets = entriesOf(template(), 'AWS::S3::Bucket');

    expect(buckets.length).toBeGreaterThanOrEqual(2);
    for (const [id, bucket] of buckets) {
      expect(statementsAbout(template(), 'AWS::S3::BucketPolicy', id).some(isSslOnly), id).toBe(true);
      expect(props(bucket), id).toMatchObject({
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        BucketEncryption: { ServerSideEncryptionConfiguration: [expect.anything()] },
        VersioningConfiguration: { Status: 'Enabled' },
      });
      expect(bucket.DeletionPolicy, id).toBe('Retain');
    }
  });

  it('keeps the table recoverable: PITR, deletion protection, retained, encrypted with the data key', () => {
    const [id, table] = only('AWS::DynamoDB::GlobalTable');
    const replicas = props(table).Replicas as Record<string, unknown>[];

    expect(props(table).SSESpecification, id).toEqual({ SSEEnabled: true, SSEType: 'KMS' });
    expect(replicas.length).toBeGreaterThan(0);
    for (const replica of replicas) {
      expect(replica).toMatchObject({
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: true,
        SSESpecification: { KMSMasterKeyId: keyRef('data') },
      });
    }
    expect(table.DeletionPolicy).toBe('RetainExceptOnCreate');
    expect(table.UpdateReplacePolicy).toBe('Retain');
  });

  it('keeps the user pool and the keys: deletion protection, retained, keys rotated', () => {
    const [, pool] = only('AWS::Cognito::UserPool');
    const keys = entriesOf(template(), 'AWS::KMS::Key');

    expect(props(pool).DeletionProtection).toBe('ACTIVE');
    expect(pool.DeletionPolicy).toBe('RetainExceptOnCreate');
    expect(keys).toHaveLength(2);
    for (const [id, key] of keys) {
      expect(props(key).EnableKeyRotation, id).toBe(true);
      expect(key.DeletionPolicy, id).toBe('RetainExceptOnCreate');
    }
  });

  it('gives every log group a retention and the logs key, and every PeerPath function its own log group', () => {
    const logGroups = entriesOf(template(), 'AWS::Logs::LogGroup');
    const functions = entriesOf(template(), 'AWS::Lambda::Function').filter(([, fn]) =>
      String(props(fn).FunctionName ?? '').startsWith('peerpath-'),
    );

    expect(logGroups.length).toBeGreaterThan(functions.length);
    for (const [id, group] of logGroups) {
      expect(props(group).RetentionInDays, id).toBe(365);
      expect(props(group).KmsKeyId, id).toEqual(keyRef('logs'));
      expect(group.DeletionPolicy, id).toBe('Retain');
    }
    const groupIds = new Set(logGroups.map(([id]) => id));
    for (const [id, fn] of functions) {
      const target = (props(fn).LoggingConfig as { LogGroup?: { Ref?: string } } | undefined)?.LogGroup?.Ref;
      expect(groupIds.has(String(target)), id).toBe(true);
    }
  });
});
