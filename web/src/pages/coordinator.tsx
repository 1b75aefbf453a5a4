import { useState } from 'preact/hooks';
import { MAX_REPORT_DAYS, ReportQuerySchema } from '#api/schemas.ts';
import { OPEN_STAGES, STAGES } from '#domain/lifecycle.ts';
import {
  CLOSURE_REASONS,
  DAY_PARTS,
  GENDERS,
  LIVED_EXPERIENCE_AREAS,
  SESSION_MODES,
  TRAINING_MODULES,
  todayInProgramZone,
  WEEKDAYS,
} from '#domain/vocabulary.ts';
import { MAX_CASELOAD_LIMIT, WorkerInputSchema, WorkerPatchSchema } from '#domain/worker.ts';
import { useApp } from '../app-context.ts';
import { useLoad } from '../hooks.ts';
import {
  CLOSURE_REASON_LABELS,
  formatDate,
  GENDER_LABELS,
  LIVED_EXPERIENCE_LABELS,
  monthName,
  plural,
  SESSION_MODE_LABELS,
  STAGE_SHORT,
  TRAINING_LABELS,
} from '../labels.ts';
import { slotKey, splitList } from '../referral-draft.ts';
import { navigate } from '../router.ts';
import { optionalText, useActionForm } from '../ui/action-form.tsx';
import { BarChart, PairedBarChart, TScoreChart } from '../ui/charts.tsx';
import {
  CheckboxField,
  CheckboxGroup,
  Form,
  optionsOf,
  SelectField,
  TextField,
  useForm,
} from '../ui/form.tsx';
import {
  Badge,
  Details,
  ErrorNotice,
  flash,
  Link,
  Loading,
  Notice,
  Page,
  Section,
  SubmitButton,
} from '../ui/layout.tsx';
import { type DebriefView, shortId, type WorkerView } from '../views.ts';
import { AvailabilityGrid } from './referral-form.tsx';

// --- the roster -----------------------------------------------------------------------------------------

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
      {loaded.loading && !loaded.data ? <Loading /> : null}
      <ErrorNotice error={loaded.error} retry={loaded.reload} />
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

interface WorkerDraft {
  firstName: string;
  lastName: string;
  email: string;
  phone: string;
  gender: string;
  pronouns: string;
  languages: string;
  culturalBackground: string;
  livedExperience: string[];
  neighbourhoods: string;
  availability: string[];
  interests: string;
  trainingCompleted: string[];
  maxCaseload: string;
  active: boolean;
  bio: string;
}

function emptyWorkerDraft(): WorkerDraft {
  return {
    firstName: '',
    lastName: '',
    email: '',
    phone: '',
    gender: '',
    pronouns: '',
    languages: 'English',
    culturalBackground: '',
    livedExperience: [],
    neighbourhoods: '',
    availability: [],
    interests: '',
    trainingCompleted: [],
    maxCaseload: '6',
    active: true,
    bio: '',
  };
}

function workerDraftFrom(worker: WorkerView): WorkerDraft {
  return {
    firstName: worker.firstName,
    lastName: worker.lastName,
    email: worker.email,
    phone: worker.phone,
    gender: worker.gender,
    pronouns: worker.pronouns ?? '',
    languages: worker.languages.join(', '),
    culturalBackground: worker.culturalBackground.join(', '),
    livedExperience: [...worker.livedExperience],
    neighbourhoods: worker.neighbourhoods.join(', '),
    availability: worker.availability.map((slot) => slotKey(slot.day, slot.part)),
    interests: worker.interests.join(', '),
    trainingCompleted: [...worker.trainingCompleted],
    maxCaseload: String(worker.maxCaseload),
    active: worker.active,
    bio: worker.bio ?? '',
  };
}

function workerBody(values: WorkerDraft) {
  const slots = WEEKDAYS.flatMap((day) =>
    DAY_PARTS.filter((part) => values.availability.includes(slotKey(day, part))).map((part) => ({
      day,
      part,
    })),
  );
  return {
    firstName: values.firstName,
    lastName: values.lastName,
    email: values.email,
    phone: values.phone,
    gender: values.gender || undefined,
    pronouns: optionalText(values.pronouns),
    languages: splitList(values.languages),
    culturalBackground: splitList(values.culturalBackground),
    livedExperience: values.livedExperience,
    neighbourhoods: splitList(values.neighbourhoods),
    availability: slots,
    interests: splitList(values.interests),
    trainingCompleted: values.trainingCompleted,
    maxCaseload: values.maxCaseload.trim() === '' ? undefined : Number(values.maxCaseload),
    active: values.active,
    bio: optionalText(values.bio),
  };
}

function WorkerFields() {
  return (
    <>
      <fieldset class="form-section">
        <legend>
          <h2>Who they are</h2>
        </legend>
        <div class="row">
          <TextField path="firstName" label="First name" />
          <TextField path="lastName" label="Last name" />
        </div>
        <div class="row">
          <TextField path="email" label="Email" type="email" inputMode="email" hint="Their sign-in" />
          <TextField path="phone" label="Phone" type="tel" inputMode="tel" />
        </div>
        <div class="row">
          <SelectField path="gender" label="Gender" options={optionsOf(GENDERS, GENDER_LABELS)} />
          <TextField path="pronouns" label="Pronouns" optional width="short" />
        </div>
        <TextField path="bio" label="A short introduction a client may read" optional multiline rows={3} />
      </fieldset>
      <fieldset class="form-section">
        <legend>
          <h2>What they bring</h2>
        </legend>
        <CheckboxGroup
          path="livedExperience"
          legend="Lived experience (their own, or as a family carer)"
          columns
          options={optionsOf(LIVED_EXPERIENCE_AREAS, LIVED_EXPERIENCE_LABELS)}
        />
        <TextField path="languages" label="Languages" hint="Separate with commas" />
        <TextField
          path="culturalBackground"
          label="Cultural background"
          hint="Separate with commas"
          optional
        />
        <TextField path="interests" label="Interests" hint="Separate with commas" optional />
        <CheckboxGroup
          path="trainingCompleted"
          legend="Training completed"
          optional
          columns
          options={optionsOf(TRAINING_MODULES, TRAINING_LABELS)}
        />
      </fieldset>
      <fieldset class="form-section">
        <legend>
          <h2>Where and when</h2>
        </legend>
        <TextField
          path="neighbourhoods"
          label="Neighbourhoods they can meet in"
          hint="Separate with commas"
          optional
        />
        <AvailabilityGrid
          path="availability"
          legend="When they are usually available"
          hint="Tick every time that suits."
        />
        <TextField
          path="maxCaseload"
          label="Most clients at once"
          hint={`0 to ${MAX_CASELOAD_LIMIT}. Lowering it below today's caseload only stops new matches.`}
          inputMode="numeric"
          width="short"
        />
        <CheckboxField path="active" label="Active: can take new clients" />
      </fieldset>
    </>
  );
}

export function NewWorkerPage() {
  const { api } = useApp();
  const action = useActionForm({
    draftName: 'worker-new',
    initial: emptyWorkerDraft,
    schema: WorkerInputSchema,
    toBody: workerBody,
    send: async (body) => {
      const created = await api.call('createWorker', { body });
      flash(`${created.firstName} was added, with a sign-in for ${created.email}.`, `/roster/${created.id}`);
      navigate(`/roster/${created.id}`);
    },
  });
  return (
    <Page title="Add a worker" back={{ path: '/roster', label: 'Back to the roster' }}>
      <Form form={action.form} onSubmit={action.submit} label="Worker">
        <WorkerFields />
        <ErrorNotice error={action.failure} />
        <SubmitButton>Add worker</SubmitButton>
      </Form>
    </Page>
  );
}

function EditWorkerForm({ worker, onSaved }: { worker: WorkerView; onSaved: () => void }) {
  const { api } = useApp();
  const original = workerBody(workerDraftFrom(worker));
  const action = useActionForm({
    draftName: `worker-${worker.id}-v${worker.version}`,
    initial: () => workerDraftFrom(worker),
    schema: WorkerPatchSchema,
    toBody: (values: WorkerDraft) => {
      const next = workerBody(values);
      const changed = Object.fromEntries(
        Object.entries(next).filter(
          ([key, value]) => JSON.stringify(value) !== JSON.stringify(original[key as keyof typeof original]),
        ),
      );
      return { ...changed, version: worker.version };
    },
    send: async (body) => {
      await api.call('correctWorker', { params: { id: worker.id }, body });
      flash('Changes saved.');
      onSaved();
    },
  });
  return (
    <Form form={action.form} onSubmit={action.submit} label="Edit worker">
      <WorkerFields />
      <ErrorNotice error={action.failure} />
      <SubmitButton>Save changes</SubmitButton>
    </Form>
  );
}

export function WorkerPage({ id }: { id: string }) {
  const { api } = useApp();
  const loaded = useLoad(() => api.call('getWorker', { params: { id } }), [id]);
  const worker = loaded.data;
  const [editing, setEditing] = useState(false);
  const back = { path: '/roster', label: 'Back to the roster' };
  if (!worker) {
    return (
      <Page title="Worker" back={back}>
        {loaded.loading ? <Loading /> : null}
        <ErrorNotice error={loaded.error} retry={loaded.reload} />
      </Page>
    );
  }
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
          <button
            type="button"
            class="button button-secondary"
            aria-expanded={editing}
            onClick={() => setEditing(!editing)}
          >
            {editing ? 'Stop editing' : 'Edit profile'}
          </button>
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

// --- debriefs -------------------------------------------------------------------------------------------

export function DebriefsPage() {
  const { api } = useApp();
  const [showDone, setShowDone] = useState(false);
  const loaded = useLoad(async () => {
    const [debriefs, workers] = await Promise.all([
      api.call('listDebriefs', { query: { limit: 100, ...(showDone ? {} : { done: 'false' }) } }),
      api.call('listWorkers', { query: { limit: 100 } }).catch(() => ({ items: [] as WorkerView[] })),
    ]);
    return {
      debriefs: debriefs.items,
      names: new Map(workers.items.map((w) => [w.id, `${w.firstName} ${w.lastName}`])),
    };
  }, [showDone]);
  const [failure, setFailure] = useState<unknown>(undefined);
  const now = new Date().toISOString();
  const complete = async (debrief: DebriefView) => {
    setFailure(undefined);
    try {
      await api.call('completeDebrief', { params: { id: debrief.id } });
      flash('Debrief marked done.');
      await loaded.reload();
    } catch (error) {
      setFailure(error);
    }
  };
  const items = [...(loaded.data?.debriefs ?? [])].sort((a, b) => a.dueAt.localeCompare(b.dueAt));
  return (
    <Page
      title="Debriefs to follow up"
      lead={<p>Workers who asked for a supervision debrief after a session, soonest due first.</p>}
    >
      <div class="toolbar">
        <div class="checkbox">
          <input
            type="checkbox"
            id="show-done"
            checked={showDone}
            onChange={(event) => setShowDone((event.currentTarget as HTMLInputElement).checked)}
          />
          <label for="show-done">Include debriefs already done</label>
        </div>
      </div>
      {loaded.loading && !loaded.data ? <Loading /> : null}
      <ErrorNotice error={loaded.error ?? failure} retry={loaded.reload} />
      {loaded.data && items.length === 0 ? <p>No debrief to follow up.</p> : null}
      <ul class="cards" aria-label="Debriefs">
        {items.map((debrief) => {
          const overdue = !debrief.done && debrief.dueAt < now;
          const headingId = `debrief-${debrief.id}`;
          return (
            <li key={debrief.id} class={`card${overdue ? ' card-overdue' : ''}`} aria-labelledby={headingId}>
              <div class="card-head">
                <h2 id={headingId} class="card-title">
                  {loaded.data?.names.get(debrief.workerId) ?? 'A worker'}
                </h2>
                {overdue ? <Badge tone="overdue">Overdue</Badge> : null}
                {debrief.done ? <Badge tone="done">Done</Badge> : null}
              </div>
              <p class="meta">
                Due {formatDate(debrief.dueAt)} ·{' '}
                <Link to={`/referrals/${debrief.referralId}`}>Referral {shortId(debrief.referralId)}</Link>
                {debrief.doneAt ? ` · done ${formatDate(debrief.doneAt)}` : ''}
              </p>
              {debrief.done ? null : (
                <button type="button" class="button button-secondary" onClick={() => complete(debrief)}>
                  Mark debrief done
                  <span class="visually-hidden">
                    {' '}
                    for {loaded.data?.names.get(debrief.workerId) ?? 'this worker'}
                  </span>
                </button>
              )}
            </li>
          );
        })}
      </ul>
    </Page>
  );
}

// --- the summary report ---------------------------------------------------------------------------------

function daysBefore(date: string, days: number): string {
  const at = new Date(`${date}T12:00:00Z`);
  at.setUTCDate(at.getUTCDate() - days);
  return at.toISOString().slice(0, 10);
}

export function ReportPage() {
  const { api } = useApp();
  const today = todayInProgramZone();
  const [range, setRange] = useState({ from: daysBefore(today, 90), to: today });
  const form = useForm(useState(range));
  const loaded = useLoad(() => api.call('reportSummary', { query: range }), [range.from, range.to]);
  const report = loaded.data;
  const minutesByWorker = new Map<string, { label: string; value: number }>();
  for (const row of report?.minutesByWorkerMonth ?? []) {
    const entry = minutesByWorker.get(row.workerId) ?? {
      label: row.firstName ?? `Worker ${shortId(row.workerId)}`,
      value: 0,
    };
    entry.value += row.minutes;
    minutesByWorker.set(row.workerId, entry);
  }
  return (
    <Page
      title="Summary report"
      wide
      lead={<p>How referrals flowed through the program in a period (at most {MAX_REPORT_DAYS} days).</p>}
    >
      <Form
        form={form}
        label="Report period"
        class="form form-inline"
        onSubmit={(values) => {
          const parsed = ReportQuerySchema.safeParse(values);
          if (!parsed.success) {
            form.showErrors(parsed.error.issues);
            return;
          }
          form.clearErrors();
          setRange(values);
        }}
      >
        <TextField path="from" label="From" type="date" width="medium" />
        <TextField path="to" label="To" type="date" width="medium" />
        <SubmitButton secondary>Show</SubmitButton>
      </Form>
      {loaded.loading && !report ? <Loading what="Counting" /> : null}
      <ErrorNotice error={loaded.error} retry={loaded.reload} />
      {report ? (
        <>
          <p class="summary-line">
            {formatDate(report.from)} to {formatDate(report.to)}:{' '}
            <strong>{plural(report.created, 'referral')}</strong> made, <strong>{report.closed}</strong>{' '}
            closed.
          </p>
          <div class="charts">
            <BarChart
              id="chart-stage"
              title="Where this period’s referrals are now"
              unit="Referrals"
              data={STAGES.filter((s) => (report.byStage[s] ?? 0) > 0 || OPEN_STAGES.includes(s)).map(
                (stage) => ({
                  label: STAGE_SHORT[stage],
                  value: report.byStage[stage] ?? 0,
                }),
              )}
            />
            <PairedBarChart
              id="chart-waits"
              title="Waiting times (days)"
              unit="days"
              firstName="Median"
              secondName="90th percentile"
              rows={[
                {
                  label: `To a match (${report.daysToMatch.count})`,
                  first: report.daysToMatch.medianDays,
                  second: report.daysToMatch.p90Days,
                },
                {
                  label: `To closure (${report.daysToClosure.count})`,
                  first: report.daysToClosure.medianDays,
                  second: report.daysToClosure.p90Days,
                },
              ]}
            />
            <BarChart
              id="chart-closures"
              title="Closure reasons"
              unit="Referrals"
              data={CLOSURE_REASONS.filter((r) => (report.closureReasons[r] ?? 0) > 0).map((reason) => ({
                label: CLOSURE_REASON_LABELS[reason],
                value: report.closureReasons[reason] ?? 0,
              }))}
              empty="No referral closed in this period."
            />
            <BarChart
              id="chart-modes"
              title="Sessions by mode"
              unit="Sessions"
              data={SESSION_MODES.filter((m) => (report.sessionsByMode[m] ?? 0) > 0).map((mode) => ({
                label: SESSION_MODE_LABELS[mode],
                value: report.sessionsByMode[mode] ?? 0,
              }))}
              empty="No session logged in this period."
            />
            <BarChart
              id="chart-minutes"
              title="Paid minutes per worker"
              unit="Minutes"
              data={[...minutesByWorker.values()].sort((a, b) => b.value - a.value)}
              empty="No minutes in this period."
            />
            <TScoreChart
              id="chart-attainment"
              title="Goal attainment at closure (T-score)"
              scores={report.tScores.map((t) => ({
                label: `Referral ${shortId(t.referralId)} (${formatDate(t.closedAt)})`,
                value: t.tScore,
              }))}
            />
          </div>
          {report.minutesByWorkerMonth.length > 0 ? (
            <details class="section">
              <summary>Paid minutes per worker and month</summary>
              <table class="table">
                <caption class="visually-hidden">Paid minutes per worker and month</caption>
                <thead>
                  <tr>
                    <th scope="col">Worker</th>
                    <th scope="col">Month</th>
                    <th scope="col" class="num">
                      Minutes
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {report.minutesByWorkerMonth.map((row) => (
                    <tr key={`${row.workerId}-${row.month}`}>
                      <th scope="row">{row.firstName ?? `Worker ${shortId(row.workerId)}`}</th>
                      <td>{monthName(row.month)}</td>
                      <td class="num">{row.minutes}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </details>
          ) : null}
          <Notice>
            T-scores use the Kiresuk–Sherman formula (equal weights, ρ = 0.3): 50 means the goals were reached
            as expected.
          </Notice>
        </>
      ) : null}
    </Page>
  );
}
