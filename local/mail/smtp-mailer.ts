import { createTransport, type Transporter } from 'nodemailer';
import type { Mailer, OutgoingMail } from '#app/ports.ts';
import { KIND_HEADER, messageIdFor } from './headers.ts';

/**
 * The local `Mailer`: nodemailer's SMTP transport, to the catcher `npm start` runs or to a real server
 * (`PEERPATH_SMTP_URL`, e.g. `smtp://user:pass@mail.example.org:587`). The delivery id is the Message-ID,
 * so a resend after a crash is recognisably the same message. A refusal or a server that is down rejects:
 * the delivery stays PENDING and the worker retries it.
 */

/** The delivery worker may pass the alert kind along; it names the message in the terminal line only. */
export type LocalOutgoingMail = OutgoingMail & { kind?: string };

export interface SmtpMailerOptions {
  /** `smtp://host:port` (or `smtps://`, with credentials in the URL). */
  url: string;
  from?: string;
}

export const DEFAULT_LOCAL_FROM = 'PeerPath <peerpath@localhost>';

export class SmtpMailer implements Mailer {
  private readonly transport: Transporter;
  private readonly from: string;

  constructor(options: SmtpMailerOptions) {
    this.from = options.from ?? DEFAULT_LOCAL_FROM;
    // One connection per message: a stopped and restarted server is simply reconnected to, and there is no
    // idle pool for the server to wait on when it stops. Short timeouts: a dead server fails in seconds.
    this.transport = createTransport({
      url: options.url,
      connectionTimeout: 5000,
      greetingTimeout: 5000,
      socketTimeout: 15_000,
    });
  }

  async send(mail: LocalOutgoingMail): Promise<void> {
    await this.transport.sendMail({
      from: this.from,
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      messageId: messageIdFor(mail.deliveryId),
      ...(mail.kind ? { headers: { [KIND_HEADER]: mail.kind } } : {}),
    });
  }

  close(): void {
    this.transport.close();
  }
}
