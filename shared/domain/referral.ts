import { createHash } from 'node:crypto';
import * as z from 'zod/mini';
import type { Stage } from './lifecycle.ts';
import { type ProgramRegion, ProgramRegionSchema } from './roles.ts';
import {
  AvailabilitySchema,
  type ClosureReason,
  CONSENT_SCOPES,
  ConsentScopeSchema,
  type DeclineReason,
  EmailSchema,
  IsoDateSchema,
  isIsoDate,
  LanguageSchema,
  LIVED_EXPERIENCE_AREAS,
  LivedExperienceAreaSchema,
  PhoneSchema,
  requiredText,
  strictObject,
  todayInProgramZone,
  UrgencySchema,
  uniqueArray,
  WorkerGenderPreferenceSchema,
  yearsBetween,
} from './vocabulary.ts';

/**
 * The referral form a clinician submits, and the stored referral.
 *
 * Time-relative rules (date of birth in the past, consent not expired, …) are checked against "today" in the
 * program's time zone when a form is submitted or corrected. Stored details are not re-validated with these
 * schemas: a consent that was valid at submission may expire later (that raises an alert, not an error).
 */

export const MIN_CLIENT_AGE = 16;
export const MAX_CLIENT_AGE = 120;

// ---------------------------------------------------------------------------------------------------------
// Sections (each replaceable on its own by a correction)
// ---------------------------------------------------------------------------------------------------------

/** The referring clinician as the client and worker will know them. Their id comes from the token. */
export const ReferrerSchema = strictObject({
  name: requiredText(120).check(
    z.describe('The referring clinician’s name as the client and worker will know it'),
  ),
  team: requiredText(120).check(z.describe('The clinician’s team')),
  site: requiredText(120).check(z.describe('The clinic or hospital site')),
  phone: z.optional(PhoneSchema.check(z.describe('A phone number the program can call the clinician on'))),
  email: EmailSchema.check(z.describe('Where the program writes to the clinician (match made, closure)')),
}).check(z.describe('The referring clinician; their account comes from the token'));

export const ClientSchema = strictObject({
  givenName: requiredText(80).check(z.describe('The client’s given name')),
  familyName: requiredText(80).check(z.describe('The client’s family name')),
  preferredName: z.optional(requiredText(80).check(z.describe('The name the client likes to be called'))),
  pronouns: z.optional(requiredText(40).check(z.describe('The client’s pronouns, as they give them'))),
  dateOfBirth: IsoDateSchema.check(z.describe('YYYY-MM-DD, in the past; the client is 16 to 120 years old')),
  phone: z.optional(
    PhoneSchema.check(z.describe('The client’s phone; needed when texts or voicemail are safe')),
  ),
  email: z.optional(EmailSchema.check(z.describe('The client’s email address'))),
  /** The client agrees to texts on `phone` (someone else may read their messages). */
  safeToText: z
    .boolean()
    .check(z.describe('The client agrees to texts on `phone` (someone else may read them)')),
  safeToVoicemail: z.boolean().check(z.describe('A voicemail may be left on `phone`')),
  neighbourhood: requiredText(80).check(z.describe('Where the client lives (for matching a nearby worker)')),
  /** Preferred language. */
  language: LanguageSchema.check(z.describe('The client’s preferred language, by name or code')),
  interpreterNeeded: z.boolean().check(z.describe('An interpreter is needed to meet the client')),
}).check(
  z.superRefine((client, ctx) => {
    // Zod runs object refinements even when a field failed its own check: judge only well-formed dates.
    if (isIsoDate(client.dateOfBirth)) {
      const today = todayInProgramZone();
      const age = yearsBetween(client.dateOfBirth, today);
      if (client.dateOfBirth >= today) {
        ctx.addIssue({ code: 'custom', path: ['dateOfBirth'], message: 'Must be in the past' });
      } else if (age < MIN_CLIENT_AGE || age > MAX_CLIENT_AGE) {
        ctx.addIssue({
          code: 'custom',
          path: ['dateOfBirth'],
          message: `The client must be ${MIN_CLIENT_AGE} to ${MAX_CLIENT_AGE} years old`,
        });
      }
    }
    if ((client.safeToText || client.safeToVoicemail) && client.phone === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['phone'],
        message: 'A phone number is needed when it is safe to text or leave voicemail',
      });
    }
  }),
);

const REQUIRED_CONSENT_SCOPES = ['SHARE_WITH_PEER_WORKER', 'CONTACT_CLIENT'] as const;

export const ConsentSchema = strictObject({
  given: z
    .literal(true, { error: 'The client must consent before a referral can be made' })
    .check(z.describe('The client consented to this referral (must be true)')),
  scope: uniqueArray(ConsentScopeSchema, CONSENT_SCOPES.length).check(
    z.refine((scope) => REQUIRED_CONSENT_SCOPES.every((s) => scope.includes(s)), {
      error: `Consent must include ${REQUIRED_CONSENT_SCOPES.join(' and ')}`,
    }),
    z.describe(
      `What the client consented to; must include ${REQUIRED_CONSENT_SCOPES.join(' and ')} (a referral without both is refused)`,
    ),
  ),
  /** When consent was given (not in the future). */
  date: IsoDateSchema.check(z.describe('When consent was given, YYYY-MM-DD, not in the future')),
  /** The last day the consent covers (after `date`, not already past). */
  expiresOn: IsoDateSchema.check(
    z.describe('The last day the consent covers: after `date` and not already past'),
  ),
}).check(
  z.superRefine((consent, ctx) => {
    const today = todayInProgramZone();
    const wellFormed = isIsoDate(consent.date) && isIsoDate(consent.expiresOn);
    if (isIsoDate(consent.date) && consent.date > today) {
      ctx.addIssue({ code: 'custom', path: ['date'], message: 'Must not be in the future' });
    }
    if (wellFormed && consent.expiresOn <= consent.date) {
      ctx.addIssue({ code: 'custom', path: ['expiresOn'], message: 'Must be after the consent date' });
    } else if (wellFormed && consent.expiresOn < today) {
      ctx.addIssue({ code: 'custom', path: ['expiresOn'], message: 'Consent has already expired' });
    }
  }),
);

/** One of the client's goals, in the client's own words. */
export const ClientGoalSchema = strictObject({
  text: requiredText(500).check(z.describe('A goal in the client’s own words')),
});
export const ClientGoalsSchema = z
  .array(ClientGoalSchema)
  .check(z.minLength(1, 'At least one goal in the client’s words'), z.maxLength(10, 'At most 10 goals'));

const mustHave = z._default(
  z
    .boolean()
    .check(z.describe('A worker who does not meet this preference is excluded, not just ranked lower')),
  false,
);
const prefValues = (what: string) => z.describe(`The ${what} the client would like their worker to share`);

export const PreferencesSchema = strictObject({
  livedExperience: z.optional(
    strictObject({
      values: uniqueArray(LivedExperienceAreaSchema, LIVED_EXPERIENCE_AREAS.length).check(
        z.minLength(1, 'Pick at least one'),
        prefValues('lived-experience areas'),
      ),
      mustHave,
    }).check(z.describe('Lived-experience areas the client would like to share with their worker')),
  ),
  workerGender: z.optional(
    strictObject({
      value: WorkerGenderPreferenceSchema.check(z.describe('The worker gender the client prefers')),
      mustHave,
    }).check(
      z.refine((pref) => !(pref.mustHave && pref.value === 'NO_PREFERENCE'), {
        error: 'A must-have gender preference needs a gender',
        path: ['mustHave'],
      }),
      z.describe('The gender the client would like their worker to be'),
    ),
  ),
  languages: z.optional(
    strictObject({
      values: uniqueArray(LanguageSchema, 10).check(
        z.minLength(1, 'Pick at least one'),
        prefValues('languages'),
      ),
      mustHave,
    }).check(z.describe('Languages the worker should speak')),
  ),
  culturalBackground: z.optional(
    strictObject({
      values: uniqueArray(requiredText(80), 10).check(
        z.minLength(1, 'Pick at least one'),
        prefValues('cultural background'),
      ),
      mustHave,
    }).check(z.describe('Cultural background the client would like their worker to share')),
  ),
  interests: z.optional(
    strictObject({
      values: uniqueArray(requiredText(80), 20).check(
        z.minLength(1, 'Pick at least one'),
        prefValues('interests'),
      ),
      mustHave,
    }).check(z.describe('Interests the client would like to share with their worker')),
  ),
});
export type Preferences = z.infer<typeof PreferencesSchema>;

export const LogisticsSchema = strictObject({
  transportNeeds: z.optional(
    requiredText(1000).check(z.describe('What the client needs to get to meetings')),
  ),
  accessibilityNeeds: z.optional(
    requiredText(1000).check(z.describe('Access needs the worker should plan for')),
  ),
});

export const SafetySchema = strictObject({
  homeVisitSafetyNotes: z.optional(
    requiredText(2000).check(
      z.describe('What a worker visiting the home should know (pets, others present…)'),
    ),
  ),
  riskSummary: z.optional(
    requiredText(2000).check(z.describe('Known risks, for the coordinator and worker')),
  ),
});

/** Every section of the form, in the order the form and the audit events list them. */
export const REFERRAL_SECTIONS = [
  'referrer',
  'client',
  'consent',
  'goals',
  'preferences',
  'availability',
  'logistics',
  'safety',
  'currentSupports',
  'reasonForReferral',
  'urgency',
] as const;
export type ReferralSection = (typeof REFERRAL_SECTIONS)[number];

const sections = {
  referrer: ReferrerSchema,
  client: ClientSchema.check(z.describe('Who is referred: how to reach them safely and in which language')),
  consent: ConsentSchema.check(
    z.describe(
      'The client’s consent: given, covering SHARE_WITH_PEER_WORKER and CONTACT_CLIENT, not expired',
    ),
  ),
  goals: ClientGoalsSchema.check(z.describe('One to ten goals in the client’s own words')),
  preferences: PreferencesSchema.check(
    z.describe('What the client would like in a worker; each may be a must-have'),
  ),
  /** When the client can meet; empty means "not stated". */
  availability: AvailabilitySchema.check(z.describe('When the client can meet; empty means not stated')),
  logistics: LogisticsSchema.check(z.describe('Practical needs for meeting')),
  safety: SafetySchema.check(z.describe('Safety information for the worker and coordinator')),
  currentSupports: requiredText(2000).check(
    z.describe('Other services and people supporting the client now'),
  ),
  reasonForReferral: requiredText(2000).check(z.describe('Why the client is referred to peer support')),
  urgency: UrgencySchema.check(z.describe('How soon the client should be matched: URGENT, SOON or ROUTINE')),
} satisfies Record<ReferralSection, z.ZodMiniType>;

// ---------------------------------------------------------------------------------------------------------
// The form, its correction, and the stored referral
// ---------------------------------------------------------------------------------------------------------

export const ReferralInputSchema = strictObject({
  referrer: sections.referrer,
  client: sections.client,
  consent: sections.consent,
  goals: sections.goals,
  preferences: z._default(sections.preferences, {}),
  availability: z._default(sections.availability, []),
  logistics: z._default(sections.logistics, {}),
  safety: z._default(sections.safety, {}),
  currentSupports: z.optional(sections.currentSupports),
  reasonForReferral: sections.reasonForReferral,
  urgency: sections.urgency,
  region: ProgramRegionSchema.check(
    z.describe('The program region; must be the region of the token and the path'),
  ),
}).check(
  z.meta({
    examples: [
      {
        referrer: {
          name: 'Dr Casey Demo',
          team: 'Community Mental Health',
          site: 'Broadway Clinic',
          email: 'casey.demo@example.org',
        },
        client: {
          givenName: 'Jordan',
          familyName: 'Example',
          preferredName: 'Jo',
          pronouns: 'they/them',
          dateOfBirth: '1987-06-02',
          phone: '604-555-0142',
          safeToText: true,
          safeToVoicemail: false,
          neighbourhood: 'Kitsilano',
          language: 'English',
          interpreterNeeded: false,
        },
        consent: {
          given: true,
          scope: ['SHARE_WITH_PEER_WORKER', 'CONTACT_CLIENT'],
          date: '2026-11-20',
          expiresOn: '2030-11-19',
        },
        goals: [{ text: 'Get out of the house twice a week' }],
        preferences: { livedExperience: { values: ['ANXIETY', 'MOOD'], mustHave: false } },
        reasonForReferral: 'Isolated since a hospital stay; keen to rebuild routines.',
        urgency: 'SOON',
        region: 'vancouver',
      },
    ],
  }),
);
export type ReferralInput = z.infer<typeof ReferralInputSchema>;
/** The form as sent (defaults not yet applied). */
export type ReferralForm = z.input<typeof ReferralInputSchema>;

/**
 * A correction: any section replaced whole, `version` as read. The region is not changeable (a referral
 * moves to another region by closing as TRANSFERRED and re-referring there), so it is refused as unknown.
 */
export const ReferralPatchSchema = strictObject({
  referrer: z.optional(sections.referrer),
  client: z.optional(sections.client),
  consent: z.optional(sections.consent),
  goals: z.optional(sections.goals),
  preferences: z.optional(sections.preferences),
  availability: z.optional(sections.availability),
  logistics: z.optional(sections.logistics),
  safety: z.optional(sections.safety),
  currentSupports: z.optional(sections.currentSupports),
  reasonForReferral: z.optional(sections.reasonForReferral),
  urgency: z.optional(sections.urgency),
  version: z
    .number()
    .check(
      z.int('Must be a whole number'),
      z.gte(1, 'Must be at least 1'),
      z.describe('The `version` of the referral as read; another is 409'),
    ),
}).check(
  z.refine((patch) => REFERRAL_SECTIONS.some((section) => patch[section] !== undefined), {
    error: 'Nothing to change: send at least one section',
  }),
  z.meta({ examples: [{ urgency: 'URGENT', version: 1 }] }),
);
export type ReferralPatch = z.infer<typeof ReferralPatchSchema>;

/** A closure as recorded on the referral (and told to the referrer). */
export interface ReferralClosure {
  reason: ClosureReason;
  summary: string;
  /** The `sub` of whoever closed (or withdrew) it. */
  closedBy: string;
}

/** A decline at triage as recorded on the referral (and told to the referrer). */
export interface ReferralDecline {
  reason: DeclineReason;
  summary: string;
  declinedBy: string;
}

/** The stored referral: the form plus where it is in the lifecycle. */
export interface Referral {
  id: string;
  region: ProgramRegion;
  stage: Stage;
  version: number;
  createdAt: string;
  updatedAt: string;
  /** The referring clinician's `sub`. */
  referrerSub: string;
  details: ReferralInput;
  /** `priorityOf(details.urgency)`: the queue's sort prefix. */
  priority: string;
  stageEnteredAt: string;
  workerId?: string;
  workerFirstName?: string;
  matchedAt?: string;
  closedAt?: string;
  closure?: ReferralClosure;
  declinedReason?: ReferralDecline;
  /** On a re-referral: the referral it was made from. */
  previousReferralId?: string;
  /** The open referral in the same region for the same client, when there was one at submission. */
  possibleDuplicateOf?: string;
  lastSessionAt?: string;
  holdReason?: string;
  /** The state-machine execution that currently drives this referral. */
  executionName?: string;
  /** The task token of the wait in progress; never sent to a client or a log. */
  waitToken?: string;
  /** The stage the stored `waitToken` waits in. */
  waitStage?: Stage;
  /** `details.consent.expiresOn`, kept top-level for the consent-expiry check. */
  consentExpiresOn: string;
  /**
   * A closed referral's T-score inputs (`ratingsForTScore` of its goals), recorded once it is CLOSED, when
   * its goals can no longer change, so the report needs no read of them. Never shown in a view.
   */
  closingRatings?: number[];
}

// ---------------------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------------------

function normaliseName(value: string): string {
  return value.normalize('NFKD').replace(/\p{M}/gu, '').trim().replace(/\s+/g, ' ').toLowerCase();
}

/**
 * What identifies "the same client" (duplicate detection): given name, family name and date of birth,
 * trimmed, lower-cased, accents and repeated spaces removed. 'José  Núñez' and 'jose nunez' match. The
 * data layer keys it with the region's secret (HMAC-SHA256, shared/data/client-key.ts).
 */
export function clientMatchText(details: Pick<ReferralInput, 'client'>): string {
  const { givenName, familyName, dateOfBirth } = details.client;
  return `${normaliseName(givenName)}|${normaliseName(familyName)}|${dateOfBirth.trim()}`;
}

/**
 * The former, unkeyed client key (sha256 hex of `clientMatchText`): anyone holding a name and birth date
 * could compute it. Kept only to recognise pointers written before the keyed one (migration, tests).
 */
export function clientMatchKey(details: Pick<ReferralInput, 'client'>): string {
  return createHash('sha256').update(clientMatchText(details)).digest('hex');
}

/** JSON with object keys sorted, so two equal values compare equal whatever their key order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}

/** The sections a correction actually changes (for the audit event), in form order. */
export function changedFields(before: ReferralInput, patch: Partial<ReferralPatch>): ReferralSection[] {
  return REFERRAL_SECTIONS.filter(
    (section) => patch[section] !== undefined && canonical(patch[section]) !== canonical(before[section]),
  );
}

/** The details after a correction (sections sent replace the stored ones; `version` is not a detail). */
export function applyReferralPatch(before: ReferralInput, patch: Partial<ReferralPatch>): ReferralInput {
  const after: ReferralInput = { ...before };
  for (const section of REFERRAL_SECTIONS) {
    if (patch[section] !== undefined) Object.assign(after, { [section]: patch[section] });
  }
  return after;
}
