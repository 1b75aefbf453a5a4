import * as z from 'zod/mini';
import { ValidationError, type ValidationIssue } from './errors.ts';
import { isOpen, Stage } from './lifecycle.ts';
import type { Referral } from './referral.ts';
import {
  IdSchema,
  type IsoDate,
  PastOrTodayDateSchema,
  requiredText,
  strictObject,
  todayInProgramZone,
  WEEKDAYS,
  type Weekday,
  WeekdaySchema,
} from './vocabulary.ts';

/**
 * Peer support groups: a recurring, facilitated gathering of a region's clients. A group has a roster
 * (members are referrals) and meetings; a meeting records its date, minutes, facilitators and attendance
 * (members only, present or absent) and never a note about a client. A facilitator is paid the meeting's
 * minutes once, however many attend.
 */

export const MAX_FACILITATORS = 4;
/** A group meets in one room: the roster (and so one meeting's attendance) stays small. */
export const MAX_GROUP_CAPACITY = 40;
export const MAX_MEETING_MINUTES = 480;
/** A client whose referral closed within this many days may stay on (or join) a roster. */
export const ROSTER_GRACE_DAYS = 365;

export const GROUP_FREQUENCIES = ['WEEKLY', 'MONTHLY'] as const;
export const GroupFrequencySchema = z.enum(GROUP_FREQUENCIES);

/** Which week of the month a monthly group meets: 1…4, or -1 for the last. */
export const WeekOfMonthSchema = z.number().check(
  z.int('Must be a whole number'),
  z.refine((n) => n === -1 || (n >= 1 && n <= 4), { error: 'Must be 1 to 4, or -1 for the last' }),
);

/** "Monthly, first Thursday, 18:00" (America/Vancouver). */
export const GroupScheduleSchema = strictObject({
  frequency: GroupFrequencySchema.check(z.describe('`WEEKLY` or `MONTHLY`')),
  weekday: WeekdaySchema.check(z.describe('The day of the week it meets')),
  /** Monthly groups only (1 when omitted). */
  weekOfMonth: z.optional(
    WeekOfMonthSchema.check(
      z.describe('Monthly groups: the week of the month, 1…4 or -1 for the last (1 when omitted)'),
    ),
  ),
  time: z
    .string()
    .check(
      z.regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, 'Must be a time as HH:MM'),
      z.describe('The start time, HH:MM (America/Vancouver)'),
    ),
}).check(z.describe('When the group meets (America/Vancouver)'));
export type GroupSchedule = z.infer<typeof GroupScheduleSchema>;

const FacilitatorsSchema = z.array(IdSchema).check(
  z.minLength(1, 'At least one facilitator'),
  z.maxLength(MAX_FACILITATORS, `At most ${MAX_FACILITATORS} facilitators`),
  z.refine((ids) => new Set(ids).size === ids.length, { error: 'Each facilitator may appear only once' }),
  z.describe(`The peer workers who facilitate (their \`sub\`), 1 to ${MAX_FACILITATORS}`),
);

const CapacitySchema = z
  .number()
  .check(
    z.int('Must be a whole number'),
    z.gte(2, 'Must be at least 2'),
    z.lte(MAX_GROUP_CAPACITY, `Must be at most ${MAX_GROUP_CAPACITY}`),
    z.describe(`How many members the roster may hold, 2…${MAX_GROUP_CAPACITY}`),
  );

const groupFields = {
  name: requiredText(120).check(z.describe('The group’s name')),
  purpose: z.optional(requiredText(500).check(z.describe('What the group is for'))),
  facilitators: FacilitatorsSchema,
  schedule: GroupScheduleSchema,
  /** An address or meeting room, or `ONLINE`. */
  place: requiredText(200).check(z.describe('An address or meeting room, or `ONLINE`')),
  capacity: CapacitySchema,
};

export const GroupInputSchema = strictObject({
  ...groupFields,
  active: z._default(z.boolean().check(z.describe('Whether the group is running (default true)')), true),
}).check(
  z.meta({
    examples: [
      {
        name: 'Thursday walking group',
        purpose: 'A gentle walk and a coffee',
        facilitators: ['0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d'],
        schedule: { frequency: 'WEEKLY', weekday: 'THU', time: '18:00' },
        place: 'Trout Lake community centre',
        capacity: 12,
        active: true,
      },
    ],
  }),
);
export type GroupInput = z.infer<typeof GroupInputSchema>;

export const GroupPatchSchema = strictObject({
  name: z.optional(groupFields.name),
  purpose: groupFields.purpose,
  facilitators: z.optional(FacilitatorsSchema),
  schedule: z.optional(GroupScheduleSchema),
  place: z.optional(groupFields.place),
  capacity: z.optional(CapacitySchema),
  active: z.optional(z.boolean().check(z.describe('Whether the group is running'))),
  version: z
    .number()
    .check(
      z.int('Must be a whole number'),
      z.gte(1, 'Must be at least 1'),
      z.describe('The `version` of the group as read; another is 409'),
    ),
}).check(z.meta({ examples: [{ capacity: 15, version: 1 }] }));
export type GroupPatch = z.infer<typeof GroupPatchSchema>;

export interface Group {
  id: string;
  region: string;
  name: string;
  purpose?: string;
  facilitators: string[];
  schedule: GroupSchedule;
  place: string;
  capacity: number;
  active: boolean;
  /** The local date the group was created: no meeting can be dated before it. */
  startedOn: IsoDate;
  memberCount: number;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export const AttendanceSchema = z
  .array(
    strictObject({
      referralId: IdSchema.check(z.describe('A member’s referral id')),
      present: z.boolean().check(z.describe('Whether they came')),
    }),
  )
  .check(
    z.maxLength(MAX_GROUP_CAPACITY, `At most ${MAX_GROUP_CAPACITY} entries`),
    z.refine((rows) => new Set(rows.map((r) => r.referralId)).size === rows.length, {
      error: 'Each member may appear only once',
    }),
    z.describe('Who was on the roster and whether they came; each member once'),
  );

const MeetingMinutesSchema = z
  .number()
  .check(
    z.int('Must be a whole number'),
    z.gte(1, 'Must be at least 1'),
    z.lte(MAX_MEETING_MINUTES, `Must be at most ${MAX_MEETING_MINUTES}`),
    z.describe(`How long the meeting ran, in minutes (1…${MAX_MEETING_MINUTES}); paid to each facilitator`),
  );
const MeetingDateSchema = PastOrTodayDateSchema.check(
  z.describe('The day of the meeting (America/Vancouver), not before the group started nor in the future'),
);

export const MeetingInputSchema = strictObject({
  date: MeetingDateSchema,
  minutes: MeetingMinutesSchema,
  facilitators: FacilitatorsSchema,
  attendance: AttendanceSchema,
}).check(
  // A meeting falls between the group's start and today, so the example is today (when the document is
  // built): a fixed date would stop being accepted as the days pass.
  z.meta({
    examples: [
      {
        date: todayInProgramZone(),
        minutes: 90,
        facilitators: ['0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d'],
        attendance: [{ referralId: '01JD3F2Q8X5M7K9P4R6T8V0W2Y', present: true }],
      },
    ],
  }),
);
export type MeetingInput = z.infer<typeof MeetingInputSchema>;

export const MeetingPatchSchema = strictObject({
  date: z.optional(MeetingDateSchema),
  minutes: z.optional(MeetingMinutesSchema),
  facilitators: z.optional(FacilitatorsSchema),
  attendance: z.optional(AttendanceSchema),
  version: z
    .number()
    .check(
      z.int('Must be a whole number'),
      z.gte(1, 'Must be at least 1'),
      z.describe('The `version` of the meeting as read; another is 409'),
    ),
}).check(z.meta({ examples: [{ minutes: 60, version: 1 }] }));
export type MeetingPatch = z.infer<typeof MeetingPatchSchema>;

export interface Meeting {
  id: string;
  groupId: string;
  groupName: string;
  date: IsoDate;
  minutes: number;
  facilitators: string[];
  attendance: { referralId: string; present: boolean }[];
  loggedBy: string;
  createdAt: string;
  updatedAt: string;
  version: number;
}

/** A roster entry: what a facilitator may see of a member (first name, short reference). */
export interface GroupMember {
  groupId: string;
  referralId: string;
  firstName: string;
  shortRef: string;
  addedAt: string;
}

/** The short reference shown beside a first name: the referral id's last six characters. */
export const shortRefOf = (referralId: string): string => referralId.slice(-6).toUpperCase();

// ---------------------------------------------------------------------------------------------------------
// Schedule → next meeting dates (calendar arithmetic on local dates; the time is the program zone's)
// ---------------------------------------------------------------------------------------------------------

/** 0 = Monday … 6 = Sunday. */
const weekdayIndex = (day: Weekday): number => WEEKDAYS.indexOf(day);

function utcDate(date: string): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d));
}
const isoOf = (date: Date): string => date.toISOString().slice(0, 10);
/** Monday-based weekday of a UTC-midnight date. */
const mondayIndex = (date: Date): number => (date.getUTCDay() + 6) % 7;

/** The day of `year-month` (1-based month) on which a monthly group meets. */
function monthlyDay(year: number, month: number, weekday: number, weekOfMonth: number): Date {
  if (weekOfMonth === -1) {
    const last = new Date(Date.UTC(year, month, 0));
    const back = (mondayIndex(last) - weekday + 7) % 7;
    return new Date(Date.UTC(year, month - 1, last.getUTCDate() - back));
  }
  const first = new Date(Date.UTC(year, month - 1, 1));
  const ahead = (weekday - mondayIndex(first) + 7) % 7;
  return new Date(Date.UTC(year, month - 1, 1 + ahead + 7 * (weekOfMonth - 1)));
}

/** The next `count` meeting dates on or after `from` (a local `YYYY-MM-DD`), with the schedule's time. */
export function nextMeetingDates(
  schedule: GroupSchedule,
  from: IsoDate,
  count = 3,
): { date: IsoDate; time: string }[] {
  const start = utcDate(from);
  const weekday = weekdayIndex(schedule.weekday);
  const dates: string[] = [];
  if (schedule.frequency === 'WEEKLY') {
    const ahead = (weekday - mondayIndex(start) + 7) % 7;
    for (let i = 0; i < count; i++) {
      dates.push(isoOf(new Date(start.getTime() + (ahead + 7 * i) * 86_400_000)));
    }
  } else {
    let year = start.getUTCFullYear();
    let month = start.getUTCMonth() + 1;
    while (dates.length < count) {
      const day = monthlyDay(year, month, weekday, schedule.weekOfMonth ?? 1);
      if (day.getTime() >= start.getTime()) dates.push(isoOf(day));
      month++;
      if (month > 12) {
        month = 1;
        year++;
      }
    }
  }
  return dates.map((date) => ({ date, time: schedule.time }));
}

/** Facilitation minutes a meeting pays each facilitator: its minutes, once, whoever attended. */
export function facilitationMinutes(meeting: Pick<Meeting, 'minutes' | 'facilitators'>): Map<string, number> {
  return new Map(meeting.facilitators.map((workerId) => [workerId, meeting.minutes]));
}

// ---------------------------------------------------------------------------------------------------------
// Rules a schema cannot express (400 with a clear message; nothing written)
// ---------------------------------------------------------------------------------------------------------

/** Open referrals may join; a closed one within ROSTER_GRACE_DAYS of closing; a declined one never. */
export function checkRosterEligible(referral: Pick<Referral, 'stage' | 'closedAt'>, now: Date): void {
  if (isOpen(referral.stage)) return;
  const closedAt = referral.stage === Stage.CLOSED ? referral.closedAt : undefined;
  if (closedAt !== undefined && now.getTime() - Date.parse(closedAt) <= ROSTER_GRACE_DAYS * 86_400_000)
    return;
  throw new ValidationError('The referral cannot join a group', [
    {
      path: 'referralId',
      message: `Must be an open referral or one closed within the last ${ROSTER_GRACE_DAYS} days`,
    },
  ]);
}

/** A meeting's date, facilitators and attendance against its group and roster. */
export function checkMeeting(
  group: Pick<Group, 'startedOn' | 'facilitators'>,
  rosterIds: ReadonlySet<string>,
  meeting: Partial<Pick<MeetingInput, 'date' | 'facilitators' | 'attendance'>>,
): void {
  const issues: ValidationIssue[] = [];
  if (meeting.date !== undefined && meeting.date < group.startedOn) {
    issues.push({ path: 'date', message: 'Must not be before the group started' });
  }
  (meeting.facilitators ?? []).forEach((id, i) => {
    if (!group.facilitators.includes(id)) {
      issues.push({ path: `facilitators.${i}`, message: "Must be one of the group's facilitators" });
    }
  });
  (meeting.attendance ?? []).forEach((row, i) => {
    if (!rosterIds.has(row.referralId)) {
      issues.push({ path: `attendance.${i}.referralId`, message: "Must be a member of the group's roster" });
    }
  });
  if (issues.length > 0) throw new ValidationError('The meeting does not fit its group', issues);
}
