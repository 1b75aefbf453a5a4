import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  aliasesOf,
  bundleClosure,
  bundleViolations,
  edgesOf,
  type ImportEdge,
  importGraph,
  layerOf,
  layerViolations,
} from '../support/import-graph.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SOURCE_FOLDERS = ['shared', 'functions', 'workflows', 'infra', 'local', 'web/src', 'scripts'];

/** Every Lambda entry: the API handler files and the state machine's tasks. */
function lambdaEntries(): string[] {
  const entries = (folder: string) =>
    readdirSync(`${ROOT}/${folder}`)
      .filter((name) => name.endsWith('.ts'))
      .map((name) => `${folder}/${name}`);
  return [...entries('functions/api'), ...entries('workflows/tasks')];
}

describe('the import rules (DESIGN.md, Folder layout)', () => {
  const edges = importGraph(ROOT, SOURCE_FOLDERS);

  it('reads a real graph: every source folder has imports resolved to project files', () => {
    const layers = new Set(edges.filter((e) => e.kind === 'file').map((e) => layerOf(e.to)));
    for (const layer of ['domain', 'app', 'data', 'aws', 'services', 'api', 'http', 'workflows'] as const) {
      expect(layers, layer).toContain(layer);
    }
  });

  it('points every import one way, down the layers', () => {
    expect(layerViolations(edges)).toEqual([]);
  });

  it('bundles nothing of local/, infra/, scripts/, web/ or CDK into any Lambda', () => {
    const entries = lambdaEntries();
    expect(entries.length).toBeGreaterThan(10);
    expect(entries.flatMap((entry) => bundleViolations(entry, edges))).toEqual([]);
  });

  it('reaches the data layer and the SDK from a handler, so the closure is really followed', () => {
    const { files, packages } = bundleClosure('functions/api/referrals.ts', edges);
    expect([...files].some((file) => file.startsWith('shared/data/'))).toBe(true);
    expect([...packages].some((pkg) => pkg.startsWith('@aws-sdk/'))).toBe(true);
  });
});

describe('the import rule checker', () => {
  const aliases = aliasesOf(ROOT);
  const edge = (from: string, source: string): ImportEdge[] => edgesOf(ROOT, from, source, aliases);

  it('flags an import of local/ in a handler, both as a layer break and as bundled', () => {
    const planted = edge(
      'functions/api/referrals.ts',
      "import { freePort } from '../../local/free-port.ts';\n",
    );
    expect(layerViolations(planted)).toEqual([
      'functions/api/referrals.ts → local/free-port.ts (functions may not import local)',
    ]);
    expect(bundleViolations('functions/api/referrals.ts', planted)).toEqual([
      'functions/api/referrals.ts bundles local/free-port.ts',
    ]);
  });

  it('flags imports back up the layers, through aliases too', () => {
    expect(
      layerViolations(edge('shared/domain/referral.ts', "import { x } from '#data/keys.ts';\n")),
    ).toHaveLength(1);
    expect(
      layerViolations(edge('shared/app/ports.ts', "import { x } from '#services/alerts.ts';\n")),
    ).toHaveLength(1);
    expect(layerViolations(edge('infra/stack.ts', "import { x } from '../local/stack.ts';\n"))).toHaveLength(
      1,
    );
    expect(
      layerViolations(
        edge('workflows/tasks/notify.ts', "import { x } from '../../functions/api/deps.ts';\n"),
      ),
    ).toHaveLength(1);
    expect(
      layerViolations(
        edge('functions/api/work.ts', "import { x } from '../../workflows/tasks/notify.ts';\n"),
      ),
    ).toHaveLength(1);
  });

  it('flags the AWS SDK outside its adapters and CDK in a Lambda bundle', () => {
    expect(
      layerViolations(edge('functions/api/work.ts', "import { S } from '@aws-sdk/client-sns';\n")),
    ).toHaveLength(1);
    expect(layerViolations(edge('shared/domain/x.ts', "import { App } from 'aws-cdk-lib';\n"))).toHaveLength(
      1,
    );
    const planted = edge('workflows/tasks/notify.ts', "import { Duration } from 'aws-cdk-lib';\n");
    expect(bundleViolations('workflows/tasks/notify.ts', planted)).toEqual([
      'workflows/tasks/notify.ts bundles aws-cdk-lib',
    ]);
  });

  it('lets type-only imports through a bundle (they are erased) but not through the layers', () => {
    const planted = edge('functions/api/work.ts', "import type { LocalJwt } from '../../local/jwt.ts';\n");
    expect(bundleViolations('functions/api/work.ts', planted)).toEqual([]);
    expect(layerViolations(planted)).toHaveLength(1);
  });

  it('allows what the layers allow', () => {
    const fine = [
      ...edge(
        'functions/api/work.ts',
        "import { a } from '#data/sessions.ts';\nimport { b } from '#http/route.ts';\n",
      ),
      ...edge(
        'local/stack.ts',
        "import { c } from '../infra/asl.ts';\nimport { d } from '../functions/api/deps.ts';\n",
      ),
      ...edge('shared/aws/step-functions.ts', "import { e } from '@aws-sdk/client-sfn';\n"),
    ];
    expect(layerViolations(fine)).toEqual([]);
  });
});
