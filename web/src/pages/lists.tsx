import { useState } from 'preact/hooks';
import { ASSIGNED_STAGES, OPEN_STAGES, type Stage, waitFor } from '#domain/lifecycle.ts';
import { DEFAULT_TIMERS } from '#domain/settings.ts';
import { useApp } from '../app-context.ts';
import { useLoad } from '../hooks.ts';
import { daysSince, formatDate, plural, STAGE_LABELS, STAGE_SHORT } from '../labels.ts';
import {
  Badge,
  Details,
  Link,
  LoadStatus,
  Notice,
  Page,
  Section,
  StageBadge,
  UrgencyBadge,
} from '../ui/layout.tsx';
import { type AlertView, clientName, type ReferralView, referralTitle, shortId } from '../views.ts';
import { outcomeItems } from './referral-page.tsx';

// --- clinician: my referrals ----------------------------------------------------------------------------

function ReferralCard({ referral }: { referral: ReferralView }) {
  const headingId = `ref-${referral.id}`;
  return (
    <li class="card" aria-labelledby={headingId}>
      <div class="card-head">
        <h2 id={headingId} class="card-title">
          <Link to={`/referrals/${referral.id}`}>{referralTitle(referral)}</Link>
        </h2>
        <StageBadge stage={referral.stage} />
      </div>
      <Details
        items={[
          ['Referred', formatDate(referral.createdAt)],
          ['Peer worker', referral.workerFirstName],
          ...outcomeItems(referral),
        ]}
      />
    </li>
  );
}

export function MyReferralsPage() {
  const { api } = useApp();
  const loaded = useLoad(() => api.call('listReferrals', { query: { limit: 100 } }), []);
  const items = loaded.data?.items ?? [];
  const sorted = [...items].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  return (
    <Page
      title="My referrals"
      lead={
        <p>
          Where each client you referred is now, who their peer worker is, and how it ended.{' '}
          <Link to="/referrals/new" class="button">
            Refer a client
          </Link>
        </p>
      }
    >
      <LoadStatus loaded={loaded} />
      {loaded.data && items.length === 0 ? <p>You have not referred anyone yet.</p> : null}
      <ul class="cards" aria-label="Referrals">
        {sorted.map((referral) => (
          <ReferralCard key={referral.id} referral={referral} />
        ))}
      </ul>
    </Page>
  );
}

// --- coordinator: the queue -----------------------------------------------------------------------------

/**
 * Overdue: the workflow raised this stage's overdue alert since the referral entered it, or it has waited
 * longer than the program's default for the stage (a region may set its own; its alerts then decide).
 */
export function overdueIn(referral: ReferralView, alerts: readonly AlertView[], now = Date.now()): boolean {
  const wait = waitFor(referral.stage);
  if (!wait) return false;
  const since = referral.stageEnteredAt ?? referral.updatedAt;
  const alerted = alerts.some(
    (alert) =>
      alert.referralId === referral.id && alert.kind === wait.overdueAlert && alert.createdAt >= since,
  );
  return alerted || now - Date.parse(since) > DEFAULT_TIMERS[wait.timer] * 1000;
}

function QueueTable({
  stage,
  items,
  alerts,
}: {
  stage: Stage;
  items: readonly ReferralView[];
  alerts: readonly AlertView[];
}) {
  const assigned = ASSIGNED_STAGES.includes(stage);
  if (items.length === 0) {
    return (
      <section class="section section-empty" aria-labelledby={`stage-${stage.toLowerCase()}-heading`}>
        <h2 id={`stage-${stage.toLowerCase()}-heading`}>{STAGE_SHORT[stage]} (0)</h2>
        <p class="muted">Nothing waiting here.</p>
      </section>
    );
  }
  return (
    <Section title={`${STAGE_SHORT[stage]} (${items.length})`} id={`stage-${stage.toLowerCase()}`}>
      {
        <table class="table stack">
          <caption class="visually-hidden">{STAGE_LABELS[stage]}: most urgent, then oldest, first</caption>
          <thead>
            <tr>
              <th scope="col">Client</th>
              <th scope="col">Urgency</th>
              <th scope="col">Referred</th>
              <th scope="col">In this stage</th>
              {assigned ? <th scope="col">Worker</th> : null}
            </tr>
          </thead>
          <tbody>
            {items.map((referral) => {
              const overdue = overdueIn(referral, alerts);
              const days = daysSince(referral.stageEnteredAt ?? referral.createdAt) ?? 0;
              return (
                <tr key={referral.id} class={overdue ? 'overdue' : undefined}>
                  <td data-label="Client">
                    <Link to={`/referrals/${referral.id}`}>
                      {clientName(referral) ?? `Referral ${shortId(referral.id)}`}
                    </Link>
                  </td>
                  <td data-label="Urgency">
                    <UrgencyBadge urgency={referral.urgency} />
                  </td>
                  <td data-label="Referred">{formatDate(referral.createdAt)}</td>
                  <td data-label="In this stage">
                    <span>
                      {plural(days, 'day')} {overdue ? <Badge tone="overdue">Overdue</Badge> : null}
                    </span>
                  </td>
                  {assigned ? <td data-label="Worker">{referral.workerFirstName ?? ''}</td> : null}
                </tr>
              );
            })}
          </tbody>
        </table>
      }
    </Section>
  );
}

export function QueuePage() {
  const { api } = useApp();
  const [filter, setFilter] = useState<Stage | 'ALL'>('ALL');
  const loaded = useLoad(async () => {
    const [lists, alerts] = await Promise.all([
      Promise.all(OPEN_STAGES.map((stage) => api.call('listReferrals', { query: { stage, limit: 100 } }))),
      api.call('listAlerts', { query: { limit: 100 } }).catch(() => ({ items: [] as AlertView[] })),
    ]);
    return {
      byStage: OPEN_STAGES.map((stage, i) => ({ stage, items: lists[i]?.items ?? [] })),
      alerts: alerts.items,
    };
  }, []);
  const data = loaded.data;
  const overdueCount = data
    ? data.byStage.reduce((n, group) => n + group.items.filter((r) => overdueIn(r, data.alerts)).length, 0)
    : 0;
  return (
    <Page
      title="Referral queue"
      wide
      lead={<p>Open referrals by stage, the most urgent and then the oldest first.</p>}
    >
      <LoadStatus loaded={loaded} />
      {data ? (
        <>
          <div class="toolbar">
            <label for="stage-filter" class="label-inline">
              Show
            </label>
            <select
              id="stage-filter"
              class="select"
              value={filter}
              onChange={(event) =>
                setFilter((event.currentTarget as HTMLSelectElement).value as Stage | 'ALL')
              }
            >
              <option value="ALL">Every open stage</option>
              {data.byStage.map((group) => (
                <option key={group.stage} value={group.stage}>
                  {STAGE_SHORT[group.stage]} ({group.items.length})
                </option>
              ))}
            </select>
            <button type="button" class="button button-secondary" onClick={loaded.reload}>
              Refresh
            </button>
          </div>
          {overdueCount > 0 ? (
            <Notice kind="warning">{plural(overdueCount, 'referral is', 'referrals are')} overdue.</Notice>
          ) : null}
          {data.byStage
            .filter((group) => filter === 'ALL' || group.stage === filter)
            .map((group) => (
              <QueueTable key={group.stage} stage={group.stage} items={group.items} alerts={data.alerts} />
            ))}
        </>
      ) : null}
    </Page>
  );
}
