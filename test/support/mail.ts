import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import nodemailer from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import type { Mailer, OutgoingMail, OutgoingSms, SmsSender } from '#app/ports.ts';

/**
 * A real SMTP server for the delivery tests (smtp-server on 127.0.0.1, a free port) and a Mailer that sends
 * to it with nodemailer's SMTP transport, the delivery id as Message-ID. It can be stopped and started again
 * on the same port (a mail server down, then back). When EDGE's local catcher (local/mail/) lands, this
 * helper can start that instead: the tests only use `messages`, `mailer`, `stop` and `start`.
 */
export interface CaughtMail {
  messageId: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  raw: string;
}

export interface MailCatcher {
  port: number;
  messages: CaughtMail[];
  mailer: Mailer;
  /** Stops accepting mail (connections are refused). */
  stop(): Promise<void>;
  /** Starts again on the same port. */
  start(): Promise<void>;
  close(): Promise<void>;
}

function server(messages: CaughtMail[]): SMTPServer {
  return new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        simpleParser(raw)
          .then((parsed) => {
            const to = Array.isArray(parsed.to) ? parsed.to[0]?.text : parsed.to?.text;
            messages.push({
              messageId: parsed.messageId ?? '',
              to: to ?? '',
              subject: parsed.subject ?? '',
              text: parsed.text ?? '',
              html: typeof parsed.html === 'string' ? parsed.html : '',
              raw,
            });
            callback();
          })
          .catch(callback);
      });
    },
  });
}

const listen = (smtp: SMTPServer, port: number) =>
  new Promise<number>((resolve, reject) => {
    smtp.server.once('error', reject);
    smtp.listen(port, '127.0.0.1', () => resolve((smtp.server.address() as AddressInfo).port));
  });

export async function startMailCatcher(): Promise<MailCatcher> {
  const messages: CaughtMail[] = [];
  let smtp: SMTPServer | undefined = server(messages);
  const port = await listen(smtp, 0);
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port,
    secure: false,
    ignoreTLS: true,
    connectionTimeout: 2000,
    greetingTimeout: 2000,
  });
  const catcher: MailCatcher = {
    port,
    messages,
    mailer: {
      async send(mail: OutgoingMail) {
        await transport.sendMail({
          from: 'PeerPath <alerts@peerpath.example.org>',
          to: mail.to,
          subject: mail.subject,
          text: mail.text,
          html: mail.html,
          messageId: `<${mail.deliveryId}@peerpath>`,
        });
      },
    },
    async stop() {
      const running = smtp;
      smtp = undefined;
      if (running) await new Promise<void>((resolve) => running.close(() => resolve()));
    },
    async start() {
      if (smtp) return;
      smtp = server(messages);
      await listen(smtp, port);
    },
    async close() {
      await catcher.stop();
      transport.close();
    },
  };
  return catcher;
}

/** SMS kept in memory, as `{to, body, deliveryId}` (the local runtime writes them to sms.jsonl). */
export class MemorySms implements SmsSender {
  readonly sent: OutgoingSms[] = [];
  async send(sms: OutgoingSms): Promise<void> {
    this.sent.push(sms);
  }
}
