import { useState } from 'preact/hooks';
import { ALERT_KINDS, type AlertKind } from '#domain/lifecycle.ts';
import type { Channel, DeliveryState } from '#domain/notifications.ts';
import { useApp } from '../app-context.ts';
import { useAction, useLoad } from '../hooks.ts';
import {
  ALERT_LABELS,
  CONCERN_CATEGORY_LABELS,
  CONCERN_LEVEL_LABELS,
  formatDate,
  formatDateTime,
  plural,
  STAGE_SHORT,
} from '../labels.ts';
import { CHANNEL_LABELS, DELIVERY_STATE_LABELS, isInformation } from '../notification-labels.ts';
import { Badge, Link, LoadStatus, Page, Section, ToolbarCheckbox } from '../ui/layout.tsx';
import { type AlertView, isStaff, shortId } from '../views.ts';
import { NOTIFICATION_SETTINGS_PATH } from './notification-settings.tsx';

/**
 * The inbox: alerts that need a person (selectable, acknowledged one by one, several at once or every one of
 * a kind), then the information-only ones (STAGE_CHANGED: never counted in the badge), each with how it
 * reached people outside PeerPath (email and text message, in words).
 */

/** Fired on `window` after alerts were acknowledged here, so the header's count follows at once. */
export const ALERTS_CHANGED = 'peerpath:alerts-changed';

/** The codes an alert carries (never free text), in words. */
function AlertDetails({ alert }: { alert: AlertView }) {
  const details = alert.details ?? {};
  const category = typeof details.category === 'string' ? details.category : undefined;
  const lines = [
    category && category in CONCERN_CATEGORY_LABELS
      ? `About: ${CONCERN_CATEGORY_LABELS[category as keyof typeof CONCERN_CATEGORY_LABELS]}`
      : undefined,
    typeof details.expiresOn === 'string'
      ? `Consent covers until ${formatDate(details.expiresOn)}`
      : undefined,
    typeof details.dueAt === 'string' ? `Debrief due ${formatDateTime(details.dueAt)}` : undefined,
  ].filter(Boolean);
  return lines.length > 0 ? <p>{lines.join(' · ')}</p> : null;
}

type DeliveryEntry = NonNullable<AlertView['deliveries']>[number];

/** `2 sent, 1 waiting to be sent`, in the states' own order. */
function tally(entries: readonly DeliveryEntry[]): string {
  const counts = new Map<DeliveryState, number>();
  for (const entry of entries) counts.set(entry.state, (counts.get(entry.state) ?? 0) + 1);
  return [...counts].map(([state, n]) => `${n} ${DELIVERY_STATE_LABELS[state]}`).join(', ');
}

/** Each channel's deliveries: the reader's own in full, everyone else's counted (ids mean nothing to people). */
export function deliveryLines(deliveries: readonly DeliveryEntry[], me: string): string[] {
  const lines: string[] = [];
  for (const channel of ['EMAIL', 'SMS'] as const satisfies readonly Channel[]) {
    const mine = deliveries.filter((d) => d.channel === channel && d.recipient === me);
    const others = deliveries.filter((d) => d.channel === channel && d.recipient !== me);
    for (const entry of mine)
      lines.push(`${CHANNEL_LABELS[channel]} to you: ${DELIVERY_STATE_LABELS[entry.state]}`);
    const people = new Set(others.map((d) => d.recipient)).size;
    if (people > 0)
      lines.push(
        `${CHANNEL_LABELS[channel]} to ${people === 1 ? 'one other person' : `${people} other people`}: ${tally(others)}`,
      );
  }
  return lines;
}

function Deliveries({ alert }: { alert: AlertView }) {
  const { session } = useApp();
  const lines = deliveryLines(alert.deliveries ?? [], session.sub);
  if (lines.length === 0) return null;
  const trouble = (alert.deliveries ?? []).some((d) => d.state === 'FAILED' || d.state === 'SUPPRESSED');
  return (
    <div class={`deliveries${trouble ? ' deliveries-trouble' : ''}`}>
      <p class="deliveries-title">Sent outside PeerPath</p>
      <ul>
        {lines.map((line) => (
          <li key={line}>{line}</li>
        ))}
      </ul>
    </div>
  );
}

function AlertCard({
  alert,
  selected,
  onSelect,
  onAcknowledge,
}: {
  alert: AlertView;
  selected: boolean;
  onSelect: (on: boolean) => void;
  onAcknowledge: () => void;
}) {
  const { session } = useApp();
  const headingId = `alert-${alert.id}`;
  const label = ALERT_LABELS[alert.kind];
  const linkFor = (referralId: string) =>
    session.role === 'peer-worker' ? `/clients/${referralId}` : `/referrals/${referralId}`;
  const info = isInformation(alert.kind);
  return (
    <li
      class={`card alert-card${alert.level === 'URGENT' ? ' alert-urgent' : ''}${alert.acknowledgedAt ? ' alert-done' : ''}${info ? ' alert-info' : ''}`}
      aria-labelledby={headingId}
    >
      <div class="card-head">
        <h3 id={headingId} class="card-title">
          {!alert.acknowledgedAt && !info ? (
            <span class="checkbox alert-select">
              <input
                type="checkbox"
                id={`select-${alert.id}`}
                checked={selected}
                onChange={(event) => onSelect((event.currentTarget as HTMLInputElement).checked)}
              />
              <label for={`select-${alert.id}`}>
                <span class="visually-hidden">Select: </span>
                {label}
              </label>
            </span>
          ) : (
            label
          )}
        </h3>
        <span class="badges">
          {info ? <Badge>Information</Badge> : null}
          {alert.level ? (
            <Badge tone={alert.level === 'URGENT' ? 'overdue' : 'neutral'}>
              {CONCERN_LEVEL_LABELS[alert.level]}
            </Badge>
          ) : null}
          {alert.escalatedAt ? <Badge tone="overdue">Escalated</Badge> : null}
        </span>
      </div>
      <p class="meta">
        {formatDateTime(alert.createdAt)}
        {alert.stage ? ` · ${STAGE_SHORT[alert.stage]}` : ''}
        {alert.referralId ? (
          <>
            {' · '}
            <Link to={linkFor(alert.referralId)}>Open referral {shortId(alert.referralId)}</Link>
          </>
        ) : null}
      </p>
      <AlertDetails alert={alert} />
      {alert.escalatedAt ? (
        <p>
          Sent again to every coordinator ({formatDateTime(alert.escalatedAt)}): nobody acknowledged it in
          time.
        </p>
      ) : null}
      <Deliveries alert={alert} />
      {alert.acknowledgedAt ? (
        <p class="muted">Acknowledged {formatDateTime(alert.acknowledgedAt)}</p>
      ) : (
        <button type="button" class="button button-secondary" onClick={onAcknowledge}>
          Acknowledge
          <span class="visually-hidden">: {label}</span>
        </button>
      )}
    </li>
  );
}

export function AlertsPage() {
  const { api, session } = useApp();
  const [showAll, setShowAll] = useState(false);
  const [kind, setKind] = useState<AlertKind | ''>('');
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [result, setResult] = useState<string | undefined>(undefined);
  // Stage changes are information: they never wait for acknowledgement, so the open list leaves them out and
  // the latest ones are read on their own (unless another kind is chosen).
  const loaded = useLoad(async () => {
    const query = { limit: 100, kind: kind || undefined };
    if (showAll) return api.call('listAlerts', { query });
    const [open, info] = await Promise.all([
      api.call('listAlerts', { query: { ...query, acknowledged: 'false' } }),
      kind && !isInformation(kind)
        ? Promise.resolve({ items: [] })
        : api.call('listAlerts', { query: { limit: 20, kind: 'STAGE_CHANGED' } }),
    ]);
    const seen = new Set(open.items.map((alert) => alert.id));
    return { items: [...open.items, ...info.items.filter((alert) => !seen.has(alert.id))] };
  }, [showAll, kind]);
  const { failure, run } = useAction();
  const items = loaded.data?.items ?? [];
  const needAction = items.filter((alert) => !isInformation(alert.kind));
  const information = items.filter((alert) => isInformation(alert.kind));
  const open = needAction.filter((alert) => !alert.acknowledgedAt);
  const chosen = open.filter((alert) => selected.has(alert.id));

  const acknowledged = async (count: number) => {
    setSelected(new Set());
    // Said once the list shows it: a screen reader hears it when the cards have gone.
    window.dispatchEvent(new Event(ALERTS_CHANGED));
    await loaded.reload();
    setResult(`${plural(count, 'alert')} acknowledged.`);
  };
  const acknowledgeOne = (alert: AlertView) =>
    run(async () => {
      await api.call('acknowledgeAlert', { params: { id: alert.id } });
      await acknowledged(1);
    });
  const acknowledgeMany = (body: { ids: string[] } | { kind: AlertKind }) =>
    run(async () => {
      setResult(undefined);
      const answer = await api.call('acknowledgeAlerts', { body });
      await acknowledged(answer.acknowledged);
    });
  const select = (id: string, on: boolean) => {
    const next = new Set(selected);
    if (on) next.add(id);
    else next.delete(id);
    setSelected(next);
  };
  const card = (alert: AlertView) => (
    <AlertCard
      key={alert.id}
      alert={alert}
      selected={selected.has(alert.id)}
      onSelect={(on) => select(alert.id, on)}
      onAcknowledge={() => acknowledgeOne(alert)}
    />
  );

  return (
    <Page title="Alerts" lead={<p>Steps that need a person, and news about your referrals and clients.</p>}>
      <div class="toolbar">
        <label for="alert-kind" class="label-inline">
          Show
        </label>
        <select
          id="alert-kind"
          class="input input-medium"
          value={kind}
          onChange={(event) => {
            setSelected(new Set());
            setResult(undefined);
            setKind((event.currentTarget as HTMLSelectElement).value as AlertKind | '');
          }}
        >
          <option value="">Every kind</option>
          {ALERT_KINDS.map((code) => (
            <option key={code} value={code}>
              {ALERT_LABELS[code]}
            </option>
          ))}
        </select>
      </div>
      <ToolbarCheckbox id="show-acknowledged" checked={showAll} onChange={setShowAll}>
        Include acknowledged alerts
      </ToolbarCheckbox>
      <LoadStatus loaded={loaded} failure={failure} />
      <div role="status" class="flash">
        {result ? <div class="notice notice-success">{result}</div> : null}
      </div>
      {loaded.data && items.length === 0 ? <p>No alerts. All caught up.</p> : null}
      {open.length > 0 ? (
        <div class="toolbar bulk-actions">
          <button
            type="button"
            class="button button-secondary"
            disabled={chosen.length === 0}
            onClick={() => acknowledgeMany({ ids: chosen.map((alert) => alert.id) })}
          >
            Acknowledge selected ({chosen.length})
          </button>
          {kind && !isInformation(kind) ? (
            <button type="button" class="button button-secondary" onClick={() => acknowledgeMany({ kind })}>
              Acknowledge every “{ALERT_LABELS[kind]}”
            </button>
          ) : null}
        </div>
      ) : null}
      {needAction.length > 0 ? (
        <Section title="Needs a person" id="alerts-action">
          <ul class="cards" aria-label="Alerts that need a person">
            {needAction.map(card)}
          </ul>
        </Section>
      ) : null}
      {information.length > 0 ? (
        <Section title="For information" id="alerts-information">
          <p class="hint">Stage changes: nothing to do, and not counted in the Alerts badge.</p>
          <ul class="cards" aria-label="Alerts for information">
            {information.map(card)}
          </ul>
        </Section>
      ) : null}
      <p class="hint">
        How alerts reach you by email or text message:{' '}
        <Link to={NOTIFICATION_SETTINGS_PATH}>Notifications</Link>.
        {isStaff(session.role) ? ' Acknowledged alerts are kept for 90 days.' : ''}
      </p>
    </Page>
  );
}
