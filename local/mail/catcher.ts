import { randomUUID } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { SMTPServer } from 'smtp-server';
import { deliveryIdOf, fileTime, KIND_HEADER, readHeaders, safeFileName } from './headers.ts';

/**
 * The local SMTP catcher `npm start` runs: a real SMTP server (`smtp-server`) on 127.0.0.1, no auth, that
 * keeps every message it accepts as `<dataDir>/mail/<sent-at>-<delivery id>.eml` (the raw RFC 5322 bytes)
 * and prints one line per message: `mail → <recipient> <KIND>`, the recipient and the kind only. The
 * message is on disk before the server says 250, so "accepted" means "kept". `/local/mail` lists them.
 */

export interface CaughtMail {
  /** The file's name inside `dir`. */
  file: string;
  to: string[];
  deliveryId: string | undefined;
  kind: string | undefined;
  at: Date;
}

export interface MailCatcherOptions {
  dataDir: string;
  /** 0 (default) picks a free port; a restart may ask for the port it had. */
  port?: number;
  /** One line per message (recipient and kind). Default the console. */
  print?: (line: string) => void;
  /** Called once a message is on disk (tests and the bench wait on it). */
  onMail?: (mail: CaughtMail) => void;
}

export interface MailCatcher {
  /** `smtp://127.0.0.1:<port>`: what the local mailer sends to. */
  url: string;
  port: number;
  /** `<dataDir>/mail`. */
  dir: string;
  /** Closes the server (ending open connections). Idempotent. */
  stop(): Promise<void>;
}

export const mailDirOf = (dataDir: string): string => join(dataDir, 'mail');

const MAX_MESSAGE_BYTES = 1024 * 1024;

function collect(stream: Readable): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.once('error', reject);
    stream.once('end', () => resolve(Buffer.concat(chunks)));
  });
}

export async function startMailCatcher(options: MailCatcherOptions): Promise<MailCatcher> {
  const dir = mailDirOf(options.dataDir);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const print = options.print ?? ((line: string) => console.log(line));

  const keep = async (raw: Buffer, envelopeTo: string[]): Promise<CaughtMail> => {
    const headers = readHeaders(raw);
    const deliveryId = deliveryIdOf(headers.get('message-id'));
    const kind = headers.get(KIND_HEADER.toLowerCase());
    const at = new Date();
    const file = `${fileTime(at)}-${safeFileName(deliveryId ?? randomUUID())}.eml`;
    // Written whole, then renamed: `/local/mail` and the tests never read half a message.
    const temp = join(dir, `.${file}.${process.pid}.tmp`);
    await writeFile(temp, raw, { mode: 0o600 });
    await rename(temp, join(dir, file));
    return { file, to: envelopeTo, deliveryId, kind, at };
  };

  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    size: MAX_MESSAGE_BYTES,
    logger: false,
    banner: 'PeerPath local mail catcher',
    closeTimeout: 1000,
    onData(stream, session, callback) {
      const to = session.envelope.rcptTo.map((rcpt) => rcpt.address);
      collect(stream)
        .then((raw) => {
          if (stream.sizeExceeded) throw Object.assign(new Error('Message too big'), { responseCode: 552 });
          return keep(raw, to);
        })
        .then((mail) => {
          for (const address of to) print(`mail → ${address} ${mail.kind ?? 'alert'}`);
          options.onMail?.(mail);
          callback();
        }, callback);
    },
  });
  server.on('error', () => undefined); // a client's broken connection is not the catcher's failure

  const port = await new Promise<number>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.server.off('error', reject);
      const address = server.server.address();
      resolve(typeof address === 'object' && address ? address.port : 0);
    });
  });

  let stopped: Promise<void> | undefined;
  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    dir,
    stop: () => {
      stopped ??= new Promise((resolve) => server.close(() => resolve()));
      return stopped;
    },
  };
}
