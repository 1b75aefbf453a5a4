import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { basename, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, type Plugin } from 'esbuild';
import { DOCS_ASSETS, renderDocsHtml } from '../shared/api/openapi.ts';

/**
 * Builds the pages (web/) into one HTML file, one JS file and one CSS file, with content-hashed names:
 *
 *   web/dist/index.html          no inline script or style (a strict Content-Security-Policy holds)
 *   web/dist/app-<hash>.js       Preact + the pages + the SAME zod schemas the API validates with
 *   web/dist/app-<hash>.css
 *   web/dist/docs/               the API reference: Scalar's standalone bundle (from node_modules), its
 *                                start-up script and index.html (the static copy the cloud serves)
 *
 * Everything is bundled: nothing is fetched from a CDN, so the pages work offline (`npm start`).
 * `npm run build:web` runs this; the browser tests call `buildWeb({ outDir })` into a directory of their own.
 */

export const PROJECT_ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
export const WEB_DIR = join(PROJECT_ROOT, 'web');
export const DEFAULT_OUT_DIR = join(WEB_DIR, 'dist');
const ENTRY = join(WEB_DIR, 'src', 'main.tsx');
const HTML_TEMPLATE = join(WEB_DIR, 'index.html');

/** Above this the build fails: the bundle is read on clinic computers and phones, keep it small. */
export const MAX_JS_GZIP_BYTES = 120 * 1024;

export interface BuildWebOptions {
  /** Where the files go (emptied first). Default web/dist. */
  outDir?: string;
  /** Default true. */
  minify?: boolean;
}

export interface BuiltFile {
  name: string;
  bytes: number;
  gzipBytes: number;
}

export interface BuildWebResult {
  outDir: string;
  files: BuiltFile[];
  /** The largest inputs of the JS bundle (path from the project root, bytes in the output). */
  largestInputs: { path: string; bytes: number }[];
}

/**
 * The shared domain imports `node:crypto` for one server-side helper (`clientMatchKey`) that the pages never
 * call. The browser gets a module whose functions refuse loudly instead of a Node built-in.
 */
const nodeBuiltinsRefused: Plugin = {
  name: 'node-builtins-refused',
  setup(builder) {
    builder.onResolve({ filter: /^node:/ }, (args) => ({ path: args.path, namespace: 'node-refused' }));
    builder.onLoad({ filter: /.*/, namespace: 'node-refused' }, (args) => ({
      contents: `const refuse = () => { throw new Error(${JSON.stringify(`${args.path} is not available in the browser`)}); };
export const createHash = refuse;
export const randomUUID = refuse;
export default {};`,
      loader: 'js',
    }));
  },
};

export async function buildWeb(options: BuildWebOptions = {}): Promise<BuildWebResult> {
  const outDir = resolve(options.outDir ?? DEFAULT_OUT_DIR);
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });

  const result = await build({
    absWorkingDir: PROJECT_ROOT,
    entryPoints: { app: ENTRY },
    outdir: outDir,
    entryNames: '[name]-[hash]',
    assetNames: '[name]-[hash]',
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022', 'chrome110', 'firefox110', 'safari16'],
    minify: options.minify ?? true,
    sourcemap: false,
    legalComments: 'none',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    define: { 'process.env.NODE_ENV': '"production"' },
    metafile: true,
    logLevel: 'silent',
    plugins: [nodeBuiltinsRefused],
  });

  const outputs = Object.keys(result.metafile.outputs);
  const js = outputs.find((file) => file.endsWith('.js'));
  const css = outputs.find((file) => file.endsWith('.css'));
  if (!js || !css) throw new Error('The web build produced no JS or no CSS bundle');
  const jsName = basename(js);
  const cssName = basename(css);

  const template = await readFile(HTML_TEMPLATE, 'utf8');
  const html = template
    .replace('<!-- styles -->', `<link rel="stylesheet" href="./${cssName}">`)
    .replace('<!-- scripts -->', `<script type="module" src="./${jsName}"></script>`);
  if (html === template || html.includes('<!-- ')) {
    throw new Error('web/index.html must hold the <!-- styles --> and <!-- scripts --> placeholders');
  }
  await writeFile(join(outDir, 'index.html'), html);

  await copyDocs(outDir);

  const files: BuiltFile[] = [];
  for (const name of ['index.html', jsName, cssName]) {
    const content = await readFile(join(outDir, name));
    files.push({ name, bytes: content.length, gzipBytes: gzipSync(content).length });
  }
  const jsFile = files.find((file) => file.name === jsName)!;
  if (jsFile.gzipBytes > MAX_JS_GZIP_BYTES) {
    throw new Error(`The pages' JS is ${jsFile.gzipBytes} bytes gzipped, over ${MAX_JS_GZIP_BYTES}`);
  }
  const inputs = result.metafile.outputs[js]?.inputs ?? {};
  const largestInputs = Object.entries(inputs)
    .map(([path, input]) => ({
      path: relative(PROJECT_ROOT, resolve(PROJECT_ROOT, path)),
      bytes: input.bytesInOutput,
    }))
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, 12);
  return { outDir, files, largestInputs };
}

/**
 * Scalar's bundled zod probes for `new Function` (to compile faster parsers) on first use; under the docs
 * page's policy (no 'unsafe-eval') the probe is blocked and reported as a violation, after which zod parses
 * without it anyway. The probe is answered "no" up front instead. A new Scalar without this exact probe fails
 * the build, so the change is looked at again rather than silently lost.
 */
const EVAL_PROBE = 'try{return new Function(""),!0}catch(e){return!1}';
export function withoutEvalProbe(bundle: string): string {
  const parts = bundle.split(EVAL_PROBE);
  if (parts.length !== 2) {
    throw new Error(`Expected Scalar's bundle to hold its eval probe once, found ${parts.length - 1}`);
  }
  return parts.join('return!1');
}

/** The API reference's files, same-origin with the pages: nothing from a CDN. */
async function copyDocs(outDir: string): Promise<void> {
  const require = createRequire(import.meta.url);
  const docsDir = join(outDir, DOCS_ASSETS.dir);
  await mkdir(docsDir, { recursive: true });
  const reference = await readFile(require.resolve('@scalar/api-reference/browser/standalone.js'), 'utf8');
  await writeFile(join(docsDir, DOCS_ASSETS.reference), withoutEvalProbe(reference));
  await copyFile(join(WEB_DIR, 'docs', 'docs.js'), join(docsDir, DOCS_ASSETS.bootstrap));
  await writeFile(join(docsDir, 'index.html'), renderDocsHtml());
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const verbose = process.argv.includes('--verbose');
  const result = await buildWeb();
  const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
  console.log(`Built the pages into ${relative(process.cwd(), result.outDir) || '.'}`);
  for (const file of result.files) {
    console.log(
      `  ${file.name.padEnd(28)} ${kib(file.bytes).padStart(10)}  (${kib(file.gzipBytes)} gzipped)`,
    );
  }
  if (verbose) {
    console.log('Largest inputs of the JS bundle:');
    for (const input of result.largestInputs)
      console.log(`  ${kib(input.bytes).padStart(10)}  ${input.path}`);
  }
}
