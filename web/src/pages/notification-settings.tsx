import { useState } from 'preact/hooks';
import {
  EMAIL_PREFERENCES,
  type EmailPreference,
  SMS_PREFERENCES,
  type SmsPreference,
} from '#domain/notifications.ts';
import { useApp } from '../app-context.ts';
import { useLoad } from '../hooks.ts';
import {
  EMAIL_PREFERENCE_HINTS,
  EMAIL_PREFERENCE_LABELS,
  SMS_PREFERENCE_LABELS,
} from '../notification-labels.ts';
import { reportFailure } from '../ui/action-form.tsx';
import { RadioGroup } from '../ui/fields.tsx';
import { Form } from '../ui/form.tsx';
import { useForm } from '../ui/form-state.ts';
import { ErrorNotice, LoadStatus, Page, SubmitButton } from '../ui/layout.tsx';
import { isStaff } from '../views.ts';

/** How a person hears of their alerts outside PeerPath: `GET/PUT /me/notifications`. */

interface Choices {
  email: string;
  sms: string;
}

export const NOTIFICATION_SETTINGS_PATH = '/settings/notifications';

function PreferencesForm({ initial, hasPhone }: { initial: Choices; hasPhone: boolean }) {
  const { api, session } = useApp();
  const [values, setValues] = useState<Choices>(initial);
  const [saved, setSaved] = useState(false);
  // A change after saving takes the "Saved" away: what is on screen is no longer what is stored.
  const form = useForm<Choices>([
    values,
    (next) => {
      setSaved(false);
      setValues(next);
    },
  ]);
  const [failure, setFailure] = useState<unknown>(undefined);
  const save = async (current: Choices) => {
    setSaved(false);
    setFailure(undefined);
    form.clearErrors();
    try {
      const answer = await api.call('putNotificationPreferences', {
        body: { email: current.email as EmailPreference, sms: current.sms as SmsPreference },
      });
      setValues({ email: answer.email, sms: answer.sms });
      setSaved(true);
    } catch (error) {
      reportFailure(form, setFailure, error);
    }
  };
  return (
    <Form form={form} onSubmit={save} label="Notification preferences">
      <RadioGroup
        path="email"
        legend="Email"
        options={EMAIL_PREFERENCES.map((code) => ({
          value: code,
          label: EMAIL_PREFERENCE_LABELS[code],
          hint: EMAIL_PREFERENCE_HINTS[code],
        }))}
      />
      <RadioGroup
        path="sms"
        legend="Text messages (SMS)"
        hint={
          hasPhone
            ? 'Only for an urgent concern about a client.'
            : 'PeerPath has no mobile number for you, so it cannot text you. Ask your coordinator to add one.'
        }
        disabled={!hasPhone}
        options={SMS_PREFERENCES.map((code) => ({ value: code, label: SMS_PREFERENCE_LABELS[code] }))}
      />
      {isStaff(session.role) ? (
        <p class="hint">
          As a coordinator you get urgent concerns, and their escalation, by email and text message whatever
          you choose here.
        </p>
      ) : null}
      <div role="status" class="flash">
        {saved ? <div class="notice notice-success">Saved. PeerPath will use these from now on.</div> : null}
      </div>
      <ErrorNotice error={failure} />
      <SubmitButton>Save preferences</SubmitButton>
    </Form>
  );
}

export function NotificationSettingsPage() {
  const { api } = useApp();
  const loaded = useLoad(() => api.call('getNotificationPreferences'), []);
  const data = loaded.data;
  return (
    <Page
      title="Notifications"
      lead={
        <>
          <p>
            How PeerPath tells you about alerts when you are not looking at it. Messages never hold a client's
            name or details: they say what happened and link back here.
          </p>
          <p>Alerts always stay in your PeerPath inbox, whatever you choose.</p>
        </>
      }
    >
      <LoadStatus loaded={loaded} />
      {data ? (
        <PreferencesForm initial={{ email: data.email, sms: data.sms }} hasPhone={data.hasPhone} />
      ) : null}
    </Page>
  );
}
