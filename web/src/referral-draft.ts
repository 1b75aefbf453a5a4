import type { ReferralForm } from '#domain/referral.ts';
import type { ProgramRegion } from '#domain/roles.ts';
import { DAY_PARTS, type DayPart, todayInProgramZone, WEEKDAYS, type Weekday } from '#domain/vocabulary.ts';
import type { ReferralView } from './views.ts';

/**
 * The referral form as the page holds it while a clinician types: every field a string or a boolean, so
 * nothing typed is ever rejected by the page itself; `toReferralInput` turns it into the API's body, which
 * the page validates with the API's own `ReferralInputSchema` before sending.
 */

interface ValuesPreference {
  values: string;
  mustHave: boolean;
}

export interface ReferralDraft {
  referrer: { name: string; team: string; site: string; phone: string; email: string };
  client: {
    givenName: string;
    familyName: string;
    preferredName: string;
    pronouns: string;
    dateOfBirth: string;
    phone: string;
    email: string;
    safeToText: boolean;
    safeToVoicemail: boolean;
    neighbourhood: string;
    language: string;
    interpreterNeeded: boolean;
  };
  consent: { given: boolean; scope: string[]; date: string; expiresOn: string };
  reasonForReferral: string;
  urgency: string;
  currentSupports: string;
  goals: { text: string }[];
  preferences: {
    livedExperience: { values: string[]; mustHave: boolean };
    workerGender: { value: string; mustHave: boolean };
    languages: ValuesPreference;
    culturalBackground: ValuesPreference;
    interests: ValuesPreference;
  };
  /** `MON-MORNING` … */
  availability: string[];
  logistics: { transportNeeds: string; accessibilityNeeds: string };
  safety: { riskSummary: string; homeVisitSafetyNotes: string };
  /** The last body sent and its Idempotency-Key: a retry of the same body replays, an edited one does not. */
  sent?: { key: string; body: string };
}

export type ReferrerDraft = ReferralDraft['referrer'];

/** The referral form as stored and sent back in a referral's view. */
export type StoredDetails = NonNullable<ReferralView['details']>;

export function emptyReferralDraft(referrer?: Partial<ReferrerDraft>): ReferralDraft {
  return {
    referrer: { name: '', team: '', site: '', phone: '', email: '', ...referrer },
    client: {
      givenName: '',
      familyName: '',
      preferredName: '',
      pronouns: '',
      dateOfBirth: '',
      phone: '',
      email: '',
      safeToText: false,
      safeToVoicemail: false,
      neighbourhood: '',
      language: 'English',
      interpreterNeeded: false,
    },
    consent: { given: false, scope: [], date: todayInProgramZone(), expiresOn: '' },
    reasonForReferral: '',
    urgency: '',
    currentSupports: '',
    goals: [{ text: '' }],
    preferences: {
      livedExperience: { values: [], mustHave: false },
      workerGender: { value: 'NO_PREFERENCE', mustHave: false },
      languages: { values: '', mustHave: false },
      culturalBackground: { values: '', mustHave: false },
      interests: { values: '', mustHave: false },
    },
    availability: [],
    logistics: { transportNeeds: '', accessibilityNeeds: '' },
    safety: { riskSummary: '', homeVisitSafetyNotes: '' },
  };
}

/** Optional text: omitted when blank (the API wants the field left out, not ""). */
const optional = (value: string): string | undefined => (value.trim() === '' ? undefined : value);

/** "Cantonese, ASL" → ["Cantonese", "ASL"]. */
export const splitList = (value: string): string[] =>
  value
    .split(/[,;\n]/)
    .map((item) => item.trim())
    .filter(Boolean);

export const slotKey = (day: Weekday, part: DayPart): string => `${day}-${part}`;

function slotsOf(keys: readonly string[]): { day: Weekday; part: DayPart }[] {
  const slots: { day: Weekday; part: DayPart }[] = [];
  for (const day of WEEKDAYS) {
    for (const part of DAY_PARTS) if (keys.includes(slotKey(day, part))) slots.push({ day, part });
  }
  return slots;
}

function definedOnly<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function valuesPreference(pref: ValuesPreference) {
  const values = splitList(pref.values);
  return values.length > 0 || pref.mustHave ? { values, mustHave: pref.mustHave } : undefined;
}

/** The API body for a draft (not yet validated). */
export function toReferralInput(draft: ReferralDraft, region: ProgramRegion): ReferralForm {
  const { referrer, client, consent, preferences: prefs } = draft;
  const preferences = definedOnly({
    livedExperience:
      prefs.livedExperience.values.length > 0 || prefs.livedExperience.mustHave
        ? { values: prefs.livedExperience.values, mustHave: prefs.livedExperience.mustHave }
        : undefined,
    workerGender:
      prefs.workerGender.value &&
      (prefs.workerGender.value !== 'NO_PREFERENCE' || prefs.workerGender.mustHave)
        ? { value: prefs.workerGender.value, mustHave: prefs.workerGender.mustHave }
        : undefined,
    languages: valuesPreference(prefs.languages),
    culturalBackground: valuesPreference(prefs.culturalBackground),
    interests: valuesPreference(prefs.interests),
  });
  return definedOnly({
    referrer: definedOnly({
      name: referrer.name,
      team: referrer.team,
      site: referrer.site,
      phone: optional(referrer.phone),
      email: referrer.email,
    }),
    client: definedOnly({
      givenName: client.givenName,
      familyName: client.familyName,
      preferredName: optional(client.preferredName),
      pronouns: optional(client.pronouns),
      dateOfBirth: client.dateOfBirth,
      phone: optional(client.phone),
      email: optional(client.email),
      safeToText: client.safeToText,
      safeToVoicemail: client.safeToVoicemail,
      neighbourhood: client.neighbourhood,
      language: client.language,
      interpreterNeeded: client.interpreterNeeded,
    }),
    consent: { given: consent.given, scope: consent.scope, date: consent.date, expiresOn: consent.expiresOn },
    goals: draft.goals.map((goal) => ({ text: goal.text })),
    preferences,
    availability: slotsOf(draft.availability),
    logistics: definedOnly({
      transportNeeds: optional(draft.logistics.transportNeeds),
      accessibilityNeeds: optional(draft.logistics.accessibilityNeeds),
    }),
    safety: definedOnly({
      riskSummary: optional(draft.safety.riskSummary),
      homeVisitSafetyNotes: optional(draft.safety.homeVisitSafetyNotes),
    }),
    currentSupports: optional(draft.currentSupports),
    reasonForReferral: draft.reasonForReferral,
    urgency: draft.urgency || undefined,
    region,
  }) as ReferralForm;
}

/** A draft from stored details (to correct a referral). */
export function draftFromInput(input: StoredDetails): ReferralDraft {
  const prefs = input.preferences ?? {};
  const referrer = input.referrer ?? { name: '', team: '', site: '', email: '' };
  const joined = (values: readonly string[] | undefined) => (values ?? []).join(', ');
  return {
    referrer: {
      name: referrer.name,
      team: referrer.team,
      site: referrer.site,
      phone: referrer.phone ?? '',
      email: referrer.email,
    },
    client: {
      givenName: input.client.givenName,
      familyName: input.client.familyName,
      preferredName: input.client.preferredName ?? '',
      pronouns: input.client.pronouns ?? '',
      dateOfBirth: input.client.dateOfBirth,
      phone: input.client.phone ?? '',
      email: input.client.email ?? '',
      safeToText: input.client.safeToText,
      safeToVoicemail: input.client.safeToVoicemail,
      neighbourhood: input.client.neighbourhood,
      language: input.client.language,
      interpreterNeeded: input.client.interpreterNeeded,
    },
    consent: {
      given: input.consent.given,
      scope: [...input.consent.scope],
      date: input.consent.date,
      expiresOn: input.consent.expiresOn,
    },
    reasonForReferral: input.reasonForReferral,
    urgency: input.urgency,
    currentSupports: input.currentSupports ?? '',
    goals: input.goals.map((goal) => ({ text: goal.text })),
    preferences: {
      livedExperience: {
        values: [...(prefs.livedExperience?.values ?? [])],
        mustHave: prefs.livedExperience?.mustHave ?? false,
      },
      workerGender: {
        value: prefs.workerGender?.value ?? 'NO_PREFERENCE',
        mustHave: prefs.workerGender?.mustHave ?? false,
      },
      languages: { values: joined(prefs.languages?.values), mustHave: prefs.languages?.mustHave ?? false },
      culturalBackground: {
        values: joined(prefs.culturalBackground?.values),
        mustHave: prefs.culturalBackground?.mustHave ?? false,
      },
      interests: { values: joined(prefs.interests?.values), mustHave: prefs.interests?.mustHave ?? false },
    },
    availability: (input.availability ?? []).map((slot) => slotKey(slot.day, slot.part)),
    logistics: {
      transportNeeds: input.logistics?.transportNeeds ?? '',
      accessibilityNeeds: input.logistics?.accessibilityNeeds ?? '',
    },
    safety: {
      riskSummary: input.safety?.riskSummary ?? '',
      homeVisitSafetyNotes: input.safety?.homeVisitSafetyNotes ?? '',
    },
  };
}

/**
 * zod's messages, made plain for a form: a blank required field says "Required", an unanswered choice
 * "Choose one of the options".
 */
export function friendlyIssues(
  issues: readonly { path: readonly PropertyKey[]; message: string; code?: string }[],
  input: unknown,
): { path: string; message: string }[] {
  return issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    let value: unknown = input;
    for (const part of issue.path)
      value = (value as Record<PropertyKey, unknown> | undefined)?.[part as string];
    const blank = value === undefined || value === '';
    const message = blank
      ? 'Required'
      : issue.message.startsWith('Invalid option')
        ? 'Choose one of the options'
        : issue.message;
    return { path, message };
  });
}
