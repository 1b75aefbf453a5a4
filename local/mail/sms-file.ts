import { appendFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { OutgoingSms, SmsSender } from '#app/ports.ts';

/**
 * The local `SmsSender`: each text message is one JSON line `{to, body, at}` appended to
 * `<dataDir>/sms.jsonl`, and one terminal line `sms → <number> <KIND>` (number and kind only).
 */

export type LocalOutgoingSms = OutgoingSms & { kind?: string };

export const smsFileOf = (dataDir: string): string => join(dataDir, 'sms.jsonl');

export class SmsFile implements SmsSender {
  readonly file: string;
  private ready: Promise<unknown> | undefined;

  constructor(
    dataDir: string,
    private readonly print: (line: string) => void = (line) => console.log(line),
  ) {
    this.file = smsFileOf(dataDir);
  }

  async send(sms: LocalOutgoingSms): Promise<void> {
    this.ready ??= mkdir(dirname(this.file), { recursive: true, mode: 0o700 });
    await this.ready;
    const line = JSON.stringify({ to: sms.to, body: sms.body, at: new Date().toISOString() });
    // One write per line (O_APPEND): lines from concurrent sends never interleave.
    await appendFile(this.file, `${line}\n`, { mode: 0o600 });
    this.print(`sms → ${sms.to} ${sms.kind ?? 'alert'}`);
  }
}
