import type { Meeting } from './groups.ts';
import type { Link, ResourceCategory } from './resources.ts';

/**
 * The summary report's groups and resources sections, as pure computation (reports-summary.ts adds them).
 * - groups: meetings dated in the range; attendance = members marked present, summed over meetings; unique
 *   attendees = distinct referrals present at least once; facilitation minutes = each meeting's minutes
 *   once per facilitator (what the program pays).
 * - resources: links created in the range, by the resource's category; `connected` = links that reached
 *   CONNECTED (went at least once, whatever happened after); `stillConnected` = links confirmed
 *   STILL_CONNECTED (checked at least 4 weeks after connecting).
 */

export interface GroupsSection {
  meetings: number;
  attendance: number;
  uniqueAttendees: number;
  facilitationMinutes: number;
}

export interface ResourcesSection {
  links: number;
  byCategory: Partial<Record<ResourceCategory, { links: number; connected: number; stillConnected: number }>>;
  connected: number;
  stillConnected: number;
}

export function groupsSection(
  meetings: readonly Pick<Meeting, 'minutes' | 'facilitators' | 'attendance'>[],
): GroupsSection {
  const attendees = new Set<string>();
  let attendance = 0;
  let facilitationMinutes = 0;
  for (const meeting of meetings) {
    facilitationMinutes += meeting.minutes * meeting.facilitators.length;
    for (const row of meeting.attendance) {
      if (!row.present) continue;
      attendance++;
      attendees.add(row.referralId);
    }
  }
  return { meetings: meetings.length, attendance, uniqueAttendees: attendees.size, facilitationMinutes };
}

export function resourcesSection(
  links: readonly Pick<Link, 'category' | 'connectedAt' | 'stillConnectedAt'>[],
): ResourcesSection {
  const byCategory: ResourcesSection['byCategory'] = {};
  let connected = 0;
  let stillConnected = 0;
  for (const link of links) {
    const entry = byCategory[link.category] ?? { links: 0, connected: 0, stillConnected: 0 };
    entry.links++;
    if (link.connectedAt !== undefined) {
      entry.connected++;
      connected++;
    }
    if (link.stillConnectedAt !== undefined) {
      entry.stillConnected++;
      stillConnected++;
    }
    byCategory[link.category] = entry;
  }
  return { links: links.length, byCategory, connected, stillConnected };
}

/** Facilitation minutes per (month, worker), to add to the session minutes of the paid-minutes table. */
export function facilitationByWorkerMonth(
  meetings: readonly Pick<Meeting, 'date' | 'minutes' | 'facilitators'>[],
): { workerId: string; month: string; minutes: number }[] {
  const totals = new Map<string, { workerId: string; month: string; minutes: number }>();
  for (const meeting of meetings) {
    const month = meeting.date.slice(0, 7);
    for (const workerId of new Set(meeting.facilitators)) {
      const key = `${month}|${workerId}`;
      const entry = totals.get(key) ?? { workerId, month, minutes: 0 };
      entry.minutes += meeting.minutes;
      totals.set(key, entry);
    }
  }
  return [...totals.values()];
}
