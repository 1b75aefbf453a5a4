import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';

/**
 * Watches the local mail catcher's directory (`<data dir>/mail/*.eml`, issue 14) and reads each new message
 * back with mailparser. A message's arrival is its file's modification time (the catcher writes it once,
 * when the SMTP server accepts it), so polling every few ms adds nothing to a measured latency.
 */

export interface CaughtMail {
  file: string;
  /** Epoch ms: when the catcher wrote the file. */
  arrivedAt: number;
  /** `<deliveryId@peerpath>`. */
  messageId: string | undefined;
  subject: string;
  to: string;
  text: string;
}

interface Waiter {
  match: (mail: CaughtMail) => boolean;
  resolve: (mail: CaughtMail | undefined) => void;
}

export class MailWatch {
  readonly mails: CaughtMail[] = [];
  private readonly seen = new Set<string>();
  private waiters: Waiter[] = [];
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;

  constructor(
    readonly dir: string,
    private readonly everyMs = 10,
  ) {}

  start(): this {
    this.timer ??= setInterval(() => {
      this.polling ??= this.poll().finally(() => {
        this.polling = undefined;
      });
    }, this.everyMs);
    return this;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.polling;
    for (const waiter of this.waiters) waiter.resolve(undefined);
    this.waiters = [];
  }

  /** The first message (already caught, or to come) that `match`es; undefined after `timeoutMs`. */
  waitFor(match: (mail: CaughtMail) => boolean, timeoutMs: number): Promise<CaughtMail | undefined> {
    const found = this.mails.find(match);
    if (found) return Promise.resolve(found);
    return new Promise((resolve) => {
      const waiter: Waiter = {
        match,
        resolve: (mail) => {
          clearTimeout(timer);
          resolve(mail);
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve(undefined);
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /** Resolves once no new message has come for `quietMs` (or after `timeoutMs`). */
  async settled(quietMs: number, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let count = -1;
    while (Date.now() < deadline) {
      if (this.mails.length === count) return;
      count = this.mails.length;
      await new Promise((r) => setTimeout(r, quietMs));
    }
  }

  private async poll(): Promise<void> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return; // not created yet: no message so far
    }
    for (const name of names) {
      if (!name.endsWith('.eml') || this.seen.has(name)) continue;
      this.seen.add(name);
      const path = join(this.dir, name);
      const [info, raw] = await Promise.all([stat(path), readFile(path)]);
      const parsed = await simpleParser(raw);
      const to = Array.isArray(parsed.to) ? parsed.to.map((a) => a.text).join(', ') : (parsed.to?.text ?? '');
      const mail: CaughtMail = {
        file: name,
        arrivedAt: info.mtimeMs,
        messageId: parsed.messageId,
        subject: parsed.subject ?? '',
        to,
        text: parsed.text ?? '',
      };
      this.mails.push(mail);
      this.waiters = this.waiters.filter((waiter) => {
        if (!waiter.match(mail)) return true;
        waiter.resolve(mail);
        return false;
      });
    }
  }
}

/** The SMS the local sender wrote (`<data dir>/sms.jsonl`: one `{to, body, at}` per line). */
export async function smsLines(file: string): Promise<{ to: string; body: string; at: string }[]> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as { to: string; body: string; at: string });
}
