import type { Mailer, OpsChannel, SmsSender } from '#app/ports.ts';
import type { ExtraRoute } from '../gateway.ts';
import { type CaughtMail, type MailCatcher, mailDirOf, startMailCatcher } from './catcher.ts';
import { ConsoleOpsChannel } from './ops-console.ts';
import { mailPages } from './pages.ts';
import { SmsFile, smsFileOf } from './sms-file.ts';
import { SmtpMailer } from './smtp-mailer.ts';

/**
 * The local side of alerts that reach people, as `npm start` (and the tests) run it: the SMTP catcher (unless
 * `smtpUrl` sends to a real server), the SMTP mailer, the SMS file, the ops console line, and the
 * `/local/mail` pages. The delivery worker takes `mailer`, `sms` and `ops`.
 */

export interface LocalMailOptions {
  dataDir: string;
  /** Send to this SMTP server (`PEERPATH_SMTP_URL`) instead of running the catcher. */
  smtpUrl?: string | undefined;
  /** The catcher's port (default a free one). */
  port?: number;
  /** One line per message and escalation (recipient and kind; ids only). Default the console. */
  print?: (line: string) => void;
  onMail?: (mail: CaughtMail) => void;
}

export interface LocalMail {
  /** Where the mailer sends: the catcher's `smtp://127.0.0.1:<port>` or `PEERPATH_SMTP_URL`. */
  smtpUrl: string;
  /** The catcher, unless sending to a real server. */
  catcher: MailCatcher | undefined;
  /** `<dataDir>/mail` (the catcher's .eml files). */
  mailDir: string;
  /** `<dataDir>/sms.jsonl`. */
  smsFile: string;
  mailer: Mailer;
  sms: SmsSender;
  ops: OpsChannel;
  /** `GET /local/mail` and `/local/mail/<file>`. */
  routes: ExtraRoute[];
  stop(): Promise<void>;
}

export async function startLocalMail(options: LocalMailOptions): Promise<LocalMail> {
  const print = options.print ?? ((line: string) => console.log(line));
  const catcher = options.smtpUrl
    ? undefined
    : await startMailCatcher({
        dataDir: options.dataDir,
        print,
        ...(options.port !== undefined ? { port: options.port } : {}),
        ...(options.onMail ? { onMail: options.onMail } : {}),
      });
  const smtpUrl = options.smtpUrl ?? (catcher as MailCatcher).url;
  const mailer = new SmtpMailer({ url: smtpUrl });
  const mailDir = mailDirOf(options.dataDir);
  const smsFile = smsFileOf(options.dataDir);
  return {
    smtpUrl,
    catcher,
    mailDir,
    smsFile,
    mailer,
    sms: new SmsFile(options.dataDir, print),
    ops: new ConsoleOpsChannel(print),
    routes: mailPages({ mailDir, smsFile }),
    stop: async () => {
      mailer.close();
      await catcher?.stop();
    },
  };
}
