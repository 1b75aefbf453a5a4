import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { CLINICIAN_EDITABLE_STAGES, FINAL_STAGES, OPEN_STAGES } from '#domain/lifecycle.ts';
import { WithdrawInputSchema } from '#domain/work.ts';
import { useApp } from '../app-context.ts';
import { useAction, useLoad } from '../hooks.ts';
import {
  CLOSURE_REASON_LABELS,
  DAY_PART_LABELS,
  DECLINE_REASON_LABELS,
  formatDate,
  LIVED_EXPERIENCE_LABELS,
  RATING_LABELS,
  SESSION_MODE_LABELS,
  URGENCY_LABELS,
  WEEKDAY_LABELS,
  WORKER_GENDER_PREFERENCE_LABELS,
} from '../labels.ts';
import { navigate } from '../router.ts';
import { useActionForm } from '../ui/action-form.tsx';
import { TextField } from '../ui/fields.tsx';
import { Form } from '../ui/form.tsx';
import {
  Details,
  ErrorNotice,
  flash,
  Link,
  Notice,
  Page,
  PendingPage,
  Section,
  StageBadge,
  SubmitButton,
  UrgencyBadge,
} from '../ui/layout.tsx';
import { allowedEvents, isStaff, type ReferralView, referralTitle, shortId } from '../views.ts';
import { CoordinatorActions } from './coordinator-actions.tsx';
import { ReferralHistory } from './referral-history.tsx';
import { CommunitySection } from './resources.tsx';

/** How a referral ended, if it has: closed (why, and the summary) or declined at triage (why). */
export const outcomeItems = (referral: ReferralView): [string, ComponentChildren][] => [
  ['Closure reason', referral.closure ? CLOSURE_REASON_LABELS[referral.closure.reason] : undefined],
  ['Closure summary', referral.closure?.summary],
  [
    'Declined because',
    referral.declinedReason ? DECLINE_REASON_LABELS[referral.declinedReason.reason] : undefined,
  ],
  ['Decline summary', referral.declinedReason?.summary],
];

/** A referral's status as the referrer and the program see it. */
export function StatusDetails({ referral }: { referral: ReferralView }) {
  return (
    <Details
      items={[
        ['Stage', <StageBadge stage={referral.stage} />],
        ['Urgency', referral.urgency ? URGENCY_LABELS[referral.urgency] : undefined],
        ['Referred', formatDate(referral.createdAt)],
        ['In this stage since', referral.stageEnteredAt ? formatDate(referral.stageEnteredAt) : undefined],
        ['Peer worker', referral.workerFirstName],
        ['Matched', referral.matchedAt ? formatDate(referral.matchedAt) : undefined],
        ['On hold because', referral.holdReason],
        ['Last session', referral.lastSessionAt ? formatDate(referral.lastSessionAt) : undefined],
        ['Closed', referral.closedAt ? formatDate(referral.closedAt) : undefined],
        ...outcomeItems(referral),
        [
          'Consent covers until',
          referral.consentExpiresOn ? formatDate(referral.consentExpiresOn) : undefined,
        ],
        [
          'Re-referral of',
          referral.previousReferralId ? (
            <Link to={`/referrals/${referral.previousReferralId}`}>
              Referral {shortId(referral.previousReferralId)}
            </Link>
          ) : undefined,
        ],
        [
          'May duplicate',
          referral.possibleDuplicateOf ? (
            <Link to={`/referrals/${referral.possibleDuplicateOf}`}>
              Referral {shortId(referral.possibleDuplicateOf)}
            </Link>
          ) : undefined,
        ],
      ]}
    />
  );
}

const yesNo = (value: boolean | undefined) => (value ? 'Yes' : 'No');
const must = (on: boolean | undefined) => (on ? ' (must-have)' : '');

/** A list preference as read: its values (labelled), and whether it is a must-have. */
function listPreference<V extends string>(
  preference: { values: readonly V[]; mustHave?: boolean | undefined } | undefined,
  label: (value: V) => string = (value) => value,
): string | undefined {
  return preference ? preference.values.map(label).join(', ') + must(preference.mustHave) : undefined;
}

/** The referral form as submitted, section by section. */
export function ReferralDetails({ referral }: { referral: ReferralView }) {
  const details = referral.details;
  if (!details) return null;
  const { client, consent, preferences = {}, logistics = {}, safety = {}, referrer } = details;
  return (
    <>
      <Section title="The client" id="details-client">
        <Details
          items={[
            ['Name', `${client.givenName} ${client.familyName}`],
            ['Likes to be called', client.preferredName],
            ['Pronouns', client.pronouns],
            ['Date of birth', formatDate(client.dateOfBirth)],
            ['Neighbourhood', client.neighbourhood],
            ['Language', `${client.language}${client.interpreterNeeded ? ' (interpreter needed)' : ''}`],
            ['Phone', client.phone],
            ['Email', client.email],
            ['Safe to text', yesNo(client.safeToText)],
            ['Safe to leave voicemail', yesNo(client.safeToVoicemail)],
          ]}
        />
      </Section>
      <Section title="Consent and reason" id="details-consent">
        <Details
          items={[
            ['Consent given', `${formatDate(consent.date)}, covers until ${formatDate(consent.expiresOn)}`],
            ['Reason for referral', details.reasonForReferral],
            ['Urgency', URGENCY_LABELS[details.urgency]],
            ['Current supports', details.currentSupports],
          ]}
        />
      </Section>
      <Section title="Goals in the client’s words" id="details-goals">
        <ol class="plain-list">
          {details.goals.map((goal) => (
            <li key={goal.text}>“{goal.text}”</li>
          ))}
        </ol>
      </Section>
      <Section title="Preferences" id="details-preferences">
        <Details
          items={[
            [
              'Shared lived experience',
              listPreference(preferences.livedExperience, (v) => LIVED_EXPERIENCE_LABELS[v]),
            ],
            [
              'Worker’s gender',
              preferences.workerGender
                ? WORKER_GENDER_PREFERENCE_LABELS[preferences.workerGender.value] +
                  must(preferences.workerGender.mustHave)
                : undefined,
            ],
            ['Languages', listPreference(preferences.languages)],
            ['Cultural background', listPreference(preferences.culturalBackground)],
            ['Interests', listPreference(preferences.interests)],
            [
              'Availability',
              (details.availability ?? [])
                .map((slot) => `${WEEKDAY_LABELS[slot.day]} ${DAY_PART_LABELS[slot.part].toLowerCase()}`)
                .join(', '),
            ],
          ]}
        />
      </Section>
      <Section title="Safety and logistics" id="details-safety">
        <Details
          items={[
            ['Risk summary', safety.riskSummary],
            ['Home visit safety', safety.homeVisitSafetyNotes],
            ['Transport', logistics.transportNeeds],
            ['Accessibility', logistics.accessibilityNeeds],
          ]}
        />
      </Section>
      {referrer ? (
        <Section title="Referrer" id="details-referrer">
          <Details
            items={[
              ['Name', referrer.name],
              ['Team and site', `${referrer.team}, ${referrer.site}`],
              ['Phone', referrer.phone],
              ['Email', referrer.email],
            ]}
          />
        </Section>
      ) : null}
    </>
  );
}

/** Goals and sessions, read-only (coordinators). */
export function WorkSummary({ referral }: { referral: ReferralView }) {
  const goals = referral.goals ?? [];
  const sessions = referral.sessions ?? [];
  if (goals.length === 0 && sessions.length === 0) return null;
  return (
    <Section title="Goals and sessions" id="work">
      {goals.length > 0 ? (
        <ul class="plain-list">
          {goals.map((goal) => (
            <li key={goal.id}>
              <strong>{goal.title}</strong> · {RATING_LABELS[String(goal.latestRating)]}
              {goal.achievedAt ? ` · achieved ${formatDate(goal.achievedAt)}` : ''}
            </li>
          ))}
        </ul>
      ) : null}
      {sessions.length > 0 ? (
        <table class="table stack">
          <caption>Sessions</caption>
          <thead>
            <tr>
              <th scope="col">Date</th>
              <th scope="col">Mode</th>
              <th scope="col" class="num">
                Minutes
              </th>
              <th scope="col">Debrief</th>
              <th scope="col">Note</th>
            </tr>
          </thead>
          <tbody>
            {sessions.map((session) => (
              <tr key={session.id}>
                <td data-label="Date">{formatDate(session.date)}</td>
                <td data-label="Mode">{SESSION_MODE_LABELS[session.mode]}</td>
                <td data-label="Minutes" class="num">
                  {session.minutes}
                </td>
                <td data-label="Debrief">{session.debriefNeeded ? 'Asked for' : ''}</td>
                <td data-label="Note">{session.note}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </Section>
  );
}

function WithdrawForm({ referral, onDone }: { referral: ReferralView; onDone: () => void }) {
  const { api } = useApp();
  const action = useActionForm({
    draftName: `withdraw-${referral.id}`,
    initial: () => ({ reason: '' }),
    schema: WithdrawInputSchema,
    toBody: (values) => values,
    send: async (body) => {
      await api.call('withdrawReferral', { params: { id: referral.id }, body });
      flash('Referral withdrawn.');
      onDone();
    },
  });
  return (
    <Form form={action.form} onSubmit={action.submit} label="Withdraw">
      <TextField
        path="reason"
        label="Why are you withdrawing this referral?"
        hint="The coordinator and the worker will read this."
        multiline
        rows={3}
      />
      <ErrorNotice error={action.failure} />
      <SubmitButton secondary>Withdraw referral</SubmitButton>
    </Form>
  );
}

function ClinicianActions({ referral, reload }: { referral: ReferralView; reload: () => void }) {
  const { api, session } = useApp();
  const { failure, run } = useAction();
  const [withdrawing, setWithdrawing] = useState(false);
  const events = allowedEvents(referral, session.role);
  const canCorrect = CLINICIAN_EDITABLE_STAGES.includes(referral.stage);
  const canRerefer = FINAL_STAGES.includes(referral.stage);
  if (!canCorrect && !canRerefer && !events.includes('withdraw')) return null;
  return (
    <Section title="What you can do" id="actions">
      <div class="actions">
        {canCorrect ? (
          <Link to={`/referrals/${referral.id}/edit`} class="button button-secondary">
            Correct the details
          </Link>
        ) : null}
        {canRerefer ? (
          <button
            type="button"
            class="button"
            onClick={() =>
              run(async () => {
                const created = await api.call('rereferReferral', { params: { id: referral.id }, body: {} });
                flash(
                  'Re-referral sent, with the same details. Correct anything that has changed.',
                  `/referrals/${created.id}`,
                );
                navigate(`/referrals/${created.id}`);
              })
            }
          >
            Re-refer this client
          </button>
        ) : null}
        {events.includes('withdraw') && !withdrawing ? (
          <button type="button" class="button button-secondary" onClick={() => setWithdrawing(true)}>
            Withdraw…
          </button>
        ) : null}
      </div>
      {withdrawing ? <WithdrawForm referral={referral} onDone={reload} /> : null}
      <ErrorNotice error={failure} />
    </Section>
  );
}

export function ReferralPage({ id }: { id: string }) {
  const { api, session } = useApp();
  const loaded = useLoad(() => api.call('getReferral', { params: { id } }), [id]);
  const referral = loaded.data;
  const staff = isStaff(session.role);
  const backPath = '/';
  const backLabel = staff ? 'Back to the queue' : 'Back to my referrals';
  if (!referral)
    return <PendingPage title="Referral" back={{ path: backPath, label: backLabel }} loaded={loaded} />;
  return (
    <Page
      title={referralTitle(referral)}
      back={{ path: backPath, label: backLabel }}
      lead={
        <p class="meta">
          <StageBadge stage={referral.stage} /> <UrgencyBadge urgency={referral.urgency} /> Referral{' '}
          {shortId(referral.id)}
        </p>
      }
    >
      <ErrorNotice error={loaded.error} retry={loaded.reload} />
      {referral.possibleDuplicateOf && staff ? (
        <Notice kind="warning">
          This may duplicate an open referral for the same client:{' '}
          <Link to={`/referrals/${referral.possibleDuplicateOf}`}>
            referral {shortId(referral.possibleDuplicateOf)}
          </Link>
          .
        </Notice>
      ) : null}
      <Section title="Where it is now" id="status">
        <StatusDetails referral={referral} />
        {session.role === 'clinician' && OPEN_STAGES.includes(referral.stage) ? (
          <p class="hint">You will get an alert when a worker is matched and when the referral closes.</p>
        ) : null}
      </Section>
      {staff ? <CoordinatorActions referral={referral} onChanged={loaded.reload} /> : null}
      {session.role === 'clinician' ? <ClinicianActions referral={referral} reload={loaded.reload} /> : null}
      {staff ? <WorkSummary referral={referral} /> : null}
      {staff ? <CommunitySection referralId={referral.id} /> : null}
      <ReferralDetails referral={referral} />
      {staff ? <ReferralHistory id={referral.id} version={referral.version} /> : null}
    </Page>
  );
}
