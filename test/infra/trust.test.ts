import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROGRAM_REGIONS } from '#domain/roles.ts';
import { hmacKeyParameterName } from '#domain/settings.ts';
import { synthesizeAsl } from '../../infra/asl.ts';
import { createPeerPathApp } from '../../infra/constructs/peerpath-app.ts';
import {
  allRegionConfigs,
  LAMBDA_UNRESERVED_MINIMUM,
  regionConfig,
  stackIdFor,
} from '../../infra/regions.ts';
import { apiHandlerFiles, PeerPathStack, stackPropsFor } from '../../infra/stack.ts';

/** PeerPath's own functions in one stack: one per API handler file, three tasks, the follow-up, two delivery. */
const FUNCTIONS_PER_STACK = apiHandlerFiles().length + 6;

import { LAMBDA_TRANSIENT_ERRORS } from '../../workflows/definition.ts';

/**
 * The deploy traps and trust rules of issue 15 that cdk-nag does not check, read from every region's template
 * as `cdk synth` writes it (no bundling): alarms can publish, named retained resources are RetainExceptOnCreate,
 * reservations fit the account, waits retry Lambda throttling, the reconciler alarm is OK on a fresh deploy.
 */

type Resource = {
  Type: string;
  Properties?: Record<string, unknown>;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
  DependsOn?: string[];
};
type Template = { Resources: Record<string, Resource> };
type Statement = {
  Effect: string;
  Principal?: { Service?: string };
  Action: string | string[];
  Resource?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
};

let outdir: string;
let templates: Record<string, Template>;

beforeAll(async () => {
  process.env.CDK_DISABLE_VERSION_CHECK = '1';
  outdir = await mkdtemp(join(tmpdir(), 'peerpath-trust-'));
  const { app } = createPeerPathApp({
    appProps: {
      outdir,
      context: { 'aws:cdk:bundling-stacks': [], '@aws-cdk/core:failSynthOnValidationErrors': false },
    },
  });
  const assembly = app.synth();
  templates = Object.fromEntries(assembly.stacks.map((s) => [s.stackName, s.template as Template]));
}, 120_000);

afterAll(async () => {
  if (outdir) await rm(outdir, { recursive: true, force: true });
});

const STACKS = PROGRAM_REGIONS.map(stackIdFor);
const entriesOf = (template: Template, type: string): [string, Resource][] =>
  Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);
const props = (resource: Resource | undefined): Record<string, unknown> => resource?.Properties ?? {};
const actionsOf = (statement: Statement): string[] =>
  Array.isArray(statement.Action) ? statement.Action : [statement.Action];
/** `*` in an ARN pattern (as IAM reads ArnLike) as a regular expression. */
const globMatches = (pattern: string, value: string): boolean =>
  new RegExp(
    `^${pattern
      .split('*')
      .map((p) => p.replace(/[.?+^$()[\]{}|\\]/g, '\\$&'))
      .join('.*')}$`,
  ).test(value);
/** A CloudFormation string with the pseudo parameters named (`${AWS::Region}`), Fn::Join flattened. */
const flat = (value: unknown): string => {
  if (typeof value === 'string') return value;
  const record = value as Record<string, unknown>;
  if (Array.isArray(record['Fn::Join'])) {
    const [delimiter, items] = record['Fn::Join'] as [string, unknown[]];
    return items.map(flat).join(delimiter);
  }
  if ('Ref' in record) return `\${${String(record.Ref)}}`;
  return JSON.stringify(value);
};

describe.each(STACKS)('%s: deploy traps', (stackName) => {
  const template = () => templates[stackName] as Template;

  it("lets CloudWatch publish every alarm to its topic (only this account's alarms of this region)", () => {
    const alarms = entriesOf(template(), 'AWS::CloudWatch::Alarm');
    const policies = entriesOf(template(), 'AWS::SNS::TopicPolicy');

    expect(alarms.length).toBeGreaterThan(0);
    for (const [alarmId, alarm] of alarms) {
      const alarmArn = `arn:\${AWS::Partition}:cloudwatch:\${AWS::Region}:\${AWS::AccountId}:alarm:${props(alarm).AlarmName}`;
      const topics = [
        ...((props(alarm).AlarmActions as unknown[]) ?? []),
        ...((props(alarm).OKActions as unknown[]) ?? []),
      ];
      expect(topics.length, alarmId).toBeGreaterThan(0);
      for (const topic of topics) {
        const allows = policies
          .filter(([, p]) => JSON.stringify(props(p).Topics) === JSON.stringify([topic]))
          .flatMap(([, p]) => (props(p).PolicyDocument as { Statement: Statement[] }).Statement)
          .filter(
            (s) =>
              s.Effect === 'Allow' &&
              s.Principal?.Service === 'cloudwatch.amazonaws.com' &&
              actionsOf(s).includes('sns:Publish') &&
              JSON.stringify(s.Resource) === JSON.stringify(topic) &&
              globMatches(flat(s.Condition?.ArnLike?.['aws:SourceArn']), alarmArn) &&
              flat(s.Condition?.StringEquals?.['aws:SourceAccount']) === flat({ Ref: 'AWS::AccountId' }),
          );
        expect(allows, `${alarmId} → ${JSON.stringify(topic)}`).toHaveLength(1);
      }
    }
  });

  it('creates the named retained resources RetainExceptOnCreate, so a failed first create can be retried', () => {
    const named = [
      ...entriesOf(template(), 'AWS::DynamoDB::GlobalTable'),
      ...entriesOf(template(), 'AWS::KMS::Key'),
      ...entriesOf(template(), 'AWS::Cognito::UserPool'),
    ];

    expect(named).toHaveLength(4);
    for (const [id, resource] of named) {
      expect(resource.DeletionPolicy, id).toBe('RetainExceptOnCreate');
      expect(resource.UpdateReplacePolicy, id).toBe('Retain');
    }
  });

  it('reserves no Lambda concurrency unless configured', () => {
    const functions = entriesOf(template(), 'AWS::Lambda::Function').filter(([, fn]) =>
      String(props(fn).FunctionName ?? '').startsWith('peerpath-'),
    );

    expect(functions.length).toBe(FUNCTIONS_PER_STACK);
    for (const [id, fn] of functions) expect(props(fn).ReservedConcurrentExecutions, id).toBeUndefined();
  });

  it('keeps the "follow-up not running" alarm OK on a fresh deploy: the reconciler has run before it exists', () => {
    const [[alarmId, alarm] = []] = entriesOf(template(), 'AWS::CloudWatch::Alarm').filter(([, a]) =>
      String(props(a).AlarmName).endsWith('-follow-up-not-running'),
    );
    const followUpId = (props(alarm).Dimensions as { Value: { Ref: string } }[])[0]?.Value.Ref as string;
    const triggers = entriesOf(template(), 'Custom::Trigger');

    expect(props(alarm)).toMatchObject({
      MetricName: 'Invocations',
      ComparisonOperator: 'LessThanThreshold',
      Threshold: 1,
      TreatMissingData: 'breaching',
    });
    expect(followUpId).toMatch(/^FollowUp/);
    expect(triggers).toHaveLength(1);
    const [triggerId, trigger] = triggers[0] as [string, Resource];
    // The follow-up function itself (its ARN or a version of it), by its logical id without CDK's hash.
    expect(JSON.stringify(props(trigger).HandlerArn)).toContain(followUpId.replace(/[0-9A-F]{8}$/, ''));
    expect(props(trigger).InvocationType).toBe('RequestResponse');
    expect(alarm?.DependsOn, alarmId).toContain(triggerId);
  });

  it('lets only the API functions that key client data read the HMAC key parameter, decrypting through SSM', () => {
    const region = stackName.slice('PeerPath-'.length) as (typeof PROGRAM_REGIONS)[number];
    const parameter = `parameter${hmacKeyParameterName(region)}`;
    const readers = entriesOf(template(), 'AWS::IAM::Policy').filter(([, p]) =>
      JSON.stringify(props(p)).includes('ssm:GetParameter'),
    );

    // Submitting and correcting referrals (client pointers) and search (its index keys).
    expect(readers.map(([id]) => id.replace(/RoleDefaultPolicy.*$/, '')).sort()).toEqual([
      'ApiReferrals',
      'ApiSearch',
    ]);
    for (const reader of readers) {
      const statements = (props(reader[1]).PolicyDocument as { Statement: Statement[] }).Statement;
      const get = statements.find((s) => actionsOf(s).includes('ssm:GetParameter'));
      expect(flat(get?.Resource)).toMatch(
        new RegExp(`:ssm:ca-[a-z]+-\\d:\\$\\{AWS::AccountId\\}:${parameter}$`),
      );
      const decrypt = statements.find(
        (s) => actionsOf(s).includes('kms:Decrypt') && s.Condition?.StringEquals?.['kms:ViaService'],
      );
      expect(flat(decrypt?.Condition?.StringEquals?.['kms:ViaService'])).toMatch(
        /^ssm\.ca-[a-z]+-\d\.amazonaws\.com$/,
      );
      expect(flat(decrypt?.Condition?.StringEquals?.['kms:EncryptionContext:PARAMETER_ARN'])).toBe(
        flat(get?.Resource),
      );
    }
  });
});

describe.each(PROGRAM_REGIONS)('PeerPath-%s: the API behind CloudFront and WAF', (region) => {
  const template = () => templates[stackIdFor(region)] as Template;
  const edge = () => templates[`${stackIdFor(region)}-edge`] as Template;
  const distributionConfig = () =>
    props(entriesOf(template(), 'AWS::CloudFront::Distribution')[0]?.[1]).DistributionConfig as {
      CacheBehaviors: Record<string, unknown>[];
      Origins: { Id: string; DomainName: unknown; S3OriginConfig?: unknown }[];
      DefaultCacheBehavior: { TargetOriginId: string };
      WebACLId?: unknown;
    };
  /** CloudFront path patterns: `*` any run of characters, `?` one. */
  const pathMatches = (pattern: string, path: string) =>
    new RegExp(
      `^${pattern
        .replace(/[.+^$()[\]{}|\\]/g, '\\$&')
        .replace(/\*/g, '.*')
        .replace(/\?/g, '.')}$`,
    ).test(path);
  const behaviourFor = (path: string) =>
    distributionConfig().CacheBehaviors.find((b) => pathMatches(String(b.PathPattern), path));

  it('sends /<region>/* to the API, uncached, Authorization kept, and /docs, /config.json and pages to S3', () => {
    const config = distributionConfig();
    const api = behaviourFor(`/${region}/referrals`);
    const apiOrigin = config.Origins.find((o) => o.Id === api?.TargetOriginId);
    const [, cachePolicy] = entriesOf(template(), 'AWS::CloudFront::CachePolicy')[0] ?? [];
    const cacheConfig = props(cachePolicy).CachePolicyConfig as Record<string, unknown>;
    const s3Origin = config.Origins.find((o) => o.Id === config.DefaultCacheBehavior.TargetOriginId);

    expect(config.CacheBehaviors.map((b) => b.PathPattern)).toEqual(['/config.json', `/${region}/*`]);
    expect(JSON.stringify(apiOrigin?.DomainName)).toMatch(/execute-api/);
    expect(api).toMatchObject({
      AllowedMethods: expect.arrayContaining(['GET', 'POST', 'PATCH', 'DELETE', 'PUT', 'OPTIONS']),
      OriginRequestPolicyId: 'b689b0a8-53d0-40ab-baf2-68738e2966ac', // AllViewerExceptHostHeader
      ViewerProtocolPolicy: 'https-only',
      FunctionAssociations: [expect.objectContaining({ EventType: 'viewer-request' })],
    });
    expect(cacheConfig).toMatchObject({ DefaultTTL: 0, MinTTL: 0, MaxTTL: 1 });
    expect(JSON.stringify(cacheConfig.ParametersInCacheKeyAndForwardedToOrigin)).toContain('"Authorization"');
    expect(s3Origin?.S3OriginConfig).toBeDefined();
    for (const path of ['/docs', '/docs/', '/docs/index.html', '/docs/scalar.js', '/', '/index.html']) {
      expect(behaviourFor(path), path).toBeUndefined();
    }
    expect(behaviourFor('/config.json')?.TargetOriginId).toBe(config.DefaultCacheBehavior.TargetOriginId);
  });

  it('puts the distribution behind a CLOUDFRONT web ACL of per-IP rate rules from the us-east-1 edge stack', () => {
    const [[, acl] = []] = entriesOf(edge(), 'AWS::WAFv2::WebACL');
    const rules = props(acl).Rules as {
      Action: unknown;
      Statement: { RateBasedStatement?: { AggregateKeyType: string } };
    }[];

    expect(props(acl).Scope).toBe('CLOUDFRONT');
    expect(rules.length).toBeGreaterThanOrEqual(2);
    for (const rule of rules) {
      expect(rule.Action).toEqual({ Block: {} });
      expect(rule.Statement.RateBasedStatement?.AggregateKeyType).toBe('IP');
    }
    expect(JSON.stringify(distributionConfig().WebACLId)).toMatch(/ExportsReader.*WebAcl/);
  });

  it('puts sign-in behind a regional web ACL (rate per IP, AWS common rules) and alarms on 4xx and blocks', () => {
    const [[aclId, acl] = []] = entriesOf(template(), 'AWS::WAFv2::WebACL');
    const [[, association] = []] = entriesOf(template(), 'AWS::WAFv2::WebACLAssociation');
    const [[poolId] = []] = entriesOf(template(), 'AWS::Cognito::UserPool');
    const rules = JSON.stringify(props(acl).Rules);
    const alarms = entriesOf(template(), 'AWS::CloudWatch::Alarm').map(([, a]) => props(a));

    expect(props(acl).Scope).toBe('REGIONAL');
    expect(rules).toContain('"AggregateKeyType":"IP"');
    expect(rules).toContain('AWSManagedRulesCommonRuleSet');
    expect(props(association)).toEqual({
      ResourceArn: { 'Fn::GetAtt': [poolId, 'Arn'] },
      WebACLArn: { 'Fn::GetAtt': [aclId, 'Arn'] },
    });
    expect(alarms.filter((a) => a.MetricName === '4xx')).toHaveLength(1);
    expect(
      alarms.filter((a) => a.MetricName === 'BlockedRequests' && a.Namespace === 'AWS/WAFV2'),
    ).toHaveLength(1);
  });

  it("scopes the page deployments' CloudFront invalidation to the distribution", () => {
    const invalidations = entriesOf(template(), 'AWS::IAM::Policy')
      .flatMap(([, p]) => (props(p).PolicyDocument as { Statement: Statement[] }).Statement)
      .filter((st) => actionsOf(st).some((a) => a.startsWith('cloudfront:')));
    const [[distributionId] = []] = entriesOf(template(), 'AWS::CloudFront::Distribution');

    expect(invalidations).toHaveLength(1);
    expect(flat(invalidations[0]?.Resource)).toBe(
      `arn:\${AWS::Partition}:cloudfront::\${AWS::AccountId}:distribution/\${${distributionId}}`,
    );
  });
});

describe('a region with a custom web domain', () => {
  it('serves the pages and API on it with its us-east-1 certificate and TLSv1.2_2021', () => {
    const certificateArn =
      'arn:aws:acm:us-east-1:111122223333:certificate/0f3b1a2c-1111-2222-3333-444455556666';
    const config = regionConfig('richmond', {
      PEERPATH_WEB_DOMAIN_RICHMOND: 'richmond.peerpath.example.org',
      PEERPATH_WEB_CERTIFICATE_ARN_RICHMOND: certificateArn,
    });
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new PeerPathStack(app, 'PeerPath-richmond', stackPropsFor(config));
    const template = app.synth().getStackByName(stack.stackName).template as Template;
    const [[, distribution] = []] = entriesOf(template, 'AWS::CloudFront::Distribution');

    expect(props(distribution).DistributionConfig).toMatchObject({
      Aliases: ['richmond.peerpath.example.org'],
      ViewerCertificate: {
        AcmCertificateArn: certificateArn,
        MinimumProtocolVersion: 'TLSv1.2_2021',
        SslSupportMethod: 'sni-only',
      },
    });
    expect(stack.webConfig.apiUrl).toBe('https://richmond.peerpath.example.org/richmond');
  }, 120_000);
});

describe('reserved concurrency across the stacks of one account', () => {
  it('fits the account quota given in config, in the templates as synthesized', () => {
    const configs = allRegionConfigs();
    const perAccount = new Map<string, number>();
    for (const config of configs) {
      const template = templates[stackIdFor(config.region)] as Template;
      const reserved = entriesOf(template, 'AWS::Lambda::Function').reduce(
        (sum, [, fn]) => sum + Number(props(fn).ReservedConcurrentExecutions ?? 0),
        0,
      );
      const where = `${config.account}/${config.awsRegion}`;
      perAccount.set(where, (perAccount.get(where) ?? 0) + reserved);
    }
    for (const [where, reserved] of perAccount) {
      const quota = Math.min(
        ...configs
          .filter((c) => `${c.account}/${c.awsRegion}` === where)
          .map((c) => c.lambdaConcurrencyQuota),
      );
      expect(reserved, where).toBeLessThanOrEqual(quota - LAMBDA_UNRESERVED_MINIMUM);
    }
  });

  it('fails the synth when the stacks of one account reserve more than its quota leaves', () => {
    const configs = allRegionConfigs({
      CDK_DEFAULT_ACCOUNT: '111122223333',
      PEERPATH_LAMBDA_QUOTA: String(FUNCTIONS_PER_STACK * 40 + 99),
    }).map((c) => ({
      ...c,
      lambdaReservedConcurrency: 10,
    }));
    const reserved = FUNCTIONS_PER_STACK * 40; // 10 each, four stacks in one account

    expect(() =>
      createPeerPathApp({ configs, appProps: { context: { 'aws:cdk:bundling-stacks': [] } } }),
    ).toThrow(
      new RegExp(
        `reserve ${reserved} concurrent executions; a quota of ${reserved + 99} leaves at most ${reserved - 1}`,
      ),
    );
  });
});

describe('the state machine', () => {
  it('retries Lambda throttling and service errors on every task, waits included, before any other retrier', () => {
    const asl = JSON.parse(synthesizeAsl('vancouver')) as {
      States: Record<
        string,
        { Type: string; Resource?: string; Retry?: { ErrorEquals: string[]; MaxAttempts: number }[] }
      >;
    };
    const tasks = Object.entries(asl.States).filter(([, state]) => state.Type === 'Task');
    const waits = tasks.filter(([, state]) => state.Resource?.includes('.waitForTaskToken'));

    expect(waits).toHaveLength(6);
    for (const [name, state] of tasks) {
      const first = state.Retry?.[0];
      expect(first?.ErrorEquals, name).toEqual(expect.arrayContaining([...LAMBDA_TRANSIENT_ERRORS]));
      expect(first?.ErrorEquals, name).toContain('Lambda.TooManyRequestsException');
      expect(first?.MaxAttempts, name).toBeGreaterThanOrEqual(3);
    }
  });
});
