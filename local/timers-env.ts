import { DEFAULT_TIMERS, type Timers, timersWith } from '#domain/settings.ts';

/**
 * `PEERPATH_TIMERS` for the local runtime: a JSON object of timer lengths in seconds over the defaults, with
 * the stack's timer keys (plus `urgentEscalation`), so that overdue alerts and escalation can be watched in
 * seconds: `PEERPATH_TIMERS='{"triage":30,"urgentEscalation":20}' npm start`. An unknown key or a length
 * that is not a positive whole number is refused (a typo must not silently keep a 2-day timer).
 */
export const LOCAL_TIMER_KEYS: readonly string[] = [
  ...new Set([...Object.keys(DEFAULT_TIMERS), 'urgentEscalation']),
];

export function timersFromLocalEnv(raw: string | undefined): Timers | undefined {
  if (!raw?.trim()) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new Error('PEERPATH_TIMERS must be a JSON object of timer lengths in seconds');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new Error('PEERPATH_TIMERS must be a JSON object of timer lengths in seconds');
  for (const [key, value] of Object.entries(parsed)) {
    if (!LOCAL_TIMER_KEYS.includes(key))
      throw new Error(`PEERPATH_TIMERS: unknown timer "${key}" (known: ${LOCAL_TIMER_KEYS.join(', ')})`);
    if (!Number.isInteger(value) || (value as number) <= 0)
      throw new Error(`PEERPATH_TIMERS: "${key}" must be a positive whole number of seconds`);
  }
  // `urgentEscalation` is kept even where the schema in this tree does not know it yet.
  return { ...timersWith(parsed as Partial<Timers>), ...(parsed as Partial<Timers>) } as Timers;
}
