import type { AlertKind } from './lifecycle.ts';
import type { Role } from './roles.ts';

/**
 * The words of the emails and text messages an alert sends. They carry the kind in plain words, the region,
 * the referral's short reference, what to do next and a link: never a name, a date of birth, a note, a
 * diagnosis or a concern category. The renderers take only ids and codes, so there is nothing else they
 * could leak (test/unit/domain/notification-templates.test.ts checks it with a canary).
 */

export interface TemplateAlert {
  kind: AlertKind;
  referralId?: string | undefined;
  /** `URGENT` or `ROUTINE` for a concern; nothing else is read. */
  level?: string | undefined;
  /** The escalation of an unacknowledged URGENT concern. */
  escalation?: boolean | undefined;
}

export interface TemplateContext {
  region: string;
  /** The pages' base URL (`https://…/` or `http://localhost:3000/`). */
  pagesUrl: string;
  recipientRole: Role;
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

const WORDS: Record<AlertKind, { title: string; todo: string }> = {
  TRIAGE_OVERDUE: { title: 'Triage is overdue', todo: 'Accept or decline the referral.' },
  MATCH_OVERDUE: { title: 'Matching is overdue', todo: 'Match the client with a peer worker.' },
  GOALS_NOT_SET: { title: 'Goals are not set yet', todo: 'Set goals with the client.' },
  NO_SESSION: { title: 'No session for a while', todo: 'Check in and log the next session.' },
  CLOSURE_NOT_CONFIRMED: { title: 'Closure not confirmed', todo: 'Confirm or reopen the closure.' },
  HOLD_REVIEW_DUE: { title: 'Hold review is due', todo: 'Review the hold: resume or close.' },
  DEBRIEF_REQUESTED: { title: 'A debrief was requested', todo: 'Arrange the debrief.' },
  DEBRIEF_OVERDUE: { title: 'A debrief is overdue', todo: 'Hold the debrief and mark it done.' },
  CONSENT_EXPIRING: { title: 'Consent expires soon', todo: 'Renew the consent.' },
  CONCERN_RAISED: { title: 'A concern was raised', todo: 'Read the concern and contact the worker.' },
  STAGE_CHANGED: { title: 'A referral moved on', todo: 'No action is needed.' },
  NEW_REFERRAL: { title: 'New referral', todo: 'Triage the referral.' },
  MATCH_MADE: { title: 'A peer worker was matched', todo: 'Open the referral to see the match.' },
  NEW_CLIENT: { title: 'You have a new client', todo: 'Contact the client and set goals.' },
  CLIENT_REASSIGNED: { title: 'A client was reassigned', todo: 'Open PeerPath for the details.' },
  REFERRAL_CLOSED: { title: 'A referral was closed', todo: 'Open the referral for the closure summary.' },
  REFERRAL_DECLINED: { title: 'A referral was declined', todo: 'Open the referral for the reason.' },
  POSSIBLE_DUPLICATE: { title: 'Possible duplicate referral', todo: 'Check the referral against the other.' },
  GOALS_ACHIEVED: { title: 'Goals achieved', todo: 'Confirm the closure.' },
  TRAINING_EXPIRING: { title: 'A training expires soon', todo: 'Book the refresher course.' },
  CONTRACT_ENDING: { title: 'A contract ends soon', todo: 'Renew the contract or plan the handover.' },
  HOURS_NEAR_LIMIT: {
    title: 'Paid hours near the month’s limit',
    todo: 'Plan the rest of the month’s hours.',
  },
  SUPERVISION_DUE: { title: 'Supervision is due', todo: 'Book a supervision meeting with the worker.' },
  LINK_FOLLOW_UP_DUE: {
    title: 'A resource link needs a follow-up',
    todo: 'Ask the client how it went and update the link.',
  },
};

const REGION_NAMES: Record<string, string> = {
  vancouver: 'Vancouver',
  'north-shore': 'North Shore',
  richmond: 'Richmond',
  'sea-to-sky': 'Sea-to-Sky',
};

export const CRISIS_FOOTER =
  'PeerPath is not an emergency service. In an emergency call 9-1-1; in a mental health crisis call or text 9-8-8.';

/** The last 6 characters of a referral id, upper-case: enough to find it, nothing about the person. */
export const shortReference = (referralId: string): string => referralId.slice(-6).toUpperCase();

export function alertLink(alert: TemplateAlert, pagesUrl: string): string {
  const base = pagesUrl.endsWith('/') ? pagesUrl : `${pagesUrl}/`;
  return alert.referralId ? `${base}#/referrals/${alert.referralId}` : `${base}#/alerts`;
}

function headline(alert: TemplateAlert): string {
  const words = WORDS[alert.kind].title;
  if (alert.escalation) return `ESCALATED: urgent concern not yet acknowledged`;
  if (alert.kind === 'CONCERN_RAISED' && alert.level === 'URGENT') return `URGENT: ${words}`;
  return words;
}

function whatToDo(alert: TemplateAlert): string {
  if (alert.escalation || (alert.kind === 'CONCERN_RAISED' && alert.level === 'URGENT'))
    return 'Contact the worker today and acknowledge the alert in PeerPath.';
  return WORDS[alert.kind].todo;
}

const escapeHtml = (value: string): string => value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function renderEmail(alert: TemplateAlert, ctx: TemplateContext): RenderedEmail {
  const region = REGION_NAMES[ctx.region] ?? ctx.region;
  const ref = alert.referralId ? ` (ref ${shortReference(alert.referralId)})` : '';
  const subject = `PeerPath ${region}: ${headline(alert)}${ref}`;
  const link = alertLink(alert, ctx.pagesUrl);
  const lines = [
    `${headline(alert)}${ref}`,
    `Region: ${region}`,
    '',
    whatToDo(alert),
    `Open it in PeerPath: ${link}`,
    '',
    CRISIS_FOOTER,
  ];
  const html = [
    '<!doctype html><html><body>',
    `<p><strong>${escapeHtml(headline(alert))}</strong>${escapeHtml(ref)}</p>`,
    `<p>Region: ${escapeHtml(region)}</p>`,
    `<p>${escapeHtml(whatToDo(alert))}</p>`,
    `<p><a href="${escapeHtml(link)}">Open it in PeerPath</a></p>`,
    `<p><small>${escapeHtml(CRISIS_FOOTER)}</small></p>`,
    '</body></html>',
  ].join('\n');
  return { subject, text: lines.join('\n'), html };
}

/** One text message of at most 160 characters. */
export function renderSms(alert: TemplateAlert, ctx: TemplateContext): string {
  const region = REGION_NAMES[ctx.region] ?? ctx.region;
  const ref = alert.referralId ? ` ref ${shortReference(alert.referralId)}` : '';
  const full = `PeerPath ${region}: ${headline(alert)}${ref}. ${alertLink(alert, ctx.pagesUrl)} Emergency: 9-1-1`;
  if (full.length <= 160) return full;
  const short = `PeerPath: ${headline(alert)}${ref}. ${alertLink(alert, ctx.pagesUrl)}`;
  return short.length <= 160 ? short : `PeerPath: ${headline(alert)}${ref}. Open PeerPath now.`.slice(0, 160);
}

/** One email listing the day's held routine alerts of one person. */
export function renderDigest(
  alerts: readonly TemplateAlert[],
  ctx: TemplateContext & { date: string },
): RenderedEmail {
  const region = REGION_NAMES[ctx.region] ?? ctx.region;
  const subject = `PeerPath ${region}: ${alerts.length} alert${alerts.length === 1 ? '' : 's'} (${ctx.date})`;
  const rows = alerts.map((alert) => {
    const ref = alert.referralId ? ` (ref ${shortReference(alert.referralId)})` : '';
    return { words: `${headline(alert)}${ref}`, link: alertLink(alert, ctx.pagesUrl) };
  });
  const text = [
    `Your PeerPath alerts, ${region}, ${ctx.date}:`,
    '',
    ...rows.map((row) => `- ${row.words}: ${row.link}`),
    '',
    `All alerts: ${alertLink({ kind: 'STAGE_CHANGED' }, ctx.pagesUrl)}`,
    '',
    CRISIS_FOOTER,
  ].join('\n');
  const html = [
    '<!doctype html><html><body>',
    `<p>Your PeerPath alerts, ${escapeHtml(region)}, ${escapeHtml(ctx.date)}:</p>`,
    '<ul>',
    ...rows.map((row) => `<li><a href="${escapeHtml(row.link)}">${escapeHtml(row.words)}</a></li>`),
    '</ul>',
    `<p><small>${escapeHtml(CRISIS_FOOTER)}</small></p>`,
    '</body></html>',
  ].join('\n');
  return { subject, text, html };
}
