import * as z from 'zod/mini';
import { LinkStatusSchema, ResourceCategorySchema } from '#domain/resources.ts';
import { IdSchema, IsoDateSchema } from '#domain/vocabulary.ts';
import { ListQuerySchema, QueryBooleanSchema } from './schemas.ts';
import { GroupMemberViewSchema } from './schemas-groups.ts';

/** Parameters and views of the community resource and link routes (routes-resources.ts). */

const about = (description: string, example?: unknown) =>
  z.meta(example === undefined ? { description } : { description, examples: [example] });

export const LinkParamsSchema = z.object({
  id: IdSchema.check(about('The id of the referral the link belongs to', '01JD3F2Q8X5M7K9P4R6T8V0W2Y')),
  linkId: IdSchema.check(
    about('The id of one of the referral’s resource links', '01JD3F9R1S3T5V7W9X1Y3Z5A7B'),
  ),
});

const queryText = (max: number, description: string, example: string) =>
  z.optional(
    z
      .string()
      .check(
        z.trim(),
        z.minLength(1, 'Required'),
        z.maxLength(max, `Must be at most ${max} characters`),
        about(description, example),
      ),
  );

export const ResourceListQuerySchema = z.extend(ListQuerySchema, {
  q: queryText(80, 'Only resources whose name starts with this (case and accents ignored)', 'food'),
  category: z.optional(ResourceCategorySchema.check(about('Only resources of this category', 'FOOD'))),
  neighbourhood: queryText(80, 'Only resources in this neighbourhood', 'Mount Pleasant'),
  language: queryText(40, 'Only resources serving clients in this language', 'Spanish'),
  inactive: z.optional(
    z.pipe(
      z.enum(['true', 'false']).check(about('Coordinators: `true` lists inactive entries too', 'false')),
      QueryBooleanSchema,
    ),
  ),
});

export const ResourceViewSchema = z
  .object({
    id: z.string().check(about('The item’s id')),
    region: z.string().check(about('The program region')),
    name: z.string().check(about('The resource’s name')),
    category: ResourceCategorySchema.check(about('What kind of resource it is')),
    neighbourhood: z.optional(z.string()).check(about('The neighbourhood it serves or sits in')),
    address: z.string().check(about('Its street address, or `ONLINE`')),
    phone: z.optional(z.string()).check(about('A phone number clients can call')),
    website: z.optional(z.string()).check(about('Its web address')),
    languages: z.array(z.string()).check(about('Languages it serves clients in')),
    hours: z.optional(z.string()).check(about('When it is open, in plain words')),
    description: z.optional(z.string()).check(about('What it offers, in plain words')),
    active: z.boolean().check(about('Whether it is listed')),
    createdAt: z.string().check(about('When it was created (ISO-8601 UTC)')),
    updatedAt: z.string().check(about('When it last changed (ISO-8601 UTC)')),
    version: z.number().check(about('Optimistic-lock version: send it back with a correction')),
  })
  .register(z.globalRegistry, {
    id: 'Resource',
    description: 'A community resource clients can be linked to',
  });

export const LinkViewSchema = z
  .object({
    id: z.string().check(about('The item’s id')),
    referralId: z.string().check(about('The referral it belongs to')),
    resourceId: z.string().check(about('The resource the client is linked to')),
    resourceName: z.string().check(about('The resource’s name')),
    category: ResourceCategorySchema.check(about('The resource’s category')),
    goalId: z.optional(z.string()).check(about('The referral’s goal the link serves')),
    status: LinkStatusSchema.check(about('The step the client reached')),
    reason: z.optional(z.string()).check(about('Why the client did not connect')),
    createdBy: z.string().check(about('Who made the link (a user `sub`)')),
    createdAt: z.string().check(about('When it was created (ISO-8601 UTC)')),
    updatedAt: z.string().check(about('When it last changed (ISO-8601 UTC)')),
    contactedAt: z.optional(z.string()).check(about('When it reached CONTACTED (ISO-8601 UTC)')),
    connectedAt: z.optional(z.string()).check(about('When it reached CONNECTED (ISO-8601 UTC)')),
    stillConnectedAt: z.optional(z.string()).check(about('When it reached STILL_CONNECTED (ISO-8601 UTC)')),
    endedAt: z.optional(z.string()).check(about('When it reached DID_NOT_CONNECT (ISO-8601 UTC)')),
    version: z.number().check(about('Optimistic-lock version: send it back with a move')),
  })
  .register(z.globalRegistry, {
    id: 'Link',
    description: 'A client’s link to a community resource and how far it got',
  });

/**
 * A client's groups, group meetings attended and resource links (the referral page). Their worker and
 * coordinators see the entries; a referring clinician whose client agreed to share outcomes sees counts only.
 */
export const ReferralCommunityViewSchema = z
  .object({
    referralId: z.string().check(about('The referral')),
    groups: z
      .optional(
        z.array(
          z.object({
            id: z.string().check(about('The group’s id')),
            name: z.string().check(about('The group’s name')),
            member: GroupMemberViewSchema.check(about('The client’s roster entry')),
          }),
        ),
      )
      .check(about('The groups the client is on (worker and coordinators only)')),
    meetings: z
      .optional(
        z.array(
          z.object({
            meetingId: z.string().check(about('The meeting’s id')),
            groupId: z.string().check(about('The group’s id')),
            groupName: z.string().check(about('The group’s name')),
            date: IsoDateSchema.check(about('The day (YYYY-MM-DD, America/Vancouver)')),
          }),
        ),
      )
      .check(about('The group meetings the client came to (worker and coordinators only)')),
    links: z
      .optional(z.array(LinkViewSchema))
      .check(about('The client’s resource links (worker and coordinators only)')),
    counts: z
      .object({
        groups: z.number().check(about('Groups the client is on')),
        meetingsAttended: z.number().check(about('Group meetings the client came to')),
        links: z.number().check(about('Resource links made')),
        connected: z.number().check(about('Links that reached CONNECTED or later')),
      })
      .check(about('The same, as counts (what a consenting clinician sees)')),
  })
  .register(z.globalRegistry, {
    id: 'ReferralCommunity',
    description: 'A client’s groups, group meetings attended and resource links',
  });
