import * as z from 'zod/mini';
import { ResourceCategorySchema } from '#domain/resources.ts';

/** The summary report's groups and resources sections (shared/domain/report-community.ts). */

const count = z.number().check(z.int(), z.gte(0));

export const GroupsReportSchema = z.object({
  meetings: count,
  attendance: count,
  uniqueAttendees: count,
  facilitationMinutes: count,
});

export const ResourcesReportSchema = z.object({
  links: count,
  byCategory: z.partialRecord(
    ResourceCategorySchema,
    z.object({ links: count, connected: count, stillConnected: count }),
  ),
  connected: count,
  stillConnected: count,
});
