import { randomUUID } from 'node:crypto';
import { type ReferralForm, type ReferralInput, ReferralInputSchema } from '#domain/referral.ts';
import type { ProgramRegion } from '#domain/roles.ts';
import { type Timers, timersWith } from '#domain/settings.ts';
import { todayInProgramZone } from '#domain/vocabulary.ts';

/**
 * Fixtures shared by the tests and the bench (one copy each): the referral a clinician submits, and the
 * timers that keep the state machine quiet. No vitest import here: the bench runs outside vitest.
 */

/** Timers long enough never to fire during a test or a bench run (seconds): no overdue alerts. */
export const QUIET_TIMERS: Timers = timersWith({
  triage: 3600,
  match: 3600,
  goals: 3600,
  noSession: 3600,
  closure: 3600,
  holdReview: 3600,
});

/** `YYYY-MM-DD` `days` from today in the program's time zone (negative for the past). */
export function programDate(days: number): string {
  const date = new Date(`${todayInProgramZone()}T12:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

/** The required sections of a referral form: referrer, a new client (a unique family name), consent. */
function requiredSections(region: ProgramRegion): ReferralForm {
  return {
    referrer: {
      name: 'Dr Test Clinician',
      team: 'Community Mental Health',
      site: 'Test Site',
      email: 'clin@example.org',
    },
    client: {
      givenName: 'Alex',
      familyName: `Client-${randomUUID().slice(0, 8)}`,
      dateOfBirth: '1990-04-12',
      phone: '604-555-0100',
      safeToText: true,
      safeToVoicemail: false,
      neighbourhood: 'Kitsilano',
      language: 'English',
      interpreterNeeded: false,
    },
    consent: {
      given: true,
      scope: ['SHARE_WITH_PEER_WORKER', 'CONTACT_CLIENT'],
      date: programDate(-10),
      expiresOn: programDate(355),
    },
    goals: [{ text: 'Get out of the house twice a week' }],
    reasonForReferral: 'Isolated after discharge',
    urgency: 'ROUTINE',
    region,
  };
}

/** A complete, valid referral (parsed by the real schema), with overrides per section. */
export function referralInput(
  overrides: Partial<ReferralForm> = {},
  region: ProgramRegion = 'vancouver',
): ReferralInput {
  return ReferralInputSchema.parse({ ...requiredSections(region), ...overrides });
}

export interface FormOptions {
  givenName?: string;
  familyName?: string;
  /** Put into every free-text field of the form (the PHI canary). */
  text?: string;
  urgency?: 'URGENT' | 'SOON' | 'ROUTINE';
}

/** A complete, valid referral form as a clinician's page sends it (preferences and availability too). */
export function referralForm(region: ProgramRegion, options: FormOptions = {}): ReferralForm {
  const text = options.text;
  const base = requiredSections(region);
  return {
    ...base,
    client: {
      ...base.client,
      ...(options.givenName !== undefined ? { givenName: options.givenName } : {}),
      ...(options.familyName !== undefined ? { familyName: options.familyName } : {}),
      ...(text ? { preferredName: text } : {}),
    },
    goals: [{ text: text ? `${text} wants to get out twice a week` : 'Get out of the house twice a week' }],
    preferences: {
      livedExperience: { values: ['MOOD', 'ANXIETY'], mustHave: false },
      languages: { values: ['English'], mustHave: false },
      ...(text ? { interests: { values: [text], mustHave: false } } : {}),
    },
    availability: [{ day: 'TUE', part: 'AFTERNOON' }],
    ...(text
      ? {
          logistics: { transportNeeds: text, accessibilityNeeds: text },
          safety: { homeVisitSafetyNotes: text, riskSummary: text },
          currentSupports: text,
        }
      : {}),
    reasonForReferral: text ? `${text} is isolated after discharge` : 'Isolated after discharge',
    urgency: options.urgency ?? 'ROUTINE',
  };
}
