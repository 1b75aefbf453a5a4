import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { AlertKind } from '#domain/lifecycle.ts';

/**
 * What leaves PeerPath when an alert is raised. Both carry ids, codes and stages only: never a name, a note,
 * a summary or anything a person typed. The full alert (with its reason code) is the item in the table.
 */
export interface AlertMessage {
  alertId: string;
  kind: AlertKind;
  region: string;
  /** `coordinators` for the region's coordinators; `user` for one person (their id is in the table). */
  audienceType: 'coordinators' | 'user';
  referralId?: string;
  stage?: string;
  /** The lifecycle event behind the alert, when there is one. */
  event?: string;
}

/** Tells people an alert is waiting (SNS to the region's topic in the cloud; a console line locally). */
export interface Notifier {
  notify(message: AlertMessage): Promise<void>;
}

/** Publishes alerts as events for other systems (EventBridge in the cloud; a log or a list locally). */
export interface EventPublisher {
  publish(message: AlertMessage): Promise<void>;
}

export const EVENT_SOURCE = 'peerpath.referrals';
export const EVENT_DETAIL_TYPE = 'Referral Stage Changed';

/** Only the allow-listed fields, whatever the caller put on the object. */
export function redact(message: AlertMessage): AlertMessage {
  const { alertId, kind, region, audienceType, referralId, stage, event } = message;
  return { alertId, kind, region, audienceType, referralId, stage, event };
}

// --- cloud adapters -----------------------------------------------------------------------------------------

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

// --- local adapters -----------------------------------------------------------------------------------------

export type LineWriter = (line: string) => void;

/** One line of JSON per alert on the console (ids, kind and stage only). */
export class ConsoleNotifier implements Notifier {
  constructor(private readonly write: LineWriter = (line) => console.log(line)) {}

  async notify(message: AlertMessage): Promise<void> {
    this.write(JSON.stringify({ alert: redact(message) }));
  }
}

/** Keeps the latest published events in memory (tests, `npm start`); optionally echoes them as log lines. */
export class MemoryEventPublisher implements EventPublisher {
  readonly published: { source: string; detailType: string; detail: AlertMessage }[] = [];

  constructor(
    private readonly write?: LineWriter,
    private readonly keep = 10_000,
  ) {}

  async publish(message: AlertMessage): Promise<void> {
    const entry = { source: EVENT_SOURCE, detailType: EVENT_DETAIL_TYPE, detail: redact(message) };
    this.published.push(entry);
    if (this.published.length > this.keep) this.published.splice(0, this.published.length - this.keep);
    this.write?.(JSON.stringify({ event: entry }));
  }
}
