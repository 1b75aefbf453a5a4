import { beforeAll, describe, expect, it } from 'vitest';
import { getItem } from '#data/common.ts';
import { searchReferrals } from '#data/referral-search.ts';
import { createReferral } from '#data/referrals/create.ts';
import { patchReferral } from '#data/referrals/patch.ts';
import { Stage } from '#domain/lifecycle.ts';
import type { Referral } from '#domain/referral.ts';
import { actors, makeTestStore, referralInput, seedReferral, type TestStore } from '../../support/store.ts';

/** Client search on DynamoDB Local: accents, hyphens, birth dates, corrections, scope, paging, no plain text. */

let store: TestStore;
function client(givenName: string, familyName: string, dateOfBirth = '1990-04-12') {
  const base = referralInput();
  return { ...base, client: { ...base.client, givenName, familyName, dateOfBirth } };
}

async function make(givenName: string, familyName: string, dateOfBirth?: string, referrerSub?: string) {
  return createReferral(store, {
    details: client(givenName, familyName, dateOfBirth),
    referrerSub: referrerSub ?? actors.clinician.sub,
  });
}

const ids = (page: { items: Referral[] }) => page.items.map((r) => r.id);

let juniper: Referral;
let rene: Referral;

beforeAll(async () => {
  store = await makeTestStore();
  juniper = await make('Juniper', 'Okonkwo-Hale', '1988-02-03');
  rene = await make('René', 'Lévesque', '1975-11-30');
});

describe('client search', () => {
  it('finds a hyphenated family name by its whole, by each part, case-insensitively', async () => {
    for (const q of ['okonkwo', 'HALE', 'Okonkwo-Hale', 'ok', 'okonkwo hale']) {
      expect(ids(await searchReferrals(store, { q })), q).toEqual([juniper.id]);
    }
  });

  it('finds accented names from unaccented terms and by given name', async () => {
    expect(ids(await searchReferrals(store, { q: 'rene' }))).toEqual([rene.id]);
    expect(ids(await searchReferrals(store, { q: 'levesque' }))).toEqual([rene.id]);
    expect(ids(await searchReferrals(store, { q: 'Lév' }))).toEqual([rene.id]);
    expect(ids(await searchReferrals(store, { q: 'juni' }))).toEqual([juniper.id]);
    expect(ids(await searchReferrals(store, { q: 'halex' }))).toEqual([]);
  });

  it('finds by birth date, alone or with a name', async () => {
    expect(ids(await searchReferrals(store, { dob: '1975-11-30' }))).toEqual([rene.id]);
    expect(ids(await searchReferrals(store, { dob: '1975-11-30', q: 're' }))).toEqual([rene.id]);
    expect(ids(await searchReferrals(store, { dob: '1975-11-30', q: 'ju' }))).toEqual([]);
  });

  it('matches a term longer than the indexed prefixes on the whole name', async () => {
    const long = await make('Maximiliana', 'Wolfeschlegelstein');
    expect(ids(await searchReferrals(store, { q: 'wolfeschlegelstein' }))).toEqual([long.id]);
    expect(ids(await searchReferrals(store, { q: 'wolfeschlegelsteinx' }))).toEqual([]);
  });

  it('keeps no name or birth date in the keys of its entries', async () => {
    const { doc, tableName } = store;
    const { ScanCommand } = await import('@aws-sdk/lib-dynamodb');
    const all = (await doc.send(new ScanCommand({ TableName: tableName }))).Items ?? [];
    const entries = all.filter((item) => item.type === 'SEARCH_ENTRY');
    expect(entries.length).toBeGreaterThan(10);
    const text = JSON.stringify(entries).toLowerCase();
    for (const plain of [
      'juniper',
      'okonkwo',
      'hale',
      'rene',
      'ren',
      'levesque',
      '1988-02-03',
      '1975-11-30',
    ]) {
      expect(text).not.toContain(`#${plain}`);
      expect(text).not.toContain(`"${plain}"`);
    }
    for (const entry of entries) expect(String(entry.pk)).toMatch(/^SEARCH#vancouver#[0-9a-f]{64}$/);
  });

  it('follows a correction of the name and birth date, even after the referral is closed', async () => {
    const closed = await seedReferral(store, {
      stage: Stage.CLOSED,
      details: client('Odile', 'Quenneville'),
    });
    expect(ids(await searchReferrals(store, { q: 'quenne' }))).toEqual([closed.id]);
    await patchReferral(store, {
      id: closed.id,
      version: closed.version,
      patch: { client: { ...closed.details.client, familyName: 'Rousseau', dateOfBirth: '1991-01-01' } },
      actor: actors.coordinator,
    });
    expect(ids(await searchReferrals(store, { q: 'quenne' }))).toEqual([]);
    expect(ids(await searchReferrals(store, { q: 'rousseau' }))).toEqual([closed.id]);
    expect(ids(await searchReferrals(store, { q: 'odile' }))).toEqual([closed.id]);
    expect(ids(await searchReferrals(store, { dob: '1990-04-12' })).includes(closed.id)).toBe(false);
    expect(ids(await searchReferrals(store, { dob: '1991-01-01' }))).toEqual([closed.id]);
    const item = await getItem(store, { pk: `REF#${closed.id}`, sk: 'REF' });
    expect(JSON.stringify(Object.keys(item ?? {}))).toContain('searchKeys');
  });

  it("never finds another clinician's referral for a clinician", async () => {
    const other = await make('Juniper', 'Okonkwo', '1990-01-01', 'clinician-other');
    expect(ids(await searchReferrals(store, { q: 'juniper', referrerSub: actors.clinician.sub }))).toEqual([
      juniper.id,
    ]);
    expect(ids(await searchReferrals(store, { q: 'juniper', referrerSub: 'clinician-other' }))).toEqual([
      other.id,
    ]);
    expect(ids(await searchReferrals(store, { q: 'juniper' }))).toEqual([other.id, juniper.id]);
  });
});

describe('client search paging', () => {
  it('pages 250 results newest first with one Query and one BatchGetItem a page', async () => {
    const paged = await makeTestStore();
    const made: string[] = [];
    for (let i = 0; i < 250; i++) {
      paged.setNow(new Date(Date.UTC(2026, 0, 1, 0, 0, i)));
      made.push(
        (await createReferral(paged, { details: client('Pat', `Sample-${i}`), referrerSub: 'c1' })).id,
      );
    }
    paged.setNow(undefined);
    const seen: string[] = [];
    let nextToken: string | undefined;
    let pages = 0;
    do {
      paged.requests.length = 0;
      const page = await searchReferrals(paged, {
        q: 'sample',
        limit: 100,
        ...(nextToken ? { nextToken } : {}),
      });
      const operations = paged.requests.map((r) => r.operation);
      expect(operations.length).toBeLessThanOrEqual(2);
      expect(operations).not.toContain('Scan');
      seen.push(...ids(page));
      nextToken = page.nextToken;
      pages++;
    } while (nextToken && pages < 10);
    expect(seen).toEqual([...made].reverse());
    expect(pages).toBeLessThanOrEqual(4);
  });

  it('refuses a short term, no term, and a page token from another search', async () => {
    await expect(searchReferrals(store, { q: 'j-' })).rejects.toThrow(/too short/);
    await expect(searchReferrals(store, {})).rejects.toThrow(/name or a date/);
    const page = await searchReferrals(store, { q: 'juniper', limit: 1 });
    expect(page.nextToken).toBeDefined();
    await expect(searchReferrals(store, { q: 'rene', nextToken: page.nextToken as string })).rejects.toThrow(
      /nextToken/,
    );
  });
});
