import type { AlertKind, LifecycleEvent } from '#domain/lifecycle.ts';
import { Stage } from '#domain/lifecycle.ts';
import type { Criterion, ExclusionReason } from '#domain/matching.ts';
import { PROGRAM_REGION_NAMES, PROGRAM_TIME_ZONE, type ProgramRegion, type Role } from '#domain/roles.ts';
import type {
  ClosureReason,
  ConcernCategory,
  ConcernLevel,
  ConsentScope,
  DayPart,
  DeclineReason,
  Gender,
  LivedExperienceArea,
  SessionMode,
  TrainingModule,
  Urgency,
  Weekday,
  WorkerGenderPreference,
} from '#domain/vocabulary.ts';

/** Plain words for every value the program stores as a code. */

export const ROLE_LABELS: Record<Role, string> = {
  clinician: 'Clinician',
  coordinator: 'Coordinator',
  'peer-worker': 'Peer worker',
  admin: 'Administrator',
};

export const regionName = (region: ProgramRegion): string => PROGRAM_REGION_NAMES[region];

export const STAGE_LABELS: Record<Stage, string> = {
  [Stage.REFERRED]: 'Referred: waiting for triage',
  [Stage.AWAITING_MATCH]: 'Accepted: finding a peer worker',
  [Stage.GOAL_SETTING]: 'Matched: setting goals',
  [Stage.IN_SESSIONS]: 'Meeting in sessions',
  [Stage.ON_HOLD]: 'On hold',
  [Stage.GOALS_ACHIEVED]: 'Goals achieved: closure to confirm',
  [Stage.CLOSED]: 'Closed',
  [Stage.DECLINED]: 'Declined',
};

/** Short stage names for tables and charts. */
export const STAGE_SHORT: Record<Stage, string> = {
  [Stage.REFERRED]: 'Triage',
  [Stage.AWAITING_MATCH]: 'Awaiting match',
  [Stage.GOAL_SETTING]: 'Goal setting',
  [Stage.IN_SESSIONS]: 'In sessions',
  [Stage.ON_HOLD]: 'On hold',
  [Stage.GOALS_ACHIEVED]: 'Goals achieved',
  [Stage.CLOSED]: 'Closed',
  [Stage.DECLINED]: 'Declined',
};

export const EVENT_LABELS: Record<LifecycleEvent, string> = {
  accept: 'Accept',
  decline: 'Decline',
  match: 'Match',
  reassign: 'Reassign',
  setGoals: 'Goals set',
  hold: 'Put on hold',
  resume: 'Resume',
  goalsAchieved: 'Goals achieved',
  close: 'Close',
  withdraw: 'Withdraw',
};

export const URGENCY_LABELS: Record<Urgency, string> = {
  URGENT: 'Urgent',
  SOON: 'Soon',
  ROUTINE: 'Routine',
};

export const URGENCY_HINTS: Record<Urgency, string> = {
  URGENT: 'The client would benefit from contact within days',
  SOON: 'Within two weeks',
  ROUTINE: 'When a good match is available',
};

export const SESSION_MODE_LABELS: Record<SessionMode, string> = {
  PHONE: 'Phone call',
  TEXT: 'Text messages',
  VIDEO: 'Video call',
  HOME_VISIT: 'Home visit',
  WALK: 'Walk',
  ERRAND: 'Errand (groceries, appointments, forms)',
  COMMUNITY_EVENT: 'Community event',
  GROUP: 'Group',
  OFFICE: 'At the office',
};

export const LIVED_EXPERIENCE_LABELS: Record<LivedExperienceArea, string> = {
  PSYCHOSIS: 'Psychosis',
  MOOD: 'Mood (depression, bipolar)',
  ANXIETY: 'Anxiety',
  SUBSTANCE_USE: 'Substance use',
  EATING_DISORDER: 'Eating disorder',
  TRAUMA: 'Trauma',
  HOMELESSNESS: 'Homelessness',
  FAMILY_CARER: 'Family carer',
  SELF_HARM: 'Self-harm',
  SUICIDE_LOSS: 'Suicide loss',
  GRIEF: 'Grief',
  PERSONALITY: 'Personality disorder',
  NEURODIVERGENCE: 'Neurodivergence',
  CHRONIC_PAIN: 'Chronic pain',
  JUSTICE_INVOLVEMENT: 'Justice involvement',
  LGBTQ2S: '2SLGBTQ+',
  NEWCOMER: 'Newcomer to Canada',
  INDIGENOUS: 'Indigenous',
};

export const CLOSURE_REASON_LABELS: Record<ClosureReason, string> = {
  GOALS_MET: 'Goals met',
  WITHDRAWN: 'Withdrawn by the referrer',
  CLIENT_DECLINED: 'The client declined',
  UNABLE_TO_CONTACT: 'Unable to contact the client',
  MOVED: 'The client moved',
  TRANSFERRED: 'Transferred to another region',
  INELIGIBLE: 'Not eligible',
  OTHER: 'Other',
};

export const DECLINE_REASON_LABELS: Record<DeclineReason, string> = {
  INELIGIBLE: 'Not eligible',
  OUTSIDE_REGION: 'Outside this region',
  NEEDS_HIGHER_LEVEL_OF_CARE: 'Needs a higher level of care',
  CLIENT_DECLINED: 'The client declined',
  UNABLE_TO_CONTACT: 'Unable to contact the client',
  DUPLICATE: 'A duplicate of another referral',
  INCOMPLETE_REFERRAL: 'The referral is incomplete',
  OTHER: 'Other',
};

export const GENDER_LABELS: Record<Gender, string> = {
  WOMAN: 'Woman',
  MAN: 'Man',
  NON_BINARY: 'Non-binary',
  TWO_SPIRIT: 'Two-Spirit',
  ANOTHER: 'Another gender',
  PREFER_NOT_TO_SAY: 'Prefers not to say',
};

export const WORKER_GENDER_PREFERENCE_LABELS: Record<WorkerGenderPreference, string> = {
  NO_PREFERENCE: 'No preference',
  WOMAN: 'A woman',
  MAN: 'A man',
  NON_BINARY: 'A non-binary person',
  TWO_SPIRIT: 'A Two-Spirit person',
};

export const CONCERN_LEVEL_LABELS: Record<ConcernLevel, string> = {
  URGENT: 'Urgent: a coordinator should call me today',
  ROUTINE: 'Routine: at the next check-in',
};

export const CONCERN_CATEGORY_LABELS: Record<ConcernCategory, string> = {
  SAFETY: 'Safety',
  HEALTH: 'Physical health',
  MENTAL_HEALTH: 'Mental health',
  HOUSING: 'Housing',
  SUBSTANCE_USE: 'Substance use',
  WELLBEING: 'General wellbeing',
  DISENGAGEMENT: 'Not engaging',
  OTHER: 'Something else',
};

export const CONSENT_SCOPE_LABELS: Record<ConsentScope, string> = {
  SHARE_WITH_PEER_WORKER: 'Share this referral with a peer worker (required)',
  CONTACT_CLIENT: 'Be contacted by the program (required)',
  SHARE_OUTCOMES_WITH_REFERRER: 'Share outcomes with me, the referrer',
};

export const WEEKDAY_LABELS: Record<Weekday, string> = {
  MON: 'Monday',
  TUE: 'Tuesday',
  WED: 'Wednesday',
  THU: 'Thursday',
  FRI: 'Friday',
  SAT: 'Saturday',
  SUN: 'Sunday',
};

export const DAY_PART_LABELS: Record<DayPart, string> = {
  MORNING: 'Morning',
  AFTERNOON: 'Afternoon',
  EVENING: 'Evening',
};

export const TRAINING_LABELS: Record<TrainingModule, string> = {
  PEER_CORE: 'Peer support core',
  TRAUMA_INFORMED: 'Trauma-informed practice',
  NALOXONE: 'Naloxone',
  SAFETY_PLANNING: 'Safety planning',
  SUICIDE_INTERVENTION: 'Suicide intervention',
  BOUNDARIES: 'Boundaries',
  PRIVACY_AND_CONFIDENTIALITY: 'Privacy and confidentiality',
  CULTURAL_SAFETY: 'Cultural safety',
  HOME_VISIT_SAFETY: 'Home visit safety',
  FAMILY_CARER_SUPPORT: 'Family carer support',
};

export const ALERT_LABELS: Record<AlertKind, string> = {
  TRIAGE_OVERDUE: 'Triage is overdue',
  MATCH_OVERDUE: 'Matching is overdue',
  GOALS_NOT_SET: 'Goals are not set yet',
  NO_SESSION: 'No session for a while',
  CLOSURE_NOT_CONFIRMED: 'Closure not confirmed',
  HOLD_REVIEW_DUE: 'Hold review is due',
  DEBRIEF_REQUESTED: 'A worker asked for a debrief',
  DEBRIEF_OVERDUE: 'A debrief is overdue',
  CONSENT_EXPIRING: 'Consent expires soon',
  CONCERN_RAISED: 'A worker raised a concern',
  STAGE_CHANGED: 'A referral moved on',
  NEW_REFERRAL: 'New referral',
  MATCH_MADE: 'A peer worker was matched',
  NEW_CLIENT: 'You have a new client',
  CLIENT_REASSIGNED: 'A client was reassigned',
  REFERRAL_CLOSED: 'A referral was closed',
  REFERRAL_DECLINED: 'A referral was declined',
  POSSIBLE_DUPLICATE: 'Possible duplicate referral',
  GOALS_ACHIEVED: 'Goals achieved: confirm the closure',
  LINK_FOLLOW_UP_DUE: 'A resource link needs a follow-up',
  TRAINING_EXPIRING: 'A training expires soon',
  CONTRACT_ENDING: 'A contract ends soon',
  HOURS_NEAR_LIMIT: 'Paid hours near the month’s limit',
  SUPERVISION_DUE: 'A worker is due for supervision',
};

export const CRITERION_LABELS: Record<Criterion, string> = {
  previousWorker: 'Previous worker',
  livedExperience: 'Lived experience',
  language: 'Language',
  workerGender: 'Gender',
  culturalBackground: 'Cultural background',
  neighbourhood: 'Neighbourhood',
  availability: 'Availability',
  interests: 'Interests',
  capacity: 'Capacity',
};

export const EXCLUSION_LABELS: Record<ExclusionReason, string> = {
  INACTIVE: 'Not active',
  AT_CAPACITY: 'At capacity',
  MISSING_MUST_HAVE: 'Misses a must-have',
};

export const RATING_LABELS: Record<string, string> = {
  '-2': '−2 Much less than expected',
  '-1': '−1 Somewhat less than expected',
  '0': '0 As expected',
  '1': '+1 Somewhat more than expected',
  '2': '+2 Much more than expected',
};

// --- dates ---------------------------------------------------------------------------------------------

const dateFormat = new Intl.DateTimeFormat('en-CA', {
  timeZone: PROGRAM_TIME_ZONE,
  year: 'numeric',
  month: 'short',
  day: 'numeric',
});
const dateTimeFormat = new Intl.DateTimeFormat('en-CA', {
  timeZone: PROGRAM_TIME_ZONE,
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
});

/** `2025-03-04` or an ISO timestamp → "Mar 4, 2025" (program time zone). */
export function formatDate(value: string | undefined): string {
  if (!value) return '';
  const date = /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T12:00:00Z`) : new Date(value);
  return Number.isNaN(date.getTime()) ? value : dateFormat.format(date);
}

export function formatDateTime(value: string | undefined): string {
  if (!value) return '';
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : dateTimeFormat.format(date);
}

/** Whole days from an ISO timestamp to now. */
export function daysSince(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.floor((now - at) / 86_400_000));
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

export function monthName(month: string): string {
  const date = new Date(`${month}-15T12:00:00Z`);
  return Number.isNaN(date.getTime())
    ? month
    : new Intl.DateTimeFormat('en-CA', { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(date);
}
