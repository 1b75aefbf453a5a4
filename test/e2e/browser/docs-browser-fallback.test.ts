import type { Browser } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { findBrowser, INSTALL_HINT, launchBrowser } from '../../support/find-browser.ts';

/**
 * `npm test` on a bare machine: with no PEERPATH_CHROMIUM and the system browsers ignored, the browser tests
 * still get a Chromium, the one packaged in @sparticuz/chromium; where that cannot run either, they fail
 * saying what to install.
 */

let browser: Browser | undefined;

afterAll(async () => {
  await browser?.close();
});

describe('finding a browser for the tests', { timeout: 120_000 }, () => {
  it('renders a page with form controls with the packaged Chromium when no system browser is used', async () => {
    // Prepare
    const options = { env: { PEERPATH_CHROMIUM: '/usr/bin/chromium' }, skipSystem: true };
    const found = await findBrowser(options);

    // Act
    browser = await launchBrowser(options);
    const page = await browser.newPage();
    // Form controls draw with the system font: without fonts it can find, this Chromium aborts on the first one.
    await page.setContent(
      '<main><h1>PeerPath</h1><p id="sum"></p><label>Name <input value="Ada"></label>' +
        '<label>Mode <select><option>PHONE</option></select></label><textarea>note</textarea></main>',
    );
    await page.evaluate(() => {
      (document.getElementById('sum') as HTMLElement).textContent = String(2 + 3);
    });

    // Assess
    expect(found.source).toBe('@sparticuz/chromium');
    expect(found.executablePath).not.toBe('/usr/bin/chromium');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('PeerPath');
    expect(await page.locator('#sum').textContent()).toBe('5');
    expect(await page.getByLabel('Name').inputValue()).toBe('Ada');
    expect((await page.screenshot()).byteLength).toBeGreaterThan(0);
  });

  it('honours PEERPATH_BROWSER_SKIP_SYSTEM=1 as the option does', async () => {
    // Act
    const found = await findBrowser({ env: { PEERPATH_BROWSER_SKIP_SYSTEM: '1' } });

    // Assess
    expect(found.source).toBe('@sparticuz/chromium');
  });

  it('fails with what to install where the packaged Chromium does not run', async () => {
    // Act
    const onMac = findBrowser({ env: {}, skipSystem: true, platform: 'darwin', arch: 'arm64' });
    const onArmLinux = findBrowser({ env: {}, skipSystem: true, platform: 'linux', arch: 'arm64' });

    // Assess
    await expect(onMac).rejects.toThrow(INSTALL_HINT);
    await expect(onMac).rejects.toThrow(/brew install --cask google-chrome/);
    await expect(onArmLinux).rejects.toThrow(/sudo apt-get install chromium/);
  });

  it('fails, naming the variable, when PEERPATH_CHROMIUM points at nothing', async () => {
    // Act
    const found = findBrowser({ env: { PEERPATH_CHROMIUM: '/nowhere/chromium' } });

    // Assess
    await expect(found).rejects.toThrow(/PEERPATH_CHROMIUM=\/nowhere\/chromium does not exist/);
  });
});
