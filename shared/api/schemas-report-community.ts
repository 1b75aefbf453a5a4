import * as z from 'zod/mini';
import { ResourceCategorySchema } from '#domain/resources.ts';

/** The summary report's groups and resources sections (shared/domain/report-community.ts). */

const count = (description: string) => z.number().check(z.int(), z.gte(0), z.describe(description));

export const GroupsReportSchema = z
  .object({
    meetings: count('Group meetings held in the range'),
    attendance: count('Attendances: members present, summed over the meetings'),
    uniqueAttendees: count('Clients who came to at least one meeting'),
    facilitationMinutes: count('Minutes paid for facilitating, summed over facilitators'),
  })
  .check(z.describe('Peer support groups in the range'));

export const ResourcesReportSchema = z
  .object({
    links: count('Resource links made in the range'),
    byCategory: z
      .partialRecord(
        ResourceCategorySchema,
        z.object({
          links: count('Links made'),
          connected: count('Links that reached CONNECTED'),
          stillConnected: count('Links that reached STILL_CONNECTED'),
        }),
      )
      .check(z.describe('The same counts by resource category')),
    connected: count('Links that reached CONNECTED'),
    stillConnected: count('Links that reached STILL_CONNECTED (four weeks on)'),
  })
  .check(z.describe('Community resource links in the range'));
