import { EVENT_DETAIL_TYPE, EVENT_SOURCE, redact } from '#app/notifications.ts';
import type { AlertMessage, EventPublisher, Notifier } from '#app/ports.ts';

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
