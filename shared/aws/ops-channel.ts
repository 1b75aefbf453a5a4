import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { OpsChannel } from '#app/ports.ts';

/**
 * The cloud `OpsChannel`: an escalated URGENT concern goes to the region's ops topic (the operators who
 * also get the alarms, `PEERPATH_OPS_EMAILS_<REGION>`). Ids, kind and region only.
 */
export class SnsOpsChannel implements OpsChannel {
  constructor(
    private readonly topicArn: string,
    private readonly client: Pick<SNSClient, 'send'> = new SNSClient({}),
  ) {}

  async escalate(message: { alertId: string; kind: string; region: string; referralId?: string }) {
    const { alertId, kind, region, referralId } = message;
    await this.client.send(
      new PublishCommand({
        TopicArn: this.topicArn,
        Subject: `PeerPath ${region}: escalation (${kind})`,
        Message: JSON.stringify({
          escalation: { alertId, kind, region, ...(referralId ? { referralId } : {}) },
        }),
      }),
    );
  }
}
