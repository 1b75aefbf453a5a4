import { appendFileSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * What `npm start` shows in its terminal: its own lines (written past any rerouting), the log file the
 * structured lines go to instead, and the one short line an alert or an error among them gets.
 */

const LOG_ROTATE_BYTES = 20 * 1024 * 1024;

export const out = process.stdout.write.bind(process.stdout);
export const say = (text = '') => out(`${text}\n`);
export const sayErr = (text: string) => process.stderr.write(`${text}\n`);
export const clock = () => new Date().toTimeString().slice(0, 8);
/** A path as a person would type it from here: relative when inside the current directory. */
export const shown = (path: string) => {
  const rel = relative(process.cwd(), path);
  return rel === '' ? '.' : rel.startsWith('..') ? path : rel;
};

// --- logs ----------------------------------------------------------------------------------------------------

/** Appends JSON lines to `<dataDir>/logs/peerpath.log` (ids, stages and codes only, by design). */
export function openLog(dataDir: string): { file: string; write: (entry: unknown) => void } {
  const dir = join(dataDir, 'logs');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'peerpath.log');
  try {
    if (statSync(file).size > LOG_ROTATE_BYTES) renameSync(file, `${file}.1`);
  } catch {
    // no log yet
  }
  return {
    file,
    write: (entry) => {
      const line = typeof entry === 'string' ? entry : JSON.stringify(entry);
      try {
        appendFileSync(file, `${line.endsWith('\n') ? line.slice(0, -1) : line}\n`, { mode: 0o600 });
      } catch {
        // a full disk must not take the program down
      }
    },
  };
}

/** One short terminal line for a structured entry worth a person's attention, or undefined. */
export function attentionLine(entry: Record<string, unknown>): string | undefined {
  const alert = entry.alert as Record<string, unknown> | undefined;
  if (alert && typeof alert === 'object') {
    const parts = [`alert ${String(alert.kind)}`, String(alert.region)];
    if (alert.referralId) parts.push(`referral ${String(alert.referralId)}`);
    parts.push(`for ${String(alert.audienceType)}`, `(alert ${String(alert.alertId)})`);
    return parts.join('  ');
  }
  const level = String(entry.level ?? '').toUpperCase();
  const message = String(entry.message ?? entry.msg ?? '');
  if (level === 'ERROR' || level === 'CRITICAL' || /\bfailed\b/i.test(message)) {
    const ids = ['referralId', 'correlationId', 'error']
      .filter((key) => typeof entry[key] === 'string')
      .map((key) => `${key} ${String(entry[key])}`);
    return `${level === 'CRITICAL' ? 'critical' : 'error'}  ${message.slice(0, 160)}${ids.length ? `  (${ids.join(', ')})` : ''}`;
  }
  return undefined;
}

/**
 * Structured JSON lines written to stdout or stderr by anything in this process (the handlers' logger, a
 * `console.log(JSON.stringify(…))`) go to the log file instead of the terminal; an alert or an error among
 * them gets one short line. Anything else passes through.
 */
export function routeStructuredOutput(stream: NodeJS.WriteStream, write: (entry: string) => void): void {
  const original = stream.write.bind(stream) as (...args: unknown[]) => boolean;
  stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    const lines = text.split('\n').filter((line) => line.trim() !== '');
    const parsed = lines.map((line) => {
      if (!line.trimStart().startsWith('{')) return undefined;
      try {
        const value = JSON.parse(line) as unknown;
        return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
      } catch {
        return undefined;
      }
    });
    if (lines.length === 0 || parsed.some((entry) => entry === undefined)) return original(chunk, ...rest);
    for (const [index, entry] of parsed.entries()) {
      write(lines[index] as string);
      const line = attentionLine(entry as Record<string, unknown>);
      if (line) say(`${clock()}  ${line}`);
    }
    const callback = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
    callback?.();
    return true;
  }) as typeof stream.write;
}
