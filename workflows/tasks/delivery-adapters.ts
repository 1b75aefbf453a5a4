import type { Mailer, OpsChannel, SmsSender } from '#app/ports.ts';

/**
 * The cloud adapters the delivery Lambda sends through (SES v2 from `MAIL_FROM` with
 * `MAIL_CONFIGURATION_SET`, SNS SMS, the ops topic `OPS_TOPIC_ARN`). Their classes live in shared/aws/
 * (ses-mailer.ts, sns-sms.ts, ops-channel.ts); this is the one place that builds them from the environment.
 * An adapter that is absent makes its channel's deliveries SUPPRESSED (visible on the alert, nothing lost):
 * a stack without a verified sender has no `MAIL_FROM`.
 */
export interface CloudAdapters {
  mailer?: Mailer;
  sms?: SmsSender;
  ops?: OpsChannel;
}

export function cloudAdapters(_env: Readonly<Record<string, string | undefined>>): CloudAdapters {
  // Wired to shared/aws/ses-mailer.ts, sns-sms.ts and ops-channel.ts when those adapters land.
  return {};
}
