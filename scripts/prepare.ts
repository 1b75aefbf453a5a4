import { performance } from 'node:perf_hooks';
import { PROGRAM_REGIONS } from '#domain/roles.ts';
import { regionConfig } from '../infra/regions.ts';

/**
 * Runs after `npm install` / `npm ci` (package.json `prepare`): does the build work `npm start` would
 * otherwise do on its first run — synthesizes each region's state machine into the build cache
 * (node_modules/.cache/peerpath, keyed by the sources, see infra/local/stack.ts `loadWorkflow`), seeds the
 * demo database a first start copies (infra/local/seed-template.ts), and builds the pages into web/dist. Both are redone by `npm start` whenever a source changes, so this only saves
 * time. It never fails the install: a problem is reported and left for `npm start` to meet again.
 */

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
process.env.CDK_DISABLE_VERSION_CHECK ??= '1';

async function main(): Promise<void> {
  const started = performance.now();
  const done: string[] = [];
  try {
    const { DEFAULT_WORKFLOW_CACHE_DIR, loadWorkflow, workflowSources } = await import(
      '../infra/local/stack.ts'
    );
    const sources = await workflowSources();
    for (const region of PROGRAM_REGIONS) {
      await loadWorkflow(region, regionConfig(region).timers, {
        cacheDir: DEFAULT_WORKFLOW_CACHE_DIR,
        sources,
      });
    }
    done.push('state machines synthesized');
  } catch (error) {
    done.push(`state machines not synthesized (${(error as Error).message.split('\n')[0]}); npm start will`);
  }
  try {
    const { buildSeedTemplate } = await import('../infra/local/seed-template.ts');
    await buildSeedTemplate();
    done.push('demo database seeded');
  } catch (error) {
    done.push(`demo database not seeded (${(error as Error).message.split('\n')[0]}); npm start will`);
  }
  try {
    const { buildWeb } = await import('./build-web.ts');
    await buildWeb();
    done.push('pages built');
  } catch (error) {
    done.push(`pages not built (${(error as Error).message.split('\n')[0]}); npm start will`);
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  process.stdout.write(`PeerPath prepared for npm start in ${seconds} s: ${done.join('; ')}.\n`);
}

main().catch((error: unknown) => {
  process.stdout.write(`PeerPath preparation skipped: ${(error as Error).message.split('\n')[0]}\n`);
});
