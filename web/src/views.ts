import type * as z from 'zod/mini';
import type {
  AlertViewSchema,
  AuditEventViewSchema,
  CandidatesViewSchema,
  DebriefViewSchema,
  GoalViewSchema,
  ReferralViewSchema,
  ReportSummarySchema,
  SessionViewSchema,
  WorkerViewSchema,
} from '#api/schemas.ts';
import { eventsFrom, type LifecycleEvent } from '#domain/lifecycle.ts';
import type { Role } from '#domain/roles.ts';

/** The API's views, as the pages receive them (the same schemas the handlers answer with). */
export type ReferralView = z.output<typeof ReferralViewSchema>;
export type GoalView = z.output<typeof GoalViewSchema>;
export type SessionView = z.output<typeof SessionViewSchema>;
export type AuditEventView = z.output<typeof AuditEventViewSchema>;
export type CandidatesView = z.output<typeof CandidatesViewSchema>;
export type WorkerView = z.output<typeof WorkerViewSchema>;
export type AlertView = z.output<typeof AlertViewSchema>;
export type DebriefView = z.output<typeof DebriefViewSchema>;
export type ReportSummary = z.output<typeof ReportSummarySchema>;

/** The client's name as the program uses it (preferred name first), when the caller may see it. */
export function clientName(referral: Pick<ReferralView, 'details'>): string | undefined {
  const client = referral.details?.client;
  if (!client) return undefined;
  return `${client.preferredName ?? client.givenName} ${client.familyName}`;
}

/** A short, readable reference for a referral id (the end of the ULID). */
export const shortId = (id: string): string => id.slice(-6).toUpperCase();

export function referralTitle(referral: Pick<ReferralView, 'details' | 'id'>): string {
  return clientName(referral) ?? `Referral ${shortId(referral.id)}`;
}

/** The lifecycle events this person may send now (the API's list when it sends one). */
export function allowedEvents(
  referral: Pick<ReferralView, 'allowedEvents' | 'stage'>,
  role: Role,
): LifecycleEvent[] {
  return referral.allowedEvents ?? eventsFrom(referral.stage, role);
}

export const isStaff = (role: Role): boolean => role === 'coordinator' || role === 'admin';
