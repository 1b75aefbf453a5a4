import type { DeliveryDeps, SweepReport } from '#services/deliveries.ts';
import { sweep } from '#services/deliveries.ts';

/**
 * The delivery worker on the laptop: every region's sweep, in-process, every `everyMs` (default 250 ms), so
 * a raised alert's messages leave well within a second, retries and digests fall due, and escalations run
 * on the (possibly shortened) timers. A tick still running when the next is due is not doubled.
 */
export interface DeliveryLoop {
  /** One sweep of every region now (tests; the loop's own ticks do the same). */
  runOnce(): Promise<SweepReport[]>;
  stop(): Promise<void>;
}

export function startDeliveryLoop(
  regions: readonly DeliveryDeps[],
  options: { everyMs?: number; log?: (entry: Record<string, unknown>) => void } = {},
): DeliveryLoop {
  let running: Promise<SweepReport[]> | undefined;
  const runOnce = (): Promise<SweepReport[]> => {
    running ??= (async () => {
      const reports: SweepReport[] = [];
      for (const deps of regions) {
        try {
          reports.push(await sweep(deps));
        } catch (error) {
          options.log?.({
            msg: 'delivery sweep failed',
            region: deps.store.region,
            error: (error as { name?: string }).name ?? 'Error',
          });
        }
      }
      return reports;
    })().finally(() => {
      running = undefined;
    });
    return running;
  };
  const timer = setInterval(() => {
    if (!running) void runOnce();
  }, options.everyMs ?? 250);
  timer.unref();
  return {
    runOnce,
    async stop() {
      clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}
