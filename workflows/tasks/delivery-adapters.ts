import type { Mailer, OpsChannel, SmsSender } from '#app/ports.ts';
import { cloudDeliveryPorts } from '#aws/delivery-ports.ts';

/**
 * The cloud adapters the delivery Lambda sends through (SES v2 from `MAIL_FROM` with
 * `MAIL_CONFIGURATION_SET`, SNS SMS, the ops topic `OPS_TOPIC_ARN`), built from the environment by
 * shared/aws/delivery-ports.ts. An absent mailer makes email deliveries SUPPRESSED (visible on the alert,
 * nothing lost): a stack without a verified sender has no `MAIL_FROM`.
 */
export interface CloudAdapters {
  mailer?: Mailer;
  sms?: SmsSender;
  ops?: OpsChannel;
}

export function cloudAdapters(env: Readonly<Record<string, string | undefined>>): CloudAdapters {
  const { mailer, sms, ops } = cloudDeliveryPorts(env);
  return { ...(mailer ? { mailer } : {}), sms, ops };
}
