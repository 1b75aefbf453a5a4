import { describe, expect, it } from 'vitest';
import { DEFAULT_TIMERS } from '#domain/settings.ts';
import { MAX_LOCAL_TIMEOUT_SECONDS, withinTimerLimit } from '../../../local/workflow-runner.ts';

describe('local wait timeouts', () => {
  it('caps every timer above what a Node timer holds (the 30-day hold review) and keeps the rest', () => {
    const capped = withinTimerLimit({ timers: DEFAULT_TIMERS, label: 'x' }) as {
      timers: Record<string, number>;
      label: string;
    };

    expect(DEFAULT_TIMERS.holdReview).toBeGreaterThan(MAX_LOCAL_TIMEOUT_SECONDS);
    expect(capped.timers.holdReview).toBe(MAX_LOCAL_TIMEOUT_SECONDS);
    expect(capped.timers.triage).toBe(DEFAULT_TIMERS.triage);
    expect(capped.label).toBe('x');
    expect(MAX_LOCAL_TIMEOUT_SECONDS * 1000).toBeLessThanOrEqual(2 ** 31 - 1);
  });

  it('never lets a capped wait fire at once: a 30-day timeout stays pending', async () => {
    const seconds = withinTimerLimit(30 * 24 * 3600) as number;
    let fired = false;
    const timer = setTimeout(() => {
      fired = true;
    }, seconds * 1000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    clearTimeout(timer);
    expect(fired).toBe(false);
  });
});
