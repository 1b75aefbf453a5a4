import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Candidate,
  CRITERION_WEIGHTS,
  type Criterion,
  type MatchableReferral,
  rankCandidates,
} from '#domain/matching.ts';
import type { ReferralInput } from '#domain/referral.ts';
import { DAY_PARTS, WEEKDAYS } from '#domain/vocabulary.ts';
import type { Worker } from '#domain/worker.ts';

function details(overrides: Partial<ReferralInput> = {}): ReferralInput {
  return {
    referrer: { name: 'Dr. Rivera', team: 'Mood Clinic', site: 'Three Bridges', email: 'r@example.org' },
    client: {
      givenName: 'Marisol',
      familyName: 'Quintero',
      dateOfBirth: '1988-09-09',
      safeToText: false,
      safeToVoicemail: false,
      neighbourhood: 'Kitsilano',
      language: 'Spanish',
      interpreterNeeded: false,
    },
    consent: {
      given: true,
      scope: ['SHARE_WITH_PEER_WORKER', 'CONTACT_CLIENT'],
      date: '2025-01-01',
      expiresOn: '2026-01-01',
    },
    goals: [{ text: 'Go to the library again' }],
    preferences: {},
    availability: [],
    logistics: {},
    safety: {},
    reasonForReferral: 'Low mood after a move',
    urgency: 'ROUTINE',
    region: 'vancouver',
    ...overrides,
  };
}

const referralWith = (overrides: Partial<ReferralInput> = {}, extra: Partial<MatchableReferral> = {}) => ({
  details: details(overrides),
  ...extra,
});

let nextId = 0;
function worker(overrides: Partial<Worker> = {}): Worker {
  nextId++;
  return {
    id: `w-${String(nextId).padStart(4, '0')}`,
    region: 'vancouver',
    firstName: `First${nextId}`,
    lastName: `Last${nextId}`,
    email: `w${nextId}@example.org`,
    phone: '604-555-0100',
    gender: 'WOMAN',
    languages: ['English'],
    culturalBackground: [],
    livedExperience: ['ANXIETY'],
    neighbourhoods: [],
    availability: [],
    interests: [],
    trainingCompleted: ['PEER_CORE'],
    maxCaseload: 5,
    activeCaseload: 0,
    active: true,
    version: 1,
    createdAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-01T00:00:00.000Z',
    ...overrides,
  };
}

const reasonOf = (candidate: Candidate | undefined, criterion: Criterion) =>
  candidate?.reasons.find((r) => r.criterion === criterion);

describe('rankCandidates: explanations', () => {
  const referral = referralWith(
    {
      preferences: {
        livedExperience: { values: ['MOOD', 'ANXIETY', 'TRAUMA'], mustHave: false },
        workerGender: { value: 'WOMAN', mustHave: false },
        languages: { values: ['Spanish', 'English'], mustHave: false },
        culturalBackground: { values: ['Colombian'], mustHave: false },
        interests: { values: ['reading', 'cycling'], mustHave: false },
      },
      availability: [
        { day: 'MON', part: 'MORNING' },
        { day: 'WED', part: 'EVENING' },
        { day: 'SAT', part: 'AFTERNOON' },
        { day: 'SUN', part: 'AFTERNOON' },
      ],
    },
    { previousReferralId: 'r-old', previousWorkerId: 'someone-else' },
  );
  const ana = worker({
    firstName: 'Ana',
    livedExperience: ['MOOD', 'ANXIETY', 'PSYCHOSIS'],
    gender: 'WOMAN',
    languages: ['english', 'Tagalog'],
    culturalBackground: ['Filipino'],
    neighbourhoods: ['  KITSILANO '],
    interests: ['Reading', 'knitting'],
    availability: [
      { day: 'MON', part: 'MORNING' },
      { day: 'WED', part: 'EVENING' },
      { day: 'SAT', part: 'AFTERNOON' },
      { day: 'TUE', part: 'MORNING' },
    ],
    maxCaseload: 4,
    activeCaseload: 1,
  });

  it('explains every criterion that applies, in criterion order, with points out of its weight', () => {
    // Act
    const [candidate] = rankCandidates(referral, [ana]).items;

    // Assess
    expect(candidate?.reasons.map((r) => r.criterion)).toEqual([
      'previousWorker',
      'livedExperience',
      'language',
      'workerGender',
      'culturalBackground',
      'neighbourhood',
      'availability',
      'interests',
      'capacity',
    ]);
    for (const r of candidate?.reasons ?? []) {
      expect(r.weight).toBe(CRITERION_WEIGHTS[r.criterion]);
      expect(r.points).toBeGreaterThanOrEqual(0);
      expect(r.points).toBeLessThanOrEqual(r.weight);
    }
  });

  it('says what was shared and how much it counts', () => {
    // Act
    const [candidate] = rankCandidates(referral, [ana]).items;

    // Assess
    expect(reasonOf(candidate, 'livedExperience')).toEqual({
      criterion: 'livedExperience',
      met: true,
      weight: 30,
      points: 20,
      detail: 'shares 2 of 3 lived-experience areas: MOOD, ANXIETY',
    });
    expect(reasonOf(candidate, 'language')).toMatchObject({
      met: true,
      points: 20,
      detail: 'speaks English',
    });
    expect(reasonOf(candidate, 'workerGender')).toMatchObject({ met: true, points: 15 });
    expect(reasonOf(candidate, 'culturalBackground')).toMatchObject({
      met: false,
      points: 0,
      detail: 'no shared cultural background',
    });
    expect(reasonOf(candidate, 'neighbourhood')).toMatchObject({ met: true, points: 10 });
    expect(reasonOf(candidate, 'availability')).toMatchObject({
      met: true,
      points: 7.5,
      detail: 'available in 3 of 4 requested time slots',
    });
    expect(reasonOf(candidate, 'interests')).toMatchObject({
      met: true,
      points: 2.5,
      detail: 'shares 1 of 2 interests: reading',
    });
    expect(reasonOf(candidate, 'capacity')).toMatchObject({
      met: true,
      points: 7.5,
      detail: '3 of 4 caseload places free',
    });
    expect(reasonOf(candidate, 'previousWorker')).toMatchObject({ met: false, points: 0 });
  });

  it('scores the sum of the points', () => {
    // Act
    const [candidate] = rankCandidates(referral, [ana]).items;

    // Assess: 0 + 20 + 20 + 15 + 0 + 10 + 7.5 + 2.5 + 7.5
    expect(candidate?.score).toBe(82.5);
    expect(candidate).toMatchObject({ workerId: ana.id, firstName: 'Ana' });
  });

  it('lists only neighbourhood, language and capacity when the referral states no preferences', () => {
    // Act
    const [candidate] = rankCandidates(referralWith(), [worker({ languages: ['Spanish'] })]).items;

    // Assess
    expect(candidate?.reasons.map((r) => r.criterion)).toEqual(['language', 'neighbourhood', 'capacity']);
    expect(reasonOf(candidate, 'neighbourhood')).toMatchObject({ met: false, points: 0 });
  });

  it.each(WEEKDAYS.flatMap((day) => DAY_PARTS.map((part) => ({ day, part }))))(
    'counts availability on $day $part only for a worker free in that slot',
    (slot) => {
      // Prepare
      const every = WEEKDAYS.flatMap((day) => DAY_PARTS.map((part) => ({ day, part })));
      const free = worker({ availability: [slot] });
      const busy = worker({ availability: every.filter((s) => s.day !== slot.day || s.part !== slot.part) });

      // Act
      const { items } = rankCandidates(referralWith({ availability: [slot] }), [free, busy]);

      // Assess
      expect(items.map((c) => [c.workerId, reasonOf(c, 'availability')?.met])).toEqual([
        [free.id, true],
        [busy.id, false],
      ]);
    },
  );

  it("never puts the client's name, contact or neighbourhood in an explanation", () => {
    // Act
    const ranking = rankCandidates(referral, [ana, worker(), worker({ active: false })]);

    // Assess
    const text = JSON.stringify(ranking);
    for (const phi of ['Marisol', 'Quintero', 'Kitsilano', '1988-09-09', 'Low mood', 'library']) {
      expect(text).not.toContain(phi);
    }
  });
});

describe('rankCandidates: hard filters', () => {
  it('excludes an inactive worker with INACTIVE', () => {
    // Prepare
    const inactive = worker({ active: false, firstName: 'Ines' });

    // Act
    const ranking = rankCandidates(referralWith(), [inactive]);

    // Assess
    expect(ranking.items).toEqual([]);
    expect(ranking.excluded).toEqual([
      { workerId: inactive.id, firstName: 'Ines', reason: 'INACTIVE', detail: 'not active on the roster' },
    ]);
  });

  it.each([
    { activeCaseload: 3, maxCaseload: 3, detail: 'caseload full (3 of 3)' },
    { activeCaseload: 4, maxCaseload: 2, detail: 'caseload full (4 of 2)' },
    { activeCaseload: 0, maxCaseload: 0, detail: 'caseload full (0 of 0)' },
  ])('excludes a worker with $activeCaseload of $maxCaseload clients as AT_CAPACITY', (load) => {
    // Prepare
    const full = worker(load);

    // Act
    const ranking = rankCandidates(referralWith(), [full]);

    // Assess
    expect(ranking.items).toEqual([]);
    expect(ranking.excluded).toEqual([
      { workerId: full.id, firstName: full.firstName, reason: 'AT_CAPACITY', detail: load.detail },
    ]);
  });

  it('keeps a worker with one place left', () => {
    expect(
      rankCandidates(referralWith(), [worker({ activeCaseload: 4, maxCaseload: 5 })]).items,
    ).toHaveLength(1);
  });

  it('reports INACTIVE before AT_CAPACITY for a worker who is both', () => {
    // Act
    const ranking = rankCandidates(referralWith(), [worker({ active: false, activeCaseload: 5 })]);

    // Assess
    expect(ranking.excluded[0]?.reason).toBe('INACTIVE');
  });

  const mustHaves: {
    criterion: string;
    preferences: ReferralInput['preferences'];
    meets: Partial<Worker>;
    misses: Partial<Worker>;
  }[] = [
    {
      criterion: 'lived experience',
      preferences: { livedExperience: { values: ['PSYCHOSIS', 'FAMILY_CARER'], mustHave: true } },
      meets: { livedExperience: ['FAMILY_CARER'] },
      misses: { livedExperience: ['MOOD', 'ANXIETY'] },
    },
    {
      criterion: 'language',
      preferences: { languages: { values: ['Punjabi'], mustHave: true } },
      meets: { languages: ['English', 'punjabi'] },
      misses: { languages: ['English', 'Hindi'] },
    },
    {
      criterion: 'worker gender',
      preferences: { workerGender: { value: 'MAN', mustHave: true } },
      meets: { gender: 'MAN' },
      misses: { gender: 'WOMAN' },
    },
    {
      criterion: 'cultural background',
      preferences: { culturalBackground: { values: ['Musqueam', 'Coast Salish'], mustHave: true } },
      meets: { culturalBackground: ['coast salish'] },
      misses: { culturalBackground: ['Métis'] },
    },
    {
      criterion: 'interests',
      preferences: { interests: { values: ['chess'], mustHave: true } },
      meets: { interests: ['Chess', 'soccer'] },
      misses: { interests: [] },
    },
  ];

  it.each(mustHaves)('excludes a worker missing a must-have $criterion, naming it', (c) => {
    // Prepare
    const misses = worker(c.misses);

    // Act
    const ranking = rankCandidates(referralWith({ preferences: c.preferences }), [misses]);

    // Assess
    expect(ranking.items).toEqual([]);
    expect(ranking.excluded).toEqual([
      {
        workerId: misses.id,
        firstName: misses.firstName,
        reason: 'MISSING_MUST_HAVE',
        detail: `does not meet must-have: ${c.criterion}`,
      },
    ]);
  });

  it.each(mustHaves)('proposes a worker who meets a must-have $criterion with one of its values', (c) => {
    // Prepare
    const meets = worker(c.meets);

    // Act
    const ranking = rankCandidates(referralWith({ preferences: c.preferences }), [meets]);

    // Assess
    expect(ranking.excluded).toEqual([]);
    expect(ranking.items.map((i) => i.workerId)).toEqual([meets.id]);
  });

  it.each(mustHaves)('only lowers the score of a worker missing a nice-to-have $criterion', (c) => {
    // Prepare
    const preferences = JSON.parse(
      JSON.stringify(c.preferences).replace('"mustHave":true', '"mustHave":false'),
    );
    const meets = worker(c.meets);
    const misses = worker(c.misses);

    // Act
    const ranking = rankCandidates(referralWith({ preferences }), [misses, meets]);

    // Assess
    expect(ranking.excluded).toEqual([]);
    expect(ranking.items.map((i) => i.workerId)).toEqual([meets.id, misses.id]);
    expect(ranking.items[0]!.score).toBeGreaterThan(ranking.items[1]!.score);
  });

  it('names every must-have a worker misses', () => {
    // Prepare
    const preferences: ReferralInput['preferences'] = {
      languages: { values: ['Farsi'], mustHave: true },
      workerGender: { value: 'WOMAN', mustHave: true },
      interests: { values: ['art'], mustHave: false },
    };

    // Act
    const ranking = rankCandidates(referralWith({ preferences }), [worker({ gender: 'MAN' })]);

    // Assess
    expect(ranking.excluded[0]?.detail).toBe('does not meet must-have: language, worker gender');
  });

  it("counts the client's own preferred language toward a must-have language", () => {
    // Prepare: the client speaks Spanish; the must-have list adds Portuguese
    const preferences: ReferralInput['preferences'] = {
      languages: { values: ['Portuguese'], mustHave: true },
    };

    // Act
    const ranking = rankCandidates(referralWith({ preferences }), [worker({ languages: ['Spanish'] })]);

    // Assess
    expect(ranking.items).toHaveLength(1);
  });
});

describe('rankCandidates: re-referral', () => {
  it('ranks the previous worker first even against a closer match on everything else', () => {
    // Prepare
    const preferences: ReferralInput['preferences'] = {
      livedExperience: { values: ['MOOD'], mustHave: false },
      workerGender: { value: 'WOMAN', mustHave: false },
    };
    const previous = worker({ livedExperience: ['TRAUMA'], gender: 'MAN', activeCaseload: 4 });
    const closer = worker({
      livedExperience: ['MOOD'],
      gender: 'WOMAN',
      languages: ['Spanish'],
      neighbourhoods: ['Kitsilano'],
    });

    // Act
    const ranking = rankCandidates(
      referralWith({ preferences }, { previousReferralId: 'r-1', previousWorkerId: previous.id }),
      [closer, previous],
    );

    // Assess
    expect(ranking.items.map((i) => i.workerId)).toEqual([previous.id, closer.id]);
    expect(reasonOf(ranking.items[0], 'previousWorker')).toEqual({
      criterion: 'previousWorker',
      met: true,
      weight: 100,
      points: 100,
      detail: 'worked with this client on the previous referral',
    });
  });

  it('does not propose the previous worker when they are at capacity', () => {
    // Prepare
    const previous = worker({ activeCaseload: 5, maxCaseload: 5 });

    // Act
    const ranking = rankCandidates(referralWith({}, { previousWorkerId: previous.id }), [previous, worker()]);

    // Assess
    expect(ranking.items.map((i) => i.workerId)).not.toContain(previous.id);
    expect(ranking.excluded.map((e) => [e.workerId, e.reason])).toEqual([[previous.id, 'AT_CAPACITY']]);
  });

  it('does not list the previous-worker criterion on a first referral', () => {
    // Act
    const [candidate] = rankCandidates(referralWith(), [worker()]).items;

    // Assess
    expect(reasonOf(candidate, 'previousWorker')).toBeUndefined();
  });
});

describe('rankCandidates: order', () => {
  it('breaks equal scores by free places, then last name, then id', () => {
    // Prepare: capacity points are proportional, so 2 of 4 free and 3 of 6 free score the same
    const roomy = worker({ lastName: 'Zhou', id: 'w-z', maxCaseload: 6, activeCaseload: 3 });
    const adams2 = worker({ lastName: 'Adams', id: 'w-b', maxCaseload: 4, activeCaseload: 2 });
    const adams1 = worker({ lastName: 'Adams', id: 'w-a', maxCaseload: 4, activeCaseload: 2 });
    const baker = worker({ lastName: 'Baker', id: 'w-0', maxCaseload: 4, activeCaseload: 2 });

    // Act
    const ranking = rankCandidates(referralWith(), [baker, adams2, roomy, adams1]);

    // Assess
    expect(new Set(ranking.items.map((i) => i.score)).size).toBe(1);
    expect(ranking.items.map((i) => i.workerId)).toEqual(['w-z', 'w-a', 'w-b', 'w-0']);
  });

  it('orders excluded workers by last name, then id', () => {
    // Prepare
    const workers = [
      worker({ lastName: 'Chan', id: 'x-2', active: false }),
      worker({ lastName: 'Abbott', id: 'x-3', activeCaseload: 9 }),
      worker({ lastName: 'Chan', id: 'x-1', active: false }),
    ];

    // Act
    const { excluded } = rankCandidates(referralWith(), workers);

    // Assess
    expect(excluded.map((e) => e.workerId)).toEqual(['x-3', 'x-1', 'x-2']);
  });

  it('gives the same ranking whatever order the workers come in', () => {
    // Prepare: a roster with many ties and every kind of exclusion
    const preferences: ReferralInput['preferences'] = {
      livedExperience: { values: ['MOOD', 'TRAUMA'], mustHave: false },
      languages: { values: ['Spanish'], mustHave: true },
      interests: { values: ['art', 'walking'], mustHave: false },
    };
    const roster = Array.from({ length: 24 }, (_, i) =>
      worker({
        id: `p-${i}`,
        lastName: ['Lee', 'Singh', 'Lee', 'Nguyen'][i % 4]!,
        languages: i % 5 === 0 ? ['English'] : ['Spanish'],
        livedExperience: i % 3 === 0 ? ['MOOD'] : ['TRAUMA', 'MOOD'],
        interests: i % 2 === 0 ? ['art'] : [],
        active: i % 7 !== 3,
        maxCaseload: 4,
        activeCaseload: i % 5,
        neighbourhoods: i % 4 === 1 ? ['Kitsilano'] : [],
      }),
    );
    const referral = referralWith({ preferences });
    const expected = rankCandidates(referral, roster);

    // Act / Assess
    fc.assert(
      fc.property(fc.shuffledSubarray(roster, { minLength: roster.length }), (shuffled) => {
        expect(rankCandidates(referral, shuffled)).toEqual(expected);
      }),
      { numRuns: 200 },
    );
    expect(expected.items.length + expected.excluded.length).toBe(roster.length);
    expect(new Set(expected.excluded.map((e) => e.reason))).toEqual(
      new Set(['INACTIVE', 'AT_CAPACITY', 'MISSING_MUST_HAVE']),
    );
  });

  it('never lists a lower score above a higher one, for any roster', () => {
    // Prepare
    const referral = referralWith({
      preferences: {
        livedExperience: { values: ['MOOD', 'TRAUMA', 'GRIEF'], mustHave: false },
        interests: { values: ['art', 'chess'], mustHave: false },
      },
      availability: [
        { day: 'MON', part: 'MORNING' },
        { day: 'FRI', part: 'EVENING' },
      ],
    });
    const arbitraryWorker = fc.record({
      livedExperience: fc.subarray(['MOOD', 'TRAUMA', 'GRIEF', 'PSYCHOSIS'] as const, { minLength: 1 }),
      interests: fc.subarray(['art', 'chess', 'film']),
      languages: fc.subarray(['Spanish', 'English'], { minLength: 1 }),
      availability: fc.subarray([
        { day: 'MON' as const, part: 'MORNING' as const },
        { day: 'FRI' as const, part: 'EVENING' as const },
      ]),
      maxCaseload: fc.integer({ min: 1, max: 8 }),
      activeCaseload: fc.integer({ min: 0, max: 8 }),
      lastName: fc.constantFrom('Lee', 'Singh', 'Ng'),
    });

    // Act / Assess
    fc.assert(
      fc.property(fc.array(arbitraryWorker, { maxLength: 40 }), (specs) => {
        const { items, excluded } = rankCandidates(
          referral,
          specs.map((spec) => worker({ ...spec, livedExperience: [...spec.livedExperience] })),
        );
        for (let i = 1; i < items.length; i++) {
          expect(items[i - 1]!.score).toBeGreaterThanOrEqual(items[i]!.score);
        }
        expect(items.length + excluded.length).toBe(specs.length);
      }),
      { numRuns: 200 },
    );
  });

  it('sorts candidates by score, highest first', () => {
    // Prepare
    const preferences: ReferralInput['preferences'] = {
      livedExperience: { values: ['MOOD'], mustHave: false },
    };
    const low = worker({ livedExperience: ['GRIEF'] });
    const high = worker({ livedExperience: ['MOOD'], languages: ['Spanish'] });
    const middle = worker({ livedExperience: ['MOOD'] });

    // Act
    const ranking = rankCandidates(referralWith({ preferences }), [low, middle, high]);

    // Assess
    expect(ranking.items.map((i) => i.workerId)).toEqual([high.id, middle.id, low.id]);
  });
});
