import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ProgramRegion } from '#domain/roles.ts';
import type { Timers } from '#domain/settings.ts';
import type { SynthesizedWorkflow } from '../infra/asl.ts';
import { regionConfig } from '../infra/regions.ts';
import { BUILD_CACHE_DIR, PROJECT_ROOT } from './paths.ts';
import { type SourceClosure, sourceClosure } from './source-closure.ts';

/**
 * The state machine the local runner executes: synthesized from the region's stack, exactly as `cdk synth`
 * builds it, and kept on disk between starts under a key that changes with anything the synth reads.
 */

/** Where synthesized state machines are kept by default (in the build cache). */
export const DEFAULT_WORKFLOW_CACHE_DIR = join(BUILD_CACHE_DIR, 'workflows');

const CACHE_FORMAT = 'peerpath-workflow-cache-v1';
const CACHE_ENTRY_MAX_AGE_MS = 7 * 24 * 3600 * 1000;
/**
 * Everything a synth reads from the repository: the import closure of `infra/asl.ts`, in this project or
 * (tests) in a copy of it at `root`.
 */
export const workflowSources = (root: string = PROJECT_ROOT): Promise<SourceClosure> =>
  sourceClosure([join(root, 'infra', 'asl.ts')], root);

/**
 * The cache key of a region's workflow: the sources, the region's configuration (which is where the
 * stack reads its `PEERPATH_*` settings), the timers and the `CDK_*` environment. Runtime settings such as
 * the data directory or the port are not part of it: they never change what is synthesized.
 */
export function workflowCacheKey(sources: SourceClosure, region: ProgramRegion, timers: Timers): string {
  const env = Object.entries(process.env)
    .filter(([name]) => name.startsWith('CDK_'))
    .sort(([a], [b]) => a.localeCompare(b));
  return createHash('sha256')
    .update(
      JSON.stringify({
        format: CACHE_FORMAT,
        sources,
        region,
        config: regionConfig(region),
        timers,
        env,
      }),
    )
    .digest('hex');
}

/**
 * Synthesizes the region's stack and extracts its workflow, exactly as `synthesizeWorkflow` does. The
 * built-in CloudFormation rule validation (a WebAssembly pass that takes seconds and never changes the
 * template) is skipped here: `cdk synth` and the infra tests still run it.
 */
async function synthesize(region: ProgramRegion, timers: Timers): Promise<SynthesizedWorkflow> {
  const { synthesizeWorkflow } = await import('../infra/asl.ts');
  const previous = process.env.CDK_VALIDATION;
  process.env.CDK_VALIDATION = 'false';
  try {
    return synthesizeWorkflow(region, { timers });
  } finally {
    if (previous === undefined) delete process.env.CDK_VALIDATION;
    else process.env.CDK_VALIDATION = previous;
  }
}

interface CacheEntry {
  format: typeof CACHE_FORMAT;
  key: string;
  workflow: SynthesizedWorkflow;
}

/**
 * The region's synthesized workflow. With a `cacheDir`, the result of a synth is kept in
 * `<cacheDir>/workflow-<region>-<key>.json`, the key hashing every source file the synth imports (the
 * import closure of `infra/asl.ts`: the stack, the workflow definition, the domain), the installed
 * versions of the packages it imports (aws-cdk-lib…), the region's configuration, the timers, and the
 * `CDK_*` environment. Any change to those synthesizes again, so the runner always executes the ASL the
 * stack synthesizes today. Entries of other keys (other timers, older sources) are pruned after a week.
 */
export async function loadWorkflow(
  region: ProgramRegion,
  timers: Timers,
  options: {
    cacheDir?: string | false;
    sources?: SourceClosure;
    progress?: (message: string) => void;
  } = {},
): Promise<SynthesizedWorkflow> {
  const cacheDir = options.cacheDir;
  if (!cacheDir) return synthesize(region, timers);
  const key = workflowCacheKey(options.sources ?? (await workflowSources()), region, timers);
  const prefix = `workflow-${region}-`;
  const file = join(cacheDir, `${prefix}${key.slice(0, 32)}.json`);
  try {
    const entry = JSON.parse(await readFile(file, 'utf8')) as Partial<CacheEntry>;
    if (entry.format === CACHE_FORMAT && entry.key === key && typeof entry.workflow?.asl === 'string') {
      return entry.workflow;
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT' && !(error instanceof SyntaxError)) throw error;
  }
  options.progress?.(`Synthesizing the ${region} state machine (kept for the next start)`);
  const workflow = await synthesize(region, timers);
  await mkdir(cacheDir, { recursive: true });
  const entry: CacheEntry = { format: CACHE_FORMAT, key, workflow };
  const temp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  await writeFile(temp, JSON.stringify(entry));
  await rename(temp, file);
  // Entries not written for a week are dead weight (several keys live side by side: tests shorten timers).
  const staleBefore = Date.now() - CACHE_ENTRY_MAX_AGE_MS;
  for (const name of await readdir(cacheDir)) {
    if (!name.startsWith(prefix) || !name.endsWith('.json') || join(cacheDir, name) === file) continue;
    const written = await stat(join(cacheDir, name)).then(
      (s) => s.mtimeMs,
      () => Date.now(),
    );
    if (written < staleBefore) await unlink(join(cacheDir, name)).catch(() => undefined);
  }
  return workflow;
}
