import { useState } from 'preact/hooks';
import { todayInProgramZone } from '#domain/vocabulary.ts';
import { useApp } from '../app-context.ts';
import { useAction, useLoad } from '../hooks.ts';
import { formatDate } from '../labels.ts';
import { ErrorNotice, flash, Link, LoadStatus, Page, Section } from '../ui/layout.tsx';
import { isStaff } from '../views.ts';

/**
 * Peer support groups: coordinators start groups and keep rosters; a facilitating worker sees their groups
 * and logs a meeting with a checklist of the roster (first names and short references only).
 */

const WEEKDAY_NAMES: Record<string, string> = {
  MON: 'Monday',
  TUE: 'Tuesday',
  WED: 'Wednesday',
  THU: 'Thursday',
  FRI: 'Friday',
  SAT: 'Saturday',
  SUN: 'Sunday',
};
const ORDINALS: Record<number, string> = { 1: 'first', 2: 'second', 3: 'third', 4: 'fourth', [-1]: 'last' };

export function scheduleText(schedule: {
  frequency: string;
  weekday: string;
  weekOfMonth?: number;
  time: string;
}) {
  const day = WEEKDAY_NAMES[schedule.weekday] ?? schedule.weekday;
  return schedule.frequency === 'WEEKLY'
    ? `Weekly, ${day}, ${schedule.time}`
    : `Monthly, ${ORDINALS[schedule.weekOfMonth ?? 1]} ${day}, ${schedule.time}`;
}

export function GroupsPage() {
  const { api, session } = useApp();
  const loaded = useLoad(() => api.call('listGroups', { query: { limit: 100 } }), []);
  const staff = isStaff(session.role);
  return (
    <Page
      title={staff ? 'Peer support groups' : 'My groups'}
      lead={<p>{staff ? "The region's groups and their next meetings." : 'The groups you facilitate.'}</p>}
    >
      <LoadStatus loaded={loaded} />
      {loaded.data && loaded.data.items.length === 0 ? <p>No group yet.</p> : null}
      <ul class="cards" aria-label="Groups">
        {(loaded.data?.items ?? []).map((group) => (
          <li key={group.id} class="card" aria-labelledby={`group-${group.id}`}>
            <h2 id={`group-${group.id}`} class="card-title">
              <Link to={`/groups/${group.id}`}>{group.name}</Link>
            </h2>
            <p class="meta">
              {scheduleText(group.schedule)} · {group.place} · {group.memberCount} of {group.capacity} members
            </p>
            {group.nextMeetings[0] ? <p>Next meeting: {formatDate(group.nextMeetings[0].date)}</p> : null}
          </li>
        ))}
      </ul>
      {staff ? <NewGroupForm onCreated={loaded.reload} /> : null}
    </Page>
  );
}

function NewGroupForm({ onCreated }: { onCreated: () => Promise<void> | void }) {
  const { api } = useApp();
  const workers = useLoad(() => api.call('listWorkers', { query: { limit: 100, active: 'true' } }), []);
  const { failure, run } = useAction();
  const [name, setName] = useState('');
  const [place, setPlace] = useState('');
  const [facilitator, setFacilitator] = useState('');
  const [weekday, setWeekday] = useState('THU');
  const [time, setTime] = useState('18:00');
  const submit = (event: Event) => {
    event.preventDefault();
    void run(async () => {
      await api.call('createGroup', {
        body: {
          name,
          place: place || 'ONLINE',
          facilitators: [facilitator],
          schedule: { frequency: 'MONTHLY', weekday: weekday as 'THU', weekOfMonth: 1, time },
          capacity: 12,
          active: true,
        },
      });
      flash('Group created.');
      setName('');
      await onCreated();
    });
  };
  return (
    <Section title="Start a group">
      <form onSubmit={submit} class="form-body">
        <ErrorNotice error={failure} />
        <div class="field">
          <label for="group-name">Name</label>
          <input
            id="group-name"
            class="input"
            value={name}
            onInput={(e) => setName(e.currentTarget.value)}
            required
          />
        </div>
        <div class="field">
          <label for="group-place">Place (or ONLINE)</label>
          <input
            id="group-place"
            class="input"
            value={place}
            onInput={(e) => setPlace(e.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="group-facilitator">Facilitator</label>
          <select
            id="group-facilitator"
            class="input"
            value={facilitator}
            onChange={(e) => setFacilitator(e.currentTarget.value)}
            required
          >
            <option value="">Choose a worker</option>
            {(workers.data?.items ?? []).map((w) => (
              <option key={w.id} value={w.id}>
                {w.firstName} {w.lastName}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="group-weekday">Meets monthly, on the first</label>
          <select
            id="group-weekday"
            class="input input-medium"
            value={weekday}
            onChange={(e) => setWeekday(e.currentTarget.value)}
          >
            {Object.entries(WEEKDAY_NAMES).map(([code, label]) => (
              <option key={code} value={code}>
                {label}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="group-time">At (America/Vancouver)</label>
          <input
            id="group-time"
            class="input input-short"
            type="time"
            value={time}
            onInput={(e) => setTime(e.currentTarget.value)}
          />
        </div>
        <button type="submit" class="button">
          Create group
        </button>
      </form>
    </Section>
  );
}

export function GroupPage({ id }: { id: string }) {
  const { api } = useApp();
  const loaded = useLoad(async () => {
    const [group, meetings] = await Promise.all([
      api.call('getGroup', { params: { id } }),
      api.call('listMeetings', { params: { id }, query: { limit: 10 } }),
    ]);
    return { group, meetings: meetings.items };
  }, [id]);
  const group = loaded.data?.group;
  return (
    <Page title={group?.name ?? 'Group'} back={{ path: '/groups', label: 'Groups' }}>
      <LoadStatus loaded={loaded} />
      {group ? (
        <>
          <p class="meta">
            {scheduleText(group.schedule)} · {group.place}
          </p>
          <Section title="Next meetings">
            <ul>
              {group.nextMeetings.map((m) => (
                <li key={m.date}>
                  {formatDate(m.date)} at {m.time}
                </li>
              ))}
            </ul>
          </Section>
          <Section title={`Roster (${group.memberCount} of ${group.capacity})`} id="roster">
            <ul>
              {(group.members ?? []).map((m) => (
                <li key={m.referralId}>
                  {m.firstName} <span class="meta">({m.shortRef})</span>
                </li>
              ))}
            </ul>
          </Section>
          <MeetingForm
            groupId={group.id}
            facilitators={group.facilitators}
            members={group.members ?? []}
            onLogged={loaded.reload}
          />
          <Section title="Meetings">
            {loaded.data?.meetings.length === 0 ? <p>No meeting logged yet.</p> : null}
            <ul>
              {(loaded.data?.meetings ?? []).map((m) => (
                <li key={m.id}>
                  {formatDate(m.date)} · {m.minutes} minutes · {m.attendance.filter((a) => a.present).length}{' '}
                  present
                </li>
              ))}
            </ul>
          </Section>
        </>
      ) : null}
    </Page>
  );
}

function MeetingForm({
  groupId,
  facilitators,
  members,
  onLogged,
}: {
  groupId: string;
  facilitators: string[];
  members: { referralId: string; firstName: string; shortRef: string }[];
  onLogged: () => Promise<void> | void;
}) {
  const { api, session } = useApp();
  const { failure, run } = useAction();
  const [date, setDate] = useState(todayInProgramZone());
  const [minutes, setMinutes] = useState('90');
  const [present, setPresent] = useState<Set<string>>(new Set());
  const toggle = (referralId: string) => {
    const next = new Set(present);
    if (next.has(referralId)) next.delete(referralId);
    else next.add(referralId);
    setPresent(next);
  };
  const submit = (event: Event) => {
    event.preventDefault();
    void run(async () => {
      await api.call('logMeeting', {
        params: { id: groupId },
        body: {
          date,
          minutes: Number(minutes),
          facilitators: facilitators.includes(session.sub) ? [session.sub] : facilitators.slice(0, 1),
          attendance: members.map((m) => ({ referralId: m.referralId, present: present.has(m.referralId) })),
        },
      });
      flash('Meeting logged.');
      setPresent(new Set());
      await onLogged();
    });
  };
  return (
    <Section title="Log a meeting">
      <form onSubmit={submit} class="form-body" aria-label="Log a meeting">
        <ErrorNotice error={failure} />
        <div class="field">
          <label for="meeting-date">Date</label>
          <input
            id="meeting-date"
            class="input input-medium"
            type="date"
            value={date}
            max={todayInProgramZone()}
            onInput={(e) => setDate(e.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="meeting-minutes">Minutes</label>
          <input
            id="meeting-minutes"
            class="input input-short"
            type="number"
            min={1}
            max={480}
            value={minutes}
            onInput={(e) => setMinutes(e.currentTarget.value)}
          />
        </div>
        <fieldset class="form-section">
          <legend>Who came</legend>
          {members.length === 0 ? <p>The roster is empty.</p> : null}
          {members.map((m) => (
            <div class="checkbox" key={m.referralId}>
              <input
                id={`present-${m.referralId}`}
                type="checkbox"
                checked={present.has(m.referralId)}
                onChange={() => toggle(m.referralId)}
              />
              <label for={`present-${m.referralId}`}>
                {m.firstName} ({m.shortRef})
              </label>
            </div>
          ))}
        </fieldset>
        <button type="submit" class="button">
          Log meeting
        </button>
      </form>
    </Section>
  );
}
