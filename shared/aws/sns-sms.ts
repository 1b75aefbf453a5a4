import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { OutgoingSms, SmsSender } from '#app/ports.ts';

/**
 * The cloud `SmsSender`: SNS `Publish` straight to a phone number, as a transactional message (delivered
 * ahead of promotional ones and, where carriers allow, outside quiet hours). The body is the rendered
 * template (≤ 160 characters, no health information).
 */
export class SnsSmsSender implements SmsSender {
  constructor(private readonly client: Pick<SNSClient, 'send'> = new SNSClient({})) {}

  async send(sms: OutgoingSms): Promise<void> {
    await this.client.send(
      new PublishCommand({
        PhoneNumber: sms.to,
        Message: sms.body,
        MessageAttributes: {
          'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' },
        },
      }),
    );
  }
}
