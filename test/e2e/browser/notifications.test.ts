import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as z from 'zod/mini';
import type { AlertViewSchema } from '#api/schemas.ts';
import { putAlert } from '#data/alerts.ts';
import { Audience } from '#data/keys.ts';
import { Stage } from '#domain/lifecycle.ts';
import {
  type BrowserHarness,
  screenshot,
  seriousViolations,
  signIn,
  startBrowserHarness,
} from '../../support/browser.ts';
import { referralInput } from '../../support/store.ts';

type AlertView = z.output<typeof AlertViewSchema>;

/**
 * Alerts that reach people (issue 14), in the pages: each person's notification preferences, and an inbox
 * where stage changes are information (not in the badge), alerts filter by kind and are acknowledged several
 * at once, and each alert says in words how its email and text messages fared. Every state is screenshotted
 * (test/artifacts/) and scanned with axe-core.
 */

let harness: BrowserHarness;

beforeAll(async () => {
  harness = await startBrowserHarness();
});

afterAll(async () => {
  await harness?.stop();
});

async function check(page: Page, name: string) {
  await screenshot(page, name);
  expect(await seriousViolations(page), `axe on ${name}`).toEqual([]);
}

async function openNotifications(page: Page) {
  await page.getByRole('banner').getByRole('link', { name: 'Notifications' }).click();
  await page.getByRole('heading', { name: 'Notifications', level: 1 }).waitFor();
  await page.getByRole('button', { name: 'Save preferences' }).waitFor();
}

const radio = (page: Page, group: string, name: string) =>
  page.getByRole('group', { name: group }).getByRole('radio', { name });

const badge = (page: Page) =>
  page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: /Alerts/ })
    .locator('.nav-count');

const badgeNumber = (text: string | null): number => Number(text?.match(/\d+/)?.[0] ?? Number.NaN);

describe('notification preferences', { timeout: 60_000 }, () => {
  it('a clinician without a phone chooses the daily digest; it is saved and kept', async () => {
    // Prepare
    const { page, context, problems } = await harness.newPage();
    await signIn(page, harness.url, 'clinician');

    // Act
    await openNotifications(page);
    await check(page, 'notifications-clinician');
    const sms = page.getByRole('group', { name: 'Text messages (SMS)' });

    // Assess: SMS cannot be chosen, and the page says why
    await expect(sms.textContent()).resolves.toContain('PeerPath has no mobile number for you');
    for (const option of ['Urgent alerts only', 'No text messages'])
      expect(await sms.getByRole('radio', { name: option }).isDisabled()).toBe(true);
    expect(await radio(page, 'Email', 'Each alert by email as it happens').isChecked()).toBe(true);

    // Act: the digest, saved
    await radio(page, 'Email', 'One email a day, at 8:00 (Vancouver time)').check();
    await page.getByRole('button', { name: 'Save preferences' }).click();

    // Assess: a clear saved state, and the choice is the API's after a reload
    await page.getByRole('status').getByText('Saved.').waitFor();
    await check(page, 'notifications-clinician-saved');
    const stored = await harness.api.as('clinician').get('/me/notifications');
    expect(stored.body).toMatchObject({ email: 'DAILY_DIGEST', hasPhone: false });
    await page.reload();
    await page.getByRole('button', { name: 'Save preferences' }).waitFor();
    expect(await radio(page, 'Email', 'One email a day, at 8:00 (Vancouver time)').isChecked()).toBe(true);
    expect(await page.getByText('Saved.').count()).toBe(0);
    expect(problems.errors).toEqual([]);
    await context.close();
  });

  it('says plainly when a save did not go through, and keeps the choice on screen', async () => {
    // Prepare: a coordinator with a phone (the answer says so), and a connection that drops on save
    const { page, context } = await harness.newPage({ width: 375, height: 800 });
    await page.route('**/vancouver/me/notifications', async (route) => {
      if (route.request().method() === 'PUT') return route.abort('connectionfailed');
      const response = await route.fetch();
      return route.fulfill({ response, json: { ...(await response.json()), hasPhone: true } });
    });
    await signIn(page, harness.url, 'coordinator');
    await openNotifications(page);
    const before = await harness.api.as('coordinator').get('/me/notifications');

    // Act
    await radio(page, 'Text messages (SMS)', 'No text messages').check();
    await radio(page, 'Email', 'No email').check();
    await page.getByRole('button', { name: 'Save preferences' }).click();

    // Assess: the error, no "Saved", the choice still on screen, nothing changed in the API
    await page.getByRole('alert').getByText('PeerPath could not be reached').waitFor();
    expect(await page.getByText('Saved.').count()).toBe(0);
    expect(await radio(page, 'Email', 'No email').isChecked()).toBe(true);
    expect(await radio(page, 'Text messages (SMS)', 'Urgent alerts only').isDisabled()).toBe(false);
    await expect(page.locator('main').textContent()).resolves.toContain(
      'urgent concerns, and their escalation, by email and text message whatever you choose',
    );
    await check(page, 'notifications-coordinator-phone-error');
    const after = await harness.api.as('coordinator').get('/me/notifications');
    expect(after.body).toEqual(before.body);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await context.close();
  });
});

describe('the inbox', { timeout: 60_000 }, () => {
  const region = 'vancouver';
  const seeded: Record<'newReferral1' | 'newReferral2' | 'urgent' | 'debrief' | 'stage', string> = {
    newReferral1: '',
    newReferral2: '',
    urgent: '',
    debrief: '',
    stage: '',
  };
  let coordinator = '';

  beforeAll(async () => {
    const store = harness.api.stores[region];
    const audience = Audience.coordinators(region);
    coordinator = harness.api.demo[region].staff.coordinator;
    const submitted = await harness.api.as('clinician').post('/referrals', referralInput());
    expect(submitted.status).toBe(201);
    const referralId = submitted.body.id as string;
    const put = async (input: Omit<Parameters<typeof putAlert>[1], 'audience'>) =>
      (await putAlert(store, { audience, ...input })).id;
    seeded.stage = await put({ kind: 'STAGE_CHANGED', referralId, stage: Stage.AWAITING_MATCH });
    seeded.newReferral1 = await put({ kind: 'NEW_REFERRAL', referralId, stage: Stage.REFERRED });
    seeded.newReferral2 = await put({ kind: 'NEW_REFERRAL', referralId, stage: Stage.REFERRED });
    seeded.debrief = await put({ kind: 'DEBRIEF_REQUESTED', referralId });
    seeded.urgent = await put({ kind: 'CONCERN_RAISED', referralId, level: 'URGENT' });
  });

  /**
   * The delivery states of the seeded alerts, laid over the API's answer: a failed or a suppressed delivery
   * cannot be produced on demand here, and the page's words for each state are what is tested.
   */
  async function withDeliveries(page: Page) {
    const other = 'another-coordinator';
    const deliveries: Record<string, Pick<AlertView, 'deliveries' | 'escalatedAt'>> = {
      [seeded.urgent]: {
        escalatedAt: new Date().toISOString(),
        deliveries: [
          { recipient: coordinator, channel: 'EMAIL', state: 'SENT' },
          { recipient: coordinator, channel: 'SMS', state: 'SENT' },
          { recipient: other, channel: 'EMAIL', state: 'SENT' },
          { recipient: other, channel: 'SMS', state: 'FAILED' },
        ],
      },
      [seeded.debrief]: {
        deliveries: [
          { recipient: coordinator, channel: 'EMAIL', state: 'SUPPRESSED' },
          { recipient: other, channel: 'EMAIL', state: 'PENDING' },
        ],
      },
    };
    await page.route(`**/${region}/alerts?*`, async (route) => {
      if (route.request().method() !== 'GET') return route.continue();
      const response = await route.fetch();
      const body = (await response.json()) as { items: AlertView[] };
      const items = body.items.map((alert) => ({ ...alert, ...deliveries[alert.id] }));
      return route.fulfill({ response, json: { ...body, items } });
    });
  }

  async function openInbox(page: Page) {
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: /Alerts/ })
      .click();
    await page.getByRole('heading', { name: 'Alerts', level: 1 }).waitFor();
    await page.getByText('Loading…').waitFor({ state: 'detached' });
  }

  const card = (page: Page, headingText: string) =>
    page.locator('li.alert-card').filter({ has: page.getByRole('heading', { name: headingText }) });

  it('shows stage changes as information, outside the badge, and each delivery in words', async () => {
    // Prepare
    const { page, context, problems } = await harness.newPage();
    await withDeliveries(page);
    await signIn(page, harness.url, 'coordinator');
    const open = await harness.api.as('coordinator').get(`/alerts?acknowledged=false&limit=100`);
    const needing = (open.body.items as AlertView[]).filter((a) => a.kind !== 'STAGE_CHANGED').length;
    expect(needing).toBeGreaterThanOrEqual(4);
    // Stage changes never wait for acknowledgement: they are not in the open list, but they are listed.
    expect(needing).toBe(open.body.items.length);
    const info = await harness.api.as('coordinator').get(`/alerts?kind=STAGE_CHANGED&limit=20`);
    expect(info.body.items.length).toBeGreaterThan(0);

    // Act
    await openInbox(page);

    // Assess: the badge counts what needs a person only
    await expect(badge(page).textContent()).resolves.toBe(`${needing} unacknowledged`);
    const information = page.getByRole('region', { name: 'For information' });
    await expect(information.textContent()).resolves.toContain('not counted in the Alerts badge');
    expect(await information.locator('li.alert-card').count()).toBe(info.body.items.length);
    await expect(information.textContent()).resolves.toContain('Information');
    const action = page.getByRole('region', { name: 'Needs a person' });
    expect(await action.getByRole('heading', { name: 'A referral moved on' }).count()).toBe(0);

    // Assess: deliveries in words, the reader's own in full, the others counted
    const urgent = card(page, 'A worker raised a concern');
    const urgentText = await urgent.textContent();
    expect(urgentText).toContain('Escalated');
    expect(urgentText).toContain('Sent again to every coordinator');
    expect(urgentText).toContain('Email to you: sent');
    expect(urgentText).toContain('Text message to you: sent');
    expect(urgentText).toContain('Email to one other person: 1 sent');
    expect(urgentText).toContain('Text message to one other person: 1 failed, will be tried again');
    const debrief = card(page, 'A worker asked for a debrief');
    const debriefText = await debrief.textContent();
    expect(debriefText).toContain('Email to you: not sent (no email sender is set up for this region)');
    expect(debriefText).toContain('Email to one other person: 1 waiting to be sent');
    expect(debriefText).not.toContain(coordinator);
    await check(page, 'inbox-coordinator');
    expect(problems.errors).toEqual([]);
    await context.close();
  });

  it('filters by kind, acknowledges every one of a kind, then several selected at once', async () => {
    // Prepare
    const { page, context, problems } = await harness.newPage();
    await signIn(page, harness.url, 'coordinator');
    await openInbox(page);
    const countBefore = badgeNumber(await badge(page).textContent());

    // Act: only new referrals
    await page.getByLabel('Show').selectOption({ label: 'New referral' });
    await page.getByRole('button', { name: 'Acknowledge every “New referral”' }).waitFor();

    // Assess: only that kind is listed
    const listed = page.locator('li.alert-card');
    await expect
      .poll(async () => (await listed.allTextContents()).every((text) => text.includes('New referral')))
      .toBe(true);
    expect(await listed.count()).toBeGreaterThanOrEqual(2);
    await check(page, 'inbox-filtered-new-referral');

    // Act: acknowledge every new referral
    await page.getByRole('button', { name: 'Acknowledge every “New referral”' }).click();

    // Assess
    await page
      .getByRole('status')
      .getByText(/alerts? acknowledged\./)
      .waitFor();
    await page.getByText('No alerts. All caught up.').waitFor();
    const newReferrals = await harness.api
      .as('coordinator')
      .get(`/alerts?acknowledged=false&kind=NEW_REFERRAL`);
    expect(newReferrals.body.items).toEqual([]);

    // Act: every kind again; select the concern and the debrief
    await page.getByLabel('Show').selectOption({ label: 'Every kind' });
    await card(page, 'A worker asked for a debrief').waitFor();
    const selectedButton = page.getByRole('button', { name: /Acknowledge selected/ });
    expect(await selectedButton.isDisabled()).toBe(true);
    await page.getByRole('checkbox', { name: 'Select: A worker asked for a debrief' }).check();
    await page.getByRole('checkbox', { name: /Select: A worker raised a concern/ }).check();
    await expect(selectedButton.textContent()).resolves.toBe('Acknowledge selected (2)');
    await check(page, 'inbox-two-selected');
    await selectedButton.click();

    // Assess: both gone from the open list and the badge; the stage change is still listed as information
    await page.getByRole('status').getByText('2 alerts acknowledged.').waitFor();
    expect(await card(page, 'A worker asked for a debrief').count()).toBe(0);
    const acknowledged = await harness.api.as('coordinator').get(`/alerts?limit=100`);
    const byId = new Map((acknowledged.body.items as AlertView[]).map((a) => [a.id, a]));
    for (const id of [seeded.urgent, seeded.debrief, seeded.newReferral1, seeded.newReferral2])
      expect(byId.get(id)?.acknowledgedAt, id).toBeDefined();
    expect(byId.get(seeded.stage)?.acknowledgedAt).toBeUndefined();
    await page.getByRole('region', { name: 'For information' }).waitFor();
    const open = await harness.api.as('coordinator').get(`/alerts?acknowledged=false&limit=100`);
    const needing = (open.body.items as AlertView[]).filter((a) => a.kind !== 'STAGE_CHANGED').length;
    const shownNow = async () =>
      (await badge(page).count()) === 0 ? 0 : badgeNumber(await badge(page).textContent());
    await expect.poll(shownNow).toBe(needing);
    await page.reload();
    await page.getByRole('heading', { name: 'Alerts', level: 1 }).waitFor();
    await page.getByText('Loading…').waitFor({ state: 'detached' });
    const shown = await shownNow();
    expect(shown).toBe(needing);
    expect(shown).toBeLessThanOrEqual(countBefore - 4);
    await check(page, 'inbox-after-acknowledging');
    expect(problems.errors).toEqual([]);
    await context.close();
  });
});
