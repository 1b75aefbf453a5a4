import { useState } from 'preact/hooks';
import { useApp } from '../app-context.ts';
import { useLoad } from '../hooks.ts';
import { GENDER_LABELS, LIVED_EXPERIENCE_LABELS, monthName, plural, TRAINING_LABELS } from '../labels.ts';
import { Badge, Details, Link, LoadStatus, Page, PendingPage, Section, ToggleButton } from '../ui/layout.tsx';
import { shortId } from '../views.ts';
import { EditWorkerForm } from './worker-form.tsx';

/** The roster: the region's peer workers and the capacity each has in use; one worker's page. */

function CapacityBar({ used, max }: { used: number; max: number }) {
  const share = max > 0 ? Math.min(1, used / max) : 1;
  const full = used >= max;
  return (
    <span class="capacity">
      <span>
        {used} of {max}
      </span>
      <svg width="80" height="10" aria-hidden="true" class="capacity-bar">
        <rect x="0" y="0" width="80" height="10" rx="3" class="capacity-track" />
        <rect
          x="0"
          y="0"
          width={Math.round(share * 80)}
          height="10"
          rx="3"
          class={full ? 'capacity-full' : 'capacity-used'}
        />
      </svg>
      {full ? <Badge tone="overdue">Full</Badge> : null}
    </span>
  );
}

export function RosterPage() {
  const { api } = useApp();
  const loaded = useLoad(() => api.call('listWorkers', { query: { limit: 100 } }), []);
  const workers = loaded.data?.items ?? [];
  const active = workers.filter((w) => w.active);
  const used = active.reduce((n, w) => n + w.activeCaseload, 0);
  const capacity = active.reduce((n, w) => n + w.maxCaseload, 0);
  return (
    <Page
      title="Roster"
      wide
      lead={
        <p>
          Peer workers in this region and the capacity each has in use.{' '}
          <Link to="/roster/new" class="button">
            Add a worker
          </Link>
        </p>
      }
    >
      <LoadStatus loaded={loaded} />
      {loaded.data ? (
        <p>
          {plural(active.length, 'active worker')}; {used} of {capacity} places in use.
        </p>
      ) : null}
      {workers.length > 0 ? (
        <table class="table stack">
          <caption class="visually-hidden">Peer workers</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Clients</th>
              <th scope="col">Languages</th>
              <th scope="col">Lived experience</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {workers.map((worker) => (
              <tr key={worker.id}>
                <td data-label="Name">
                  <Link to={`/roster/${worker.id}`}>
                    {worker.firstName} {worker.lastName}
                  </Link>
                </td>
                <td data-label="Clients">
                  <CapacityBar used={worker.activeCaseload} max={worker.maxCaseload} />
                </td>
                <td data-label="Languages">{worker.languages.join(', ')}</td>
                <td data-label="Lived experience">
                  {worker.livedExperience.map((area) => LIVED_EXPERIENCE_LABELS[area]).join(', ')}
                </td>
                <td data-label="Status">{worker.active ? 'Active' : <Badge>Not active</Badge>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </Page>
  );
}

export function WorkerPage({ id }: { id: string }) {
  const { api } = useApp();
  const loaded = useLoad(() => api.call('getWorker', { params: { id } }), [id]);
  const worker = loaded.data;
  const [editing, setEditing] = useState(false);
  const back = { path: '/roster', label: 'Back to the roster' };
  if (!worker) return <PendingPage title="Worker" back={back} loaded={loaded} />;
  return (
    <Page title={`${worker.firstName} ${worker.lastName}`} back={back}>
      <Section title="Caseload and minutes" id="caseload">
        <Details
          items={[
            ['Clients', <CapacityBar used={worker.activeCaseload} max={worker.maxCaseload} />],
            ['Status', worker.active ? 'Active' : 'Not active'],
            ['Email', worker.email],
            ['Phone', worker.phone],
            [
              'Paid minutes',
              worker.minutesByMonth?.length
                ? worker.minutesByMonth.map((m) => `${monthName(m.month)}: ${m.minutes}`).join(' · ')
                : 'None yet',
            ],
          ]}
        />
        {worker.clients?.length ? (
          <ul class="plain-list">
            {worker.clients.map((referralId) => (
              <li key={referralId}>
                <Link to={`/referrals/${referralId}`}>Referral {shortId(referralId)}</Link>
              </li>
            ))}
          </ul>
        ) : null}
      </Section>
      <Section
        title="Profile"
        id="profile"
        actions={
          <ToggleButton open={editing} onToggle={() => setEditing(!editing)}>
            {editing ? 'Stop editing' : 'Edit profile'}
          </ToggleButton>
        }
      >
        {editing ? (
          <EditWorkerForm
            worker={worker}
            onSaved={() => {
              setEditing(false);
              void loaded.reload();
            }}
          />
        ) : (
          <Details
            items={[
              ['Gender', `${GENDER_LABELS[worker.gender]}${worker.pronouns ? ` (${worker.pronouns})` : ''}`],
              ['Languages', worker.languages.join(', ')],
              ['Lived experience', worker.livedExperience.map((a) => LIVED_EXPERIENCE_LABELS[a]).join(', ')],
              ['Cultural background', worker.culturalBackground.join(', ')],
              ['Neighbourhoods', worker.neighbourhoods.join(', ')],
              ['Interests', worker.interests.join(', ')],
              ['Training', worker.trainingCompleted.map((t) => TRAINING_LABELS[t]).join(', ')],
              ['Introduction', worker.bio],
            ]}
          />
        )}
      </Section>
    </Page>
  );
}
