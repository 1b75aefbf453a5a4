import { createHash } from 'node:crypto';
import { PROGRAM_REGIONS, type ProgramRegion } from '#domain/roles.ts';
import {
  type AvailabilitySlot,
  DAY_PARTS,
  GENDERS,
  LIVED_EXPERIENCE_AREAS,
  TRAINING_MODULES,
  WEEKDAYS,
} from '#domain/vocabulary.ts';
import { type WorkerInput, WorkerInputSchema } from '#domain/worker.ts';

/**
 * The demo roster `npm start` loads once per region: invented people only (no real names, no real
 * contacts: emails on example.org, phones in the 555-01xx fictional range). Deterministic, so every
 * laptop gets the same roster and the same first demo worker.
 */

export const DEMO_WORKERS_PER_REGION = 20;

const FIRST_NAMES = [
  'Avery',
  'Jordan',
  'Priya',
  'Mateo',
  'Mei',
  'Tariq',
  'Sienna',
  'Kenji',
  'Amara',
  'Rowan',
  'Leila',
  'Diego',
  'Harjit',
  'Noor',
  'Callum',
  'Ximena',
  'Tomas',
  'Ayasha',
  'Wren',
  'Farid',
  'Ines',
  'Kai',
  'Simone',
  'Bao',
  'Olu',
  'Marisol',
  'Ezra',
  'Hana',
  'Niko',
  'Zofia',
];
const LAST_NAMES = [
  'Alder',
  'Birch',
  'Cedarwood',
  'Dunmore',
  'Ellery',
  'Fairbanks',
  'Greywell',
  'Hollis',
  'Inglewood',
  'Juniper',
  'Kestrel',
  'Larkin',
  'Marlow',
  'Northcott',
  'Oakridge',
  'Pemberton',
  'Quill',
  'Redfern',
  'Sorrel',
  'Thistle',
  'Underhill',
  'Vale',
  'Whitlock',
  'Yarrow',
];
const LANGUAGES = [
  'Cantonese',
  'Mandarin',
  'Punjabi',
  'Tagalog',
  'Farsi',
  'Spanish',
  'Korean',
  'Vietnamese',
  'French',
  'Arabic',
  'ASL',
];
const CULTURES = [
  'Chinese Canadian',
  'South Asian',
  'Filipino',
  'Persian',
  'Latin American',
  'Korean',
  'Vietnamese',
  'Indigenous (Coast Salish)',
  'Métis',
  'Black Canadian',
  'European Canadian',
  'Arab',
];
const INTERESTS = [
  'walking',
  'cooking',
  'music',
  'gardening',
  'art',
  'hiking',
  'board games',
  'cycling',
  'reading',
  'photography',
  'yoga',
  'soccer',
  'crafts',
  'film',
  'volunteering',
];

export const DEMO_NEIGHBOURHOODS: Record<ProgramRegion, string[]> = {
  vancouver: [
    'Downtown Eastside',
    'Mount Pleasant',
    'Kitsilano',
    'Hastings-Sunrise',
    'Marpole',
    'Kensington-Cedar Cottage',
    'West End',
    'Renfrew-Collingwood',
  ],
  'north-shore': [
    'Lonsdale',
    'Lynn Valley',
    'Deep Cove',
    'Ambleside',
    'Capilano',
    'Edgemont',
    'Horseshoe Bay',
  ],
  richmond: ['Steveston', 'City Centre', 'Brighouse', 'Hamilton', 'Seafair', 'Ironwood', 'Thompson'],
  'sea-to-sky': ['Squamish', 'Whistler', 'Pemberton', 'Britannia Beach', 'Mount Currie', 'Brackendale'],
};

/** A small deterministic generator (mulberry32), seeded per region. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(next: () => number, from: readonly T[], count: number): T[] {
  const pool = [...from];
  const chosen: T[] = [];
  while (chosen.length < count && pool.length > 0)
    chosen.push(pool.splice(Math.floor(next() * pool.length), 1)[0] as T);
  return chosen;
}

/** A stable id shaped like a Cognito `sub` (a UUID), derived from region and position. */
export function demoWorkerId(region: ProgramRegion, index: number): string {
  const hex = createHash('sha256').update(`peerpath-demo-worker:${region}:${index}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Ids of the demo staff accounts a region gets (tokens are printed for these). */
export function demoStaffId(region: ProgramRegion, role: 'clinician' | 'coordinator' | 'admin'): string {
  const hex = createHash('sha256').update(`peerpath-demo-${role}:${region}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-b${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * The demo coordinator's and admin's phone for SMS alerts (E.164, the fictional 604-555-01xx range: 0150 and
 * up, clear of the workers' 0100-0119). Clinicians and workers get no SMS, so they have none.
 */
export function demoStaffPhone(region: ProgramRegion, role: 'coordinator' | 'admin'): string {
  const index = PROGRAM_REGIONS.indexOf(region) * 2 + (role === 'admin' ? 1 : 0);
  return `+160455501${String(50 + index).padStart(2, '0')}`;
}

export interface DemoWorker {
  id: string;
  input: WorkerInput;
}

export function demoWorkers(region: ProgramRegion, count = DEMO_WORKERS_PER_REGION): DemoWorker[] {
  const seed = [...region].reduce((sum, char) => sum * 31 + char.charCodeAt(0), 7);
  const next = random(seed);
  const neighbourhoods = DEMO_NEIGHBOURHOODS[region];
  const workers: DemoWorker[] = [];
  for (let index = 0; index < count; index++) {
    const firstName = FIRST_NAMES[(index * 7 + seed) % FIRST_NAMES.length] as string;
    const lastName = LAST_NAMES[(index * 5 + seed) % LAST_NAMES.length] as string;
    const slots = WEEKDAYS.flatMap((day) => DAY_PARTS.map((part) => ({ day, part })));
    const availability: AvailabilitySlot[] = pick(next, slots, 4 + Math.floor(next() * 6));
    const input = WorkerInputSchema.parse({
      firstName,
      lastName,
      email: `${firstName}.${lastName}.${index + 1}@${region}.peerpath.example.org`.toLowerCase(),
      phone: `604-555-01${String(index).padStart(2, '0')}`,
      gender: GENDERS[Math.floor(next() * 4)],
      languages: ['English', ...pick(next, LANGUAGES, Math.floor(next() * 2.5))],
      culturalBackground: pick(next, CULTURES, 1 + Math.floor(next() * 2)),
      livedExperience: pick(next, LIVED_EXPERIENCE_AREAS, 1 + Math.floor(next() * 3)),
      neighbourhoods: pick(next, neighbourhoods, 1 + Math.floor(next() * 3)),
      availability,
      interests: pick(next, INTERESTS, 2 + Math.floor(next() * 3)),
      trainingCompleted: ['PEER_CORE', ...pick(next, TRAINING_MODULES.slice(1), 2 + Math.floor(next() * 4))],
      maxCaseload: 3 + Math.floor(next() * 6),
      active: index % 10 !== 9,
    });
    workers.push({ id: demoWorkerId(region, index), input });
  }
  return workers;
}
