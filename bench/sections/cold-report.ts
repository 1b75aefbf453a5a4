import type { Figure } from '../lib/report.ts';
import { COLD_LOAD_RATIO_TARGET, type ColdResult } from './cold.ts';

/** The cold section's summary figures and its table, for bench/lib/report.ts. */

export function coldFigures(cold: ColdResult): Figure[] {
  const sdk = cold.handlers.filter((h) => h.usesSdk);
  if (sdk.length === 0) return [];
  const worst = sdk.reduce((w, h) => (h.loadRatio > w.loadRatio ? h : w), sdk[0]!);
  const slowest = cold.handlers.reduce(
    (w, h) => (h.coldOverWarm > w.coldOverWarm ? h : w),
    cold.handlers[0]!,
  );
  const misses = sdk.filter((h) => h.pass === false);
  return [
    {
      id: 'cold-load-ratio',
      figure: 'Module load, SDK bundled / SDK external — worst SDK-using handler',
      value: `${worst.loadRatio}× (${worst.entry}: ${worst.loadMs} / ${worst.externalLoadMs} ms)`,
      target: `≤ ${COLD_LOAD_RATIO_TARGET}× every SDK-using handler`,
      pass: misses.length === 0,
      ...(misses.length > 0 ? { note: `${misses.length} of ${sdk.length} over` } : {}),
    },
    {
      id: 'cold-over-warm',
      figure: 'First request after load / warm request — most',
      value: `${slowest.coldOverWarm}× (${slowest.entry}: ${slowest.coldMs} / ${slowest.warmMs} ms)`,
      target: 'measured',
    },
  ];
}

export function coldMarkdown(cold: ColdResult): string[] {
  const lines = [
    '',
    '## Cold request',
    '',
    `Each entry built as \`cdk synth\` builds it (SDK bundled) and with the SDK external (as before), each loaded ` +
      `by ${cold.processes} fresh Node processes per build (interleaved); after the load, the bundled build serves ` +
      'its first request against DynamoDB Local (cold), then the same request warm (median of 5). ' +
      'Medians over processes. Load ratio = bundled / external.',
    '',
    '| Entry | request | outcome | load ms | load ms, SDK external | load ratio | cold ms | warm ms | cold / warm | result |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const h of cold.handlers) {
    const result = h.pass === undefined ? '— (no SDK)' : h.pass ? 'pass' : '**miss**';
    lines.push(
      `| ${h.entry} | ${h.request} | ${h.outcome} | ${h.loadMs} | ${h.externalLoadMs} | ${h.loadRatio} | ` +
        `${h.coldMs} | ${h.warmMs} | ${h.coldOverWarm} | ${result} |`,
    );
  }
  return lines;
}
