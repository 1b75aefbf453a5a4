import type { Mailer, OpsChannel, SmsSender } from '#app/ports.ts';
import { SnsOpsChannel } from './ops-channel.ts';
import { SesMailer } from './ses-mailer.ts';
import { SnsSmsSender } from './sns-sms.ts';

/**
 * The delivery worker's cloud adapters, from the environment the stack sets: `MAIL_FROM` (absent: no
 * mailer, and every email delivery is marked SUPPRESSED), `MAIL_CONFIGURATION_SET`, `OPS_TOPIC_ARN`.
 */
export function cloudDeliveryPorts(env: Readonly<Record<string, string | undefined>> = process.env): {
  mailer: Mailer | undefined;
  sms: SmsSender;
  ops: OpsChannel;
} {
  const opsTopicArn = env.OPS_TOPIC_ARN;
  if (!opsTopicArn) throw new Error('OPS_TOPIC_ARN must be set');
  const from = env.MAIL_FROM?.trim();
  return {
    mailer: from ? new SesMailer({ from, configurationSet: env.MAIL_CONFIGURATION_SET }) : undefined,
    sms: new SnsSmsSender(),
    ops: new SnsOpsChannel(opsTopicArn),
  };
}
