import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { EVENT_DETAIL_TYPE, EVENT_SOURCE, redact } from '#app/notifications.ts';
import type { AlertMessage, EventPublisher, Notifier } from '#app/ports.ts';

export class SnsNotifier implements Notifier {
  constructor(
    private readonly topicArn: string,
    private readonly client: SNSClient = new SNSClient({}),
  ) {}

  async notify(message: AlertMessage): Promise<void> {
    const safe = redact(message);
    await this.client.send(
      new PublishCommand({
        TopicArn: this.topicArn,
        Subject: `PeerPath ${safe.region}: ${safe.kind}`,
        Message: JSON.stringify(safe),
        // Subscriptions filter on these (coordinators' email/SMS take `audienceType = coordinators`).
        MessageAttributes: {
          kind: { DataType: 'String', StringValue: safe.kind },
          audienceType: { DataType: 'String', StringValue: safe.audienceType },
        },
      }),
    );
  }
}

export class EventBridgePublisher implements EventPublisher {
  constructor(
    private readonly eventBusName: string,
    private readonly client: EventBridgeClient = new EventBridgeClient({}),
  ) {}

  async publish(message: AlertMessage): Promise<void> {
    const out = await this.client.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: this.eventBusName,
            Source: EVENT_SOURCE,
            DetailType: EVENT_DETAIL_TYPE,
            Detail: JSON.stringify(redact(message)),
          },
        ],
      }),
    );
    if ((out.FailedEntryCount ?? 0) > 0) {
      throw new Error(`EventBridge rejected the event (${out.Entries?.[0]?.ErrorCode ?? 'unknown'})`);
    }
  }
}

/** The cloud adapters from the environment the stack sets (`TOPIC_ARN`, `EVENT_BUS_NAME`). */
export function cloudPorts(env: Readonly<Record<string, string | undefined>> = process.env): {
  notifier: Notifier;
  events: EventPublisher;
} {
  const topicArn = env.TOPIC_ARN;
  const eventBusName = env.EVENT_BUS_NAME;
  if (!topicArn || !eventBusName) throw new Error('TOPIC_ARN and EVENT_BUS_NAME must be set');
  return { notifier: new SnsNotifier(topicArn), events: new EventBridgePublisher(eventBusName) };
}
