import { performance } from 'node:perf_hooks';
import { PROGRAM_REGIONS } from '#domain/roles.ts';
import { regionConfig } from '../infra/regions.ts';

/**
 * Runs after `npm install` / `npm ci` (package.json `prepare`): does the build work `npm start` would
 * otherwise do on its first run — synthesizes each region's state machine into the build cache
 * (node_modules/.cache/peerpath, keyed by the sources, see local/workflow-cache.ts `loadWorkflow`), seeds the
 * demo database a first start copies (local/seed-template.ts), and builds the pages into web/dist.
 * `npm start` redoes each of them whenever a source changes, so this only saves time. It never fails the
 * install: a problem is reported and left for `npm start` to meet again.
 */

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
process.env.CDK_DISABLE_VERSION_CHECK ??= '1';

const firstLine = (error: unknown) => (error as Error).message.split('\n')[0];

async function main(): Promise<void> {
  const started = performance.now();
  const done: string[] = [];
  /** One step: `what` on success; on failure the reason, and that `npm start` will do it. */
  const step = async (what: string, notDone: string, work: () => Promise<unknown>) => {
    try {
      await work();
      done.push(what);
    } catch (error) {
      done.push(`${notDone} (${firstLine(error)}); npm start will`);
    }
  };
  await step('state machines synthesized', 'state machines not synthesized', async () => {
    const { DEFAULT_WORKFLOW_CACHE_DIR, loadWorkflow, workflowSources } = await import(
      '../local/workflow-cache.ts'
    );
    const sources = await workflowSources();
    for (const region of PROGRAM_REGIONS) {
      await loadWorkflow(region, regionConfig(region).timers, {
        cacheDir: DEFAULT_WORKFLOW_CACHE_DIR,
        sources,
      });
    }
  });
  await step('demo database seeded', 'demo database not seeded', async () => {
    const { buildSeedTemplate } = await import('../local/seed-template.ts');
    await buildSeedTemplate();
  });
  await step('pages built', 'pages not built', async () => {
    const { buildWeb } = await import('./build-web.ts');
    await buildWeb();
  });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  process.stdout.write(`PeerPath prepared for npm start in ${seconds} s: ${done.join('; ')}.\n`);
}

main().catch((error: unknown) => {
  process.stdout.write(`PeerPath preparation skipped: ${firstLine(error)}\n`);
});
