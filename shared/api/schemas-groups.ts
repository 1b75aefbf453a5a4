import * as z from 'zod/mini';
import { GroupScheduleSchema } from '#domain/groups.ts';
import { IdSchema, IsoDateSchema, strictObject } from '#domain/vocabulary.ts';
import { ListQuerySchema } from './schemas.ts';

/** Parameters and views of the peer support group routes (routes-groups.ts). */

export const GroupParamsSchema = z.object({ id: IdSchema });
export const GroupMemberParamsSchema = z.object({ id: IdSchema, referralId: IdSchema });
export const MeetingParamsSchema = z.object({ id: IdSchema, meetingId: IdSchema });
export const GroupListQuerySchema = ListQuerySchema;

export const AddMemberBodySchema = strictObject({ referralId: IdSchema });

/** A roster entry as facilitators see it: first name and short reference only. */
export const GroupMemberViewSchema = strictObject({
  referralId: z.string(),
  firstName: z.string(),
  shortRef: z.string(),
  addedAt: z.string(),
});

export const GroupViewSchema = z
  .object({
    id: z.string(),
    region: z.string(),
    name: z.string(),
    purpose: z.optional(z.string()),
    facilitators: z.array(z.string()),
    schedule: GroupScheduleSchema,
    place: z.string(),
    capacity: z.number(),
    active: z.boolean(),
    startedOn: IsoDateSchema,
    memberCount: z.number(),
    /** The next meetings from the schedule (America/Vancouver). */
    nextMeetings: z.array(z.object({ date: IsoDateSchema, time: z.string() })),
    /** On `GET /groups/{id}` only. */
    members: z.optional(z.array(GroupMemberViewSchema)),
    createdAt: z.string(),
    updatedAt: z.string(),
    version: z.number(),
  })
  .register(z.globalRegistry, { id: 'Group' });

export const MeetingViewSchema = z
  .object({
    id: z.string(),
    groupId: z.string(),
    groupName: z.string(),
    date: IsoDateSchema,
    minutes: z.number(),
    facilitators: z.array(z.string()),
    attendance: z.array(z.object({ referralId: z.string(), present: z.boolean() })),
    loggedBy: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
    version: z.number(),
  })
  .register(z.globalRegistry, { id: 'Meeting' });
