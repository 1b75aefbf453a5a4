import { describe, expect, it } from 'vitest';
import { ALERT_KINDS, type AlertKind } from '#domain/lifecycle.ts';
import {
  alertLink,
  renderDigest,
  renderEmail,
  renderSms,
  shortReference,
  type TemplateAlert,
} from '#domain/notification-templates.ts';
import { Role } from '#domain/roles.ts';

const CANARY = 'CANARY-7f3e';
const referralId = '01JABCDEFGHJKMNPQRSTVWxyz9';
const ctx = {
  region: 'north-shore',
  pagesUrl: 'https://pages.example.org/',
  recipientRole: Role.COORDINATOR,
};

/** An alert as the delivery worker holds it, plus everything PHI-like a careless template might read. */
function withCanaries(kind: AlertKind, level?: string): TemplateAlert {
  return {
    kind,
    referralId,
    ...(level ? { level } : {}),
    details: { category: `SELF_HARM_${CANARY}`, note: CANARY },
    clientName: `Alex ${CANARY}`,
    dateOfBirth: '1990-04-12',
    category: CANARY,
  } as TemplateAlert;
}

describe('notification templates', () => {
  it.each(ALERT_KINDS)('renders %s without any canary, with the short reference and link', (kind) => {
    const alert = withCanaries(kind, kind === 'CONCERN_RAISED' ? 'URGENT' : undefined);
    const email = renderEmail(alert, ctx);
    const sms = renderSms(alert, ctx);
    for (const out of [email.subject, email.text, email.html, sms]) {
      expect(out).not.toContain(CANARY);
      expect(out).not.toContain('1990');
      expect(out).not.toContain('SELF_HARM');
    }
    expect(email.subject).toContain('North Shore');
    expect(email.text).toContain('VWXYZ9');
    expect(email.text).toContain(`https://pages.example.org/#/referrals/${referralId}`);
    expect(email.html).toContain(`href="https://pages.example.org/#/referrals/${referralId}"`);
    expect(email.text).toContain('9-1-1');
    expect(email.text).toContain('9-8-8');
    expect(sms.length).toBeLessThanOrEqual(160);
  });

  it('says URGENT and what to do for an urgent concern, and ESCALATED for its escalation', () => {
    expect(renderEmail(withCanaries('CONCERN_RAISED', 'URGENT'), ctx).subject).toContain('URGENT');
    expect(renderSms({ ...withCanaries('CONCERN_RAISED', 'URGENT'), escalation: true }, ctx)).toContain(
      'ESCALATED',
    );
    expect(renderEmail(withCanaries('CONCERN_RAISED', 'ROUTINE'), ctx).subject).not.toContain('URGENT');
  });

  it('links to the inbox when the alert is about no referral', () => {
    expect(alertLink({ kind: 'DEBRIEF_OVERDUE' }, 'http://localhost:3000')).toBe(
      'http://localhost:3000/#/alerts',
    );
    expect(shortReference('01jabcdefghjkmnpqrstv00aa1')).toBe('V00AA1');
  });

  it('keeps an SMS within 160 characters even with a very long pages URL', () => {
    const long = { ...ctx, pagesUrl: `https://${'x'.repeat(150)}.example.org/` };
    expect(renderSms(withCanaries('CONCERN_RAISED', 'URGENT'), long).length).toBeLessThanOrEqual(160);
  });

  it('lists every held alert in one digest, without canaries', () => {
    const digest = renderDigest([withCanaries('NEW_REFERRAL'), withCanaries('MATCH_OVERDUE')], {
      ...ctx,
      date: '2026-12-02',
    });
    expect(digest.subject).toContain('2 alerts');
    expect(digest.text).toContain('New referral');
    expect(digest.text).toContain('Matching is overdue');
    expect(`${digest.subject}${digest.text}${digest.html}`).not.toContain(CANARY);
  });

  it('escapes HTML in the link', () => {
    const email = renderEmail({ kind: 'NEW_REFERRAL', referralId: 'a"b<c' }, ctx);
    expect(email.html).not.toContain('a"b<c');
  });
});
