import type { Store } from '#data/store.ts';
import type { ResourceCategory, ResourceInput } from '#domain/resources.ts';
import type { ProgramRegion } from '#domain/roles.ts';
import { DEMO_NEIGHBOURHOODS } from './demo-roster.ts';

/**
 * The demo directory of community resources `npm start` loads once per region: invented places only (no
 * real organisations; phones in the fictional 555-01xx range, websites on example.org). Deterministic ids,
 * so seeding again is a no-op and every laptop sees the same directory.
 */

type Entry = {
  name: string;
  category: ResourceCategory;
  hours?: string;
  description?: string;
  online?: boolean;
};

/** Names are suffixed with the neighbourhood they land in (so each region reads as its own). */
const ENTRIES: readonly Entry[] = [
  { name: 'Community Food Bank', category: 'FOOD', hours: 'Tue and Thu 10:00–14:00' },
  { name: 'Free Lunch Table', category: 'FOOD', hours: 'Weekdays 11:30–13:00' },
  { name: 'Good Food Box', category: 'FOOD', description: 'A monthly box of fresh produce at a low price' },
  {
    name: 'Harbour Clubhouse',
    category: 'PEER_GROUP',
    hours: 'Mon–Fri 09:00–16:00',
    description: 'A clubhouse run with its members',
  },
  { name: 'Hearing Voices Circle', category: 'PEER_GROUP', hours: 'Second Wednesday 18:00' },
  { name: 'Family Carers Group', category: 'PEER_GROUP', hours: 'First Monday 19:00' },
  { name: 'Online Recovery Meet-up', category: 'PEER_GROUP', online: true, hours: 'Sundays 17:00' },
  { name: 'Supported Employment Program', category: 'EMPLOYMENT', description: 'Job coaching at your pace' },
  { name: 'Social Enterprise Café', category: 'EMPLOYMENT', description: 'Paid shifts with a peer mentor' },
  { name: 'Work Ready Workshops', category: 'EMPLOYMENT', hours: 'Thursdays 13:00–15:00' },
  { name: 'Open Studio Art Class', category: 'ARTS', hours: 'Fridays 14:00–16:00' },
  { name: 'Community Choir', category: 'ARTS', hours: 'Tuesdays 18:30' },
  { name: 'Pottery Drop-in', category: 'ARTS', hours: 'Saturdays 10:00–12:00' },
  {
    name: 'Adult Learning Centre',
    category: 'EDUCATION',
    description: 'Upgrading, literacy and computer basics',
  },
  { name: 'Library Tech Help', category: 'EDUCATION', hours: 'Wednesdays 15:00–17:00' },
  { name: 'Walking Club', category: 'RECREATION', hours: 'Mornings at 09:30' },
  { name: 'Low-cost Gym Pass', category: 'RECREATION', description: 'Community centre leisure access' },
  { name: 'Community Garden Plots', category: 'RECREATION' },
  { name: 'Housing Outreach Desk', category: 'HOUSING', hours: 'Weekdays 09:00–12:00' },
  { name: 'Tenant Help Line', category: 'LEGAL', online: true, description: 'Questions about renting' },
  { name: 'Free Tax Clinic', category: 'FINANCIAL', hours: 'March and April' },
  { name: 'Benefits Navigator', category: 'FINANCIAL', description: 'Help with disability and income forms' },
  { name: 'Community Health Centre', category: 'HEALTH', hours: 'Daily 08:30–20:00' },
  { name: 'Indigenous Cultural Circle', category: 'CULTURAL', hours: 'Thursdays 17:00' },
  { name: 'Newcomers Conversation Club', category: 'CULTURAL', hours: 'Saturdays 11:00' },
  { name: 'Interfaith Drop-in', category: 'SPIRITUAL', hours: 'Sundays 14:00' },
];

const LANGUAGE_SETS: readonly string[][] = [
  ['English'],
  ['English', 'Cantonese'],
  ['English', 'Punjabi'],
  ['English', 'Spanish'],
  ['English', 'Mandarin', 'Cantonese'],
  ['English', 'French'],
];

export const demoResourceId = (region: ProgramRegion, index: number) => `demo-resource-${region}-${index}`;

/** The region's demo directory (as many entries as ENTRIES: 26). */
export function demoResources(region: ProgramRegion): { id: string; input: ResourceInput }[] {
  const neighbourhoods = DEMO_NEIGHBOURHOODS[region];
  return ENTRIES.map((entry, index) => {
    const neighbourhood = neighbourhoods[index % neighbourhoods.length]!;
    const input: ResourceInput = {
      name: entry.online ? entry.name : `${neighbourhood} ${entry.name}`,
      category: entry.category,
      ...(entry.online ? {} : { neighbourhood }),
      address: entry.online ? 'ONLINE' : `${100 + index * 7} Example Street, ${neighbourhood}`,
      phone: `604-555-01${String(index).padStart(2, '0')}`,
      website: `https://resource-${index}.example.org`,
      languages: LANGUAGE_SETS[index % LANGUAGE_SETS.length]!,
      ...(entry.hours ? { hours: entry.hours } : {}),
      ...(entry.description ? { description: entry.description } : {}),
      active: true,
    };
    return { id: demoResourceId(region, index), input };
  });
}

/** Writes the region's demo directory unless it is there (its last entry). */
export async function seedDemoResources(store: Store): Promise<void> {
  const data = await import('#data/resources.ts');
  const entries = demoResources(store.region);
  const last = entries.at(-1)!;
  const exists = await data.getResource(store, last.id).then(
    () => true,
    (error: { name?: string }) => {
      if (error.name === 'NotFoundError') return false;
      throw error;
    },
  );
  if (exists) return;
  await Promise.all(
    entries.map((entry) =>
      data.createResource(store, entry.input, entry.id).catch((error: { name?: string }) => {
        // Written meanwhile by a concurrent start: fine.
        if (error.name !== 'ConditionalCheckFailedException') throw error;
      }),
    ),
  );
}
