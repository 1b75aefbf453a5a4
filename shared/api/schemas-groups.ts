import * as z from 'zod/mini';
import { GroupScheduleSchema } from '#domain/groups.ts';
import { IdSchema, IsoDateSchema, strictObject } from '#domain/vocabulary.ts';
import { ListQuerySchema } from './schemas.ts';

/** Parameters and views of the peer support group routes (routes-groups.ts). */

const about = (description: string, example?: unknown) =>
  z.meta(example === undefined ? { description } : { description, examples: [example] });

const GroupIdSchema = IdSchema.check(
  about('The id of the group, as its list or its creation returned it', '01JD3F6C8D0E2F4G6H8J0K2M4N'),
);
const ReferralIdSchema = IdSchema.check(
  about('The id of a referral on the group’s roster', '01JD3F2Q8X5M7K9P4R6T8V0W2Y'),
);

export const GroupParamsSchema = z.object({ id: GroupIdSchema });
export const GroupMemberParamsSchema = z.object({ id: GroupIdSchema, referralId: ReferralIdSchema });
export const MeetingParamsSchema = z.object({
  id: GroupIdSchema,
  meetingId: IdSchema.check(about('The id of one of the group’s meetings', '01JD3F8P0Q2R4S6T8V0W2X4Y6Z')),
});
export const GroupListQuerySchema = ListQuerySchema;

export const AddMemberBodySchema = strictObject({
  referralId: IdSchema.check(
    about('The referral of the client who joins (open, or closed less than a year ago)'),
  ),
}).check(z.meta({ examples: [{ referralId: '01JD3F2Q8X5M7K9P4R6T8V0W2Y' }] }));

/** A roster entry as facilitators see it: first name and short reference only. */
export const GroupMemberViewSchema = strictObject({
  referralId: z.string().check(about('The member’s referral')),
  firstName: z.string().check(about('The client’s first name (preferred name when given)')),
  shortRef: z.string().check(about('The referral id’s last six characters, to tell two members apart')),
  addedAt: z.string().check(about('When they joined (ISO-8601 UTC)')),
});

export const GroupViewSchema = z
  .object({
    id: z.string().check(about('The item’s id')),
    region: z.string().check(about('The program region')),
    name: z.string().check(about('The group’s name')),
    purpose: z.optional(z.string()).check(about('What the group is for')),
    facilitators: z.array(z.string()).check(about('The peer workers who facilitate (their `sub`)')),
    schedule: GroupScheduleSchema,
    place: z.string().check(about('An address or meeting room, or `ONLINE`')),
    capacity: z.number().check(about('How many members the roster may hold')),
    active: z.boolean().check(about('Whether the group is running')),
    startedOn: IsoDateSchema.check(
      about('The day it was created (America/Vancouver); no meeting is before it'),
    ),
    memberCount: z.number().check(about('How many members are on the roster')),
    nextMeetings: z
      .array(
        z.object({
          date: IsoDateSchema.check(about('The day (YYYY-MM-DD, America/Vancouver)')),
          time: z.string().check(about('The start time, HH:MM')),
        }),
      )
      .check(about('The next meetings from the schedule (America/Vancouver)')),
    members: z
      .optional(z.array(GroupMemberViewSchema))
      .check(about('The roster; on `GET /groups/{id}` only')),
    createdAt: z.string().check(about('When it was created (ISO-8601 UTC)')),
    updatedAt: z.string().check(about('When it last changed (ISO-8601 UTC)')),
    version: z.number().check(about('Optimistic-lock version: send it back with a correction')),
  })
  .register(z.globalRegistry, { id: 'Group', description: 'A peer support group and its schedule' });

export const MeetingViewSchema = z
  .object({
    id: z.string().check(about('The item’s id')),
    groupId: z.string().check(about('The group it belongs to')),
    groupName: z.string().check(about('The group’s name')),
    date: IsoDateSchema.check(about('The day (YYYY-MM-DD, America/Vancouver)')),
    minutes: z.number().check(about('How long it ran, in minutes; paid to each facilitator')),
    facilitators: z.array(z.string()).check(about('The peer workers who facilitated (their `sub`)')),
    attendance: z
      .array(
        z.object({
          referralId: z.string().check(about('A member’s referral')),
          present: z.boolean().check(about('Whether they came')),
        }),
      )
      .check(about('Who was on the roster and whether they came')),
    loggedBy: z.string().check(about('Who logged it (a user `sub`)')),
    createdAt: z.string().check(about('When it was created (ISO-8601 UTC)')),
    updatedAt: z.string().check(about('When it last changed (ISO-8601 UTC)')),
    version: z.number().check(about('Optimistic-lock version: send it back with a correction')),
  })
  .register(z.globalRegistry, { id: 'Meeting', description: 'One meeting of a group and who came' });
