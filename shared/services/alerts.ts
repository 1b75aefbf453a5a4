import { createHash } from 'node:crypto';
import { encodeTime } from 'ulid';
import type { AlertMessage, EventPublisher, Notifier } from '#app/ports.ts';
import { type Alert, putAlert } from '#data/alerts.ts';
import { Audience } from '#data/keys.ts';
import type { Store } from '#data/store.ts';
import type { AlertKind, LifecycleEvent, Stage } from '#domain/lifecycle.ts';
import type { ProgramRegion } from '#domain/roles.ts';

/** Who an alert is for. */
export type AlertTarget = { coordinators: true } | { user: string };

export const COORDINATORS: AlertTarget = { coordinators: true };
export const userTarget = (sub: string): AlertTarget => ({ user: sub });

export interface AlertDeps {
  store: Store;
  notifier: Notifier;
  events: EventPublisher;
}

export interface RaiseAlert {
  target: AlertTarget;
  kind: AlertKind;
  referralId?: string;
  stage?: Stage;
  event?: LifecycleEvent;
  /** Ids and codes only (the data layer refuses anything else). */
  details?: Record<string, string | number>;
  /** A deterministic id makes raising the same alert twice (a retried task) write it once. */
  id?: string;
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * A ULID-shaped id whose time part is `at` and whose random part comes from `seed`: the same seed and
 * instant always give the same id, and alerts still sort by time.
 */
export function deterministicAlertId(seed: string, at: string | Date): string {
  const ms = typeof at === 'string' ? Date.parse(at) : at.getTime();
  if (Number.isNaN(ms)) throw new Error('Invalid alert time');
  const digest = createHash('sha256').update(seed).digest();
  let random = '';
  for (let i = 0; i < 16; i++) random += CROCKFORD[(digest[i] ?? 0) % 32];
  return `${encodeTime(ms, 10)}${random}`;
}

export function audienceOf(region: ProgramRegion, target: AlertTarget): string {
  return 'user' in target ? Audience.user(target.user) : Audience.coordinators(region);
}

/** Writes the alert to its audience's inbox, then tells the notifier and the event bus (ids only). */
export async function raiseAlert(deps: AlertDeps, input: RaiseAlert): Promise<Alert> {
  const region = deps.store.region;
  const alert = await putAlert(deps.store, {
    audience: audienceOf(region, input.target),
    kind: input.kind,
    ...(input.referralId !== undefined ? { referralId: input.referralId } : {}),
    ...(input.stage !== undefined ? { stage: input.stage } : {}),
    ...(input.details !== undefined ? { details: input.details } : {}),
    ...(input.id !== undefined ? { id: input.id } : {}),
  });
  const message: AlertMessage = {
    alertId: alert.id,
    kind: input.kind,
    region,
    audienceType: 'user' in input.target ? 'user' : 'coordinators',
    ...(input.referralId !== undefined ? { referralId: input.referralId } : {}),
    ...(input.stage !== undefined ? { stage: input.stage } : {}),
    ...(input.event !== undefined ? { event: input.event } : {}),
  };
  await deps.notifier.notify(message);
  await deps.events.publish(message);
  return alert;
}
