import { ROUTES } from '#api/routes.ts';
import { type AlertsResult, alertFigures, alertsMarkdown } from '../sections/alerts.ts';
import type { BundlesResult } from '../sections/bundles.ts';
import type { ColdResult } from '../sections/cold.ts';
import { coldFigures, coldMarkdown } from '../sections/cold-report.ts';
import type { LifecycleResult } from '../sections/lifecycle.ts';
import type { MatchingResult } from '../sections/matching.ts';
import type { QueueResult } from '../sections/queue.ts';
import type { RoutesResult } from '../sections/routes.ts';
import type { StartResult } from '../sections/start.ts';
import type { RouteFigures } from './record.ts';
import type { BenchSource } from './source.ts';

/** The targets of issue 8, in one place. */
export const TARGETS = {
  /** API op latency over its own DynamoDB time (median over calls). */
  ratio: 1.3,
  /** DynamoDB requests per single-referral operation (typical call). */
  requests: 3,
  /** Queue page latency with 100,000 referrals over with 1,000. */
  queueRatio: 1.2,
  matchingMs: 20,
  transitions: 30,
  /** The AWS SDK is inside every bundle (issue 15). */
  bundleKb: 600,
  startMs: 5000,
} as const;

export interface Figure {
  id: string;
  figure: string;
  value: number | string;
  target: string;
  /** undefined: measured, not bound (or not measured). */
  pass?: boolean;
  note?: string;
}

export interface BenchResults {
  generatedAt: string;
  /** The commit measured and whether the work tree differed from it (`--allow-dirty`). */
  source: BenchSource;
  mode: 'quick' | 'full';
  machine: { cpus: number; node: string; platform: string; loadAverage: number[] };
  settings: Record<string, number>;
  /** The machine's load average (1, 5, 15 min) when each section started: other work on it skews wall times. */
  sectionLoad?: Record<string, number[]>;
  figures: Figure[];
  routes?: (RouteFigures & { singleReferral: boolean; pass?: boolean })[];
  missingRoutes?: RoutesResult['missing'];
  routeFailures?: RoutesResult['failures'];
  floor?: RoutesResult['floor'];
  lifecycle?: LifecycleResult;
  queue?: QueueResult;
  matching?: MatchingResult;
  bundles?: BundlesResult;
  cold?: ColdResult;
  start?: StartResult;
  alerts?: AlertsResult;
}

/** A route acting on one referral (the ≤ 3 DynamoDB requests bound applies). */
export function isSingleReferralRoute(routeId: string): boolean {
  const route = ROUTES.find((r) => r.id === routeId);
  return route !== undefined && (route.id === 'submitReferral' || route.path.startsWith('/referrals/{id}'));
}

export function routePass(figures: RouteFigures, single: boolean): boolean | undefined {
  const ratioOk =
    figures.ratioMedianPerCall === undefined ? undefined : figures.ratioMedianPerCall <= TARGETS.ratio;
  const requestsOk = single ? figures.requestsP50 <= TARGETS.requests : undefined;
  if (ratioOk === undefined && requestsOk === undefined) return undefined;
  return (ratioOk ?? true) && (requestsOk ?? true);
}

const mark = (pass: boolean | undefined) => (pass === undefined ? '—' : pass ? 'pass' : '**miss**');

export function summaryFigures(results: Omit<BenchResults, 'figures' | 'sectionLoad'>): Figure[] {
  const figures: Figure[] = [];
  if (results.routes) {
    const withRatio = results.routes.filter((r) => r.ratioMedianPerCall !== undefined);
    const worst = withRatio.reduce<RouteFigures | undefined>(
      (w, r) => (w === undefined || r.ratioMedianPerCall! > w.ratioMedianPerCall! ? r : w),
      undefined,
    );
    const misses = withRatio.filter((r) => r.ratioMedianPerCall! > TARGETS.ratio).map((r) => r.route);
    figures.push({
      id: 'route-ratio',
      figure:
        'API op latency / its DynamoDB time, p50 — worst route, through the lean client ' +
        "(bench/lib/lean-http.cjs; node:http's client adds its own time per call, see the floor)",
      value: worst ? `${worst.ratioMedianPerCall}× (${worst.route})` : 'n/a',
      target: `≤ ${TARGETS.ratio}× every route, lean client`,
      ...(worst ? { pass: misses.length === 0 } : {}),
      ...(misses.length > 0 ? { note: `${misses.length} route(s) over: ${misses.join(', ')}` } : {}),
    });
    const viaNode = results.routes.filter((r) => r.viaNodeHttp?.ratioMedianPerCall !== undefined);
    const worstNode = viaNode.reduce<RouteFigures | undefined>(
      (w, r) =>
        w === undefined || r.viaNodeHttp!.ratioMedianPerCall! > w.viaNodeHttp!.ratioMedianPerCall! ? r : w,
      undefined,
    );
    if (worstNode) {
      const over = viaNode.filter((r) => r.viaNodeHttp!.ratioMedianPerCall! > TARGETS.ratio).length;
      figures.push({
        id: 'route-ratio-node-http',
        figure: "The same through node:http's client (what a plain Node caller sees) — worst route",
        value: `${worstNode.viaNodeHttp!.ratioMedianPerCall}× (${worstNode.route})`,
        target: 'measured (the target is judged on the lean client)',
        note: `${over} of ${viaNode.length} route(s) over ${TARGETS.ratio}× this way`,
      });
    }
    const single = results.routes.filter((r) => r.singleReferral);
    const most = single.reduce<RouteFigures | undefined>(
      (w, r) => (w === undefined || r.requestsP50 > w.requestsP50 ? r : w),
      undefined,
    );
    const over = single
      .filter((r) => r.requestsP50 > TARGETS.requests)
      .map((r) => `${r.route} ${r.requestsP50}`);
    figures.push({
      id: 'route-requests',
      figure: 'DynamoDB requests per single-referral op — most',
      value: most ? `${most.requestsP50} (${most.route})` : 'n/a',
      target: `≤ ${TARGETS.requests}`,
      ...(most ? { pass: over.length === 0 } : {}),
      ...(over.length > 0 ? { note: `over: ${over.join(', ')}` } : {}),
    });
    if (results.floor) {
      const f = results.floor;
      figures.push({
        id: 'route-floor',
        figure: "The floor: a bare Node server making getReferral's Query, latency / DynamoDB time, p50",
        value:
          `${f.floor.ratio}× (getReferral alongside it: ${f.api.ratio}×, +${f.apiOverFloorMs} ms; ` +
          `through node:http's client: ${f.floorViaNodeHttp.ratio}×)`,
        target: 'measured',
      });
    }
    if (results.missingRoutes && results.missingRoutes.length > 0) {
      figures.push({
        id: 'routes-missing',
        figure: 'Routes without a measurement',
        value: results.missingRoutes.length,
        target: '0',
        pass: false,
        note: results.missingRoutes.map((m) => m.route).join(', '),
      });
    }
  }
  if (results.lifecycle) {
    const l = results.lifecycle;
    figures.push({
      id: 'lifecycles-per-second',
      figure: `Full lifecycles submit→close over HTTP, ${l.referrals} at concurrency ${l.concurrency}`,
      value: `${l.lifecyclesPerSecond}/s`,
      target: 'measured',
      ...(l.errors.count > 0 ? { pass: false, note: `${l.errors.count} failed: ${l.errors.example}` } : {}),
    });
    figures.push({
      id: 'lifecycle-ratio',
      figure: 'Lifecycle calls latency / their DynamoDB time, p50 (under that load)',
      value: `${l.ratioMedianPerCall}×`,
      target: `≤ ${TARGETS.ratio}×`,
      pass: l.ratioMedianPerCall <= TARGETS.ratio,
    });
    figures.push({
      id: 'transitions',
      figure: 'Step Functions state transitions per lifecycle (max)',
      value: l.transitions.max,
      target: `≤ ${TARGETS.transitions}`,
      pass: l.transitions.max <= TARGETS.transitions,
    });
  }
  if (results.queue) {
    const q = results.queue;
    figures.push({
      id: 'queue-ratio',
      figure: `Queue page p50 with ${q.large.referrals.toLocaleString('en')} vs ${q.small.referrals.toLocaleString('en')} referrals`,
      value: `${q.ratio}× (${q.large.p50Ms} / ${q.small.p50Ms} ms)`,
      target: `≤ ${TARGETS.queueRatio}×`,
      pass: q.ratio <= TARGETS.queueRatio,
      note: `${q.open} open in both: closed referrals only`,
    });
    if (q.growing) {
      const g = q.growing;
      figures.push({
        id: 'queue-open-growing',
        figure:
          `Queue page (${g.pageSize} a page) p50 with ${g.large.open.toLocaleString('en')} vs ` +
          `${g.small.open.toLocaleString('en')} open referrals`,
        value: `${g.ratio}× (${g.large.p50Ms} / ${g.small.p50Ms} ms)`,
        target: 'measured',
      });
    }
  }
  if (results.matching) {
    const m = results.matching;
    figures.push({
      id: 'matching',
      figure: `Matching over ${m.workers.toLocaleString('en')} workers (rankCandidates), p50 CPU time (wall)`,
      value: `${m.cpuP50Ms} ms (${m.p50Ms} ms)`,
      target: `≤ ${TARGETS.matchingMs} ms`,
      pass: m.cpuP50Ms <= TARGETS.matchingMs,
    });
  }
  if (results.bundles) {
    const b = results.bundles.bundles;
    const largest = b.reduce((w, x) => (x.bytes > w.bytes ? x : w), b[0]!);
    const over = b.filter((x) => x.kb > TARGETS.bundleKb);
    figures.push({
      id: 'bundle-size',
      figure: 'Minified bundle per handler — largest',
      value: `${largest.kb} KB (${largest.entry})`,
      target: `≤ ${TARGETS.bundleKb} KB every handler`,
      pass: over.length === 0,
      ...(over.length > 0 ? { note: `${over.length} of ${b.length} over` } : {}),
    });
    const slowest = b.reduce((w, x) => (x.overEmptyMs > w.overEmptyMs ? x : w), b[0]!);
    figures.push({
      id: 'module-load',
      figure: `Module load over an empty handler's (${results.bundles.emptyLoadMs} ms) — slowest`,
      value: `+${slowest.overEmptyMs} ms (${slowest.entry})`,
      target: 'measured',
    });
  }
  if (results.cold) figures.push(...coldFigures(results.cold));
  if (results.start) {
    const s = results.start;
    figures.push({
      id: 'npm-start',
      figure: '`npm start` to ready (first start; restart)',
      value: s.available
        ? `${s.firstMs} ms; ${s.restartMs} ms${s.prepareMs !== undefined ? ` (after npm install's prepare step: ${s.prepareMs} ms)` : ''}`
        : 'not measured',
      target: `≤ ${TARGETS.startMs} ms`,
      ...(s.available
        ? { pass: Math.max(s.firstMs ?? Infinity, s.restartMs ?? Infinity) <= TARGETS.startMs }
        : {}),
      ...(s.note ? { note: s.note } : {}),
    });
  }
  if (results.alerts) figures.push(...alertFigures(results.alerts));
  return figures;
}

const cell = (value: unknown) => String(value ?? '').replace(/\|/g, '\\|');

export function markdown(results: BenchResults): string {
  const lines: string[] = [];
  lines.push(`# PeerPath benchmarks (${results.mode}${results.source.dirty ? ', dirty tree' : ''})`, '');
  lines.push(
    `Generated ${results.generatedAt} by \`npm run bench${results.mode === 'quick' ? ' -- --quick' : ''}\` on ` +
      `${results.machine.cpus} CPUs, Node ${results.machine.node} (${results.machine.platform}), load average ` +
      `${results.machine.loadAverage.join(' ')} at the start. Local stack: DynamoDB Local in memory, the local ` +
      'workflow runner, the real gateway over HTTP. Each figure is a ratio or a count from this one run.',
    '',
  );
  const { commit, dirty, changes } = results.source;
  lines.push(
    dirty
      ? `Measured: commit ${commit} **with uncommitted changes** (\`--allow-dirty\`; these figures describe ` +
          `no commit): ${(changes ?? []).map((c) => `\`${c.trim()}\``).join(', ')}.`
      : `Measured: commit ${commit} (clean work tree).`,
    '',
  );
  if (results.sectionLoad) {
    const loads = Object.entries(results.sectionLoad).map(([section, load]) => `${section} ${load[0]}`);
    lines.push(`Load average (1 min) when each section started: ${loads.join(', ')}.`, '');
  }
  lines.push('| Figure | Measured | Target | Result |', '|---|---|---|---|');
  for (const f of results.figures) {
    lines.push(
      `| ${cell(f.figure)} | ${cell(f.value)}${f.note ? ` — ${cell(f.note)}` : ''} | ${cell(f.target)} | ${mark(f.pass)} |`,
    );
  }
  if (results.routes) {
    lines.push('', '## Per route', '');
    lines.push(
      'Calls one at a time; latency as the client saw it over HTTP; DynamoDB time = wall time with at least one of ' +
        "the call's own SDK calls in flight (each timed from its `send` to its result, in the same call); requests = " +
        'HTTP requests to DynamoDB, counted by SDK middleware (retries count). Ratio = median over ' +
        'calls of latency / DynamoDB time; p99 ratio = p99 latency / p99 DynamoDB time.',
      '',
      'Every route is called through two clients, samples taken turn about: the lean keep-alive client ' +
        "(bench/lib/lean-http.cjs) and node:http's. The target (≤ " +
        `${TARGETS.ratio}×) is judged on the lean client: node:http's client spends time of its own on every ` +
        "call (the floor below measures it on a bare server), which is the caller's cost, not the API's, and " +
        'would be counted against every route alike. The node:http columns show what a plain Node caller sees.',
      '',
    );
    lines.push(
      '| Route | n | p50 ms | p99 ms | DynamoDB p50 ms | ratio p50 | ratio p99 | node:http p50 ms | node:http ratio p50 | requests | operations | result |',
      '|---|---|---|---|---|---|---|---|---|---|---|---|',
    );
    for (const r of results.routes) {
      const requests =
        r.requestsMax === r.requestsP50 ? `${r.requestsP50}` : `${r.requestsP50} (max ${r.requestsMax})`;
      lines.push(
        `| ${r.route}${r.singleReferral ? '' : ' ᵃ'} | ${r.n} | ${r.p50Ms} | ${r.p99Ms} | ${r.dynamoP50Ms} | ` +
          `${r.ratioMedianPerCall ?? 'n/a'} | ${r.ratioP99 ?? 'n/a'} | ${r.viaNodeHttp?.p50Ms ?? 'n/a'} | ` +
          `${r.viaNodeHttp?.ratioMedianPerCall ?? 'n/a'} | ${requests} | ${cell(r.operations)} | ${mark(r.pass)} |`,
      );
    }
    lines.push('', 'ᵃ not a single-referral op: its request count is measured, not bound.');
    if (results.floor) {
      const f = results.floor;
      lines.push(
        '',
        '### The floor',
        '',
        `A bare Node HTTP server whose only work is getReferral's DynamoDB Query (same SDK client, same table), ` +
          `called from the same client thread with the same token, alternating with getReferral through the ` +
          `gateway, ${f.pauseMs} ms of idle before each call; ${f.n} rounds. No API could score better here.`,
        '',
        '| | p50 ms | DynamoDB p50 ms | ratio p50 |',
        '|---|---|---|---|',
        `| bare server | ${f.floor.p50Ms} | ${f.floor.dynamoP50Ms} | ${f.floor.ratio} |`,
        `| getReferral (PeerPath) | ${f.api.p50Ms} | ${f.api.dynamoP50Ms} | ${f.api.ratio} |`,
        `| bare server, through node:http's client | ${f.floorViaNodeHttp.p50Ms} | ${f.floorViaNodeHttp.dynamoP50Ms} | ${f.floorViaNodeHttp.ratio} |`,
        '',
        `PeerPath's own time per call beyond the floor's (gateway, token, validation, access check, view, ` +
          `audit line), median over pairs: ${f.apiOverFloorMs} ms. What node:http's client costs by itself, ` +
          `over the bench's lean client (bench/lib/lean-http.cjs) on the same server: ${f.nodeHttpClientMs} ms per call.`,
      );
    }
    for (const m of results.missingRoutes ?? []) lines.push(`- not measured: ${m.route} — ${cell(m.reason)}`);
  }
  if (results.lifecycle) {
    const l = results.lifecycle;
    lines.push('', '## Lifecycles', '');
    lines.push(
      `${l.completed}/${l.referrals} lifecycles at concurrency ${l.concurrency} in ${l.seconds} s ` +
        `(${l.lifecyclesPerSecond}/s); ${l.calls} calls, p50 ${l.p50Ms} ms, p99 ${l.p99Ms} ms, DynamoDB p50 ` +
        `${l.dynamoP50Ms} ms; ratio p50 ${l.ratioMedianPerCall}×, p99 ${l.ratioP99}×, Σlatency/ΣDynamoDB ` +
        `${l.ratioAggregate}×; ${l.requestsPerCall} DynamoDB requests per call on average. State transitions ` +
        `per lifecycle: min ${l.transitions.min}, median ${l.transitions.median}, max ${l.transitions.max}.`,
    );
    if (l.transitions.states)
      lines.push('', `States entered by one lifecycle: ${l.transitions.states.join(' → ')}.`);
  }
  if (results.queue) {
    const q = results.queue;
    lines.push('', '## Queue page', '');
    lines.push(
      `\`GET /referrals\` as a coordinator, ${q.open} of the referrals open (100 per open stage) in both cases: ` +
        `with ${q.small.referrals} referrals p50 ${q.small.p50Ms} ms (DynamoDB ` +
        `${q.small.dynamoP50Ms} ms, ${q.small.operations}); with ${q.large.referrals} p50 ${q.large.p50Ms} ms ` +
        `(DynamoDB ${q.large.dynamoP50Ms} ms). Latency ratio ${q.ratio}×, DynamoDB-time ratio ${q.dynamoRatio}×. ` +
        `Loaded with BatchWriteItem in ${q.loadSeconds} s. This shows that closed referrals cost the page ` +
        'nothing; it does not show how a growing open caseload behaves (next).',
    );
    if (q.growing) {
      const g = q.growing;
      const row = (f: typeof g.small) =>
        `| ${f.open.toLocaleString('en')} | ${f.p50Ms} | ${f.p99Ms} | ${f.dynamoP50Ms} | ${f.requestsP50} | ` +
        `${cell(f.operations)} | ${f.loadAverage} |`;
      lines.push(
        '',
        `The open caseload growing: \`GET /referrals?limit=${g.pageSize}\` as a coordinator on one table ` +
          `(sea-to-sky) whose referrals are all open, spread over the open stages: measured with ` +
          `${g.small.open.toLocaleString('en')}, then again after loading up to ${g.large.open.toLocaleString('en')} ` +
          '(one after the other, not turn about: the load average of each is shown). Latency ratio ' +
          `${g.ratio}×, DynamoDB-time ratio ${g.dynamoRatio}×.`,
        '',
        '| open referrals | p50 ms | p99 ms | DynamoDB p50 ms | requests | operations | load (1 min) |',
        '|---|---|---|---|---|---|---|',
        row(g.small),
        row(g.large),
      );
    }
  }
  if (results.matching) {
    const m = results.matching;
    lines.push('', '## Matching', '');
    lines.push(
      `rankCandidates over ${m.workers} workers: CPU time p50 ${m.cpuP50Ms} ms, p99 ${m.cpuP99Ms} ms; wall time ` +
        `p50 ${m.p50Ms} ms, p99 ${m.p99Ms} ms; over ${m.runs} runs ` +
        `(${m.candidates} candidates, ${m.excluded} excluded).`,
    );
  }
  if (results.bundles) {
    lines.push('', '## Bundles', '');
    lines.push(
      `esbuild as the CDK stack bundles (minify, platform node, target node22, esm, the AWS SDK bundled). ` +
        `Load = median \`import()\` time in a fresh Node process; the empty handler loads in ` +
        `${results.bundles.emptyLoadMs} ms.`,
      '',
      '| Entry | KB | load ms | over empty ms | largest inputs (KB) | result |',
      '|---|---|---|---|---|---|',
    );
    for (const b of results.bundles.bundles) {
      const top = b.top.map((t) => `${t.input} ${t.kb}`).join(', ');
      lines.push(
        `| ${b.entry} | ${b.kb} | ${b.loadMs} | ${b.overEmptyMs} | ${cell(top)} | ${mark(b.kb <= TARGETS.bundleKb)} |`,
      );
    }
  }
  if (results.cold) lines.push(...coldMarkdown(results.cold));
  if (results.alerts) lines.push(...alertsMarkdown(results.alerts));
  lines.push('');
  return lines.join('\n');
}
