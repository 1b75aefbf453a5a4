import { performance } from 'node:perf_hooks';
import { type MatchableReferral, type MatchableWorker, rankCandidates } from '#domain/matching.ts';
import { ReferralInputSchema } from '#domain/referral.ts';
import { DAY_PARTS, GENDERS, LIVED_EXPERIENCE_AREAS, WEEKDAYS } from '#domain/vocabulary.ts';
import { referralForm } from '../../test/support/fixtures.ts';
import { percentile, round } from '../lib/stats.ts';

/**
 * `rankCandidates` (the candidates view's ranking) over 10,000 varied workers, in process: the pure function
 * alone, after a warm-up, as the candidates route runs it. Each run is timed twice: wall time, and the CPU
 * time this process spent (what the ranking costs, whatever else the machine is running).
 */

export interface MatchingResult {
  workers: number;
  runs: number;
  /** CPU time per ranking (user + system of this process), p50 and p99. */
  cpuP50Ms: number;
  cpuP99Ms: number;
  /** Wall time per ranking. */
  p50Ms: number;
  p99Ms: number;
  candidates: number;
  excluded: number;
}

/** A small deterministic PRNG (mulberry32): the same roster every run. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const LANGUAGES = [
  'English',
  'French',
  'Cantonese',
  'Mandarin',
  'Punjabi',
  'Tagalog',
  'Farsi',
  'Spanish',
  'ASL',
];
const CULTURES = [
  'Chinese',
  'South Asian',
  'Filipino',
  'Indigenous',
  'Persian',
  'Latin American',
  'European',
];
const PLACES = [
  'Kitsilano',
  'Mount Pleasant',
  'Strathcona',
  'Marpole',
  'Kerrisdale',
  'Hastings-Sunrise',
  'West End',
];
const INTERESTS = [
  'walking',
  'art',
  'music',
  'cooking',
  'gardening',
  'chess',
  'basketball',
  'reading',
  'films',
];

function pick<T>(random: () => number, from: readonly T[], count: number): T[] {
  const out = new Set<T>();
  while (out.size < count) out.add(from[Math.floor(random() * from.length)]!);
  return [...out];
}

export function roster(count: number, seed = 42): MatchableWorker[] {
  const random = prng(seed);
  return Array.from({ length: count }, (_, i) => {
    const maxCaseload = 3 + Math.floor(random() * 8);
    return {
      id: `worker-${i}`,
      firstName: `First${i}`,
      lastName: `Last${Math.floor(random() * 5000)}`,
      active: random() > 0.1,
      activeCaseload: Math.floor(random() * (maxCaseload + 1)),
      maxCaseload,
      livedExperience: pick(random, LIVED_EXPERIENCE_AREAS, 1 + Math.floor(random() * 3)),
      languages: pick(random, LANGUAGES, 1 + Math.floor(random() * 2)),
      gender: GENDERS[Math.floor(random() * GENDERS.length)]!,
      culturalBackground: pick(random, CULTURES, Math.floor(random() * 2)),
      neighbourhoods: pick(random, PLACES, 1 + Math.floor(random() * 3)),
      availability: pick(random, WEEKDAYS, 2).flatMap((day) =>
        pick(random, DAY_PARTS, 1 + Math.floor(random() * 2)).map((part) => ({ day, part })),
      ),
      interests: pick(random, INTERESTS, Math.floor(random() * 3)),
    };
  });
}

export function runMatching(options: { workers: number; runs: number }): MatchingResult {
  const workers = roster(options.workers);
  const form = referralForm('vancouver');
  const details = ReferralInputSchema.parse({
    ...form,
    preferences: {
      livedExperience: { values: ['MOOD', 'ANXIETY'], mustHave: false },
      languages: { values: ['English', 'Cantonese'], mustHave: true },
      workerGender: { value: 'WOMAN', mustHave: false },
      culturalBackground: { values: ['Chinese'], mustHave: false },
      interests: { values: ['walking', 'art'], mustHave: false },
    },
    availability: [
      { day: 'TUE', part: 'AFTERNOON' },
      { day: 'THU', part: 'MORNING' },
    ],
  });
  const referral: MatchableReferral = { details };
  let last = rankCandidates(referral, workers);
  for (let i = 0; i < 10; i++) last = rankCandidates(referral, workers);
  const times: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < options.runs; i++) {
    const cpuStarted = process.cpuUsage();
    const started = performance.now();
    last = rankCandidates(referral, workers);
    times.push(performance.now() - started);
    const used = process.cpuUsage(cpuStarted);
    cpu.push((used.user + used.system) / 1000);
  }
  return {
    workers: options.workers,
    runs: options.runs,
    cpuP50Ms: round(percentile(cpu, 50)),
    cpuP99Ms: round(percentile(cpu, 99)),
    p50Ms: round(percentile(times, 50)),
    p99Ms: round(percentile(times, 99)),
    candidates: last.items.length,
    excluded: last.excluded.length,
  };
}
