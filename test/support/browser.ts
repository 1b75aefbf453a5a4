import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import axe from 'axe-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { ProgramRegion, Role } from '#domain/roles.ts';
import { buildWeb } from '../../scripts/build-web.ts';
import { captureHttpLog, startTestApi, type TestApi, type TestApiOptions } from './api.ts';
import { launchBrowser } from './find-browser.ts';
import { localDate } from './store.ts';

/**
 * Browser tests: the pages built by the project's own build (into a directory of this test file's own, so
 * files running in parallel never share one), the whole local program behind the real gateway serving
 * them, and a Chromium driven by playwright-core: the one findBrowser() picks (PEERPATH_CHROMIUM, the
 * system's, or the one packaged in @sparticuz/chromium; nothing downloads a browser).
 */

export const ARTIFACTS_DIR = resolve(fileURLToPath(new URL('../artifacts', import.meta.url)));

export interface PageProblems {
  /** console errors, uncaught exceptions and Content-Security-Policy violations. */
  errors: string[];
}

export interface BrowserHarness {
  api: TestApi;
  browser: Browser;
  /** The gateway URL serving the pages and the API. */
  url: string;
  /** Where the built pages are (the gateway serves this directory). */
  webDir: string;
  /** Everything the program wrote: its logs, notices and access lines, and the handlers' log lines. */
  output(): string;
  /** A fresh context (its own sessionStorage) and page at `width` px, with problems collected. */
  newPage(options?: {
    width?: number;
    height?: number;
  }): Promise<{ context: BrowserContext; page: Page; problems: PageProblems }>;
  stop(): Promise<void>;
}

export async function startBrowserHarness(options: TestApiOptions = {}): Promise<BrowserHarness> {
  // The handlers' log lines (access lines, errors) are kept for the PHI checks instead of printed.
  const handlerLines = captureHttpLog();
  const webDir = await mkdtemp(join(tmpdir(), 'peerpath-web-'));
  const cleanups: (() => Promise<unknown>)[] = [() => rm(webDir, { recursive: true, force: true })];
  const stop = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  };
  try {
    const [built, browser] = await Promise.all([buildWeb({ outDir: webDir }), launchBrowser()]);
    cleanups.push(() => browser.close());
    const api = await startTestApi({ ...options, staticDir: built.outDir });
    cleanups.push(() => api.stop());
    await mkdir(ARTIFACTS_DIR, { recursive: true });
    return {
      api,
      browser,
      url: api.url,
      webDir: built.outDir,
      output: () => [...api.output, ...handlerLines].join('\n'),
      async newPage({ width = 1280, height = 900 } = {}) {
        const context = await browser.newContext({ viewport: { width, height }, locale: 'en-CA' });
        // Short enough that a missing element fails with its locator, not the test's own timeout.
        context.setDefaultTimeout(10_000);
        const page = await context.newPage();
        const problems: PageProblems = { errors: [] };
        page.on('console', (message) => {
          if (message.type() !== 'error') return;
          const where = message.location().url;
          // Locally there is no /config.json: its 404 is how the pages know to offer the local sign-in.
          if (where.endsWith('/config.json') && message.text().includes('404')) return;
          problems.errors.push(`console: ${message.text()}${where ? ` (${where})` : ''}`);
        });
        page.on('pageerror', (error) => problems.errors.push(`pageerror: ${error.message}`));
        await page.addInitScript(() => {
          document.addEventListener('securitypolicyviolation', (event) => {
            console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI}`);
          });
        });
        return { context, page, problems };
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Signs in through the local sign-in page, as a person would. */
export async function signIn(
  page: Page,
  url: string,
  role: Role,
  options: { region?: ProgramRegion; sub?: string } = {},
): Promise<void> {
  await page.goto(`${url}/`);
  await page.getByRole('heading', { name: 'Sign in to PeerPath' }).waitFor();
  const roleLabels: Record<Role, string> = {
    clinician: 'Clinician',
    coordinator: 'Coordinator',
    'peer-worker': 'Peer worker',
    admin: 'Administrator',
  };
  await page.getByRole('radio', { name: roleLabels[role], exact: true }).check();
  await page.getByLabel('Region').selectOption(options.region ?? 'vancouver');
  const account = page.getByLabel('Account');
  await account.locator('option').nth(1).waitFor({ state: 'attached' });
  if (options.sub) await account.selectOption(options.sub);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

export interface ReferralFormValues {
  givenName: string;
  familyName: string;
  goal: string;
  /** Consent end date (YYYY-MM-DD). */
  expiresOn: string;
}

/** Fills every section of the referral form, as a clinician would (invented client). */
export async function fillReferralForm(page: Page, values: ReferralFormValues): Promise<void> {
  const form = page.getByRole('form', { name: 'Referral' });
  await form.getByLabel('Given name').fill(values.givenName);
  await form.getByLabel('Family name').fill(values.familyName);
  await form.getByLabel('Name they like to be called').fill('June');
  await form.getByLabel('Pronouns').fill('she/her');
  await form.getByLabel('Date of birth').fill('1987-06-02');
  await form.getByLabel('Neighbourhood').fill('Kitsilano');
  await form.getByRole('group', { name: 'The client' }).getByLabel('Phone (optional)').fill('604-555-0142');
  await form.getByLabel('It is safe to text this phone').check();
  await form.getByLabel('The client has consented to this referral').check();
  await form.getByLabel('Share this referral with a peer worker (required)').check();
  await form.getByLabel('Be contacted by the program (required)').check();
  await form.getByLabel('Date consent was given').fill(localDate(-3));
  await form.getByLabel('Consent covers until').fill(values.expiresOn);
  await form
    .getByLabel('Reason for referral')
    .fill('Isolated since a hospital stay; keen to rebuild routines.');
  await form.getByLabel('Soon').check();
  await form.getByLabel('Goal 1').fill(values.goal);
  await form.getByLabel('Anxiety', { exact: true }).check();
  await form.getByLabel('Mood (depression, bipolar)').check();
  await form.getByLabel('Interests').fill('music, walking');
  await form.getByLabel('Saturday morning').check();
  await form.getByLabel('Your name').fill('Dr Casey Demo');
  await form.getByLabel('Team').fill('Community Mental Health');
  await form.getByLabel('Site').fill('Broadway Clinic');
  await form.getByLabel('Email', { exact: true }).fill('casey.demo@example.org');
}

export interface AxeViolation {
  id: string;
  impact: string | null | undefined;
  help: string;
  nodes: string[];
}

/** axe-core on the page as it is now: the serious and critical violations (WCAG 2.x A/AA rules). */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  // Once per document: the pages navigate by hash, so it stays loaded from page to page.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axe.source);
  const result = (await page.evaluate(() =>
    (window as unknown as { axe: typeof axe }).axe.run(document, {
      runOnly: {
        type: 'tag',
        values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'],
      },
      resultTypes: ['violations'],
    }),
  )) as axe.AxeResults;
  return result.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      nodes: violation.nodes.map((node) => node.target.join(' ')),
    }));
}

/**
 * A screenshot under test/artifacts/ (gitignored), named `<name>.png`: the full page unless `fullPage` is
 * false (a very long page, such as the API reference, is shot as the viewport shows it).
 */
export async function screenshot(
  page: Page,
  name: string,
  options: { fullPage?: boolean } = {},
): Promise<string> {
  const path = join(ARTIFACTS_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: options.fullPage ?? true });
  return path;
}
