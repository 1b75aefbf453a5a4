import { createHash } from 'node:crypto';
import { encodeTime } from 'ulid';
import type { AlertMessage, EventPublisher, Notifier, UserDirectory } from '#app/ports.ts';
import type { Alert } from '#data/alerts.ts';
import { writeAlertWithDeliveries } from '#data/deliveries.ts';
import { Audience } from '#data/keys.ts';
import { getPreferencesOf } from '#data/preferences.ts';
import type { Store } from '#data/store.ts';
import type { AlertKind, LifecycleEvent, Stage } from '#domain/lifecycle.ts';
import { defaultPreferences, isInformational, isUrgent, plannedDeliveries } from '#domain/notifications.ts';
import { type ProgramRegion, Role } from '#domain/roles.ts';
import type { DirectoryUser } from '#domain/users.ts';

/** Who an alert is for. */
export type AlertTarget = { coordinators: true } | { user: string };

export const COORDINATORS: AlertTarget = { coordinators: true };
export const userTarget = (sub: string): AlertTarget => ({ user: sub });

export interface AlertDeps {
  store: Store;
  /** Who the alert reaches outside PeerPath (the region's coordinators, the person addressed). */
  directory: UserDirectory;
  events: EventPublisher;
  /** A console line per alert locally; optional (the people are told through the outbox). */
  notifier?: Notifier;
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
  /** A concern's `URGENT` / `ROUTINE`. */
  level?: string;
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

/** Coordinators are the enabled users of the region's coordinator and admin groups. */
async function recipientsOf(deps: AlertDeps, target: AlertTarget): Promise<DirectoryUser[]> {
  const region = deps.store.region;
  const users =
    'user' in target
      ? (await deps.directory.listUsers({ region })).filter((u) => u.sub === target.user)
      : (
          await Promise.all([
            deps.directory.listUsers({ region, role: Role.COORDINATOR }),
            deps.directory.listUsers({ region, role: Role.ADMIN }),
          ])
        ).flat();
  const seen = new Set<string>();
  return users.filter((u) => u.enabled && !seen.has(u.sub) && seen.add(u.sub));
}

/** Ids a clinician's view never shows (their referral's worker is a first name on the referral page). */
const WORKER_ID_DETAILS = ['workerId', 'previousWorkerId'];

/**
 * Raises an alert: its inbox item and one delivery per recipient and channel (and, for an URGENT concern to
 * the coordinators, the escalation watch), in one transaction, idempotent by alert id; then the event (ids
 * only). Recipients and their preferences are read first: they are people, resolved now.
 */
export async function raiseAlert(deps: AlertDeps, input: RaiseAlert): Promise<Alert> {
  const region = deps.store.region;
  const toCoordinators = !('user' in input.target);
  const people = isInformational(input.kind) ? [] : await recipientsOf(deps, input.target);
  const chosen = await getPreferencesOf(
    deps.store,
    people.map((person) => person.sub),
  );
  const planned = people.flatMap((person) => {
    const prefs = chosen.get(person.sub) ?? defaultPreferences(person.phone !== undefined);
    const recipient = { sub: person.sub, role: person.role, email: person.email, phone: person.phone };
    return plannedDeliveries(input, recipient, prefs, toCoordinators);
  });
  const toClinician = !toCoordinators && people.some((p) => p.role === Role.CLINICIAN);
  const details =
    input.details && toClinician
      ? Object.fromEntries(Object.entries(input.details).filter(([k]) => !WORKER_ID_DETAILS.includes(k)))
      : input.details;
  const alert = await writeAlertWithDeliveries(
    deps.store,
    {
      audience: audienceOf(region, input.target),
      kind: input.kind,
      ...(input.referralId !== undefined ? { referralId: input.referralId } : {}),
      ...(input.stage !== undefined ? { stage: input.stage } : {}),
      ...(input.level !== undefined ? { level: input.level } : {}),
      ...(details !== undefined ? { details } : {}),
      ...(input.id !== undefined ? { id: input.id } : {}),
    },
    planned.map(({ recipient, recipientRole, channel, address, digest }) => ({
      recipient,
      recipientRole,
      channel,
      address,
      digest,
    })),
    { escalationWatch: toCoordinators && isUrgent(input) },
  );
  const message: AlertMessage = {
    alertId: alert.id,
    kind: input.kind,
    region,
    audienceType: 'user' in input.target ? 'user' : 'coordinators',
    ...(input.referralId !== undefined ? { referralId: input.referralId } : {}),
    ...(input.stage !== undefined ? { stage: input.stage } : {}),
    ...(input.event !== undefined ? { event: input.event } : {}),
  };
  await deps.notifier?.notify(message);
  await deps.events.publish(message);
  return alert;
}
