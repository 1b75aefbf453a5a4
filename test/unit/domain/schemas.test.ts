import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as z from 'zod/mini';
import {
  applyReferralPatch,
  changedFields,
  clientMatchKey,
  type ReferralForm,
  type ReferralInput,
  ReferralInputSchema,
  ReferralPatchSchema,
} from '#domain/referral.ts';
import { PROGRAM_REGIONS } from '#domain/roles.ts';
import { priorityOf, todayInProgramZone, URGENCIES } from '#domain/vocabulary.ts';
import {
  ClosureInputSchema,
  ConcernInputSchema,
  DeclineInputSchema,
  GoalRatingInputSchema,
  GoalsInputSchema,
  HoldInputSchema,
  MatchInputSchema,
  ReassignInputSchema,
  SessionInputSchema,
  SessionPatchSchema,
  WithdrawInputSchema,
} from '#domain/work.ts';
import { type WorkerForm, WorkerInputSchema, WorkerPatchSchema } from '#domain/worker.ts';

/** "Now" for every test here: 15 June 2025, 12:00 in Vancouver (19:00 UTC). */
const NOW = new Date('2025-06-15T19:00:00.000Z');

beforeAll(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
});
afterAll(() => {
  vi.useRealTimers();
});

function completeReferral(): ReferralForm {
  return {
    referrer: {
      name: 'Dr. Priya Natarajan',
      team: 'Early Psychosis Intervention',
      site: 'Vancouver General',
      phone: '604-555-0199 ext 12',
      email: 'p.natarajan@example.org',
    },
    client: {
      givenName: 'Alex',
      familyName: 'Moreau',
      preferredName: 'Lex',
      pronouns: 'they/them',
      dateOfBirth: '1994-03-21',
      phone: '+1 (604) 555-0123',
      email: 'lex@example.com',
      safeToText: true,
      safeToVoicemail: false,
      neighbourhood: 'Grandview-Woodland',
      language: 'English',
      interpreterNeeded: false,
    },
    consent: {
      given: true,
      scope: ['SHARE_WITH_PEER_WORKER', 'CONTACT_CLIENT', 'SHARE_OUTCOMES_WITH_REFERRER'],
      date: '2025-06-10',
      expiresOn: '2026-06-10',
    },
    goals: [{ text: 'Get back to the community garden' }, { text: 'Feel less alone on weekends' }],
    preferences: {
      livedExperience: { values: ['PSYCHOSIS', 'LGBTQ2S'], mustHave: true },
      workerGender: { value: 'NON_BINARY', mustHave: false },
      languages: { values: ['English', 'French'] },
      culturalBackground: { values: ['Québécois'], mustHave: false },
      interests: { values: ['gardening', 'music'], mustHave: false },
    },
    availability: [
      { day: 'TUE', part: 'AFTERNOON' },
      { day: 'SAT', part: 'MORNING' },
    ],
    logistics: { transportNeeds: 'Bus pass only', accessibilityNeeds: 'None stated' },
    safety: { homeVisitSafetyNotes: 'Dog at home', riskSummary: 'No current risk concerns' },
    currentSupports: 'Case manager at the EPI team',
    reasonForReferral: 'Isolated since discharge; wants to reconnect with community',
    urgency: 'SOON',
    region: 'vancouver',
  };
}

function minimalReferral(): ReferralForm {
  const {
    preferences: _p,
    availability: _a,
    logistics: _l,
    safety: _s,
    currentSupports: _c,
    ...rest
  } = completeReferral();
  return rest;
}

function validWorker(): WorkerForm {
  return {
    firstName: 'Jordan',
    lastName: 'Okafor',
    email: 'jordan@example.org',
    phone: '604-555-0144',
    gender: 'NON_BINARY',
    languages: ['English'],
    livedExperience: ['PSYCHOSIS', 'FAMILY_CARER'],
    maxCaseload: 6,
  };
}

/** Sets `path` in a copy of `value` (`undefined` deletes it). */
function withValue<T>(value: T, path: (string | number)[], replacement: unknown): T {
  const copy = structuredClone(value) as Record<string | number, unknown>;
  let node = copy;
  for (const step of path.slice(0, -1)) node = node[step] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (replacement === undefined) delete node[last];
  else node[last] = replacement;
  return copy as T;
}

function issuesOf(schema: z.ZodMiniType, input: unknown): { path: string; message: string }[] {
  const result = schema.safeParse(input);
  if (result.success) return [];
  return result.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
}

describe('ReferralInputSchema', () => {
  it('accepts a complete referral and trims its text', () => {
    // Prepare
    const form = withValue(completeReferral(), ['client', 'givenName'], '  Alex  ');

    // Act
    const result = ReferralInputSchema.safeParse(form);

    // Assess
    expect(result.success).toBe(true);
    expect(result.data?.client.givenName).toBe('Alex');
    expect(result.data?.preferences.languages?.mustHave).toBe(false);
  });

  it('accepts a minimal referral and fills in empty preferences, availability, logistics and safety', () => {
    // Act
    const parsed = ReferralInputSchema.parse(minimalReferral());

    // Assess
    expect(parsed.preferences).toEqual({});
    expect(parsed.availability).toEqual([]);
    expect(parsed.logistics).toEqual({});
    expect(parsed.safety).toEqual({});
    expect(parsed.currentSupports).toBeUndefined();
  });

  it.each([
    'referrer',
    'referrer.name',
    'referrer.team',
    'referrer.site',
    'referrer.email',
    'client',
    'client.givenName',
    'client.familyName',
    'client.dateOfBirth',
    'client.safeToText',
    'client.safeToVoicemail',
    'client.neighbourhood',
    'client.language',
    'client.interpreterNeeded',
    'consent',
    'consent.given',
    'consent.scope',
    'consent.date',
    'consent.expiresOn',
    'goals',
    'reasonForReferral',
    'urgency',
    'region',
  ])('refuses a referral without %s, naming that path', (path) => {
    // Prepare
    const form = withValue(completeReferral(), path.split('.'), undefined);

    // Act
    const issues = issuesOf(ReferralInputSchema, form);

    // Assess
    expect(issues.map((i) => i.path)).toContain(path);
  });

  it.each([
    { path: 'urgency', value: 'WHENEVER' },
    { path: 'region', value: 'toronto' },
    { path: 'preferences.livedExperience.values.0', value: 'SADNESS' },
    { path: 'preferences.workerGender.value', value: 'ANY' },
    { path: 'availability.0.day', value: 'MONDAY' },
    { path: 'availability.0.part', value: 'NIGHT' },
    { path: 'consent.scope.0', value: 'SELL_DATA' },
  ])('refuses $value at $path as not one of the allowed values', ({ path, value }) => {
    // Prepare
    const form = withValue(completeReferral(), path.split('.'), value);

    // Act
    const issues = issuesOf(ReferralInputSchema, form);

    // Assess
    expect(issues.map((i) => i.path)).toContain(path);
  });

  it.each([
    { at: '', key: 'referrerSub' },
    { at: 'client', key: 'healthNumber' },
    { at: 'consent', key: 'signedBy' },
    { at: 'preferences.languages', key: 'required' },
  ])('refuses the unknown key $key in "$at"', ({ at, key }) => {
    // Prepare
    const path = at === '' ? [key] : [...at.split('.'), key];
    const form = withValue(completeReferral(), path, 'x');

    // Act
    const result = ReferralInputSchema.safeParse(form);

    // Assess
    expect(result.success).toBe(false);
    const issue = result.error?.issues.find((i) => i.code === 'unrecognized_keys');
    expect(issue?.path.join('.')).toBe(at);
    expect(issue?.message).toContain(key);
  });

  it('refuses a referral without consent, saying consent is needed', () => {
    // Prepare
    const form = withValue(completeReferral(), ['consent', 'given'], false);

    // Act
    const issues = issuesOf(ReferralInputSchema, form);

    // Assess
    expect(issues).toEqual([{ path: 'consent.given', message: expect.stringMatching(/consent/i) }]);
  });

  it('refuses consent that expires on or before the day it was given', () => {
    // Prepare
    const before = withValue(completeReferral(), ['consent', 'expiresOn'], '2025-06-01');
    const sameDay = withValue(completeReferral(), ['consent', 'expiresOn'], '2025-06-10');

    // Act / Assess
    const expected = [{ path: 'consent.expiresOn', message: 'Must be after the consent date' }];
    expect(issuesOf(ReferralInputSchema, before)).toEqual(expected);
    expect(issuesOf(ReferralInputSchema, sameDay)).toEqual(expected);
  });

  it('refuses consent dated in the future or already expired', () => {
    // Prepare
    const future = withValue(completeReferral(), ['consent', 'date'], '2025-06-16');
    const expired = withValue(
      withValue(completeReferral(), ['consent', 'date'], '2024-01-01'),
      ['consent', 'expiresOn'],
      '2025-06-14',
    );

    // Act / Assess
    expect(issuesOf(ReferralInputSchema, future).map((i) => i.path)).toEqual(['consent.date']);
    expect(issuesOf(ReferralInputSchema, expired)).toEqual([
      { path: 'consent.expiresOn', message: 'Consent has already expired' },
    ]);
  });

  it('refuses consent that does not cover sharing with a peer worker and contacting the client', () => {
    // Prepare
    const form = withValue(completeReferral(), ['consent', 'scope'], ['SHARE_WITH_PEER_WORKER']);

    // Act / Assess
    expect(issuesOf(ReferralInputSchema, form).map((i) => i.path)).toEqual(['consent.scope']);
  });

  it.each([
    { dateOfBirth: '2025-06-16', why: 'in the future' },
    { dateOfBirth: '2012-01-01', why: 'a 13-year-old' },
    { dateOfBirth: '1890-01-01', why: 'older than 120' },
    { dateOfBirth: '1990-02-30', why: 'not a calendar date' },
    { dateOfBirth: '21/03/1994', why: 'not ISO' },
  ])('refuses a date of birth $why', ({ dateOfBirth }) => {
    // Prepare
    const form = withValue(completeReferral(), ['client', 'dateOfBirth'], dateOfBirth);

    // Act / Assess
    expect(issuesOf(ReferralInputSchema, form).map((i) => i.path)).toEqual(['client.dateOfBirth']);
  });

  it('accepts a client who turned 16 today', () => {
    // Prepare
    const form = withValue(completeReferral(), ['client', 'dateOfBirth'], '2009-06-15');

    // Act / Assess
    expect(issuesOf(ReferralInputSchema, form)).toEqual([]);
  });

  it('asks for a phone number when texting is safe', () => {
    // Prepare
    const form = withValue(completeReferral(), ['client', 'phone'], undefined);

    // Act / Assess
    expect(issuesOf(ReferralInputSchema, form).map((i) => i.path)).toEqual(['client.phone']);
  });

  it('refuses no goals, eleven goals, a blank goal and a goal over 500 characters', () => {
    const goal = { text: 'walk' };
    expect(
      issuesOf(ReferralInputSchema, withValue(completeReferral(), ['goals'], [])).map((i) => i.path),
    ).toEqual(['goals']);
    expect(
      issuesOf(ReferralInputSchema, withValue(completeReferral(), ['goals'], Array(11).fill(goal))).map(
        (i) => i.path,
      ),
    ).toEqual(['goals']);
    expect(
      issuesOf(ReferralInputSchema, withValue(completeReferral(), ['goals', 0, 'text'], '   ')).map(
        (i) => i.path,
      ),
    ).toEqual(['goals.0.text']);
    expect(
      issuesOf(ReferralInputSchema, withValue(completeReferral(), ['goals', 0, 'text'], 'a'.repeat(501))).map(
        (i) => i.path,
      ),
    ).toEqual(['goals.0.text']);
  });

  it('refuses a time slot listed twice and a must-have gender preference without a gender', () => {
    // Prepare
    const twice = withValue(
      completeReferral(),
      ['availability'],
      [
        { day: 'MON', part: 'EVENING' },
        { day: 'MON', part: 'EVENING' },
      ],
    );
    const noGender = withValue(completeReferral(), ['preferences', 'workerGender'], {
      value: 'NO_PREFERENCE',
      mustHave: true,
    });

    // Act / Assess
    expect(issuesOf(ReferralInputSchema, twice).map((i) => i.path)).toEqual(['availability']);
    expect(issuesOf(ReferralInputSchema, noGender).map((i) => i.path)).toEqual([
      'preferences.workerGender.mustHave',
    ]);
  });

  it.each([
    '604-555-0123',
    '(604) 555-0123',
    '+1 604 555 0123',
    '6045550123',
    '604.555.0123 x204',
    '+44 20 7946 0958',
  ])('accepts the phone number %s', (phone) => {
    expect(issuesOf(ReferralInputSchema, withValue(completeReferral(), ['client', 'phone'], phone))).toEqual(
      [],
    );
  });

  it.each(['call me', '555', '(((((((', '12-34', '604-555-0123 ext'])(
    'refuses the phone number %s',
    (phone) => {
      expect(
        issuesOf(ReferralInputSchema, withValue(completeReferral(), ['client', 'phone'], phone)).map(
          (i) => i.path,
        ),
      ).toEqual(['client.phone']);
    },
  );

  it('refuses a malformed email and phone', () => {
    // Prepare
    const form = withValue(
      withValue(completeReferral(), ['referrer', 'email'], 'not-an-email'),
      ['client', 'phone'],
      'call me',
    );

    // Act / Assess
    expect(
      issuesOf(ReferralInputSchema, form)
        .map((i) => i.path)
        .sort(),
    ).toEqual(['client.phone', 'referrer.email']);
  });
});

describe('validation messages never echo input values', () => {
  const CANARY = 'Zq7CanaryValue';

  it('keeps a canary out of every message of a thoroughly broken referral', () => {
    // Prepare: the canary in every kind of invalid value (too long, bad format, bad enum, bad date, wrong type)
    let form: unknown = completeReferral();
    const broken: [(string | number)[], unknown][] = [
      [['referrer', 'name'], CANARY.repeat(20)],
      [['referrer', 'email'], `${CANARY}@`],
      [['client', 'givenName'], CANARY.repeat(10)],
      [['client', 'dateOfBirth'], CANARY],
      [['client', 'phone'], CANARY],
      [['client', 'language'], CANARY.repeat(5)],
      [['client', 'safeToText'], CANARY],
      [['consent', 'given'], CANARY],
      [['consent', 'scope'], [CANARY]],
      [['consent', 'date'], CANARY],
      [['goals', 0, 'text'], CANARY.repeat(40)],
      [['goals', 1], CANARY],
      [['preferences', 'livedExperience', 'values'], [CANARY]],
      [
        ['preferences', 'interests', 'values'],
        [CANARY, CANARY],
      ],
      [['availability', 0, 'day'], CANARY],
      [['urgency'], CANARY],
      [['region'], CANARY],
      [['client', 'note'], CANARY],
      [[`${CANARY} Moreau`], 'unknown key that is data'],
    ];
    for (const [path, value] of broken) form = withValue(form, path, value);

    // Act
    const issues = issuesOf(ReferralInputSchema, form);

    // Assess
    expect(issues.length).toBeGreaterThanOrEqual(broken.length - 2);
    for (const issue of issues) expect(issue.message).not.toContain(CANARY);
    expect(issues.map((i) => i.path)).toContain('client.dateOfBirth');
  });

  it('keeps a canary out of the messages of every action body', () => {
    // Prepare
    const cases: [z.ZodMiniType, unknown][] = [
      [SessionInputSchema, { date: CANARY, mode: CANARY, minutes: CANARY, note: CANARY.repeat(300) }],
      [GoalRatingInputSchema, { rating: CANARY, note: CANARY.repeat(100) }],
      [ClosureInputSchema, { reason: CANARY, summary: CANARY.repeat(200) }],
      [ConcernInputSchema, { level: CANARY, category: CANARY, note: CANARY }],
      [WorkerInputSchema, { ...validWorker(), email: CANARY, languages: [CANARY.repeat(5)], gender: CANARY }],
      [ReferralPatchSchema, { version: CANARY, client: CANARY }],
    ];

    for (const [schema, input] of cases) {
      // Act
      const issues = issuesOf(schema, input);

      // Assess
      expect(issues.length).toBeGreaterThan(0);
      for (const issue of issues) expect(issue.message).not.toContain(CANARY);
    }
  });
});

describe('ReferralPatchSchema', () => {
  it('accepts any section replaced whole with the version read', () => {
    // Act
    const patch = ReferralPatchSchema.parse({
      version: 3,
      urgency: 'URGENT',
      logistics: { transportNeeds: 'Taxi' },
    });

    // Assess
    expect(patch).toEqual({ version: 3, urgency: 'URGENT', logistics: { transportNeeds: 'Taxi' } });
  });

  it('refuses a correction without a version, with nothing to change, or changing the region', () => {
    expect(issuesOf(ReferralPatchSchema, { urgency: 'URGENT' }).map((i) => i.path)).toEqual(['version']);
    expect(issuesOf(ReferralPatchSchema, { version: 2 }).map((i) => i.path)).toEqual(['']);
    expect(issuesOf(ReferralPatchSchema, { version: 2, urgency: 'URGENT', region: 'richmond' })).toEqual([
      { path: '', message: expect.stringContaining('region') },
    ]);
  });

  it('validates a replaced section as strictly as the form', () => {
    // Prepare
    const consent = { ...completeReferral().consent, given: false };

    // Act / Assess
    expect(issuesOf(ReferralPatchSchema, { version: 2, consent }).map((i) => i.path)).toEqual([
      'consent.given',
    ]);
  });

  it('does not fill in defaults for sections a correction leaves out', () => {
    // Act
    const patch = ReferralPatchSchema.parse({ version: 2, reasonForReferral: 'Updated reason' });

    // Assess
    expect(Object.keys(patch).sort()).toEqual(['reasonForReferral', 'version']);
  });
});

describe('changedFields and applyReferralPatch', () => {
  const parsed = (): ReferralInput => ReferralInputSchema.parse(completeReferral());

  it('names only the sections whose content changes, whatever the key order', () => {
    // Prepare
    const before = parsed();
    const { name, team, site, phone, email } = before.referrer;
    const patch = ReferralPatchSchema.parse({
      version: 1,
      referrer: { email, phone, site, team, name },
      urgency: 'URGENT',
      goals: [...before.goals, { text: 'Start a class' }],
    });

    // Act
    const changed = changedFields(before, patch);

    // Assess
    expect(changed).toEqual(['goals', 'urgency']);
  });

  it('replaces the sections sent and keeps the rest', () => {
    // Prepare
    const before = parsed();
    const patch = ReferralPatchSchema.parse({ version: 1, urgency: 'URGENT' });

    // Act
    const after = applyReferralPatch(before, patch);

    // Assess
    expect(after.urgency).toBe('URGENT');
    expect(after.client).toEqual(before.client);
    expect(after).not.toHaveProperty('version');
    expect(before.urgency).toBe('SOON');
  });
});

describe('clientMatchKey', () => {
  const base = completeReferral() as ReferralInput;

  it('is a sha256 hex digest that does not contain the name', () => {
    // Act
    const key = clientMatchKey(base);

    // Assess
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(key).not.toContain('alex');
  });

  it('is the same for the same client written with other case, spacing and accents', () => {
    // Prepare
    const a = withValue(
      withValue(base, ['client', 'givenName'], 'José María'),
      ['client', 'familyName'],
      'Núñez',
    );
    const b = withValue(
      withValue(base, ['client', 'givenName'], '  jose  MARIA '),
      ['client', 'familyName'],
      'NUNEZ',
    );

    // Act / Assess
    expect(clientMatchKey(a)).toBe(clientMatchKey(b));
  });

  it('differs when the date of birth or a name differs', () => {
    // Prepare
    const otherBirthday = withValue(base, ['client', 'dateOfBirth'], '1994-03-22');
    const otherName = withValue(base, ['client', 'givenName'], 'Alexa');

    // Act / Assess
    expect(clientMatchKey(otherBirthday)).not.toBe(clientMatchKey(base));
    expect(clientMatchKey(otherName)).not.toBe(clientMatchKey(base));
  });
});

describe('work action bodies', () => {
  it('accepts a session logged today in Vancouver and defaults debriefNeeded to false', () => {
    // Act
    const session = SessionInputSchema.parse({ date: '2025-06-15', mode: 'WALK', minutes: 90 });

    // Assess
    expect(session).toEqual({ date: '2025-06-15', mode: 'WALK', minutes: 90, debriefNeeded: false });
  });

  it('refuses a session dated in the future', () => {
    expect(issuesOf(SessionInputSchema, { date: '2025-06-16', mode: 'PHONE', minutes: 30 })).toEqual([
      { path: 'date', message: expect.stringMatching(/future/) },
    ]);
  });

  it("judges 'the future' by the Vancouver calendar, not UTC", () => {
    // Prepare: 04:30 UTC on 16 June is still 21:30 on 15 June in Vancouver
    vi.setSystemTime(new Date('2025-06-16T04:30:00.000Z'));

    try {
      // Act
      const today = todayInProgramZone();
      const tomorrow = issuesOf(SessionInputSchema, { date: '2025-06-16', mode: 'TEXT', minutes: 10 });

      // Assess
      expect(today).toBe('2025-06-15');
      expect(tomorrow.map((i) => i.path)).toEqual(['date']);
    } finally {
      vi.setSystemTime(NOW);
    }
  });

  it('reports a malformed session date once, as a format problem', () => {
    expect(issuesOf(SessionInputSchema, { date: 'yesterday', mode: 'TEXT', minutes: 5 })).toEqual([
      { path: 'date', message: 'Must be a calendar date as YYYY-MM-DD' },
    ]);
  });

  it.each([0, 721, 30.5, -5])('refuses a session of %s minutes', (minutes) => {
    expect(
      issuesOf(SessionInputSchema, { date: '2025-06-01', mode: 'PHONE', minutes }).map((i) => i.path),
    ).toEqual(['minutes']);
  });

  it('refuses an unknown session mode', () => {
    expect(
      issuesOf(SessionInputSchema, { date: '2025-06-01', mode: 'TELEPATHY', minutes: 5 }).map((i) => i.path),
    ).toEqual(['mode']);
  });

  it('corrects a session without resetting fields it leaves out', () => {
    // Act
    const patch = SessionPatchSchema.parse({ version: 4, minutes: 45 });

    // Assess
    expect(patch).toEqual({ version: 4, minutes: 45 });
    expect(issuesOf(SessionPatchSchema, { minutes: 45 }).map((i) => i.path)).toEqual(['version']);
  });

  it.each([3, -3, 1.5])('refuses a goal rating of %s', (rating) => {
    expect(issuesOf(GoalRatingInputSchema, { rating }).map((i) => i.path)).toEqual(['rating']);
  });

  it.each([-2, -1, 0, 1, 2])('accepts a goal rating of %s', (rating) => {
    expect(GoalRatingInputSchema.parse({ rating })).toEqual({ rating });
  });

  it('accepts one to ten goals with a title of at most 200 characters', () => {
    expect(GoalsInputSchema.safeParse({ goals: [{ title: 'Cook twice a week' }] }).success).toBe(true);
    expect(issuesOf(GoalsInputSchema, { goals: [] }).map((i) => i.path)).toEqual(['goals']);
    expect(issuesOf(GoalsInputSchema, { goals: [{ title: 'x'.repeat(201) }] }).map((i) => i.path)).toEqual([
      'goals.0.title',
    ]);
  });

  it('requires a reason and a summary to close or decline, and refuses a closure reason as a decline reason', () => {
    expect(ClosureInputSchema.safeParse({ reason: 'GOALS_MET', summary: 'Met both goals' }).success).toBe(
      true,
    );
    expect(issuesOf(ClosureInputSchema, { reason: 'GOALS_MET' }).map((i) => i.path)).toEqual(['summary']);
    expect(
      DeclineInputSchema.safeParse({ reason: 'OUTSIDE_REGION', summary: 'Lives in Surrey' }).success,
    ).toBe(true);
    expect(issuesOf(DeclineInputSchema, { reason: 'GOALS_MET', summary: 'x' }).map((i) => i.path)).toEqual([
      'reason',
    ]);
  });

  it('requires a reason to withdraw, hold and reassign, and a worker id to match', () => {
    expect(issuesOf(WithdrawInputSchema, {}).map((i) => i.path)).toEqual(['reason']);
    expect(issuesOf(HoldInputSchema, { reason: '  ' }).map((i) => i.path)).toEqual(['reason']);
    expect(issuesOf(ReassignInputSchema, { workerId: 'w-1' }).map((i) => i.path)).toEqual(['reason']);
    expect(issuesOf(MatchInputSchema, { workerId: '../etc' }).map((i) => i.path)).toEqual(['workerId']);
    expect(MatchInputSchema.parse({ workerId: '01JXYZABCDEF' })).toEqual({ workerId: '01JXYZABCDEF' });
  });

  it('refuses free text on a concern, so a concern can carry no health information', () => {
    // Act
    const result = ConcernInputSchema.safeParse({ level: 'URGENT', category: 'SAFETY', note: 'details' });

    // Assess
    expect(result.success).toBe(false);
    expect(ConcernInputSchema.parse({ level: 'URGENT', category: 'SAFETY' })).toEqual({
      level: 'URGENT',
      category: 'SAFETY',
    });
  });
});

describe('worker schemas', () => {
  it('accepts a worker and fills in defaults (active, empty lists)', () => {
    // Act
    const worker = WorkerInputSchema.parse(validWorker());

    // Assess
    expect(worker.active).toBe(true);
    expect(worker.availability).toEqual([]);
    expect(worker.trainingCompleted).toEqual([]);
    expect(worker.livedExperience).toContain('FAMILY_CARER');
  });

  it.each([
    { path: 'maxCaseload', value: 31 },
    { path: 'maxCaseload', value: -1 },
    { path: 'maxCaseload', value: 2.5 },
    { path: 'languages', value: [] },
    { path: 'livedExperience', value: ['GRUMPINESS'] },
    { path: 'trainingCompleted', value: ['JUGGLING'] },
    { path: 'gender', value: 'ROBOT' },
    { path: 'email', value: 'jordan' },
    { path: 'lastName', value: undefined },
  ])('refuses $path = $value', ({ path, value }) => {
    // Prepare
    const form = withValue(validWorker(), [path], value);

    // Act / Assess
    expect(issuesOf(WorkerInputSchema, form)[0]?.path).toMatch(new RegExp(`^${path}`));
  });

  it('corrects a worker without re-activating or clearing fields it leaves out', () => {
    // Act
    const patch = WorkerPatchSchema.parse({ version: 2, maxCaseload: 2 });

    // Assess
    expect(patch).toEqual({ version: 2, maxCaseload: 2 });
    expect(issuesOf(WorkerPatchSchema, { version: 2 }).map((i) => i.path)).toEqual(['']);
  });
});

describe('vocabulary', () => {
  it('sorts the queue most urgent first', () => {
    // Act
    const sorted = [...URGENCIES].reverse().sort((a, b) => priorityOf(a).localeCompare(priorityOf(b)));

    // Assess
    expect(sorted).toEqual(['URGENT', 'SOON', 'ROUTINE']);
    expect(priorityOf('URGENT')).toBe('1');
  });

  it('uses the program regions for a referral', () => {
    for (const region of PROGRAM_REGIONS) {
      expect(ReferralInputSchema.safeParse({ ...completeReferral(), region }).success).toBe(true);
    }
  });

  it('turns every request schema into JSON Schema for the OpenAPI document', () => {
    // Prepare
    const schemas = [
      ReferralInputSchema,
      ReferralPatchSchema,
      WorkerInputSchema,
      WorkerPatchSchema,
      SessionInputSchema,
      SessionPatchSchema,
      GoalsInputSchema,
      GoalRatingInputSchema,
      ClosureInputSchema,
      DeclineInputSchema,
      ConcernInputSchema,
    ];

    // Act / Assess
    for (const schema of schemas) {
      const json = z.toJSONSchema(schema, { io: 'input' }) as { additionalProperties?: unknown };
      expect(json.additionalProperties).toBe(false);
    }
  });
});
