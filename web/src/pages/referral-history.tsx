import { useApp } from '../app-context.ts';
import { useLoad } from '../hooks.ts';
import { EVENT_LABELS, formatDateTime, ROLE_LABELS, STAGE_SHORT } from '../labels.ts';
import { LoadStatus, Section } from '../ui/layout.tsx';

/** A referral's history as staff see it: each move, who made it, and which fields a correction changed. */

/** `SESSION_CORRECTED` → "Session corrected". */
export function humanize(code: string): string {
  const words = code.replace(/[_-]+/g, ' ').trim().toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function ReferralHistory({ id, version }: { id: string; version: number }) {
  const { api } = useApp();
  const loaded = useLoad(
    () => api.call('referralHistory', { params: { id }, query: { limit: 100 } }),
    [id, version],
  );
  const items = loaded.data?.items ?? [];
  const stage = (value: string | undefined) =>
    value && value in STAGE_SHORT ? STAGE_SHORT[value as keyof typeof STAGE_SHORT] : undefined;
  return (
    <Section title="History" id="history">
      <LoadStatus loaded={loaded} />
      {loaded.data && items.length === 0 ? <p class="muted">No history yet.</p> : null}
      <ol class="timeline">
        {items.map((event) => {
          const from = stage(event.from);
          const to = stage(event.to);
          return (
            <li key={event.id}>
              <span class="timeline-when">{formatDateTime(event.at)}</span>{' '}
              <strong>{event.event ? EVENT_LABELS[event.event] : humanize(event.kind ?? 'Change')}</strong>
              {from && to && from !== to ? ` · ${from} → ${to}` : to && !from ? ` · ${to}` : ''}
              {event.role ? ` · by the ${ROLE_LABELS[event.role].toLowerCase()}` : ''}
              {event.fields?.length ? ` · changed ${event.fields.join(', ')}` : ''}
            </li>
          );
        })}
      </ol>
    </Section>
  );
}
