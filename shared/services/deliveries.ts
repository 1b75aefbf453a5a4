import type { Mailer, OpsChannel, SmsSender, UserDirectory } from '#app/ports.ts';
import { getAlert } from '#data/alerts.ts';
import { addSeconds, iso } from '#data/common.ts';
import {
  claimDelivery,
  type Delivery,
  deliveryItem,
  listDueDeliveries,
  type NewDelivery,
  putDeliveryTx,
  settleDelivery,
  slotOf,
} from '#data/deliveries.ts';
import { NotFoundError } from '#data/errors.ts';
import { deleteEscalationTx, type EscalationWatch, listDueEscalations } from '#data/escalations.ts';
import { Keys } from '#data/keys.ts';
import type { Store } from '#data/store.ts';
import { type TxItem, transact } from '#data/tx.ts';
import { renderDigest, renderEmail, renderSms } from '#domain/notification-templates.ts';
import { deliveryId, MAX_DELIVERY_ATTEMPTS, programDate, retryDelaySeconds } from '#domain/notifications.ts';
import { Role } from '#domain/roles.ts';
import type { Timers } from '#domain/settings.ts';

/**
 * The delivery worker: sends the outbox's deliveries at least once and never twice per delivery id (a
 * conditional claim, the delivery id as the Message-ID, then the state write; only a crash between the
 * server's acceptance and that write may resend, with the same Message-ID), retries with backoff, sends the
 * 08:00 digests and escalates unacknowledged URGENT concerns. Logs carry ids and kinds only, never an address.
 */
export interface DeliveryDeps {
  store: Store;
  directory: UserDirectory;
  /** Absent: email deliveries are SUPPRESSED (a stack with no verified sender). */
  mailer?: Mailer | undefined;
  /** Absent: SMS deliveries are SUPPRESSED. */
  sms?: SmsSender | undefined;
  ops?: OpsChannel | undefined;
  /** The pages' base URL, for the links in messages. */
  pagesUrl: string;
  timers: Pick<Timers, 'urgentEscalation'>;
  log: (entry: Record<string, unknown>) => void;
}

export interface SweepReport {
  sent: number;
  failed: number;
  suppressed: number;
  digests: number;
  escalated: number;
}

const errorName = (error: unknown): string => {
  const name = (error as { name?: unknown })?.name;
  return typeof name === 'string' && /^[A-Za-z0-9_.-]{1,64}$/.test(name) ? name : 'Error';
};

function failure(deps: DeliveryDeps, claimed: Delivery, error: unknown, now: Date) {
  const dead = claimed.attempts >= MAX_DELIVERY_ATTEMPTS;
  if (dead) deps.log({ msg: 'delivery dead', deliveryId: claimed.id, kind: claimed.kind });
  else
    deps.log({ msg: 'delivery failed', deliveryId: claimed.id, kind: claimed.kind, error: errorName(error) });
  return {
    state: 'FAILED' as const,
    error: errorName(error),
    ...(dead ? {} : { retryAt: addSeconds(now, retryDelaySeconds(claimed.attempts)) }),
  };
}

async function send(deps: DeliveryDeps, d: Delivery): Promise<'SENT' | 'SUPPRESSED'> {
  const ctx = { region: deps.store.region, pagesUrl: deps.pagesUrl, recipientRole: d.recipientRole };
  if (d.channel === 'EMAIL') {
    if (!deps.mailer) return 'SUPPRESSED';
    await deps.mailer.send({ to: d.address, deliveryId: d.id, ...renderEmail(d, ctx) });
  } else {
    if (!deps.sms) return 'SUPPRESSED';
    await deps.sms.send({ to: d.address, deliveryId: d.id, body: renderSms(d, ctx) });
  }
  return 'SENT';
}

/**
 * One attempt at one delivery, if it is due and nobody else holds it. Returns its new state, or undefined
 * when there was nothing to do (not due, held elsewhere, done, or held for the digest).
 */
export async function deliverOne(
  deps: DeliveryDeps,
  id: string,
  now: Date = deps.store.now(),
): Promise<Delivery['state'] | undefined> {
  const claimed = await claimDelivery(deps.store, id, now);
  if (!claimed) return undefined;
  let outcome: Parameters<typeof settleDelivery>[2];
  try {
    outcome = { state: await send(deps, claimed) };
  } catch (error) {
    outcome = failure(deps, claimed, error, now);
  }
  await settleDelivery(deps.store, claimed, outcome, deps.store.now());
  return outcome.state;
}

/** One email per person listing their held routine alerts; its Message-ID is per person and day. */
async function sendDigest(deps: DeliveryDeps, held: readonly Delivery[], now: Date): Promise<boolean> {
  const claimed: Delivery[] = [];
  for (const d of held) {
    const c = await claimDelivery(deps.store, d.id, now);
    if (c) claimed.push(c);
  }
  const [first] = claimed;
  if (!first) return false;
  const date = programDate(now);
  let outcome: Parameters<typeof settleDelivery>[2];
  try {
    if (!deps.mailer) outcome = { state: 'SUPPRESSED' };
    else {
      const ctx = { region: deps.store.region, pagesUrl: deps.pagesUrl, recipientRole: first.recipientRole };
      await deps.mailer.send({
        to: first.address,
        deliveryId: `DIGEST-${date}#${first.recipient}#EMAIL`,
        ...renderDigest(claimed, { ...ctx, date }),
      });
      outcome = { state: 'SENT' };
    }
  } catch (error) {
    outcome = failure(deps, first, error, now);
  }
  for (const c of claimed) await settleDelivery(deps.store, c, outcome, deps.store.now());
  return outcome.state === 'SENT';
}

async function coordinatorsOf(deps: DeliveryDeps) {
  const region = deps.store.region;
  const lists = await Promise.all([
    deps.directory.listUsers({ region, role: Role.COORDINATOR }),
    deps.directory.listUsers({ region, role: Role.ADMIN }),
  ]);
  const seen = new Set<string>();
  return lists.flat().filter((u) => u.enabled && !seen.has(u.sub) && seen.add(u.sub));
}

/**
 * Escalates one watched URGENT concern unless a coordinator or admin has acknowledged it (the watch is then
 * simply removed). The ops channel is told first (at least once); then, in one transaction, the escalation's
 * own email and SMS to every enabled coordinator (regardless of preferences), the alert marked `escalatedAt`,
 * and the watch deleted. Returns the new delivery ids.
 */
async function escalate(deps: DeliveryDeps, watch: EscalationWatch, now: Date): Promise<string[]> {
  const { store } = deps;
  let alert: Awaited<ReturnType<typeof getAlert>> | undefined;
  try {
    alert = await getAlert(store, watch.audience, watch.alertId);
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
  }
  if (!alert || alert.acknowledgedAt !== undefined || alert.escalatedAt !== undefined) {
    await transact(store, [deleteEscalationTx(store, watch)]);
    return [];
  }
  await deps.ops?.escalate({
    alertId: alert.id,
    kind: alert.kind,
    region: store.region,
    ...(alert.referralId !== undefined ? { referralId: alert.referralId } : {}),
  });
  const copies: NewDelivery[] = (await coordinatorsOf(deps)).flatMap((person) => {
    const base = {
      alertId: alert.id,
      audience: alert.audience,
      recipient: person.sub,
      recipientRole: person.role,
      kind: alert.kind,
      referralId: alert.referralId,
      level: alert.level,
      escalation: true,
      digest: false,
    };
    return [
      ...(person.email ? [{ ...base, channel: 'EMAIL' as const, address: person.email }] : []),
      ...(person.phone ? [{ ...base, channel: 'SMS' as const, address: person.phone }] : []),
    ];
  });
  const slotNames = Object.fromEntries(copies.map((d, i) => [`#s${i}`, slotOf(d)]));
  const slotSets = copies.map((_, i) => `#deliveries.#s${i} = :pending`);
  const items: TxItem[] = [
    deleteEscalationTx(store, watch),
    {
      Update: {
        TableName: store.tableName,
        Key: Keys.alert(alert.audience, alert.id),
        UpdateExpression: `SET ${['escalatedAt = :now', ...slotSets].join(', ')}`,
        ConditionExpression:
          'attribute_exists(pk) AND attribute_exists(#deliveries) AND attribute_not_exists(acknowledgedAt)',
        ExpressionAttributeNames: { '#deliveries': 'deliveries', ...slotNames },
        ExpressionAttributeValues: { ':now': iso(now), ...(copies.length ? { ':pending': 'PENDING' } : {}) },
      },
    },
    ...copies.map((d) => putDeliveryTx(store, deliveryItem(store, d, now))),
  ];
  const written = await transact(store, items);
  if (!written.ok) return []; // acknowledged or escalated meanwhile: the next sweep sees which
  deps.log({ msg: 'alert escalated', alertId: alert.id, kind: alert.kind, copies: copies.length });
  return copies.map((d) => deliveryId(d.alertId, d.recipient, d.channel, true));
}

/**
 * One sweep of the region: escalations that are due, then every due delivery (retries, deliveries the
 * stream missed, escalation copies) and the digests whose hour has come.
 */
export async function sweep(deps: DeliveryDeps, now: Date = deps.store.now()): Promise<SweepReport> {
  const report: SweepReport = { sent: 0, failed: 0, suppressed: 0, digests: 0, escalated: 0 };
  const raisedBy = addSeconds(now, -deps.timers.urgentEscalation);
  for (const watch of await listDueEscalations(deps.store, raisedBy)) {
    const copies = await escalate(deps, watch, now);
    if (copies.length > 0) report.escalated++;
  }
  const due = await listDueDeliveries(deps.store, now);
  const digests = new Map<string, Delivery[]>();
  for (const d of due) {
    if (d.digest && d.channel === 'EMAIL') {
      digests.set(d.recipient, [...(digests.get(d.recipient) ?? []), d]);
      continue;
    }
    const state = await deliverOne(deps, d.id, now);
    if (state === 'SENT') report.sent++;
    else if (state === 'FAILED') report.failed++;
    else if (state === 'SUPPRESSED') report.suppressed++;
  }
  for (const held of digests.values()) if (await sendDigest(deps, held, now)) report.digests++;
  return report;
}
