import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { ReportQuerySchema } from '#api/schemas.ts';
import { ConsentSchema, ReferralInputSchema } from '#domain/referral.ts';
import { SessionModeSchema } from '#domain/vocabulary.ts';
import { issuesFromZod } from '#http/issues.ts';
import { referralInput } from '../../support/store.ts';

const CANARY = 'Canary-Jane-Doe-1987';

/** `schema` checked against `input` as the middleware does it. */
function issuesOf(schema: z.ZodMiniType, input: unknown, prefix?: string) {
  const result = schema.safeParse(input);
  expect(result.success).toBe(false);
  return issuesFromZod(result.error!.issues, { input, schema, ...(prefix ? { prefix } : {}) });
}

const validConsent = () => ({
  given: true,
  scope: ['SHARE_WITH_PEER_WORKER', 'CONTACT_CLIENT'],
  date: '2020-01-01',
  expiresOn: '2099-12-31',
});

describe('issuesFromZod: rule and enum messages pass', () => {
  it("passes the consent rule's message although the caller sent one of the values it names", () => {
    // Prepare
    const consent = { ...validConsent(), scope: ['SHARE_WITH_PEER_WORKER'] };

    // Act
    const issues = issuesOf(ConsentSchema, consent);

    // Assess
    expect(issues).toEqual([
      { path: 'scope', message: 'Consent must include SHARE_WITH_PEER_WORKER and CONTACT_CLIENT' },
    ]);
  });

  it('passes an enum message that names the allowed values, even ones sent in other fields', () => {
    // Prepare
    const schema = z.object({ mode: SessionModeSchema, other: SessionModeSchema });

    // Act
    const issues = issuesOf(schema, { mode: 'TELEPATHY', other: 'PHONE' });

    // Assess
    expect(issues).toHaveLength(1);
    expect(issues[0]?.path).toBe('mode');
    expect(issues[0]?.message).toMatch(/^Invalid option: expected one of .*"PHONE"/);
    expect(issues[0]?.message).not.toContain('TELEPATHY');
  });

  it('passes a rule message that names a literal value of the schema', () => {
    const schema = z.object({ kind: z.literal('GROUP_MEETING'), note: z.string().check(z.maxLength(3)) });
    const issues = issuesOf(schema, { kind: 'GROUP_MEETING', note: 'GROUP_MEETING long' });
    expect(issues).toEqual([{ path: 'note', message: 'Too big: expected string to have <=3 characters' }]);
  });
});

describe('issuesFromZod: the caller’s input never comes back', () => {
  it('replaces a custom message that would echo the input', () => {
    const schema = z.object({
      name: z.string().check(z.refine(() => false, { error: (iss) => `bad: ${iss.input}` })),
    });
    const issues = issuesOf(schema, { name: CANARY });
    expect(issues).toEqual([{ path: 'name', message: 'Invalid value' }]);
  });

  it('replaces an echo that only contains one of the schema’s words', () => {
    // Prepare: the echoed value is an enum value wrapped in the caller's own text
    const value = `${CANARY}SHARE_WITH_PEER_WORKER`;
    const schema = z.object({
      scope: z.enum(['SHARE_WITH_PEER_WORKER']),
      name: z.string().check(z.refine(() => false, { error: (iss) => `bad: ${iss.input}` })),
    });

    // Act
    const issues = issuesOf(schema, { scope: 'SHARE_WITH_PEER_WORKER', name: value });

    // Assess
    expect(JSON.stringify(issues)).not.toContain(CANARY);
    expect(issues).toEqual([{ path: 'name', message: 'Invalid value' }]);
  });

  it('never names an unknown key, whatever it looks like', () => {
    const schema = z.strictObject({ name: z.string() });
    for (const key of [CANARY, 'CanaryJaneDoe']) {
      const issues = issuesOf(schema, { name: 'x', [key]: 1 });
      expect(issues).toHaveLength(1);
      expect(JSON.stringify(issues)).not.toContain(key);
    }
  });

  it('keeps a canary sent in every field of a referral out of every message', () => {
    // Prepare: a valid referral, then the canary in every string field, and as numbers and an unknown key
    const base = JSON.parse(JSON.stringify(referralInput())) as Record<string, unknown>;
    const poisoned = poison(base);
    poisoned[CANARY] = CANARY;

    // Act
    const issues = issuesOf(ReferralInputSchema, poisoned);

    // Assess
    expect(issues.length).toBeGreaterThan(5);
    expect(JSON.stringify(issues)).not.toContain(CANARY);
    expect(JSON.stringify(issues)).not.toContain('Jane');
  });
});

describe('issuesFromZod: a missing field says Required', () => {
  it('says Required for a missing query parameter whose schema has its own format message', () => {
    // Act
    const issues = issuesOf(ReportQuerySchema, {}, 'query');

    // Assess
    expect(issues).toEqual([
      { path: 'query.from', message: 'Required' },
      { path: 'query.to', message: 'Required' },
    ]);
  });

  it('keeps the format message for a parameter that is there but malformed', () => {
    const issues = issuesOf(ReportQuerySchema, { from: 'March', to: '2023-03-31' }, 'query');
    expect(issues).toEqual([{ path: 'query.from', message: 'Must be a calendar date as YYYY-MM-DD' }]);
  });

  it('says Required for missing body fields of any type (text, enum, literal, object)', () => {
    // Prepare
    const { scope: _scope, given: _given, ...consent } = validConsent();

    // Act
    const consentIssues = issuesOf(ConsentSchema, consent);
    const modeIssues = issuesOf(z.object({ mode: SessionModeSchema }), {});
    const bodyIssues = issuesOf(z.object({ name: z.string() }), undefined);

    // Assess
    expect(consentIssues).toEqual([
      { path: 'given', message: 'Required' },
      { path: 'scope', message: 'Required' },
    ]);
    expect(modeIssues).toEqual([{ path: 'mode', message: 'Required' }]);
    expect(bodyIssues).toEqual([{ path: '', message: 'Required' }]);
  });

  it('does not call a field that was sent as null Required', () => {
    const issues = issuesOf(z.object({ name: z.string() }), { name: null });
    expect(issues).toEqual([{ path: 'name', message: 'Invalid input: expected string, received null' }]);
  });

  it('says nothing about Required when it does not know the input', () => {
    const result = z.object({ name: z.string() }).safeParse({});
    expect(issuesFromZod(result.error!.issues)).toEqual([
      { path: 'name', message: 'Invalid input: expected string, received undefined' },
    ]);
  });
});

/** Every string leaf becomes the canary, every number a canary-like number. */
function poison(value: unknown): Record<string, unknown> {
  const walk = (node: unknown): unknown => {
    if (typeof node === 'string') return CANARY;
    if (typeof node === 'number') return 19871987;
    if (Array.isArray(node)) return node.map(walk);
    if (typeof node === 'object' && node !== null) {
      return Object.fromEntries(Object.entries(node).map(([key, item]) => [key, walk(item)]));
    }
    return node;
  };
  return walk(value) as Record<string, unknown>;
}
