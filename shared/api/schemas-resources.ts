import * as z from 'zod/mini';
import { LinkStatusSchema, ResourceCategorySchema } from '#domain/resources.ts';
import { IdSchema, IsoDateSchema } from '#domain/vocabulary.ts';
import { ListQuerySchema, QueryBooleanSchema } from './schemas.ts';
import { GroupMemberViewSchema } from './schemas-groups.ts';

/** Parameters and views of the community resource and link routes (routes-resources.ts). */

export const LinkParamsSchema = z.object({ id: IdSchema, linkId: IdSchema });

const queryText = (max: number) =>
  z.optional(
    z
      .string()
      .check(z.trim(), z.minLength(1, 'Required'), z.maxLength(max, `Must be at most ${max} characters`)),
  );

export const ResourceListQuerySchema = z.extend(ListQuerySchema, {
  /** A name prefix. */
  q: queryText(80),
  category: z.optional(ResourceCategorySchema),
  neighbourhood: queryText(80),
  language: queryText(40),
  /** Coordinators: inactive entries too. */
  inactive: z.optional(QueryBooleanSchema),
});

export const ResourceViewSchema = z
  .object({
    id: z.string(),
    region: z.string(),
    name: z.string(),
    category: ResourceCategorySchema,
    neighbourhood: z.optional(z.string()),
    address: z.string(),
    phone: z.optional(z.string()),
    website: z.optional(z.string()),
    languages: z.array(z.string()),
    hours: z.optional(z.string()),
    description: z.optional(z.string()),
    active: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
    version: z.number(),
  })
  .register(z.globalRegistry, { id: 'Resource' });

export const LinkViewSchema = z
  .object({
    id: z.string(),
    referralId: z.string(),
    resourceId: z.string(),
    resourceName: z.string(),
    category: ResourceCategorySchema,
    goalId: z.optional(z.string()),
    status: LinkStatusSchema,
    reason: z.optional(z.string()),
    createdBy: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
    contactedAt: z.optional(z.string()),
    connectedAt: z.optional(z.string()),
    stillConnectedAt: z.optional(z.string()),
    endedAt: z.optional(z.string()),
    version: z.number(),
  })
  .register(z.globalRegistry, { id: 'Link' });

/**
 * A client's groups, group meetings attended and resource links (the referral page). Their worker and
 * coordinators see the entries; a referring clinician whose client agreed to share outcomes sees counts only.
 */
export const ReferralCommunityViewSchema = z
  .object({
    referralId: z.string(),
    groups: z.optional(
      z.array(z.object({ id: z.string(), name: z.string(), member: GroupMemberViewSchema })),
    ),
    meetings: z.optional(
      z.array(
        z.object({ meetingId: z.string(), groupId: z.string(), groupName: z.string(), date: IsoDateSchema }),
      ),
    ),
    links: z.optional(z.array(LinkViewSchema)),
    counts: z.object({
      groups: z.number(),
      meetingsAttended: z.number(),
      links: z.number(),
      connected: z.number(),
    }),
  })
  .register(z.globalRegistry, { id: 'ReferralCommunity' });
