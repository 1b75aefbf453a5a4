import { createHash } from 'node:crypto';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BrowserHarness,
  fillReferralForm,
  screenshot,
  seriousViolations,
  signIn,
  startBrowserHarness,
} from '../../support/browser.ts';
import { localDate } from '../../support/store.ts';

/**
 * What keeps clients' details safe on shared clinic computers and nothing typed lost: the token only in
 * sessionStorage (never a URL, localStorage or a cookie), drafts cleared on sign-out and after 15 idle
 * minutes, a dropped connection that loses nothing and a retry that makes no duplicate, and pages that hold
 * to their Content-Security-Policy and talk to no other origin; and the cloud's hosted sign-in.
 */

let harness: BrowserHarness;

beforeAll(async () => {
  harness = await startBrowserHarness();
});

afterAll(async () => {
  await harness?.stop();
});

const storageKeys = (page: Page) =>
  page.evaluate(() => ({
    session: Object.keys(sessionStorage),
    local: Object.keys(localStorage),
    cookies: document.cookie,
  }));

async function openForm(page: Page) {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Refer a client' }).click();
  await page.getByRole('heading', { name: 'Refer a client' }).waitFor();
}

describe('sessions and drafts in the browser', { timeout: 60_000 }, () => {
  it('keeps the token in sessionStorage only, never in a URL, and talks to no other origin', async () => {
    // Prepare
    const { page, context, problems } = await harness.newPage();
    const origins = new Set<string>();
    page.on('request', (request) => origins.add(new URL(request.url()).origin));

    // Act
    await signIn(page, harness.url, 'clinician');
    await openForm(page);

    // Assess
    const stored = await storageKeys(page);
    expect(stored.session).toContain('peerpath.token');
    expect(stored.local).toEqual([]);
    expect(stored.cookies).toBe('');
    expect(await context.cookies()).toEqual([]);
    expect(page.url()).not.toMatch(/token|eyJ|code=/);
    expect([...origins]).toEqual([new URL(harness.url).origin]);
    await expect(
      page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content'),
    ).resolves.toContain("script-src 'self'");
    expect(await page.locator('script:not([src])').count()).toBe(0);
    expect(problems.errors).toEqual([]);
    await context.close();
  });

  it('shows the local sign-in with its choices, accessible', async () => {
    const { page, context, problems } = await harness.newPage();
    await page.goto(`${harness.url}/`);
    await page.getByRole('heading', { name: 'Sign in to PeerPath' }).waitFor();
    await page.getByLabel('Account').locator('option').nth(1).waitFor({ state: 'attached' });
    await screenshot(page, 'sign-in');
    expect(await seriousViolations(page)).toEqual([]);
    const workers = await (async () => {
      await page.getByRole('radio', { name: 'Peer worker' }).check();
      await page.getByLabel('Account').locator('option').nth(20).waitFor({ state: 'attached' });
      return page.getByLabel('Account').locator('option').count();
    })();
    expect(workers).toBe(21); // the demo roster's 20 workers, and "the demo peer worker"
    expect(problems.errors).toEqual([]);
    await context.close();
  });

  it('keeps what is typed across a reload, and clears it when the person signs out', async () => {
    // Prepare
    const { page, context } = await harness.newPage();
    await signIn(page, harness.url, 'clinician');
    await openForm(page);
    await page.getByLabel('Given name').fill('Rowan');
    await page.getByLabel('Reason for referral').fill('Lonely since moving to the city.');
    await page.reload();
    await page.getByRole('heading', { name: 'Refer a client' }).waitFor();
    expect(await page.getByLabel('Given name').inputValue()).toBe('Rowan');

    // Act
    await page.getByRole('button', { name: 'Sign out' }).click();

    // Assess
    await page
      .getByText('You have signed out. Anything you had typed in this tab has been cleared.')
      .waitFor();
    expect(page.url()).not.toContain('#/');
    const stored = await storageKeys(page);
    expect(stored.session.filter((key) => key !== 'peerpath.signOutNotice')).toEqual([]);
    expect(await page.evaluate(() => JSON.stringify(sessionStorage))).not.toContain('Rowan');
    await screenshot(page, 'signed-out');
    await signIn(page, harness.url, 'clinician');
    await openForm(page);
    expect(await page.getByLabel('Given name').inputValue()).toBe('');
    await context.close();
  });

  it('signs out after 15 minutes without activity and clears the draft', async () => {
    // Prepare
    const { page, context } = await harness.newPage();
    await page.clock.install();
    await signIn(page, harness.url, 'clinician');
    await openForm(page);
    await page.getByLabel('Given name').fill('Rowan');
    await page.clock.fastForward('14:00');
    expect(await page.getByRole('button', { name: 'Sign out' }).isVisible()).toBe(true);

    // Act
    await page.clock.fastForward('01:30');

    // Assess
    await page.getByText('You were signed out after 15 minutes without activity').waitFor();
    expect(await page.evaluate(() => JSON.stringify(sessionStorage))).not.toContain('Rowan');
    expect((await storageKeys(page)).session).not.toContain('peerpath.token');
    await screenshot(page, 'signed-out-idle');
    expect(await seriousViolations(page)).toEqual([]);
    await context.close();
  });

  it('loses nothing when the connection drops after sending, and sending again makes one referral', async () => {
    // Prepare
    const { page, context, problems } = await harness.newPage();
    await signIn(page, harness.url, 'clinician');
    await openForm(page);
    await fillReferralForm(page, {
      givenName: 'Rowan',
      familyName: 'Dropped-Line',
      goal: 'Cook a meal for friends',
      expiresOn: localDate(200),
    });
    const keys: string[] = [];
    let dropped = 0;
    await page.route('**/vancouver/referrals', async (route) => {
      keys.push(route.request().headers()['idempotency-key'] ?? '');
      if (dropped > 0) return route.continue();
      dropped++;
      await route.fetch(); // the server gets it and creates the referral…
      await route.abort('connectionreset'); // …but the answer never reaches the page
    });

    // Act
    await page.getByRole('button', { name: 'Send referral' }).click();

    // Assess: told plainly; everything typed still there
    await page.getByText('PeerPath could not be reached.').waitFor();
    await screenshot(page, 'clinician-referral-connection-dropped');
    expect(await page.getByLabel('Family name').inputValue()).toBe('Dropped-Line');
    expect(await page.getByLabel('Goal 1').inputValue()).toBe('Cook a meal for friends');

    // Act: send again
    await page.getByRole('button', { name: 'Send referral' }).click();

    // Assess: the same Idempotency-Key, one referral
    await page.getByRole('heading', { name: 'June Dropped-Line' }).waitFor();
    expect(keys).toHaveLength(2);
    expect(keys[0]).not.toBe('');
    expect(keys[1]).toBe(keys[0]);
    const mine = await harness.api.as('clinician').get('/referrals');
    expect(
      mine.body.items.filter(
        (r: { details?: { client: { familyName: string } } }) =>
          r.details?.client.familyName === 'Dropped-Line',
      ),
    ).toHaveLength(1);
    expect(problems.errors.filter((e) => !e.includes('ERR_CONNECTION_RESET'))).toEqual([]);
    await context.close();
  });
});

/**
 * A page whose `/config.json` is the cloud's (served by a route, so the other tests of this file keep the
 * local sign-in): Cognito's hosted sign-in with the code flow and PKCE. Cognito itself is played by routes
 * in the browser (no network) that check what the pages send and answer as Cognito does.
 */
const DOMAIN = 'peerpath-test.auth.ca-central-1.amazoncognito.com';
const CLIENT_ID = 'test-app-client';

async function cloudPage() {
  const opened = await harness.newPage();
  await opened.page.route(`${harness.url}/config.json`, (route) =>
    route.fulfill({
      status: 200,
      contentType: 'application/json',
      body: JSON.stringify({
        apiUrl: `${harness.url}/vancouver`,
        region: 'vancouver',
        userPoolId: 'ca-central-1_TEST',
        userPoolClientId: CLIENT_ID,
        cognitoDomain: DOMAIN,
        redirectUri: `${harness.url}/`,
      }),
    }),
  );
  return opened;
}

const base64Url = (bytes: Buffer) =>
  bytes.toString('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

describe('the hosted sign-in (cloud configuration)', { timeout: 60_000 }, () => {
  it('signs in with the code flow and PKCE, keeps no code or token in the URL, and signs out of Cognito too', async () => {
    // Prepare: Cognito's three endpoints
    const { page, context, problems } = await cloudPage();
    const idToken = await harness.api.tokenFor('coordinator', 'vancouver');
    let authorize: URLSearchParams | undefined;
    let exchange: URLSearchParams | undefined;
    let logout: URLSearchParams | undefined;
    await page.route(`https://${DOMAIN}/**`, async (route) => {
      const url = new URL(route.request().url());
      if (url.pathname === '/oauth2/authorize') {
        authorize = url.searchParams;
        const back = new URL(url.searchParams.get('redirect_uri') ?? '');
        back.searchParams.set('code', 'one-time-code');
        back.searchParams.set('state', url.searchParams.get('state') ?? '');
        return route.fulfill({ status: 302, headers: { location: back.toString() } });
      }
      if (url.pathname === '/oauth2/token') {
        exchange = new URLSearchParams(route.request().postData() ?? '');
        return route.fulfill({
          status: 200,
          headers: { 'content-type': 'application/json', 'access-control-allow-origin': '*' },
          body: JSON.stringify({
            id_token: idToken,
            access_token: 'unused',
            token_type: 'Bearer',
            expires_in: 3600,
          }),
        });
      }
      if (url.pathname === '/logout') {
        logout = url.searchParams;
        return route.fulfill({
          status: 302,
          headers: { location: url.searchParams.get('logout_uri') ?? '/' },
        });
      }
      return route.fulfill({ status: 404 });
    });
    await page.goto(`${harness.url}/`);
    await page.getByText('You will sign in on the Vancouver program’s secure page').waitFor();
    await screenshot(page, 'sign-in-cloud');
    expect(await seriousViolations(page)).toEqual([]);

    // Act
    await page.getByRole('button', { name: 'Sign in' }).click();

    // Assess: signed in, the queue read from apiUrl with the ID token
    await page.getByRole('heading', { name: 'Referral queue' }).waitFor();
    expect(authorize?.get('response_type')).toBe('code');
    expect(authorize?.get('client_id')).toBe(CLIENT_ID);
    expect(authorize?.get('code_challenge_method')).toBe('S256');
    expect(authorize?.get('redirect_uri')).toBe(`${harness.url}/`);
    expect(exchange?.get('grant_type')).toBe('authorization_code');
    expect(exchange?.get('code')).toBe('one-time-code');
    const verifier = exchange?.get('code_verifier') ?? '';
    expect(verifier.length).toBeGreaterThanOrEqual(43);
    expect(base64Url(createHash('sha256').update(verifier).digest())).toBe(authorize?.get('code_challenge'));
    expect(page.url()).toBe(`${harness.url}/`);
    const stored = await page.evaluate(() => Object.keys(sessionStorage));
    expect(stored).toContain('peerpath.token');
    expect(stored).not.toContain('peerpath.pkce');

    // Act: sign out
    await page.getByRole('button', { name: 'Sign out' }).click();

    // Assess: Cognito's own session ended too, and back on the sign-in page
    await page.getByText('You have signed out.').waitFor();
    expect(logout?.get('client_id')).toBe(CLIENT_ID);
    expect(logout?.get('logout_uri')).toBe(`${harness.url}/`);
    expect(await page.evaluate(() => sessionStorage.getItem('peerpath.token'))).toBeNull();
    expect(problems.errors).toEqual([]);
    await context.close();
  });

  it('refuses a return whose state does not match, and says so', async () => {
    const { page, context } = await cloudPage();
    await page.goto(`${harness.url}/?code=stolen-code&state=not-mine`);
    await page.getByText('This sign-in link is not valid any more. Please sign in again.').waitFor();
    expect(page.url()).toBe(`${harness.url}/`);
    expect(await page.evaluate(() => sessionStorage.getItem('peerpath.token'))).toBeNull();
    await context.close();
  });
});
