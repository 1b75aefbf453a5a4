import * as z from 'zod/mini';
import { IllegalTransitionError, ValidationError } from './errors.ts';
import {
  IdSchema,
  LanguageSchema,
  PhoneSchema,
  requiredText,
  strictObject,
  uniqueArray,
} from './vocabulary.ts';

/**
 * Community resources and a client's links to them: the closed loop. A worker (or coordinator) links a
 * client to a resource (`SUGGESTED`) and follows it through the allowed moves; any other move is 409.
 */

export const RESOURCE_CATEGORIES = [
  'HOUSING',
  'FOOD',
  'EMPLOYMENT',
  'EDUCATION',
  'RECREATION',
  'ARTS',
  'PEER_GROUP',
  'HEALTH',
  'FINANCIAL',
  'LEGAL',
  'CULTURAL',
  'SPIRITUAL',
  'OTHER',
] as const;
export const ResourceCategorySchema = z.enum(RESOURCE_CATEGORIES);
export type ResourceCategory = z.infer<typeof ResourceCategorySchema>;

const WebsiteSchema = z.pipe(
  z.string().check(z.trim(), z.maxLength(300, 'Must be at most 300 characters')),
  z.url({ protocol: /^https?$/, error: 'Must be a web address (http or https)' }),
);

const described = (description: string, max: number) =>
  z.optional(requiredText(max).check(z.describe(description)));

const resourceFields = {
  name: requiredText(120).check(z.describe('The resource’s name as the public knows it')),
  category: ResourceCategorySchema.check(z.describe('What kind of resource it is')),
  neighbourhood: described('The neighbourhood it serves or sits in', 80),
  address: requiredText(200).check(z.describe('Its street address, or `ONLINE`')),
  phone: z.optional(PhoneSchema.check(z.describe('A phone number clients can call'))),
  website: z.optional(WebsiteSchema.check(z.describe('Its web address (http or https)'))),
  languages: uniqueArray(LanguageSchema, 12).check(z.describe('Languages it serves clients in (up to 12)')),
  hours: described('When it is open, in plain words', 200),
  description: described('What it offers, in plain words', 500),
};

export const ResourceInputSchema = strictObject({
  ...resourceFields,
  languages: z._default(resourceFields.languages, ['English']),
  active: z._default(z.boolean().check(z.describe('Whether it is listed (default true)')), true),
}).check(
  z.meta({
    examples: [
      {
        name: 'Mount Pleasant Food Bank',
        category: 'FOOD',
        neighbourhood: 'Mount Pleasant',
        address: '2525 Main St, Vancouver',
        phone: '604-555-0142',
        website: 'https://example.org/food-bank',
        languages: ['English', 'Spanish'],
        hours: 'Tuesdays and Fridays 10:00–14:00',
        description: 'Weekly groceries; no referral needed',
        active: true,
      },
    ],
  }),
);
export type ResourceInput = z.infer<typeof ResourceInputSchema>;

export const ResourcePatchSchema = strictObject({
  name: z.optional(resourceFields.name),
  category: z.optional(resourceFields.category),
  neighbourhood: resourceFields.neighbourhood,
  address: z.optional(resourceFields.address),
  phone: resourceFields.phone,
  website: resourceFields.website,
  languages: z.optional(resourceFields.languages),
  hours: resourceFields.hours,
  description: resourceFields.description,
  active: z.optional(z.boolean().check(z.describe('Whether it is listed'))),
  version: z
    .number()
    .check(
      z.int('Must be a whole number'),
      z.gte(1, 'Must be at least 1'),
      z.describe('The `version` of the resource as read; another is 409'),
    ),
}).check(z.meta({ examples: [{ hours: 'Tuesdays 10:00–14:00', version: 1 }] }));
export type ResourcePatch = z.infer<typeof ResourcePatchSchema>;

export interface Resource extends Omit<ResourceInput, 'languages'> {
  id: string;
  region: string;
  languages: string[];
  createdAt: string;
  updatedAt: string;
  version: number;
}

/** The name as searched: accents removed, lower case, single spaces (a `q` prefix is matched on this). */
export function searchName(name: string): string {
  return name.normalize('NFKD').replace(/\p{M}/gu, '').trim().replace(/\s+/g, ' ').toLowerCase();
}

// ---------------------------------------------------------------------------------------------------------
// Links
// ---------------------------------------------------------------------------------------------------------

export const LINK_STATUSES = [
  'SUGGESTED',
  'CONTACTED',
  'CONNECTED',
  'STILL_CONNECTED',
  'DID_NOT_CONNECT',
] as const;
export const LinkStatusSchema = z.enum(LINK_STATUSES);
export type LinkStatus = z.infer<typeof LinkStatusSchema>;

/** The allowed moves (DESIGN.md "Community resources"); anything else is 409. */
export const LINK_MOVES: Readonly<Record<LinkStatus, readonly LinkStatus[]>> = {
  SUGGESTED: ['CONTACTED', 'DID_NOT_CONNECT'],
  CONTACTED: ['CONNECTED', 'DID_NOT_CONNECT'],
  CONNECTED: ['STILL_CONNECTED', 'DID_NOT_CONNECT'],
  STILL_CONNECTED: [],
  DID_NOT_CONNECT: [],
};

/** Links still being followed (the 4-week nudge watches these). */
export const OPEN_LINK_STATUSES: readonly LinkStatus[] = ['SUGGESTED', 'CONTACTED', 'CONNECTED'];

/** "Still connected" is checked at least this long after connecting. */
export const STILL_CONNECTED_AFTER_DAYS = 28;

export const LinkInputSchema = strictObject({
  resourceId: IdSchema.check(z.describe('The resource the client is linked to')),
  goalId: z.optional(IdSchema.check(z.describe('The referral’s goal the link serves'))),
}).check(
  z.meta({ examples: [{ resourceId: '01JD3F7A1B3C5D7E9F1G3H5J7K', goalId: '01JD3F4B2C6D8E0F2G4H6J8K0M' }] }),
);
export type LinkInput = z.infer<typeof LinkInputSchema>;

export const LinkPatchSchema = strictObject({
  status: LinkStatusSchema.check(
    z.describe('The step the client reached; the moves allowed follow the link’s status'),
  ),
  reason: z.optional(
    requiredText(300).check(z.describe('Why the client did not connect; needed for DID_NOT_CONNECT')),
  ),
}).check(z.meta({ examples: [{ status: 'CONTACTED' }] }));
export type LinkPatch = z.infer<typeof LinkPatchSchema>;

export interface Link {
  id: string;
  referralId: string;
  resourceId: string;
  resourceName: string;
  category: ResourceCategory;
  goalId?: string;
  status: LinkStatus;
  reason?: string;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  contactedAt?: string;
  connectedAt?: string;
  stillConnectedAt?: string;
  endedAt?: string;
  version: number;
}

/**
 * Checks a move: 409 when DESIGN.md does not allow it, 400 when it is allowed but incomplete
 * (`DID_NOT_CONNECT` without a reason; `STILL_CONNECTED` less than 4 weeks after connecting).
 */
export function checkLinkMove(link: Pick<Link, 'status' | 'connectedAt'>, patch: LinkPatch, now: Date): void {
  if (!LINK_MOVES[link.status].includes(patch.status)) {
    throw new IllegalTransitionError(link.status, patch.status);
  }
  if (patch.status === 'DID_NOT_CONNECT' && patch.reason === undefined) {
    throw new ValidationError('A reason is needed', [
      { path: 'reason', message: 'Required for DID_NOT_CONNECT' },
    ]);
  }
  if (patch.status === 'STILL_CONNECTED' && link.connectedAt !== undefined) {
    const days = (now.getTime() - Date.parse(link.connectedAt)) / 86_400_000;
    if (days < STILL_CONNECTED_AFTER_DAYS) {
      throw new ValidationError('Too early', [
        {
          path: 'status',
          message: `STILL_CONNECTED is checked at least ${STILL_CONNECTED_AFTER_DAYS} days after CONNECTED`,
        },
      ]);
    }
  }
}

/** The timestamp attribute a move records. */
export function linkMoveStamp(status: LinkStatus): keyof Link {
  switch (status) {
    case 'CONTACTED':
      return 'contactedAt';
    case 'CONNECTED':
      return 'connectedAt';
    case 'STILL_CONNECTED':
      return 'stillConnectedAt';
    default:
      return 'endedAt';
  }
}
