/**
 * The HTML report in a real headless Chromium (Debian's `chromium`, driven by playwright-core;
 * no browser download): it must show the JSON's totals and every stack, draw its SVG charts,
 * log no console errors and request nothing but the file itself. Writes a screenshot to
 * test-artifacts/cost-report.png for a human to look at.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { formatUsd } from '../../cost/render/numbers';
import { renderHtml } from '../../cost/render/html';
import { devProdReport } from './fixtures/reports';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = resolve(__dirname, '../../test-artifacts');
const available = existsSync(CHROMIUM);
if (!available && !process.env.CI) {
  console.warn(
    `SKIPPED html-browser.test.ts: ${CHROMIUM} not found. Install it with: apt-get update && apt-get install -y chromium (in CI this test fails instead of skipping).`,
  );
}

describe.skipIf(!available && !process.env.CI)('HTML report in headless Chromium', () => {
  let browser: Browser;
  let page: Page;
  const requests: string[] = [];
  const blocked: string[] = [];
  const consoleProblems: string[] = [];
  let fileUrl: string;

  beforeAll(async () => {
    // GIVEN the report written to disk, as `cdk synth` writes cdk.out/cost-report.html
    mkdirSync(ARTIFACTS, { recursive: true });
    const path = join(ARTIFACTS, 'cost-report.html');
    writeFileSync(path, renderHtml(devProdReport));
    fileUrl = pathToFileURL(path).href;

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    page.on('request', (r) => requests.push(r.url()));
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') consoleProblems.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => consoleProblems.push(`pageerror: ${e.message}`));
    // Every request goes through here: the file itself is served, anything else is recorded and refused.
    await context.route('**/*', async (route) => {
      const url = route.request().url();
      if (url === fileUrl) return route.continue();
      blocked.push(url);
      return route.abort();
    });

    // WHEN
    await page.goto(fileUrl, { waitUntil: 'load' });
    await page.screenshot({ path: join(ARTIFACTS, 'cost-report.png'), fullPage: true });
  });

  afterAll(async () => {
    await browser?.close();
  });

  test('requests nothing but the file itself', () => {
    expect(blocked).toEqual([]);
    expect(requests).toEqual([fileUrl]);
  });

  test('no console errors or warnings', () => {
    expect(consoleProblems).toEqual([]);
  });

  test('the overall totals shown equal the JSON report', async () => {
    for (const k of ['min', 'expected', 'max'] as const) {
      const shown = await page.locator(`[data-scope="all"] [data-total="${k}"]`).innerText();
      expect(shown).toBe(formatUsd(devProdReport.totals[k]));
      expect(parseUsd(shown)).toBeCloseTo(devProdReport.totals[k], 2);
    }
  });

  test('every stack name is visible, with its totals', async () => {
    for (const stack of devProdReport.stacks) {
      const card = page.locator(`article.stack[data-stack="${stack.stackName}"]`);
      await expect.poll(() => card.getByRole('heading', { name: stack.stackName }).isVisible()).toBe(true);
      for (const k of ['min', 'expected', 'max'] as const) {
        const shown = await card.locator(`[data-total="${k}"]`).innerText();
        expect(parseUsd(shown)).toBeCloseTo(stack.totals[k], 2);
      }
    }
  });

  test('dev and prod cards sit side by side', async () => {
    const [dev, prod] = await Promise.all(
      devProdReport.stacks.map((s) =>
        page.locator(`article.stack[data-stack="${s.stackName}"]`).boundingBox(),
      ),
    );
    expect(dev && prod).toBeTruthy();
    expect(Math.abs(dev!.y - prod!.y)).toBeLessThan(1);
    expect(prod!.x).toBeGreaterThan(dev!.x + dev!.width - 1);
  });

  test('the SVG charts render with visible bars', async () => {
    const charts = page.locator('svg.chart');
    expect(await charts.count()).toBe(3);
    for (let i = 0; i < 3; i++) {
      const box = await charts.nth(i).boundingBox();
      expect(box!.width).toBeGreaterThan(300);
      expect(box!.height).toBeGreaterThan(40);
    }
    const bars = await page.locator('#chart-service-t').locator('xpath=..').locator('rect').count();
    expect(bars).toBe(6);
  });

  test('the unpriced box is visible', async () => {
    await expect.poll(() => page.locator('#unpriced').isVisible()).toBe(true);
    expect(await page.locator('#unpriced').innerText()).toContain('AWS::FSx::FileSystem');
  });

  test('prints without losing the totals', async () => {
    await page.emulateMedia({ media: 'print' });
    const pdf = await page.pdf({ format: 'A4', landscape: true, printBackground: true });
    await page.emulateMedia({ media: 'screen' });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(await page.locator('[data-scope="all"] [data-total="expected"]').isVisible()).toBe(true);
  });
});

function parseUsd(text: string): number {
  return Number(text.replace(/[$,]/g, ''));
}
