import { appendFile, copyFile, mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProgramRegion } from '#domain/roles.ts';
import { type SynthesizedWorkflow, synthesizeWorkflow } from '../../../infra/asl.ts';
import { PROJECT_ROOT } from '../../../local/paths.ts';
import type { SourceClosure } from '../../../local/source-closure.ts';
import { loadWorkflow, workflowCacheKey, workflowSources } from '../../../local/workflow-cache.ts';
import { LocalWorkflowRunner } from '../../../local/workflow-runner.ts';
import { makeTestStore } from '../../support/store.ts';
import { QUIET_TIMERS } from '../../support/workflow.ts';

/**
 * The state machine `npm start` runs comes from an on-disk cache (`loadWorkflow`), not from a fresh synth:
 * these tests prove that what the runner loads through the cache is what the stack synthesizes today, and
 * that a change to anything the definition is built from makes a new cache key (a stale ASL is never reused).
 */

const REGION: ProgramRegion = 'vancouver';
/** Sources the state machine's definition depends on, each of which must change the key. */
const DEFINITION_SOURCES = ['workflows/definition.ts', 'shared/domain/lifecycle.ts', 'infra/stack.ts'];

let cacheDir: string;
let copyRoot: string;
let sources: SourceClosure;
let fresh: SynthesizedWorkflow;

beforeAll(async () => {
  cacheDir = await mkdtemp(join(tmpdir(), 'peerpath-workflow-cache-'));
  sources = await workflowSources();
  fresh = synthesizeWorkflow(REGION, { timers: QUIET_TIMERS });
  // A copy of the project holding exactly the files the synth reads (the packages through a link).
  copyRoot = await mkdtemp(join(tmpdir(), 'peerpath-workflow-sources-'));
  await copyFile(join(PROJECT_ROOT, 'package.json'), join(copyRoot, 'package.json'));
  await symlink(join(PROJECT_ROOT, 'node_modules'), join(copyRoot, 'node_modules'), 'dir');
  for (const file of Object.keys(sources.files)) {
    await mkdir(dirname(join(copyRoot, file)), { recursive: true });
    await copyFile(join(PROJECT_ROOT, file), join(copyRoot, file));
  }
}, 120_000);

afterAll(async () => {
  if (cacheDir) await rm(cacheDir, { recursive: true, force: true });
  if (copyRoot) await rm(copyRoot, { recursive: true, force: true });
});

describe('the local state machine cache', () => {
  it('gives the runner the ASL a fresh synth gives, when written and when read back', async () => {
    // Act: the first load synthesizes and writes the cache; the second reads it back.
    const written = await loadWorkflow(REGION, QUIET_TIMERS, { cacheDir, sources });
    const cached = await loadWorkflow(REGION, QUIET_TIMERS, { cacheDir, sources });
    const runner = new LocalWorkflowRunner({
      region: REGION,
      store: await makeTestStore(REGION),
      timers: QUIET_TIMERS,
      tickEveryMs: 0,
      log: () => {},
      workflow: cached,
    });

    // Assess
    expect((await readdir(cacheDir)).filter((name) => name.endsWith('.json'))).toHaveLength(1);
    expect(written).toEqual(fresh);
    expect(cached).toEqual(fresh);
    expect(runner.asl).toBe(fresh.asl);
    await runner.stop();
  }, 120_000);

  it('does not reuse a state machine cached for other sources', async () => {
    // Prepare: an entry cached when workflows/definition.ts was one byte different, holding another ASL.
    const staleDir = await mkdtemp(join(tmpdir(), 'peerpath-workflow-stale-'));
    const older = withFileChanged(sources, 'workflows/definition.ts');
    const staleKey = workflowCacheKey(older, REGION, QUIET_TIMERS);
    const stale = { ...fresh, asl: JSON.stringify({ ...JSON.parse(fresh.asl), Comment: 'stale' }) };
    await writeFile(
      join(staleDir, `workflow-${REGION}-${staleKey.slice(0, 32)}.json`),
      JSON.stringify({ format: 'peerpath-workflow-cache-v1', key: staleKey, workflow: stale }),
    );
    // The planted entry is one the cache does serve for the sources it was written for.
    expect((await loadWorkflow(REGION, QUIET_TIMERS, { cacheDir: staleDir, sources: older })).asl).toBe(
      stale.asl,
    );

    // Act: today's sources
    const loaded = await loadWorkflow(REGION, QUIET_TIMERS, { cacheDir: staleDir, sources });

    // Assess
    expect(loaded.asl).toBe(fresh.asl);
    await rm(staleDir, { recursive: true, force: true });
  }, 120_000);

  it('reads the same sources from a copy of the project as from the project', async () => {
    const copied = await workflowSources(copyRoot);

    expect(copied).toEqual(sources);
    for (const file of DEFINITION_SOURCES) expect(Object.keys(copied.files)).toContain(file);
    expect(Object.keys(copied.packages)).toContain('aws-cdk-lib');
  });

  it.each(DEFINITION_SOURCES)('changes the key when one byte of %s changes', async (file) => {
    // Prepare
    const before = workflowCacheKey(await workflowSources(copyRoot), REGION, QUIET_TIMERS);

    // Act: one byte more in the copy
    await appendFile(join(copyRoot, file), ' ');
    const after = workflowCacheKey(await workflowSources(copyRoot), REGION, QUIET_TIMERS);
    await copyFile(join(PROJECT_ROOT, file), join(copyRoot, file));

    // Assess
    expect(after).not.toBe(before);
  });

  it('changes the key when the installed version of a package the synth imports changes', () => {
    const upgraded = {
      ...sources,
      packages: { ...sources.packages, 'aws-cdk-lib': `${sources.packages['aws-cdk-lib']}-next` },
    };

    expect(workflowCacheKey(upgraded, REGION, QUIET_TIMERS)).not.toBe(
      workflowCacheKey(sources, REGION, QUIET_TIMERS),
    );
  });

  it('changes the key with the timers and the region', () => {
    const key = workflowCacheKey(sources, REGION, QUIET_TIMERS);

    expect(workflowCacheKey(sources, REGION, { ...QUIET_TIMERS, triage: 60 })).not.toBe(key);
    expect(workflowCacheKey(sources, 'richmond', QUIET_TIMERS)).not.toBe(key);
  });
});

/** The closure as it was when `file` had other content. */
function withFileChanged(closure: SourceClosure, file: string): SourceClosure {
  const hash = closure.files[file];
  if (!hash) throw new Error(`${file} is not among the workflow's sources`);
  return {
    ...closure,
    files: { ...closure.files, [file]: `${hash.slice(0, -1)}${hash.endsWith('0') ? '1' : '0'}` },
  };
}
