import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Stage } from '#domain/lifecycle.ts';
import type { Referral } from '#domain/referral.ts';
import {
  type BrowserHarness,
  screenshot,
  seriousViolations,
  signIn,
  startBrowserHarness,
} from '../../support/browser.ts';
import { seedReferral } from '../../support/store.ts';

/**
 * A worker logs a group meeting from the roster checklist, and links a client to a food bank from the
 * client's page and moves the link on; each page passes an axe scan and is kept as a screenshot.
 */

let harness: BrowserHarness;
let workerId: string;
let clients: Referral[];
let groupId: string;

beforeAll(async () => {
  harness = await startBrowserHarness();
  const { api } = harness;
  workerId = api.demo.vancouver.workers[0]!;
  clients = [];
  for (let i = 0; i < 3; i++) {
    clients.push(await seedReferral(api.stores.vancouver, { stage: Stage.IN_SESSIONS, workerId }));
  }
  const coordinator = api.as('coordinator');
  const group = await coordinator.post('/groups', {
    name: 'Thursday Circle',
    purpose: 'Monthly peer support',
    facilitators: [workerId],
    schedule: { frequency: 'MONTHLY', weekday: 'THU', weekOfMonth: 1, time: '18:00' },
    place: 'Strathcona Community Centre',
    capacity: 12,
  });
  groupId = group.body.id;
  for (const client of clients) {
    await coordinator.post(`/groups/${groupId}/members`, { referralId: client.id });
  }
}, 120_000);

afterAll(async () => {
  await harness?.stop();
});

describe('groups and community resources in the browser', { timeout: 60_000 }, () => {
  it('lets a worker log a meeting for three clients from the roster checklist', async () => {
    // Prepare
    const { page, context, problems } = await harness.newPage();
    await signIn(page, harness.url, 'peer-worker', { sub: workerId });

    // Act
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Groups' }).click();
    await page.getByRole('heading', { name: 'My groups' }).waitFor();
    await page.getByRole('link', { name: 'Thursday Circle' }).click();
    await page.getByRole('heading', { name: 'Thursday Circle', level: 1 }).waitFor();
    const checklist = page.getByRole('group', { name: 'Who came' });
    const boxes = checklist.getByRole('checkbox');
    expect(await boxes.count()).toBe(3);
    for (let i = 0; i < 3; i++) await boxes.nth(i).check();
    await page.getByRole('button', { name: 'Log meeting' }).click();
    await page.getByText('Meeting logged.').waitFor();
    await page.getByText('90 minutes · 3 present').waitFor();

    // Assess
    const roster = await page.getByRole('region', { name: /Roster/ }).textContent();
    expect(roster).not.toContain('Client-'); // first names and short references only
    await screenshot(page, 'group-meeting-logged');
    expect(await seriousViolations(page)).toEqual([]);
    const meetings = await harness.api.as('coordinator').get(`/groups/${groupId}/meetings`);
    expect(meetings.body.items[0].attendance.filter((a: { present: boolean }) => a.present)).toHaveLength(3);
    expect(problems.errors).toEqual([]);
    await context.close();
  });

  it("lets a worker link a client to a food bank from the client's page and update the link", async () => {
    // Prepare
    const { page, context, problems } = await harness.newPage();
    await signIn(page, harness.url, 'peer-worker', { sub: workerId });
    const client = clients[0]!;

    // Act
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'My clients' }).click();
    await page.getByRole('link', { name: new RegExp(client.details.client.familyName) }).click();
    const section = page.getByRole('region', { name: 'Groups and community resources' });
    await section.waitFor();
    await section.getByRole('button', { name: 'Link to a resource' }).click();
    await section.getByLabel('Category').selectOption('FOOD');
    const suggest = section.getByRole('button', { name: /^Suggest .*Food Bank/ }).first();
    await suggest.waitFor();
    await suggest.click();
    await page.getByText('Resource suggested.').waitFor();
    await section.getByRole('button', { name: 'Mark contacted' }).click();
    await page.getByText('Marked contacted.').waitFor();

    // Assess
    await section.getByText(/Contacted since/).waitFor();
    await screenshot(page, 'resource-link-contacted');
    expect(await seriousViolations(page)).toEqual([]);
    const community = await harness.api.as('coordinator').get(`/referrals/${client.id}/community`);
    expect(community.body.links).toHaveLength(1);
    expect(community.body.links[0]).toMatchObject({ status: 'CONTACTED', category: 'FOOD' });
    expect(community.body.meetings.length).toBeGreaterThanOrEqual(1);
    expect(problems.errors).toEqual([]);
    await context.close();
  });
});
