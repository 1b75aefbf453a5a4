import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { PROJECT_ROOT } from '../local/stack.ts';
import { Progress } from './lib/progress.ts';
import {
  type BenchResults,
  isSingleReferralRoute,
  markdown,
  routePass,
  summaryFigures,
} from './lib/report.ts';
import { benchSource } from './lib/source.ts';
import { type BenchStack, startBenchStack } from './lib/stack.ts';
import { round } from './lib/stats.ts';
import { runAlerts } from './sections/alerts.ts';
import { runBundles } from './sections/bundles.ts';
import { runCold } from './sections/cold.ts';
import { runLifecycles } from './sections/lifecycle.ts';
import { runMatching } from './sections/matching.ts';
import { runQueue } from './sections/queue.ts';
import { runRoutes } from './sections/routes.ts';
import { runStart } from './sections/start.ts';

/**
 * `npm run bench [-- --quick] [--lifecycles N] [--only routes,lifecycle,queue,alerts,matching,bundles,cold,start]
 *   [--out <dir>] [--allow-dirty]`
 *
 * Measures PeerPath against the targets of issue 8 on the local stack (its own in-memory DynamoDB Local,
 * started here and stopped by pid at the end), shows progress on stderr, writes bench/results/latest.json
 * and bench/results/latest.md, and prints the summary table. The results name the commit measured; from a
 * work tree with uncommitted changes the bench refuses to run unless `--allow-dirty` (the results then say
 * dirty). Exit code 0 even when a figure misses: the
 * table says so (a benchmark reports; CI does not time things).
 */

const SECTIONS = ['routes', 'lifecycle', 'queue', 'alerts', 'matching', 'bundles', 'cold', 'start'] as const;
type Section = (typeof SECTIONS)[number];

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
process.env.AWS_REGION ??= 'ca-central-1';

/**
 * The handlers log JSON lines to stdout (as in Lambda): while measuring, they are written nowhere, so the
 * terminal is not the bottleneck and stdout ends with the results table. The lines are still produced.
 */
function silenceStdout(): () => void {
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((_chunk: unknown, encoding?: unknown, callback?: unknown) => {
    const done = typeof encoding === 'function' ? encoding : callback;
    if (typeof done === 'function') queueMicrotask(() => (done as () => void)());
    return true;
  }) as typeof process.stdout.write;
  return () => {
    process.stdout.write = write;
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      lifecycles: { type: 'string' },
      only: { type: 'string' },
      out: { type: 'string', default: join(PROJECT_ROOT, 'bench', 'results') },
      'allow-dirty': { type: 'boolean', default: false },
    },
  });
  // Checked before measuring: a refused run costs nothing.
  const source = benchSource(PROJECT_ROOT);
  if (source.dirty && !values['allow-dirty']) {
    throw new DirtyTree(
      `the work tree has uncommitted changes, so the results would not describe ${source.commit.slice(0, 12)}:\n` +
        `${(source.changes ?? []).map((c) => `  ${c}`).join('\n')}\n` +
        'Commit them, or run with --allow-dirty (the results then say dirty).',
    );
  }
  const quick = values.quick ?? false;
  const only = new Set<Section>(
    values.only ? (values.only.split(',').map((s) => s.trim()) as Section[]) : [...SECTIONS],
  );
  for (const section of only) if (!SECTIONS.includes(section)) throw new Error(`Unknown section ${section}`);
  const settings = {
    routeSamples: quick ? 15 : 100,
    routeWarmup: quick ? 3 : 5,
    lifecycles: values.lifecycles ? Number(values.lifecycles) : quick ? 100 : 1000,
    concurrency: 32,
    queueSmall: 1000,
    queueLarge: 100_000,
    queueOpenSmall: 1000,
    queueOpenLarge: 10_000,
    queueCalls: quick ? 100 : 300,
    matchingWorkers: 10_000,
    matchingRuns: quick ? 30 : 100,
    loadRepeats: quick ? 3 : 7,
    alertSamples: quick ? 10 : 50,
    alertBurst: quick ? 10 : 50,
  };
  const progress = new Progress();
  const sectionLoad: Record<string, number[]> = {};
  const loadNow = (section: Section) => {
    sectionLoad[section] = loadavg().map((l) => round(l, 1));
  };
  const results: Omit<BenchResults, 'figures'> = {
    generatedAt: new Date().toISOString(),
    source,
    mode: quick ? 'quick' : 'full',
    machine: {
      cpus: cpus().length,
      node: process.versions.node,
      platform: `${process.platform}-${process.arch}`,
      loadAverage: loadavg().map((l) => round(l, 1)),
    },
    settings,
  };

  const restore = silenceStdout();
  let bench: BenchStack | undefined;
  const stopBench = async () => {
    const running = bench;
    bench = undefined;
    await running?.stop();
  };
  const onSignal = () => {
    void stopBench().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    if (only.has('matching')) {
      loadNow('matching');
      progress.note('matching: ranking 10,000 workers');
      results.matching = runMatching({ workers: settings.matchingWorkers, runs: settings.matchingRuns });
    }
    if (only.has('routes') || only.has('lifecycle') || only.has('queue') || only.has('alerts')) {
      progress.note('starting DynamoDB Local and the local stack');
      bench = await startBenchStack();
      if (only.has('routes')) {
        loadNow('routes');
        const routes = await runRoutes(bench, {
          samples: settings.routeSamples,
          warmup: settings.routeWarmup,
          progress,
        });
        progress.clear();
        results.routes = routes.routes.map((r) => {
          const single = isSingleReferralRoute(r.route);
          const pass = routePass(r, single);
          return { ...r, singleReferral: single, ...(pass !== undefined ? { pass } : {}) };
        });
        if (routes.floor) results.floor = routes.floor;
        results.missingRoutes = routes.missing;
        results.routeFailures = routes.failures;
        progress.note(`routes: ${routes.routes.length} routes measured, ${routes.missing.length} not`);
      }
      if (only.has('lifecycle')) {
        loadNow('lifecycle');
        results.lifecycle = await runLifecycles(bench, {
          referrals: settings.lifecycles,
          concurrency: settings.concurrency,
          progress,
        });
        progress.clear();
        progress.note(`lifecycles: ${results.lifecycle.lifecyclesPerSecond}/s`);
      }
      if (only.has('queue')) {
        loadNow('queue');
        results.queue = await runQueue(bench, {
          small: settings.queueSmall,
          large: settings.queueLarge,
          openSmall: settings.queueOpenSmall,
          openLarge: settings.queueOpenLarge,
          calls: settings.queueCalls,
          progress,
        });
        progress.clear();
        progress.note(
          `queue: ratio ${results.queue.ratio}; open caseload ×10: ${results.queue.growing?.ratio ?? 'n/a'}`,
        );
      }
      if (only.has('alerts')) {
        loadNow('alerts');
        results.alerts = await runAlerts(bench, {
          samples: settings.alertSamples,
          burst: settings.alertBurst,
          progress,
        });
        progress.clear();
        progress.note(
          `alerts: ${results.alerts.skipped ?? `concern p99 ${results.alerts.concern?.p99Ms} ms`}`,
        );
      }
      await stopBench();
    }
    if (only.has('bundles')) {
      loadNow('bundles');
      results.bundles = await runBundles({ repeats: settings.loadRepeats, progress });
      progress.clear();
      progress.note(`bundles: ${results.bundles.bundles.length} entries`);
    }
    if (only.has('cold')) {
      loadNow('cold');
      results.cold = await runCold({ repeats: settings.loadRepeats, progress });
      progress.clear();
      progress.note(`cold: ${results.cold.handlers.length} entries`);
    }
    if (only.has('start')) {
      loadNow('start');
      progress.note('npm start: timing to ready');
      results.start = await runStart();
    }
  } finally {
    await stopBench();
    restore();
  }

  const final: BenchResults = { ...results, sectionLoad, figures: summaryFigures(results) };
  await mkdir(values.out!, { recursive: true });
  const md = markdown(final);
  await writeFile(join(values.out!, 'latest.json'), `${JSON.stringify(final, null, 2)}\n`);
  await writeFile(join(values.out!, 'latest.md'), md);
  progress.note(`results written to ${join(values.out!, 'latest.md')} and latest.json`);
  process.stdout.write(md);
}

class DirtyTree extends Error {
  override name = 'DirtyTree';
}

main().catch((error: unknown) => {
  if (error instanceof DirtyTree) {
    process.stderr.write(`bench refused: ${error.message}\n`);
    process.exitCode = 2;
    return;
  }
  process.stderr.write(`bench failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});
