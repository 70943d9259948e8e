/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The HTML report in a real headless Chromium (Debian's `chromium`, driven by playwright-core;
 * no browser download). On the hand-built dev/prod report: it must show the JSON's totals and
 * every stack, draw its SVG charts, log no console errors and request nothing but the file itself.
 * On the reference platform's real report, at 420, 768 and 1400 px: no horizontal page overflow,
 * no clipped money figure (tables scroll inside their own box), and printed to A4 at most 6
 * pages. Screenshots go to test-artifacts/cost-report-<width>.png for a human to look at.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { renderDiffHtml, renderHtml } from '../../cost/render/html';
import { formatUsd } from '../../cost/render/numbers';
import { diffReports } from '../../cost/diff';
import type { CostReport } from '../../cost/types';
import { platformReport } from './fixtures/platform';
import { devProdReport } from './fixtures/reports';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = resolve(__dirname, '../../test-artifacts');
const WIDTHS = [420, 768, 1400] as const;
const MAX_PRINT_PAGES = 6;
const available = existsSync(CHROMIUM);
if (!available && !process.env.CI) {
  console.warn(
    `SKIPPED html-browser.test.ts: ${CHROMIUM} not found. Install it with: apt-get update && apt-get install -y chromium (in CI this test fails instead of skipping).`,
  );
}

let browser: Browser;
beforeAll(async () => {
  if (!available && !process.env.CI) return;
  mkdirSync(ARTIFACTS, { recursive: true });
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
});
afterAll(async () => {
  await browser?.close();
});

/** Writes the page to test-artifacts and opens it at `width`, refusing every request but the file. */
async function open(
  name: string,
  html: string,
  width: number,
): Promise<{ page: Page; fileUrl: string; requests: string[]; blocked: string[]; problems: string[] }> {
  const path = join(ARTIFACTS, name);
  writeFileSync(path, html);
  const fileUrl = pathToFileURL(path).href;
  const context = await browser.newContext({ viewport: { width, height: 900 } });
  const page = await context.newPage();
  const requests: string[] = [];
  const blocked: string[] = [];
  const problems: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  await context.route('**/*', async (route) => {
    const url = route.request().url();
    if (url === fileUrl) return route.continue();
    blocked.push(url);
    return route.abort();
  });
  await page.goto(fileUrl, { waitUntil: 'load' });
  return { page, fileUrl, requests, blocked, problems };
}

/**
 * What overflows: the page wider than the viewport, and every money figure ($…) that is cut:
 * wider than its own box, or outside the viewport without being inside a box that scrolls to it.
 * SVG figures must lie inside their chart's viewBox.
 */
async function layoutProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    const vw = document.documentElement.clientWidth;
    if (document.documentElement.scrollWidth > vw)
      out.push(`page is ${document.documentElement.scrollWidth} px wide in a ${vw} px viewport`);
    const money = /\$\d/;
    const leaves = [...document.querySelectorAll('body *')].filter(
      (el) =>
        !(el instanceof SVGElement) &&
        money.test(el.textContent ?? '') &&
        [...el.children].every((c) => !money.test(c.textContent ?? '')) &&
        (el as HTMLElement).offsetParent !== null,
    ) as HTMLElement[];
    for (const el of leaves) {
      const what = `${el.tagName.toLowerCase()} "${(el.textContent ?? '').trim().slice(0, 60)}"`;
      if (el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).display !== 'inline')
        out.push(`${what} is cut: ${el.scrollWidth} px of text in ${el.clientWidth} px`);
      const r = el.getBoundingClientRect();
      const scroller = el.closest('.table-wrap') as HTMLElement | null;
      if (scroller) {
        const box = scroller.getBoundingClientRect();
        if (r.right - box.left > scroller.scrollWidth + 1) out.push(`${what} lies beyond its scroll box`);
        if (box.right > vw + 1) out.push(`${what}: its scroll box overflows the page`);
      } else if (r.right > vw + 1 || r.left < -1) {
        out.push(`${what} is outside the viewport (${Math.round(r.left)}–${Math.round(r.right)} of ${vw})`);
      }
    }
    for (const svg of document.querySelectorAll('svg.chart')) {
      const width = (svg as SVGSVGElement).viewBox.baseVal.width;
      for (const t of svg.querySelectorAll('text')) {
        const b = (t as SVGTextElement).getBBox();
        if (b.x < -0.5 || b.x + b.width > width + 0.5)
          out.push(
            `chart ${svg.id || svg.getAttribute('aria-labelledby')}: "${t.textContent}" leaves the chart`,
          );
      }
    }
    return out;
  });
}

/** Pages in a PDF: its page objects (`/Type /Page`, not `/Pages`). */
function pdfPages(pdf: Buffer): number {
  return (pdf.toString('latin1').match(/\/Type\s*\/Page(?![s\w])/g) ?? []).length;
}

/** PNG width and height from its IHDR chunk. */
function pngSize(png: Buffer): { width: number; height: number } {
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

describe.skipIf(!available && !process.env.CI)('hand-built dev/prod report in headless Chromium', () => {
  let view: Awaited<ReturnType<typeof open>>;
  beforeAll(async () => {
    view = await open('cost-report-fixture.html', renderHtml(devProdReport), 1280);
  });

  test('requests nothing but the file itself', () => {
    expect(view.blocked).toEqual([]);
    expect(view.requests).toEqual([view.fileUrl]);
  });

  test('no console errors or warnings', () => {
    expect(view.problems).toEqual([]);
  });

  test('the overall totals shown equal the JSON report', async () => {
    for (const k of ['min', 'expected', 'max'] as const) {
      const shown = await view.page.locator(`[data-scope="all"] [data-total="${k}"]`).innerText();
      expect(shown).toBe(formatUsd(devProdReport.totals[k]));
      expect(parseUsd(shown)).toBeCloseTo(devProdReport.totals[k], 2);
    }
  });

  test('every stack name is visible, with its totals', async () => {
    for (const stack of devProdReport.stacks) {
      const card = view.page.locator(`article.stack[data-stack="${stack.stackName}"]`);
      await expect.poll(() => card.getByRole('heading', { name: stack.stackName }).isVisible()).toBe(true);
      for (const k of ['min', 'expected', 'max'] as const) {
        const shown = await card.locator(`[data-total="${k}"]`).innerText();
        expect(parseUsd(shown)).toBeCloseTo(stack.totals[k], 2);
      }
    }
  });

  test('dev and prod cards sit side by side at 1280 px', async () => {
    const [dev, prod] = await Promise.all(
      devProdReport.stacks.map((s) =>
        view.page.locator(`article.stack[data-stack="${s.stackName}"]`).boundingBox(),
      ),
    );
    expect(dev && prod).toBeTruthy();
    expect(Math.abs(dev!.y - prod!.y)).toBeLessThan(1);
    expect(prod!.x).toBeGreaterThan(dev!.x + dev!.width - 1);
  });

  test('the SVG charts render with visible bars', async () => {
    const charts = view.page.locator('svg.chart');
    expect(await charts.count()).toBe(3);
    for (let i = 0; i < 3; i++) {
      const box = await charts.nth(i).boundingBox();
      expect(box!.width).toBeGreaterThan(300);
      expect(box!.height).toBeGreaterThan(40);
    }
    const bars = await view.page.locator('#chart-service-t').locator('xpath=..').locator('rect').count();
    expect(bars).toBe(6);
  });

  test('the unpriced box is visible', async () => {
    await expect.poll(() => view.page.locator('#unpriced').isVisible()).toBe(true);
    expect(await view.page.locator('#unpriced').innerText()).toContain('AWS::FSx::FileSystem');
  });

  test('the full line lists are collapsed on screen and open on demand', async () => {
    const details = view.page.locator('section.lines details').first();
    expect(await details.locator('table').isVisible()).toBe(false);
    await details.locator('summary').click();
    expect(await details.locator('table').isVisible()).toBe(true);
  });
});

describe.skipIf(!available && !process.env.CI)(
  'the reference platform report at phone, tablet and desktop widths',
  () => {
    let report: CostReport;
    let html: string;
    beforeAll(async () => {
      report = await platformReport();
      html = renderHtml(report);
    }, 240_000);

    test.each(WIDTHS)(
      '%d px: no horizontal page overflow, no clipped money figure; screenshot taken',
      async (width) => {
        // GIVEN / WHEN
        const view = await open(`cost-report-${width}.html`, html, width);
        const shot = join(ARTIFACTS, `cost-report-${width}.png`);
        await view.page.screenshot({ path: shot, fullPage: true });
        // THEN
        expect(await layoutProblems(view.page)).toEqual([]);
        expect(view.blocked).toEqual([]);
        const expected = await view.page.locator('[data-scope="all"] [data-total="expected"]').innerText();
        expect(expected).toBe(formatUsd(report.totals.expected));
        const png = readFileSync(shot);
        expect(pngSize(png).width).toBe(width);
        expect(pngSize(png).height).toBeGreaterThan(2000);
        await view.page.context().close();
      },
      60_000,
    );

    test('every price source is linked, with a description', () => {
      const sources = new Set(report.stacks.flatMap((s) => s.lines.map((l) => l.priceSource)));
      expect(sources.size).toBeGreaterThan(3);
      for (const id of sources) {
        expect(html).toMatch(
          new RegExp(`<a href="https://[^"]+" data-source="${id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}">`),
        );
        expect(report.catalog.sources?.[id]?.description).toBeTruthy();
      }
    });

    test('420 px: the total cards and the stack cards stack in one column', async () => {
      const view = await open('cost-report-420-cards.html', html, 420);
      const boxes = await view.page
        .locator('[data-scope="all"] .figure')
        .evaluateAll((els) => els.map((e) => e.getBoundingClientRect().x));
      expect(new Set(boxes.map(Math.round)).size).toBe(1);
      const cards = await view.page
        .locator('article.stack')
        .evaluateAll((els) => els.map((e) => e.getBoundingClientRect().x));
      expect(new Set(cards.map(Math.round)).size).toBe(1);
      await view.page.context().close();
    });

    test(`printed to A4: a summary of at most ${MAX_PRINT_PAGES} pages, without the full line lists`, async () => {
      // GIVEN
      const view = await open('cost-report-print.html', html, 1400);
      // WHEN
      await view.page.emulateMedia({ media: 'print' });
      const lineListsShown = await view.page
        .locator('section.lines')
        .evaluateAll((els) => els.filter((e) => getComputedStyle(e).display !== 'none'));
      const totalsShown = await view.page.locator('[data-scope="all"] [data-total="expected"]').isVisible();
      const pdf = await view.page.pdf({ format: 'A4', printBackground: true });
      writeFileSync(join(ARTIFACTS, 'cost-report.pdf'), pdf);
      // THEN
      expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
      const pages = pdfPages(pdf);
      expect(pages).toBeGreaterThanOrEqual(1);
      expect(pages).toBeLessThanOrEqual(MAX_PRINT_PAGES);
      expect(lineListsShown).toHaveLength(0);
      expect(totalsShown).toBe(true);
      await view.page.context().close();
    });

    test('the diff of a changed minimum capacity fits 1400 px', async () => {
      // GIVEN prod's endpoint minimum raised from 2 to 3 instances
      const head = raiseMinCapacity(report);
      const view = await open('cost-diff-1400.html', renderDiffHtml(diffReports(report, head)), 1400);
      await view.page.screenshot({ path: join(ARTIFACTS, 'cost-diff-1400.png'), fullPage: true });
      // THEN no table scrolls sideways and nothing overflows
      expect(await layoutProblems(view.page)).toEqual([]);
      const scrolling = await view.page
        .locator('.table-wrap')
        .evaluateAll((els) => els.filter((e) => e.scrollWidth > e.clientWidth + 1).length);
      expect(scrolling).toBe(0);
      await view.page.context().close();
    });
  },
);

/** The report as if prod's autoscaled endpoint variant had MinCapacity 3 instead of 2. */
export function raiseMinCapacity(report: CostReport): CostReport {
  return {
    ...report,
    stacks: report.stacks.map((s) =>
      s.stackName !== 'MlPlatform-prod'
        ? s
        : {
            ...s,
            lines: s.lines.map((l) => {
              if (l.drivers?.MinCapacity !== '2' || !l.scenarios) return l;
              const rate = l.monthly.min / l.scenarios.min.quantity;
              const quantity = 3 * 730;
              return {
                ...l,
                drivers: { ...l.drivers, MinCapacity: '3' },
                scenarios: {
                  ...l.scenarios,
                  min: { ...l.scenarios.min, quantity },
                  expected: { ...l.scenarios.expected, quantity },
                },
                monthly: { ...l.monthly, min: quantity * rate, expected: quantity * rate },
              };
            }),
          },
    ),
  };
}

function parseUsd(text: string): number {
  return Number(text.replace(/[$,]/g, ''));
}
