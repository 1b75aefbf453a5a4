import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks, HIPAASecurityChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPeerPathApp } from '../../infra/constructs/peerpath-app.ts';
import { PROJECT_ROOT } from '../../infra/constructs/peerpath-function.ts';
import {
  acknowledgeNagFindings,
  addNagChecks,
  NAG_PACKS,
  NAG_REASONS,
  nagResourceString,
} from '../../infra/nag.ts';
import { regionConfig, stackIdFor } from '../../infra/regions.ts';
import { PeerPathStack, stackPropsFor } from '../../infra/stack.ts';

/** The nag gate itself: it must fail on a rule broken, and every acknowledgement must be one that is needed. */

type Report = {
  pluginReports: {
    pluginName: string;
    violations: { ruleName: string; severity?: string; violatingConstructs?: { constructPath: string }[] }[];
  }[];
};

let root: string;
let counter = 0;

beforeAll(async () => {
  process.env.CDK_DISABLE_VERSION_CHECK = '1';
  root = await mkdtemp(join(tmpdir(), 'peerpath-nag-'));
});
afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

function scratchApp(context: Record<string, unknown> = {}) {
  const outdir = join(root, `app-${++counter}`);
  const app = new App({ outdir, context });
  addNagChecks(app);
  const stack = new Stack(app, 'Scratch', { env: { region: 'ca-central-1' } });
  return { app, stack, outdir };
}

const reportOf = (outdir: string): Report =>
  JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as Report;
const ruleNames = (report: Report): string[] =>
  report.pluginReports.flatMap((p) => p.violations.map((v) => v.ruleName));

/** Findings of both packs over a construct tree, as `rule @ construct path`. */
function findings(scope: IConstruct): { rule: string; path: string }[] {
  return [new AwsSolutionsChecks(), new HIPAASecurityChecks()].flatMap((pack) =>
    pack
      .validateScope(scope)
      .violations.flatMap((v) =>
        v.violatingResources.map((resource) => ({ rule: v.ruleName, path: resource.constructPath ?? '' })),
      ),
  );
}

describe('the cdk-nag gate', () => {
  it('fails the synth of an app holding a bucket without SSL enforcement or access logs', () => {
    const { app, stack, outdir } = scratchApp();
    new s3.Bucket(stack, 'Bare');

    expect(() => app.synth()).toThrow(/AwsSolutions-S10/);
    expect(ruleNames(reportOf(outdir))).toEqual(
      expect.arrayContaining([
        'AwsSolutions-S1',
        'AwsSolutions-S10',
        'HIPAA.Security-S3BucketLoggingEnabled',
        'HIPAA.Security-S3BucketSSLRequestsOnly',
      ]),
    );
  });

  it('silences exactly the finding acknowledged, and only on that construct', () => {
    const { app, stack, outdir } = scratchApp({ '@aws-cdk/core:failSynthOnValidationErrors': false });
    const acknowledged = new s3.Bucket(stack, 'Acknowledged');
    new s3.Bucket(stack, 'Other');
    Validations.of(acknowledged).acknowledge({ id: 'AwsSolutions-S10', reason: 'test' });

    app.synth();
    const report = reportOf(outdir);
    const s10 = report.pluginReports
      .flatMap((p) => p.violations)
      .find((v) => v.ruleName === 'AwsSolutions-S10') as {
      violatingConstructs?: { constructPath: string }[];
    };

    expect(s10?.violatingConstructs?.map((c) => c.constructPath)).toEqual(['Scratch/Other/Resource']);
    expect(ruleNames(report)).toContain('AwsSolutions-S1');
  });

  it('names an IAM wildcard resource the way cdk-nag reports it', () => {
    const { stack } = scratchApp();
    const table = new dynamodb.TableV2(stack, 'Table', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      globalSecondaryIndexes: [
        { indexName: 'GSI1', partitionKey: { name: 'gsi1pk', type: dynamodb.AttributeType.STRING } },
      ],
    });
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    table.grant(role, 'dynamodb:Query');
    const id = `AwsSolutions-IAM5[Resource::${nagResourceString(stack, `${table.tableArn}/index/*`)}]`;

    expect(findings(stack).map((f) => f.rule)).toContain(id);
    Validations.of(role).acknowledge({ id, reason: 'test' });
    expect(findings(stack).map((f) => f.rule)).not.toContain(id);
  });
});

describe('the app `cdk deploy` synthesizes (createPeerPathApp, as infra/app.ts calls it)', () => {
  it('is the app cdk.json names: infra/app.ts, which builds it with createPeerPathApp()', () => {
    const cdkJson = JSON.parse(readFileSync(join(PROJECT_ROOT, 'cdk.json'), 'utf8')) as { app: string };

    expect(cdkJson.app).toMatch(/ infra\/app\.ts$/);
    expect(readFileSync(join(PROJECT_ROOT, 'infra', 'app.ts'), 'utf8')).toMatch(/^createPeerPathApp\(\);$/m);
  });

  it('runs both packs: a bucket without SSL enforcement planted in a region stack fails the synth', () => {
    const outdir = join(root, 'deploy-app');
    const { app, stacks } = createPeerPathApp({
      configs: [regionConfig('vancouver', {})],
      appProps: { outdir, context: { 'aws:cdk:bundling-stacks': [] } },
    });
    const [stack] = stacks;
    if (!stack) throw new Error('No stack');
    new s3.Bucket(stack, 'PlantedBucket');

    expect(() => app.synth()).toThrow(/AwsSolutions-S10/);
    const report = reportOf(outdir);
    const found = report.pluginReports.flatMap((p) =>
      p.violations.flatMap((v) =>
        (v.violatingConstructs ?? []).map((c) => ({
          pack: p.pluginName,
          rule: v.ruleName,
          path: c.constructPath,
        })),
      ),
    );
    const planted = `${stack.stackName}/PlantedBucket/Resource`;

    expect([...new Set(found.map((f) => f.pack))].sort()).toEqual([...NAG_PACKS].sort());
    expect(found.filter((f) => f.path === planted).map((f) => f.rule)).toEqual(
      expect.arrayContaining([
        'AwsSolutions-S1',
        'AwsSolutions-S10',
        'HIPAA.Security-S3BucketLoggingEnabled',
        'HIPAA.Security-S3BucketSSLRequestsOnly',
      ]),
    );
    // Only the planted bucket: the region stack around it passes, its acknowledgements applied.
    expect(found.filter((f) => !f.path.startsWith(`${stack.stackName}/PlantedBucket/`))).toEqual([]);
  }, 120_000);
});

describe('the acknowledgements of a PeerPath stack (infra/nag.ts)', () => {
  const config = regionConfig('vancouver', {});
  let app: App;
  let stack: PeerPathStack;
  let before: { rule: string; path: string }[];

  beforeAll(async () => {
    // With a web build, so the deployment of the pages is reviewed too.
    const webDistDir = join(root, 'web-dist');
    await mkdir(webDistDir, { recursive: true });
    await writeFile(join(webDistDir, 'index.html'), '<!doctype html><title>PeerPath</title>');
    app = new App({ outdir: join(root, 'peerpath'), context: { 'aws:cdk:bundling-stacks': [] } });
    stack = new PeerPathStack(app, stackIdFor(config.region), { ...stackPropsFor(config), webDistDir });
    app.synth();
    before = findings(stack);
    acknowledgeNagFindings(stack);
  }, 60_000);

  it('leave no finding of either pack unacknowledged', () => {
    expect(stack.webDeployments.map((d) => d.node.id)).toEqual(['WebPages', 'WebConfig']);
    expect(before.length).toBeGreaterThan(0);
    expect(findings(stack)).toEqual([]);
  });

  it('each answers a finding that exists (none is stale) and carries a reason', () => {
    const isNagRule = (id: string) => NAG_PACKS.some((pack) => id.startsWith(`${pack}-`));
    const acknowledgements = stack.node.findAll().flatMap((construct) =>
      construct.node.metadata
        .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((entry) =>
          Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({
            id: id.replace(/^annotation::/i, ''),
            reason,
            path: construct.node.path,
          })),
        )
        .filter((ack) => isNagRule(ack.id)),
    );
    const unanswered = acknowledgements.filter(
      (ack) =>
        !before.some((f) => f.rule === ack.id && (f.path === ack.path || f.path.startsWith(`${ack.path}/`))),
    );

    expect(acknowledgements.length).toBeGreaterThan(0);
    expect(unanswered).toEqual([]);
    for (const ack of acknowledgements) expect(Object.values(NAG_REASONS)).toContain(ack.reason);
  });
});
