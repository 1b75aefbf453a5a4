import * as z from 'zod/mini';
import { _isoDate, _isoDateTime } from 'zod/v4/core';
import { PROGRAM_TIME_ZONE } from './roles.ts';

/**
 * The program's shared vocabulary: every enum the forms, the API, the table and the reports agree on.
 * Each list is an `as const` array (for pages and tests) with its zod schema and type.
 *
 * Error messages written here (and in every domain schema) name the rule, never the value that broke it:
 * validation issues end up in HTTP responses and logs, and values may be personal health information.
 */

// ---------------------------------------------------------------------------------------------------------
// Shared building blocks
// ---------------------------------------------------------------------------------------------------------

const IDENTIFIER_LIKE = /^[A-Za-z_][A-Za-z0-9_]{0,40}$/;

/**
 * Error customisation for strict objects: an unknown key is named only when it looks like a field name, so a
 * key that carries data (a client's name pasted as a key) is never echoed.
 */
const unknownKeyError = (issue: { code?: string; keys?: readonly string[] }) => {
  if (issue.code !== 'unrecognized_keys') return undefined;
  const keys = issue.keys ?? [];
  return keys.length > 0 && keys.every((key) => IDENTIFIER_LIKE.test(key))
    ? `Unknown field(s) not accepted: ${keys.join(', ')}`
    : 'Unknown field(s) not accepted';
};

/** `z.strictObject` whose unknown-key message never echoes a key that looks like data. */
export function strictObject<Shape extends z.core.$ZodLooseShape>(shape: Shape) {
  return z.strictObject(shape, { error: unknownKeyError });
}

/** A required, trimmed text of 1..max characters. */
export const requiredText = (max: number) =>
  z
    .string()
    .check(z.trim(), z.minLength(1, 'Required'), z.maxLength(max, `Must be at most ${max} characters`));

/** An optional, trimmed text of 1..max characters (omit the field instead of sending an empty string). */
export const optionalText = (max: number) => z.optional(requiredText(max));

/** An opaque id of another item (a ULID, or a Cognito `sub` for workers and users). */
export const IdSchema = z
  .string()
  .check(
    z.trim(),
    z.minLength(1, 'Required'),
    z.maxLength(128, 'Must be at most 128 characters'),
    z.regex(/^[A-Za-z0-9_-]+$/, 'Must be an id (letters, digits, - and _)'),
  );

export const EmailSchema = z
  .pipe(
    z.string().check(z.trim(), z.maxLength(254, 'Must be at most 254 characters')),
    z.email({ error: 'Must be an email address' }),
  )
  // Trimmed first, then checked: the document states the format the server enforces.
  .check(z.meta({ format: 'email' }));

const PHONE_PATTERN = /^\+?[0-9(][0-9 ().-]{5,19}(\s*(x|ext\.?)\s*[0-9]{1,6})?$/i;

/** A North American or international phone number (7 to 15 digits), optionally with an extension. */
export const PhoneSchema = z.string().check(
  z.trim(),
  z.maxLength(30, 'Must be at most 30 characters'),
  z.regex(PHONE_PATTERN, 'Must be a phone number'),
  // Zod runs this even when the pattern failed; only count digits of something phone-shaped (one issue).
  z.refine(
    (phone) => {
      if (!PHONE_PATTERN.test(phone)) return true;
      const digits = phone.replace(/(x|ext\.?).*$/i, '').replace(/[^0-9]/g, '').length;
      return digits >= 7 && digits <= 15;
    },
    { error: 'Must be a phone number' },
  ),
);

/** A language by name or code, free text ('English', 'Cantonese', 'Punjabi', 'ASL'). */
export const LanguageSchema = z
  .string()
  .check(
    z.trim(),
    z.minLength(2, 'Must be at least 2 characters'),
    z.maxLength(40, 'Must be at most 40 characters'),
  );
export type Language = z.infer<typeof LanguageSchema>;

// `z.iso.date()` and `z.iso.datetime()` made the core way: reading `z.iso.x` (a namespace inside a namespace)
// keeps all of `z.iso` (time, duration) in every bundle.

/** A calendar date `YYYY-MM-DD` that exists (no 2023-02-29). */
export const IsoDateSchema = _isoDate(z.ZodMiniISODate, { error: 'Must be a calendar date as YYYY-MM-DD' });
export type IsoDate = z.infer<typeof IsoDateSchema>;

/**
 * Whether a value is a valid ISO date. Object-level refinements use it: zod still runs them when a field
 * inside failed its own format check, so they must not compare a malformed date.
 */
export const isIsoDate = (value: unknown): value is IsoDate => IsoDateSchema.safeParse(value).success;

/** An ISO-8601 UTC timestamp (`2025-01-31T17:00:00.000Z`). */
export const IsoDateTimeSchema = _isoDateTime(z.ZodMiniISODateTime, {
  error: 'Must be an ISO-8601 UTC timestamp',
});
export type IsoDateTime = z.infer<typeof IsoDateTimeSchema>;

const programDateFormat = new Intl.DateTimeFormat('en-CA', {
  timeZone: PROGRAM_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/**
 * Today's date (`YYYY-MM-DD`) in the program's time zone. "Not in the future" checks use it: a session
 * logged at 21:00 in Vancouver is already tomorrow in UTC.
 */
export function todayInProgramZone(now: Date = new Date()): IsoDate {
  return programDateFormat.format(now);
}

/** Whole years between an ISO date and another (the age on `on`). */
export function yearsBetween(from: IsoDate, on: IsoDate): number {
  const [fy, fm, fd] = from.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = on.split('-').map(Number) as [number, number, number];
  return ty - fy - (tm < fm || (tm === fm && td < fd) ? 1 : 0);
}

/** A calendar date no later than today in the program's time zone. */
export const PastOrTodayDateSchema = IsoDateSchema.check(
  z.refine((date) => !isIsoDate(date) || date <= todayInProgramZone(), {
    error: 'Must not be in the future',
  }),
);

// ---------------------------------------------------------------------------------------------------------
// Enums
// ---------------------------------------------------------------------------------------------------------

export const SESSION_MODES = [
  'PHONE',
  'TEXT',
  'VIDEO',
  'HOME_VISIT',
  'WALK',
  /** groceries, appointments, forms */
  'ERRAND',
  'COMMUNITY_EVENT',
  'GROUP',
  'OFFICE',
] as const;
export const SessionModeSchema = z.enum(SESSION_MODES);
export type SessionMode = z.infer<typeof SessionModeSchema>;

/** Lived-experience areas: a worker's own, or as a family carer (`FAMILY_CARER`). */
export const LIVED_EXPERIENCE_AREAS = [
  'PSYCHOSIS',
  'MOOD',
  'ANXIETY',
  'SUBSTANCE_USE',
  'EATING_DISORDER',
  'TRAUMA',
  'HOMELESSNESS',
  'FAMILY_CARER',
  'SELF_HARM',
  'SUICIDE_LOSS',
  'GRIEF',
  'PERSONALITY',
  'NEURODIVERGENCE',
  'CHRONIC_PAIN',
  'JUSTICE_INVOLVEMENT',
  'LGBTQ2S',
  'NEWCOMER',
  'INDIGENOUS',
] as const;
export const LivedExperienceAreaSchema = z.enum(LIVED_EXPERIENCE_AREAS);
export type LivedExperienceArea = z.infer<typeof LivedExperienceAreaSchema>;

export const CLOSURE_REASONS = [
  'GOALS_MET',
  'WITHDRAWN',
  'CLIENT_DECLINED',
  'UNABLE_TO_CONTACT',
  'MOVED',
  'TRANSFERRED',
  'INELIGIBLE',
  'OTHER',
] as const;
export const ClosureReasonSchema = z.enum(CLOSURE_REASONS);
export type ClosureReason = z.infer<typeof ClosureReasonSchema>;

/**
 * Why a referral is declined at triage. A decline is not a closure (nothing was started, no worker was
 * assigned), so it has its own reasons; reports count them apart from closure reasons.
 */
export const DECLINE_REASONS = [
  'INELIGIBLE',
  'OUTSIDE_REGION',
  'NEEDS_HIGHER_LEVEL_OF_CARE',
  'CLIENT_DECLINED',
  'UNABLE_TO_CONTACT',
  'DUPLICATE',
  'INCOMPLETE_REFERRAL',
  'OTHER',
] as const;
export const DeclineReasonSchema = z.enum(DECLINE_REASONS);
export type DeclineReason = z.infer<typeof DeclineReasonSchema>;

export const URGENCIES = ['URGENT', 'SOON', 'ROUTINE'] as const;
export const UrgencySchema = z.enum(URGENCIES);
export type Urgency = z.infer<typeof UrgencySchema>;

/**
 * The queue's sort prefix for an urgency: '1' for URGENT, '2' for SOON, '3' for ROUTINE, so an ascending
 * sort on `<priority>#<createdAt>` lists the most urgent, then the oldest, first.
 */
export function priorityOf(urgency: Urgency): string {
  return String(URGENCIES.indexOf(urgency) + 1);
}

export const GENDERS = ['WOMAN', 'MAN', 'NON_BINARY', 'TWO_SPIRIT', 'ANOTHER', 'PREFER_NOT_TO_SAY'] as const;
export const GenderSchema = z.enum(GENDERS);
export type Gender = z.infer<typeof GenderSchema>;

/** A client's preference for their worker's gender. */
export const WORKER_GENDER_PREFERENCES = [
  'NO_PREFERENCE',
  'WOMAN',
  'MAN',
  'NON_BINARY',
  'TWO_SPIRIT',
] as const;
export const WorkerGenderPreferenceSchema = z.enum(WORKER_GENDER_PREFERENCES);
export type WorkerGenderPreference = z.infer<typeof WorkerGenderPreferenceSchema>;

export const CONCERN_LEVELS = ['URGENT', 'ROUTINE'] as const;
export const ConcernLevelSchema = z.enum(CONCERN_LEVELS);
export type ConcernLevel = z.infer<typeof ConcernLevelSchema>;

export const CONCERN_CATEGORIES = [
  'SAFETY',
  'HEALTH',
  'MENTAL_HEALTH',
  'HOUSING',
  'SUBSTANCE_USE',
  'WELLBEING',
  'DISENGAGEMENT',
  'OTHER',
] as const;
export const ConcernCategorySchema = z.enum(CONCERN_CATEGORIES);
export type ConcernCategory = z.infer<typeof ConcernCategorySchema>;

export const WEEKDAYS = ['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN'] as const;
export const WeekdaySchema = z.enum(WEEKDAYS);
export type Weekday = z.infer<typeof WeekdaySchema>;

export const DAY_PARTS = ['MORNING', 'AFTERNOON', 'EVENING'] as const;
export const DayPartSchema = z.enum(DAY_PARTS);
export type DayPart = z.infer<typeof DayPartSchema>;

/** One weekly time slot, e.g. Tuesday afternoons. */
export const AvailabilitySlotSchema = strictObject({
  day: WeekdaySchema.check(z.describe('Day of the week')),
  part: DayPartSchema.check(z.describe('Part of the day: MORNING, AFTERNOON or EVENING')),
});
export type AvailabilitySlot = z.infer<typeof AvailabilitySlotSchema>;

/** A week's slots, each at most once. */
export const AvailabilitySchema = z.array(AvailabilitySlotSchema).check(
  z.maxLength(WEEKDAYS.length * DAY_PARTS.length, 'Too many time slots'),
  z.refine((slots) => new Set(slots.map((s) => `${s.day}-${s.part}`)).size === slots.length, {
    error: 'Each time slot may appear only once',
  }),
);

export const TRAINING_MODULES = [
  'PEER_CORE',
  'TRAUMA_INFORMED',
  'NALOXONE',
  'SAFETY_PLANNING',
  'SUICIDE_INTERVENTION',
  'BOUNDARIES',
  'PRIVACY_AND_CONFIDENTIALITY',
  'CULTURAL_SAFETY',
  'HOME_VISIT_SAFETY',
  'FAMILY_CARER_SUPPORT',
] as const;
export const TrainingModuleSchema = z.enum(TRAINING_MODULES);
export type TrainingModule = z.infer<typeof TrainingModuleSchema>;

/** What a client agrees to; a referral needs at least sharing with a peer worker and being contacted. */
export const CONSENT_SCOPES = [
  'SHARE_WITH_PEER_WORKER',
  'CONTACT_CLIENT',
  'SHARE_OUTCOMES_WITH_REFERRER',
] as const;
export const ConsentScopeSchema = z.enum(CONSENT_SCOPES);
export type ConsentScope = z.infer<typeof ConsentScopeSchema>;

/** An array without repeated values (enums, languages compared case-insensitively). */
export function uniqueArray<T extends z.ZodMiniType<string>>(item: T, max: number) {
  return z.array(item).check(
    z.maxLength(max, `At most ${max} entries`),
    z.refine((values) => new Set(values.map((v) => v.toLowerCase())).size === values.length, {
      error: 'Each value may appear only once',
    }),
  );
}

const programWallClock = new Intl.DateTimeFormat('en-CA', {
  timeZone: PROGRAM_TIME_ZONE,
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/** Milliseconds the program's time zone is ahead of UTC at an instant (negative in Vancouver). */
export function zoneOffsetMs(at: number): number {
  const parts = Object.fromEntries(
    programWallClock.formatToParts(new Date(at)).map((p) => [p.type, p.value]),
  );
  const asUtc = Date.UTC(
    Number(parts.year),
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
  );
  return asUtc - Math.floor(at / 1000) * 1000;
}
