import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { createTransport, type Transporter } from 'nodemailer';
import type { Mailer, OutgoingMail } from '#app/ports.ts';

/**
 * The cloud `Mailer`: Amazon SES v2 through nodemailer's SES transport (nodemailer builds the MIME message,
 * text and HTML; SES `SendEmail` sends it raw) from the region's verified sender, through the stack's
 * configuration set, whose bounces and complaints go to the ops topic. The delivery id is the Message-ID we
 * set (SES may add its own when it relays). A throttle, a refusal or SES being unreachable rejects: the
 * delivery stays PENDING and the worker retries it.
 */

export interface SesMailerOptions {
  /** The verified sender (`PEERPATH_MAIL_FROM_<REGION>` at synth, `MAIL_FROM` in the Lambda). */
  from: string;
  /** The stack's configuration set (`MAIL_CONFIGURATION_SET`). */
  configurationSet?: string | undefined;
  /** Only `send` is used (tests pass a stand-in). */
  client?: Pick<SESv2Client, 'send' | 'config'>;
}

export const sesMessageIdFor = (deliveryId: string): string => `<${deliveryId}@peerpath>`;

export class SesMailer implements Mailer {
  private readonly transport: Transporter;

  constructor(private readonly options: SesMailerOptions) {
    this.transport = createTransport({
      SES: { sesClient: options.client ?? new SESv2Client({}), SendEmailCommand },
    });
  }

  async send(mail: OutgoingMail): Promise<void> {
    await this.transport.sendMail({
      from: this.options.from,
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      messageId: sesMessageIdFor(mail.deliveryId),
      ses: {
        ...(this.options.configurationSet ? { ConfigurationSetName: this.options.configurationSet } : {}),
      },
    });
  }
}
