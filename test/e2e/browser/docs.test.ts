import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOCS_CSP } from '#api/openapi.ts';
import { type BrowserHarness, screenshot, startBrowserHarness } from '../../support/browser.ts';

/**
 * `/docs`: the interactive API reference (Scalar, served same-origin from the pages' build), under its own
 * Content-Security-Policy, listing every region's server and rendering every operation.
 */

let harness: BrowserHarness;

beforeAll(async () => {
  harness = await startBrowserHarness();
});

afterAll(async () => {
  await harness?.stop();
});

describe('the API reference at /docs', { timeout: 90_000 }, () => {
  it('renders the operations from the document with no CSP violation and nothing from another origin', async () => {
    // Prepare
    const { page, context, problems } = await harness.newPage({ width: 1400, height: 1000 });
    const origins = new Set<string>();
    page.on('request', (request) => origins.add(new URL(request.url()).origin));

    // Act
    const response = await page.goto(`${harness.url}/docs`);
    await page.getByRole('heading', { name: 'Submit a referral' }).first().waitFor({ timeout: 30_000 });
    const document = (await (await fetch(`${harness.url}/openapi.json`)).json()) as {
      tags: { name: string }[];
    };
    for (const { name } of document.tags) await page.getByText(name, { exact: true }).first().waitFor();
    await page.getByText('Lifecycle', { exact: true }).first().click();
    await page.getByText('Match with a worker (AWAITING_MATCH → GOAL_SETTING)').first().waitFor();
    await screenshot(page, 'docs-reference', { fullPage: false });

    // Assess
    expect(response?.headers()['content-security-policy']).toBe(DOCS_CSP);
    expect(problems.errors).toEqual([]);
    expect([...origins]).toEqual([harness.url]);
    await context.close();
  });

  it("offers each region's server and the bearer token to try a call", async () => {
    // Prepare
    const { page, context, problems } = await harness.newPage({ width: 1400, height: 1000 });
    const document = (await (await fetch(`${harness.url}/openapi.json`)).json()) as {
      servers: { url: string }[];
    };

    // Act
    await page.goto(`${harness.url}/docs`);
    await page.getByRole('heading', { name: 'Submit a referral' }).first().waitFor({ timeout: 30_000 });
    const text = await page.locator('body').textContent();

    // Assess
    expect(document.servers.map((server) => server.url)).toEqual([
      '/vancouver',
      '/north-shore',
      '/richmond',
      '/sea-to-sky',
    ]);
    expect(text).toMatch(/Bearer Token/);
    expect(text).toContain('Vancouver');
    expect(problems.errors).toEqual([]);
    await context.close();
  });
});
