import type { OpsChannel } from '#app/ports.ts';

/** The local ops channel: one JSON line per escalation (ids, kind and region only). */
export class ConsoleOpsChannel implements OpsChannel {
  constructor(private readonly write: (line: string) => void = (line) => console.log(line)) {}

  async escalate(message: { alertId: string; kind: string; region: string; referralId?: string }) {
    const { alertId, kind, region, referralId } = message;
    this.write(
      JSON.stringify({ escalation: { alertId, kind, region, ...(referralId ? { referralId } : {}) } }),
    );
  }
}
