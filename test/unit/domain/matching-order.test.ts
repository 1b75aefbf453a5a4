import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type MatchableReferral, type MatchableWorker, rankCandidates } from '#domain/matching.ts';
import type { ReferralInput } from '#domain/referral.ts';

/**
 * The ranking's order against a plain reference: a stable sort with the documented comparison (score, free
 * places, last name without case or accents in code-unit order, id). rankCandidates finds that order with a
 * radix sort on packed name prefixes, so these rosters aim at its edges: names equal after normalising,
 * shared prefixes longer than a packed key, accents, spaces, non-Latin scripts, long runs of one name.
 */

const referral: MatchableReferral = {
  details: {
    client: { language: 'Spanish', neighbourhood: 'Kitsilano' },
    preferences: { livedExperience: { values: ['MOOD', 'TRAUMA'], mustHave: false } },
    availability: [],
  } as unknown as ReferralInput,
};

/** The documented name rule, spelled out independently of the implementation's fast paths. */
const sortName = (name: string) =>
  name.normalize('NFKD').replace(/\p{M}/gu, '').trim().replace(/\s+/g, ' ').toLowerCase();
const byNameThenId = (a: MatchableWorker, b: MatchableWorker) => {
  const [nameA, nameB] = [sortName(a.lastName), sortName(b.lastName)];
  if (nameA !== nameB) return nameA < nameB ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
};

function worker(spec: {
  id: string;
  lastName: string;
  active: boolean;
  maxCaseload: number;
  activeCaseload: number;
  mood: boolean;
}): MatchableWorker {
  return {
    id: spec.id,
    firstName: 'F',
    lastName: spec.lastName,
    active: spec.active,
    maxCaseload: spec.maxCaseload,
    activeCaseload: spec.activeCaseload,
    livedExperience: spec.mood ? ['MOOD'] : ['GRIEF'],
    languages: ['Spanish'],
    gender: 'WOMAN',
    culturalBackground: [],
    neighbourhoods: [],
    availability: [],
    interests: [],
  };
}

/** What the order must be: excluded by name then id; candidates by score, free places, name, id. */
function expectedOrder(workers: readonly MatchableWorker[]) {
  const ranking = rankCandidates(referral, workers);
  const byId = new Map(workers.map((w) => [w.id, w]));
  const scoreOf = new Map(ranking.items.map((c) => [c.workerId, c.score]));
  const excludedIds = new Set(ranking.excluded.map((e) => e.workerId));
  const excluded = workers.filter((w) => excludedIds.has(w.id)).sort(byNameThenId);
  const candidates = workers
    .filter((w) => !excludedIds.has(w.id))
    .sort(
      (a, b) =>
        scoreOf.get(b.id)! - scoreOf.get(a.id)! ||
        b.maxCaseload - b.activeCaseload - (a.maxCaseload - a.activeCaseload) ||
        byNameThenId(a, b),
    );
  return { ranking, byId, excluded, candidates };
}

const NAME_PARTS = [
  'lee',
  'Lee',
  'LEE',
  ' lee ',
  'lée',
  'Lé e',
  'le\u0301e',
  'Lee  Smith',
  'lee smith',
  'Leeson',
  'Abcdefghijkl',
  'abcdefghijklm',
  'Abcdefghijk',
  'ß',
  'Øberg',
  'o\u0308berg',
  '中村',
  '\tNg',
  'ng',
  "O'Neil",
  'o-neil',
  'Zz',
  'a',
];
const arbitraryName = fc.oneof(
  fc.constantFrom(...NAME_PARTS),
  fc.tuple(fc.constantFrom(...NAME_PARTS), fc.constantFrom(...NAME_PARTS)).map(([a, b]) => a + b),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 6 }),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 4 }),
);
const arbitrarySpec = fc.record({
  lastName: arbitraryName,
  active: fc.boolean(),
  maxCaseload: fc.integer({ min: 1, max: 6 }),
  activeCaseload: fc.integer({ min: 0, max: 6 }),
  mood: fc.boolean(),
  // Few ids, so equal names often fall back on the id, and sometimes on input order.
  id: fc.constantFrom('w-1', 'w-10', 'w-2', 'W-1', 'a', 'b', 'w-1-x'),
});

describe('rankCandidates: order against a reference sort', () => {
  it('orders excluded workers and candidates exactly as the plain comparison does, for any roster', () => {
    fc.assert(
      fc.property(fc.array(arbitrarySpec, { maxLength: 60 }), (specs) => {
        // Prepare: unique ids (ties on everything are still allowed through equal names and ids below)
        const workers = specs.map((spec, i) => worker({ ...spec, id: `${spec.id}#${i % 7}` }));
        const unique = [...new Map(workers.map((w) => [w.id, w])).values()];

        // Act
        const { ranking, excluded, candidates } = expectedOrder(unique);

        // Assess
        expect(ranking.excluded.map((e) => e.workerId)).toEqual(excluded.map((w) => w.id));
        expect(ranking.items.map((c) => c.workerId)).toEqual(candidates.map((w) => w.id));
      }),
      { numRuns: 400 },
    );
  });

  it('keeps input order between workers with the same name and id', () => {
    // Prepare: duplicates a stable sort keeps in input order (told apart by first name); 14 of one name
    const workers = Array.from({ length: 14 }, (_, i) => ({
      ...worker({
        id: i % 2 ? 'same' : 'other',
        lastName: i % 3 ? 'Lee' : 'lee ',
        active: i % 5 !== 0,
        maxCaseload: 4,
        activeCaseload: 1,
        mood: true,
      }),
      firstName: `F${i}`,
    }));

    // Act
    const ranking = rankCandidates(referral, workers);

    // Assess
    const firstNames = (list: readonly { firstName: string }[]) => list.map((w) => w.firstName);
    const inputOrder = (active: boolean, id: string) =>
      workers.filter((w) => w.active === active && w.id === id).map((w) => w.firstName);
    expect(firstNames(ranking.items)).toEqual([...inputOrder(true, 'other'), ...inputOrder(true, 'same')]);
    expect(firstNames(ranking.excluded)).toEqual([
      ...inputOrder(false, 'other'),
      ...inputOrder(false, 'same'),
    ]);
  });

  it('sorts a long run of one name by id, keeping input order between equal ids', () => {
    // Prepare: more workers of one name than the short-run path handles
    const ids = Array.from({ length: 80 }, (_, i) => `id-${(i * 37) % 40}`);
    const workers = ids.map((id, i) => ({
      ...worker({ id, lastName: 'Singh', active: true, maxCaseload: 3, activeCaseload: 1, mood: true }),
      firstName: `F${i}`,
    }));

    // Act
    const ranking = rankCandidates(referral, workers);

    // Assess
    const expected = workers
      .map((w, i) => ({ w, i }))
      .sort((a, b) => (a.w.id < b.w.id ? -1 : a.w.id > b.w.id ? 1 : a.i - b.i));
    expect(ranking.items.map((c) => c.firstName)).toEqual(expected.map(({ w }) => w.firstName));
  });

  it('orders a large roster of varied names as the plain comparison does', () => {
    // Prepare: 3,000 workers over a wide alphabet (fewer characters fit a packed key)
    const random = fc.sample(fc.array(arbitrarySpec, { minLength: 3000, maxLength: 3000 }), {
      numRuns: 1,
      seed: 42,
    })[0]!;
    const workers = random.map((spec, i) => worker({ ...spec, id: `${spec.id}#${i}` }));

    // Act
    const { ranking, excluded, candidates } = expectedOrder(workers);

    // Assess
    expect(ranking.excluded.map((e) => e.workerId)).toEqual(excluded.map((w) => w.id));
    expect(ranking.items.map((c) => c.workerId)).toEqual(candidates.map((w) => w.id));
  });
});
