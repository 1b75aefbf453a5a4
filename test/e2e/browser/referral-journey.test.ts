import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { putAlert } from '#data/alerts.ts';
import { Audience } from '#data/keys.ts';
import { Stage } from '#domain/lifecycle.ts';
import {
  type BrowserHarness,
  fillReferralForm,
  type PageProblems,
  screenshot,
  seriousViolations,
  signIn,
  startBrowserHarness,
} from '../../support/browser.ts';
import { localDate, referralInput } from '../../support/store.ts';
import { eventually } from '../../support/workflow.ts';

/**
 * One referral from the clinician's form to its closure, through the pages only, in Debian's Chromium:
 * every page visited is screenshotted (test/artifacts/) and scanned with axe-core. The tests run in order
 * and share the referral; each person has their own browser context (their own sessionStorage).
 */

// Invented people only.
const CLIENT = { given: 'Juniper', family: 'Okonkwo-Hale' };
const GOAL = 'I want to get back to my Sunday choir';
const CLOSURE_SUMMARY = 'Juniper sings with the choir again and has a plan for the winter.';

let harness: BrowserHarness;
const people: Record<
  'clinician' | 'coordinator' | 'worker',
  { page: Page; problems: PageProblems } | undefined
> = {
  clinician: undefined,
  coordinator: undefined,
  worker: undefined,
};
let referralId = '';
let workerId = '';
let workerFirstName = '';

beforeAll(async () => {
  harness = await startBrowserHarness();
});

afterAll(async () => {
  await harness?.stop();
});

async function as(who: keyof typeof people, width = 1280) {
  const existing = people[who];
  if (existing) return existing;
  const { page, problems } = await harness.newPage({ width });
  people[who] = { page, problems };
  return { page, problems };
}

/** Screenshot the page as it is and check it with axe: no serious or critical violation. */
async function check(page: Page, name: string) {
  await screenshot(page, name);
  expect(await seriousViolations(page), `axe on ${name}`).toEqual([]);
}

/**
 * Reloads until `text` shows (the workflow sends alerts a moment after the step that causes them). Only
 * visible matches count: the inbox's kind filter holds every alert kind's words in its closed list.
 */
async function reloadUntilVisible(page: Page, text: string) {
  const shown = () => page.getByText(text, { exact: false }).filter({ visible: true }).first().isVisible();
  await eventually(`"${text}" on ${page.url()}`, async () => {
    if (await shown()) return true;
    await page.reload();
    await page.getByRole('heading', { level: 1 }).waitFor();
    await page.getByText('Loading…').waitFor({ state: 'detached' });
    return shown();
  });
}

// Generous per-test limits: these wait for behaviour on a busy 2-core machine, they do not time it.
describe('a referral from the form to its closure, in the browser', { timeout: 90_000 }, () => {
  it('a clinician sees a field error first (nothing sent), then submits the referral form', async () => {
    // Prepare
    const { page, problems } = await as('clinician');
    const posted: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST' && request.url().endsWith('/vancouver/referrals'))
        posted.push(request.url());
    });
    await signIn(page, harness.url, 'clinician');
    await page.getByRole('heading', { name: 'My referrals' }).waitFor();
    await page.getByText('You have not referred anyone yet.').waitFor();
    await check(page, 'clinician-my-referrals-empty');
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Refer a client' })
      .click();
    await page.getByRole('heading', { name: 'Refer a client' }).waitFor();

    // Act: no family name, and a consent that ends before it was given
    await fillReferralForm(page, {
      givenName: CLIENT.given,
      familyName: '',
      goal: GOAL,
      expiresOn: localDate(-5),
    });
    await page.getByRole('button', { name: 'Send referral' }).click();

    // Assess: the summary has focus and lists both problems; each field says what is wrong beside it
    const summary = page.locator('.error-summary');
    await summary.waitFor();
    expect(await summary.evaluate((element) => element === document.activeElement)).toBe(true);
    await expect(summary.textContent()).resolves.toContain('Family name: Required');
    await expect(summary.textContent()).resolves.toContain(
      'Consent covers until: Must be after the consent date',
    );
    const familyName = page.getByLabel('Family name');
    expect(await familyName.getAttribute('aria-invalid')).toBe('true');
    const describedBy = (await familyName.getAttribute('aria-describedby')) ?? '';
    await expect(page.locator(`#${describedBy.split(' ').at(-1)}`).textContent()).resolves.toContain(
      'Required',
    );
    expect(posted).toEqual([]);
    await check(page, 'clinician-referral-form-errors');

    // The link in the summary takes the keyboard to the field
    await summary.getByRole('link', { name: /Family name/ }).click();
    expect(await familyName.evaluate((element) => element === document.activeElement)).toBe(true);

    // Nothing typed is lost on a reload
    await page.reload();
    await page.getByRole('heading', { name: 'Refer a client' }).waitFor();
    expect(await page.getByLabel('Given name').inputValue()).toBe(CLIENT.given);
    expect(await page.getByLabel('Goal 1').inputValue()).toBe(GOAL);

    // Act: corrected
    await page.getByLabel('Family name').fill(CLIENT.family);
    await page.getByLabel('Consent covers until').fill(localDate(300));
    await page.getByRole('button', { name: 'Send referral' }).click();

    // Assess
    await page.getByRole('heading', { name: `June ${CLIENT.family}` }).waitFor();
    await page.getByText('Referral sent.').waitFor();
    expect(posted).toHaveLength(1);
    referralId = page.url().split('/referrals/')[1] ?? '';
    expect(referralId).toMatch(/^[0-9A-Z]{26}$/);
    const stored = await harness.api.as('coordinator').get(`/referrals/${referralId}`);
    expect(stored.body).toMatchObject({
      stage: Stage.REFERRED,
      urgency: 'SOON',
      details: {
        client: {
          givenName: CLIENT.given,
          familyName: CLIENT.family,
          preferredName: 'June',
          safeToText: true,
        },
        goals: [{ text: GOAL }],
        preferences: { livedExperience: { values: ['MOOD', 'ANXIETY'], mustHave: false } },
        availability: [{ day: 'SAT', part: 'MORNING' }],
      },
    });
    await check(page, 'clinician-referral-sent');

    // Act: a correction before the match, through the same form
    await page.getByRole('link', { name: 'Correct the details' }).click();
    await page.getByRole('heading', { name: 'Correct a referral' }).waitFor();
    expect(await page.getByLabel('Family name').inputValue()).toBe(CLIENT.family);
    await check(page, 'clinician-referral-correct');
    await page.getByLabel('Neighbourhood').fill('Grandview-Woodland');
    await page.getByRole('button', { name: 'Save corrections' }).click();

    // Assess
    await page.getByText('Corrections saved.').waitFor();
    await page.getByText('Grandview-Woodland').waitFor();
    const corrected = await harness.api.as('coordinator').get(`/referrals/${referralId}`);
    expect(corrected.body.details.client.neighbourhood).toBe('Grandview-Woodland');
    expect(corrected.body.version).toBeGreaterThan(stored.body.version);
    expect(problems.errors).toEqual([]);
  });

  it('a coordinator sees the alert, accepts the referral, reads the ranked candidates and matches', async () => {
    // Prepare
    const { page, problems } = await as('coordinator');
    await signIn(page, harness.url, 'coordinator');
    await page.getByRole('heading', { name: 'Referral queue' }).waitFor();
    await page.getByRole('link', { name: `June ${CLIENT.family}` }).waitFor();
    await check(page, 'coordinator-queue');

    // Act: the alert inbox
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: /Alerts/ })
      .click();
    await page.getByRole('heading', { name: 'Alerts' }).waitFor();
    await reloadUntilVisible(page, 'New referral');
    await check(page, 'coordinator-alerts');
    const alert = page.getByRole('listitem').filter({ hasText: 'New referral' }).first();
    await alert.getByRole('button', { name: /Acknowledge/ }).click();
    await page.getByRole('listitem').filter({ hasText: 'New referral' }).waitFor({ state: 'detached' });

    // Act: open the referral and accept it
    await page.goto(`${harness.url}/#/referrals/${referralId}`);
    await page.getByRole('heading', { name: `June ${CLIENT.family}` }).waitFor();
    await check(page, 'coordinator-referral-triage');
    await page.getByRole('button', { name: 'Accept for matching' }).click();
    await page.getByText('Accepted. It is now waiting for a match.').waitFor();

    // Assess: ranked candidates, each score explained per criterion
    const candidates = page.getByRole('region', { name: 'Suggested workers' });
    const first = candidates.locator('li.candidate').first();
    await first.waitFor();
    await expect(first.textContent()).resolves.toMatch(/Lived experience/);
    await expect(first.textContent()).resolves.toMatch(/Capacity/);
    expect(await candidates.locator('li.candidate').count()).toBeGreaterThan(1);
    workerFirstName = ((await first.getByRole('heading').textContent()) ?? '')
      .replace(/^\d+\.\s*/, '')
      .trim();
    expect(workerFirstName).not.toBe('');
    await check(page, 'coordinator-candidates');

    // Act: match with the first
    await first.getByRole('button', { name: `Match with ${workerFirstName}` }).click();
    await page.getByRole('button', { name: `Confirm match with ${workerFirstName}` }).click();

    // Assess
    await page.getByText(`Matched with ${workerFirstName}.`).waitFor();
    await page.locator('.meta').getByText('Matched: setting goals').waitFor();
    const matched = await harness.api.as('coordinator').get(`/referrals/${referralId}`);
    expect(matched.body).toMatchObject({ stage: Stage.GOAL_SETTING, workerFirstName });
    workerId = matched.body.workerId;
    expect(problems.errors).toEqual([]);
  });

  it('the worker sets goals, logs a session flagged for debrief, corrects it, rates a goal and marks goals achieved', async () => {
    // Prepare
    const { page, problems } = await as('worker');
    await signIn(page, harness.url, 'peer-worker', { sub: workerId });
    await page.getByRole('heading', { name: 'My clients' }).waitFor();
    await page.getByRole('link', { name: `June ${CLIENT.family}` }).waitFor();
    await page.getByText('paid minutes in').waitFor();
    await check(page, 'worker-my-clients');
    await page.getByRole('link', { name: `June ${CLIENT.family}` }).click();
    await page.getByRole('heading', { name: 'Set the client’s goals' }).waitFor();
    await check(page, 'worker-client-goal-setting');

    // Act: the goals start from the client's words in the referral
    expect(await page.getByLabel('Goal 1').inputValue()).toBe(GOAL);
    await page.getByRole('button', { name: 'Add another goal' }).click();
    await page.getByLabel('Goal 2').fill('Walk to the library on my own');
    await page.getByRole('button', { name: 'Save goals' }).click();
    await page.getByText('Goals set. Sessions can start.').waitFor();

    // Act: a session that needs a debrief
    const log = page.getByRole('form', { name: 'Log a session' });
    await log.getByLabel('Minutes').fill('45');
    await log.getByLabel('How you met').selectOption('WALK');
    await log.getByLabel('Note').fill('Walked to the park; a hard conversation about the hospital stay.');
    await log.getByLabel('I need a debrief about this session').check();
    await log.getByRole('button', { name: 'Log session' }).click();
    await page.getByText('Session logged. A coordinator will arrange your debrief.').waitFor();

    // Act: correct it (it was 50 minutes)
    await page.getByRole('button', { name: 'Correct this session' }).click();
    const correct = page.getByRole('form', { name: 'Correct a session' });
    await correct.getByLabel('Minutes').fill('50');
    await correct.getByRole('button', { name: 'Save correction' }).click();
    await page.getByText('Session corrected.').waitFor();
    await page.getByText('50 minutes · debrief asked for').waitFor();

    // Act: rate the first goal +1
    await page
      .getByRole('listitem')
      .filter({ hasText: GOAL })
      .getByRole('button', { name: 'Rate this goal' })
      .click();
    await page.getByLabel('+1 Somewhat more than expected').check();
    await page.getByRole('button', { name: 'Save rating' }).click();
    await page.getByText(`Rating saved for “${GOAL}”.`).waitFor();
    await page.getByText('Now: +1 Somewhat more than expected').waitFor();

    // The concern form says plainly that PeerPath is not an emergency service, and whom to call
    const emergency = page.getByRole('note', { name: 'In an emergency' });
    await expect(emergency.textContent()).resolves.toContain('PeerPath is not an emergency service.');
    await expect(emergency.textContent()).resolves.toMatch(/911.*1-800-784-2433.*310-6789/);
    // 9-8-8, Canada's suicide crisis line, is named (and dialled from a phone) beside the others
    await expect(emergency.textContent()).resolves.toMatch(/911.*9-8-8.*1-800-784-2433.*310-6789/);
    await expect(emergency.getByRole('link', { name: '9-8-8' }).getAttribute('href')).resolves.toBe(
      'tel:988',
    );
    await expect(page.getByRole('contentinfo').textContent()).resolves.toMatch(
      /911.*9-8-8.*1-800-784-2433.*310-6789/,
    );
    await check(page, 'worker-client-in-sessions');

    // Act: a routine concern (no free text: details are talked through in person)
    const concern = page.getByRole('form', { name: 'Raise a concern' });
    await concern.getByLabel('Routine: at the next check-in').check();
    await concern.getByLabel('About').selectOption('WELLBEING');
    await concern.getByRole('button', { name: 'Send concern' }).click();
    await page.getByText('Concern sent. A coordinator will contact you.').waitFor();

    // Act: goals achieved
    await page.getByRole('button', { name: 'Mark goals achieved…' }).click();
    await page.getByRole('button', { name: 'Yes, goals achieved' }).click();
    await page.getByText('Marked as goals achieved.').waitFor();

    // Assess
    const referral = await harness.api.as('coordinator').get(`/referrals/${referralId}`);
    expect(referral.body.stage).toBe(Stage.GOALS_ACHIEVED);
    expect(referral.body.sessions).toEqual([
      expect.objectContaining({ minutes: 50, mode: 'WALK', debriefNeeded: true }),
    ]);
    expect(referral.body.goals).toHaveLength(2);
    await page.getByRole('link', { name: 'Back to my clients' }).click();
    await page.getByText('50').first().waitFor();
    await expect(page.locator('.big-number').textContent()).resolves.toContain('50 paid minutes');
    expect(problems.errors).toEqual([]);
  });

  it('the coordinator sees the debrief, marks it done and confirms the closure', async () => {
    // Prepare
    const { page, problems } = await as('coordinator');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Debriefs' }).click();
    await page.getByRole('heading', { name: 'Debriefs to follow up' }).waitFor();
    const debrief = page.getByRole('listitem').filter({ hasText: workerFirstName });
    await debrief.first().waitFor();
    await check(page, 'coordinator-debriefs');

    // Act
    await debrief.getByRole('button', { name: /Mark debrief done/ }).click();
    await page.getByText('No debrief to follow up.').waitFor();

    // The worker's concern is in the inbox, in words
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: /Alerts/ })
      .click();
    await reloadUntilVisible(page, 'A worker raised a concern');
    await expect(
      page.getByRole('listitem').filter({ hasText: 'A worker raised a concern' }).first().textContent(),
    ).resolves.toContain('About: General wellbeing');

    // Act: the closure confirmation opens by itself in GOALS_ACHIEVED
    await page.goto(`${harness.url}/#/referrals/${referralId}`);
    await page.getByRole('heading', { name: 'Confirm closure', level: 3 }).waitFor();
    expect(await page.getByLabel('Closure reason').inputValue()).toBe('GOALS_MET');
    await page.getByLabel('Summary for the referrer').fill(CLOSURE_SUMMARY);
    await check(page, 'coordinator-referral-closure');
    await page.getByRole('button', { name: 'Confirm closure', exact: true }).click();

    // Assess
    await page.getByText('Referral closed.').waitFor();
    await page.locator('.meta').getByText('Closed').waitFor();
    await page.getByRole('region', { name: 'History' }).getByText('Close').first().waitFor();
    const closed = await harness.api.as('coordinator').get(`/referrals/${referralId}`);
    expect(closed.body).toMatchObject({
      stage: Stage.CLOSED,
      closure: { reason: 'GOALS_MET', summary: CLOSURE_SUMMARY },
    });
    expect(problems.errors).toEqual([]);
  });

  it('the coordinator reads the roster, adds and edits a worker, and reads the summary report with its charts', async () => {
    const { page, problems } = await as('coordinator');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Roster' }).click();
    await page.getByRole('heading', { name: 'Roster' }).waitFor();
    await page.getByRole('table').waitFor();
    await check(page, 'coordinator-roster');

    await page.goto(`${harness.url}/#/roster/${workerId}`);
    await page.getByRole('heading', { name: 'Caseload and minutes' }).waitFor();
    await check(page, 'coordinator-worker');

    // Add a worker: the form checks first, then creates the worker and their sign-in
    await page.goto(`${harness.url}/#/roster/new`);
    await page.getByRole('heading', { name: 'Add a worker' }).waitFor();
    await page.getByRole('button', { name: 'Add worker' }).click();
    await expect(page.locator('.error-summary').textContent()).resolves.toContain('First name: Required');
    const form = page.getByRole('form', { name: 'Worker' });
    await form.getByLabel('First name').fill('Wren');
    await form.getByLabel('Last name').fill('Testfield');
    await form.getByLabel('Email').fill('wren.testfield@example.org');
    await form.getByLabel('Phone').fill('604-555-0177');
    await form.getByLabel('Gender').selectOption('NON_BINARY');
    await form.getByLabel('Grief').check();
    await form.getByLabel('Naloxone').check();
    await form.getByLabel('Tuesday afternoon').check();
    await check(page, 'coordinator-add-worker');
    await page.getByRole('button', { name: 'Add worker' }).click();
    await page.getByText('Wren was added, with a sign-in for wren.testfield@example.org.').waitFor();
    await page.getByRole('heading', { name: 'Wren Testfield' }).waitFor();

    // Edit: fewer places
    await page.getByRole('button', { name: 'Edit profile' }).click();
    await page.getByLabel('Most clients at once').fill('2');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Changes saved.').waitFor();
    await page.getByText('0 of 2').waitFor();

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Report' }).click();
    await page.getByRole('heading', { name: 'Summary report' }).waitFor();
    const charts = page.locator('figure.chart');
    await charts.first().waitFor();
    expect(await charts.count()).toBe(6);
    await expect(page.getByRole('img', { name: /Closure reasons.*Goals met: 1/ }).count()).resolves.toBe(1);
    await expect(page.getByRole('img', { name: /Sessions by mode.*Walk: 1/ }).count()).resolves.toBe(1);
    await expect(
      page.getByRole('img', { name: new RegExp(`Paid minutes per worker.*${workerFirstName}: 50`) }).count(),
    ).resolves.toBe(1);
    await check(page, 'coordinator-report');
    expect(problems.errors).toEqual([]);
  });

  it('the clinician sees the closure reason and summary', async () => {
    // Prepare
    const { page, problems } = await as('clinician');

    // Act
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'My referrals' }).click();
    await page.getByRole('heading', { name: 'My referrals' }).waitFor();

    // Assess
    const card = page.getByRole('listitem').filter({ hasText: `June ${CLIENT.family}` });
    await card.getByText('Closed').first().waitFor();
    const text = (await card.textContent()) ?? '';
    expect(text).toContain(workerFirstName);
    expect(text).toContain('Goals met');
    expect(text).toContain(CLOSURE_SUMMARY);
    expect(text).not.toContain('hard conversation');
    // Nothing anyone typed about the client reached a log line, a notice or an event
    const output = harness.output();
    expect(output).toContain(referralId);
    for (const typed of [
      CLIENT.given,
      CLIENT.family,
      GOAL,
      'hard conversation',
      CLOSURE_SUMMARY,
      '604-555-0142',
    ]) {
      expect(output).not.toContain(typed);
    }
    await check(page, 'clinician-my-referrals-closed');
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: /Alerts/ })
      .click();
    await reloadUntilVisible(page, 'A referral was closed');
    await check(page, 'clinician-alerts');
    expect(problems.errors).toEqual([]);
  });

  it('the queue lists the most urgent first and marks an overdue referral; pages work at phone width (375 px)', async () => {
    // Prepare: a routine referral the workflow found overdue at triage, then an urgent one
    const clinician = harness.api.as('clinician');
    const routine = await clinician.post('/referrals', referralInput({ urgency: 'ROUTINE' }));
    const urgent = await clinician.post('/referrals', referralInput({ urgency: 'URGENT' }));
    expect([routine.status, urgent.status]).toEqual([201, 201]);
    await putAlert(harness.api.stores.vancouver, {
      audience: Audience.coordinators('vancouver'),
      kind: 'TRIAGE_OVERDUE',
      referralId: routine.body.id,
      stage: Stage.REFERRED,
    });
    const pages: [path: string, who: keyof typeof people, heading: string][] = [
      ['/#/referrals/new', 'clinician', 'Refer a client'],
      ['/#/', 'coordinator', 'Referral queue'],
      [`/#/referrals/${referralId}`, 'coordinator', `June ${CLIENT.family}`],
      ['/#/report', 'coordinator', 'Summary report'],
    ];

    for (const [path, who, heading] of pages) {
      // Act
      const { page } = await as(who);
      await page.setViewportSize({ width: 375, height: 800 });
      await page.goto(`${harness.url}${path}`);
      await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
      // A page may load several sections at once (the referral page: history, groups and resources).
      await expect.poll(() => page.getByText('Loading…').count(), { timeout: 10_000 }).toBe(0);

      // Assess
      const name = `phone-${who}-${heading.toLowerCase().replace(/[^a-z]+/g, '-')}`;
      if (heading === 'Referral queue') {
        const rows = page.getByRole('region', { name: 'Triage (2)' }).getByRole('row');
        await rows.nth(2).waitFor();
        await expect(rows.nth(1).textContent()).resolves.toContain('Urgent');
        await expect(rows.nth(2).textContent()).resolves.toContain('Overdue');
        await expect(rows.nth(1).textContent()).resolves.not.toContain('Overdue');
      }
      await check(page, name);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, name).toBeLessThanOrEqual(0);
    }
  });
});
