/**
 * A one-line progress display on stderr (redrawn in place on a terminal, a line every few seconds
 * otherwise), so stdout stays clean and a long run shows it is alive.
 */
export class Progress {
  private readonly tty = Boolean(process.stderr.isTTY);
  private lastPrinted = 0;
  private lastLine = '';
  private readonly started = Date.now();

  constructor(private readonly quiet = false) {}

  /** A finished step: always printed on its own line. */
  note(message: string): void {
    if (this.quiet) return;
    this.clear();
    process.stderr.write(`[bench ${this.elapsed()}] ${message}\n`);
  }

  /** The current step's progress: `label done/total detail`. */
  update(label: string, done: number, total: number, detail = ''): void {
    if (this.quiet) return;
    const width = 24;
    const filled = total > 0 ? Math.round((done / total) * width) : 0;
    const bar = `${'#'.repeat(filled)}${'.'.repeat(width - filled)}`;
    const line = `[bench ${this.elapsed()}] ${label} [${bar}] ${done}/${total} ${detail}`.slice(0, 150);
    if (this.tty) {
      process.stderr.write(`\r${line.padEnd(this.lastLine.length)}`);
      this.lastLine = line;
    } else if (Date.now() - this.lastPrinted > 5000 || done === total) {
      process.stderr.write(`${line}\n`);
      this.lastPrinted = Date.now();
    }
  }

  clear(): void {
    if (this.tty && this.lastLine) {
      process.stderr.write(`\r${' '.repeat(this.lastLine.length)}\r`);
      this.lastLine = '';
    }
  }

  private elapsed(): string {
    const s = Math.round((Date.now() - this.started) / 1000);
    return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
  }
}
