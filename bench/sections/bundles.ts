import { spawn } from 'node:child_process';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { PROJECT_ROOT } from '../../local/stack.ts';
import type { Progress } from '../lib/progress.ts';
import { median, round } from '../lib/stats.ts';

/**
 * Every Lambda entry (functions/api/*.ts exporting `dispatch`, workflows/tasks/*.ts exporting
 * `handler`) bundled with the options the CDK stack's NodejsFunction uses (esbuild: bundle, minify,
 * platform node, target node22, format esm, the AWS SDK bundled (`bundleAwsSDK`), the createRequire banner,
 * main fields module then main), and each bundle's module-load time in a fresh Node process against an
 * empty handler's built the same way. Bundles land under node_modules/.cache so that a build with the SDK
 * external (the cold section's comparison) resolves it.
 */

export interface BundleFigures {
  entry: string;
  bytes: number;
  kb: number;
  /** Median module-load time (import of the bundle) in a fresh process, ms. */
  loadMs: number;
  /** loadMs minus the empty handler's. */
  overEmptyMs: number;
  /** The biggest contributors to the output (package or project directory → KB). */
  top: { input: string; kb: number }[];
}

export interface BundlesResult {
  emptyLoadMs: number;
  emptyBytes: number;
  bundles: BundleFigures[];
}

export const BENCH_CACHE_DIR = join(PROJECT_ROOT, 'node_modules', '.cache');
const OUT_DIR = join(BENCH_CACHE_DIR, 'peerpath-bench');
const BANNER = "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);";

/** The Lambda entries: API files exporting `dispatch`, workflow files exporting `handler`. */
export async function lambdaEntries(): Promise<string[]> {
  const entries: string[] = [];
  for (const [dir, exported] of [
    ['functions/api', 'dispatch'],
    ['workflows/tasks', 'handler'],
  ] as const) {
    for (const name of (await readdir(join(PROJECT_ROOT, dir))).sort()) {
      if (!name.endsWith('.ts')) continue;
      const source = await readFile(join(PROJECT_ROOT, dir, name), 'utf8');
      if (new RegExp(`export\\s+(const|async function|function)\\s+${exported}\\b`).test(source)) {
        entries.push(`${dir}/${name}`);
      }
    }
  }
  return entries;
}

/** Where the SDK comes from: inside the bundle (as deployed) or the runtime's node_modules. */
export type SdkPlacement = 'bundled' | 'external';

/** One entry built as `cdk synth` builds it (`sdk: 'external'`: as before `bundleAwsSDK`). */
export async function bundle(
  entry: string,
  outDir: string,
  sdk: SdkPlacement = 'bundled',
): Promise<{ file: string; metafile: Metafile }> {
  const outfile = join(outDir, 'index.mjs');
  const result = await build({
    entryPoints: [join(PROJECT_ROOT, entry)],
    outfile,
    bundle: true,
    minify: true,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    external: sdk === 'external' ? ['@aws-sdk/*'] : [],
    mainFields: ['module', 'main'],
    banner: { js: BANNER },
    sourcemap: true,
    sourcesContent: false,
    metafile: true,
    logLevel: 'error',
    absWorkingDir: PROJECT_ROOT,
  });
  return { file: outfile, metafile: result.metafile };
}

/** Whether the bundle's code uses the AWS SDK (bundled inputs from `@aws-sdk/*`). */
export const usesSdk = (metafile: Metafile): boolean =>
  Object.keys(metafile.inputs).some((input) => input.includes('node_modules/@aws-sdk/'));

/** Output bytes by package (`node_modules/<pkg>`) or project directory. */
function contributors(metafile: Metafile): { input: string; kb: number }[] {
  const totals = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1];
      const key = pkg ?? input.split('/').slice(0, 2).join('/');
      totals.set(key, (totals.get(key) ?? 0) + bytesInOutput);
    }
  }
  return [...totals]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 6)
    .map(([input, bytes]) => ({ input, kb: round(bytes / 1024, 1) }));
}

/** ms to `import()` the file in a fresh Node process (the process's own start is not counted). */
function loadOnce(file: string): Promise<number> {
  const script = `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); process.stdout.write(String(performance.now() - t));`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      cwd: PROJECT_ROOT,
      env: {
        ...process.env,
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        PROGRAM_REGION: 'vancouver',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      const ms = Number(out);
      if (code === 0 && Number.isFinite(ms)) resolve(ms);
      else reject(new Error(`Loading ${file} failed (${code}): ${err.slice(0, 300)}`));
    });
  });
}

async function loadMs(file: string, repeats: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) times.push(await loadOnce(file));
  return median(times);
}

export async function runBundles(options: { repeats: number; progress: Progress }): Promise<BundlesResult> {
  await rm(OUT_DIR, { recursive: true, force: true });
  await mkdir(OUT_DIR, { recursive: true });
  const emptyDir = join(OUT_DIR, 'empty');
  await mkdir(emptyDir, { recursive: true });
  const emptyEntry = join(emptyDir, 'entry.ts');
  await writeFile(emptyEntry, 'export const handler = async () => ({ statusCode: 200 });\n');
  const empty = await build({
    entryPoints: [emptyEntry],
    outfile: join(emptyDir, 'index.mjs'),
    bundle: true,
    minify: true,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    banner: { js: BANNER },
    logLevel: 'error',
  }).then(() => join(emptyDir, 'index.mjs'));
  const emptyLoad = await loadMs(empty, options.repeats);
  const entries = await lambdaEntries();
  const bundles: BundleFigures[] = [];
  for (const [i, entry] of entries.entries()) {
    options.progress.update('bundles', i, entries.length, entry);
    const dir = join(OUT_DIR, basename(entry, '.ts') + (entry.includes('/workflow/') ? '-workflow' : '-api'));
    const { file, metafile } = await bundle(entry, dir);
    const bytes = (await stat(file)).size;
    const load = await loadMs(file, options.repeats);
    bundles.push({
      entry,
      bytes,
      kb: round(bytes / 1024, 1),
      loadMs: round(load),
      overEmptyMs: round(load - emptyLoad),
      top: contributors(metafile),
    });
  }
  options.progress.update('bundles', entries.length, entries.length);
  return { emptyLoadMs: round(emptyLoad), emptyBytes: (await stat(empty)).size, bundles };
}
