import { format } from 'node:util';

/**
 * Everything this process writes, kept for the PHI checks: every `console` method (vitest puts its own
 * console in place and sends what it gets to the runner, never through `process.stdout`, so a check that
 * watched stdout alone would miss `console.log`, which is how the deployed handlers log) and every write to
 * `process.stdout` and `process.stderr`. No vitest import: the bench may use it too.
 */

export interface CapturedOutput {
  /** What was written, one entry per call, in order. */
  readonly lines: string[];
  /** All of it as one text. */
  text(): string;
  /** Puts the console methods and the stream writes back. */
  restore(): void;
}

export interface CaptureOptions {
  /** Pass everything on to where it was going as well (default: keep it only). */
  echo?: boolean;
}

/** Every function-valued member of the console, own or inherited (vitest's console is a class instance). */
function consoleMethods(target: Console): string[] {
  const names = new Set<string>();
  for (let o: object | null = target; o && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
    for (const name of Object.getOwnPropertyNames(o)) {
      if (
        name !== 'constructor' &&
        typeof (target as unknown as Record<string, unknown>)[name] === 'function'
      ) {
        names.add(name);
      }
    }
  }
  return [...names];
}

export function captureAllOutput(options: CaptureOptions = {}): CapturedOutput {
  const lines: string[] = [];
  const restorers: (() => void)[] = [];
  const target = globalThis.console as unknown as Record<string, (...args: unknown[]) => unknown>;
  for (const name of consoleMethods(globalThis.console)) {
    const original = target[name]!;
    const hadOwn = Object.hasOwn(target, name);
    target[name] = function captured(this: unknown, ...args: unknown[]) {
      lines.push(`console.${name}: ${format(...args)}`);
      return options.echo ? original.apply(target, args) : undefined;
    };
    restorers.push(() => {
      if (hadOwn) target[name] = original;
      else delete target[name];
    });
  }
  for (const [label, stream] of [
    ['stdout', process.stdout],
    ['stderr', process.stderr],
  ] as const) {
    const original = stream.write;
    stream.write = ((chunk: unknown, encoding?: unknown, callback?: unknown) => {
      const text =
        typeof chunk === 'string'
          ? chunk
          : Buffer.from(chunk as Uint8Array).toString(
              typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8',
            );
      lines.push(`${label}: ${text}`);
      if (options.echo) return original.call(stream, chunk as never, encoding as never, callback as never);
      const done = typeof encoding === 'function' ? encoding : callback;
      if (typeof done === 'function') queueMicrotask(() => (done as () => void)());
      return true;
    }) as typeof stream.write;
    restorers.push(() => {
      stream.write = original;
    });
  }
  return {
    lines,
    text: () => lines.join('\n'),
    restore: () => {
      for (const restore of restorers.reverse()) restore();
    },
  };
}
