import { describe, expect, test } from 'vitest';
import { diffReports } from '../../cost/diff';
import { esc, renderDiffHtml, renderHtml } from '../../cost/render/html';
import type { CostReport } from '../../cost/types';
import { devProdHeadReport, devProdReport } from './fixtures/reports';

const html = renderHtml(devProdReport);

/** Text of the first element carrying `attr` inside the element carrying `scope` (flat regex: our markup is regular). */
function valueAfter(source: string, marker: string): string | undefined {
  const at = source.indexOf(marker);
  if (at === -1) return undefined;
  return />([^<]*)</.exec(source.slice(at))?.[1];
}

describe('renderHtml', () => {
  test('golden file', async () => {
    await expect(html).toMatchFileSnapshot('./__snapshots__/dev-prod.html');
  });

  test('self-contained: no script, no external URL, a CSP that forbids loading anything', () => {
    // THEN
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/(src|href)\s*=\s*["']?(https?:|\/\/)/i);
    expect(html).not.toMatch(/url\(/i);
    expect(html).not.toMatch(/@import/i);
    expect(html).toContain(
      `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    );
    // the only link is the inline favicon that stops browsers asking the disk for /favicon.ico
    expect(html.match(/<link [^>]*>/g)).toEqual(['<link rel="icon" href="data:,">']);
  });

  test('totals per stack and overall with min / expected / max', () => {
    expect(valueAfter(html, 'data-total="expected"')).toBe('$4,205.46');
    expect(valueAfter(html, 'data-total="min"')).toBe('$3,259.80');
    expect(valueAfter(html, 'data-total="max"')).toBe('$15,206.45');
    const prod = html.slice(html.indexOf('data-stack="MlPlatform-prod"'));
    expect(valueAfter(prod, 'data-total="min"')).toBe('$2,192.36');
    expect(valueAfter(prod, 'data-total="expected"')).toBe('$2,992.63');
    expect(valueAfter(prod, 'data-total="max"')).toBe('$10,154.57');
  });

  test('stacks side by side: one card each and a comparison table with a column per stack', () => {
    expect(html.match(/<article class="stack"/g)).toHaveLength(2);
    expect(html).toContain(
      '<thead><tr><th scope="col">Service</th><th scope="col">MlPlatform-dev</th><th scope="col">MlPlatform-prod</th><th scope="col">All stacks</th><th scope="col">Category</th></tr></thead>',
    );
    expect(html).toContain(
      '<tr><th scope="row">Amazon SageMaker</th><td class="num">$1,032.33</td><td class="num">$2,580.83</td><td class="num">$3,613.16</td><td>AI and Machine Learning</td></tr>',
    );
  });

  test('three inline SVG charts with accessible names: by service, by stack, ranges', () => {
    expect(html.match(/<svg /g)).toHaveLength(3);
    for (const id of ['chart-service', 'chart-stack', 'chart-range']) {
      expect(html).toContain(`role="img" aria-labelledby="${id}-t ${id}-d"`);
    }
    expect(html).toContain('<title id="chart-service-t">Expected monthly cost by service</title>');
    expect(html).toContain(
      '<title>MlPlatform-prod: min $2,192.36, expected $2,992.63, max $10,154.57</title>',
    );
  });

  test('unpriced resources in a visible warning box before the charts', () => {
    const box = html.indexOf('<section class="box warn" id="unpriced"');
    expect(box).toBeGreaterThan(0);
    expect(box).toBeLessThan(html.indexOf('<svg'));
    expect(html).toContain('2 resource(s) not priced: their cost is NOT in the totals');
    expect(html).toContain('no catalog price for FSx for Lustre SCRATCH_2 storage in us-east-1');
  });

  test('a report with everything priced says so', () => {
    const priced: CostReport = { ...devProdReport, stacks: [devProdReport.stacks[0]] };
    expect(renderHtml(priced)).toContain('<h2 id="unpriced-h">Unpriced resources: none</h2>');
  });

  test('usage-based lines read "depends on usage: $x per unit" and span the cost columns', () => {
    expect(html).toContain('<td class="usage" colspan="3">depends on usage: $0.045 per GB</td>');
    expect(html).toContain('<td class="num price">$0.000005 per request</td>');
  });

  test('usage-based charges are ranked by their size at a reference volume, stated as illustrative', () => {
    const section = html.slice(html.indexOf('id="usage-h"'), html.indexOf('id="assumptions-h"'));
    expect(section).toContain('Depends on usage: 2 charge(s) not in the totals');
    expect(section).toContain('illustrative, not an estimate');
    // NAT data at $0.045/GB × 100 GB = $4.50 ranks above S3 requests at $0.000005 × 1M = $5.00? No: $5.00 first.
    expect(section.indexOf('$5.00 at 1,000,000 requests')).toBeLessThan(section.indexOf('$4.50 at 100 GB'));
    expect(section.indexOf('$4.50 at 100 GB')).toBeGreaterThan(0);
  });

  test('assumptions table: every usage number with its source', () => {
    const assumptions = devProdReport.stacks.flatMap((s) => s.assumptions);
    const section = html.slice(html.indexOf('id="assumptions-h"'), html.indexOf('id="catalog-h"'));
    expect(section.match(/<tr><td class="nowrap">/g)).toHaveLength(assumptions.length);
    expect(section).toContain(
      '<span class="id">InferenceEndpointConfig3B4C5D6E</span></th><td>averageInstanceCount</td><td class="num">2.5</td><td>as given</td><td>usage-file</td><td>usage/prod.yml</td></tr>',
    );
  });

  test('top drivers, tag groups, conditional lines, catalog date and sources', () => {
    expect(html).toContain('<h2 id="drivers-h">Top 10 cost drivers</h2>');
    expect(html).toContain(
      '<caption class="sr">Monthly cost by cost-allocation tag &quot;team&quot;</caption>',
    );
    expect(html).toContain(
      '<caption class="sr">Monthly cost by cost-allocation tag &quot;cost-center&quot;</caption>',
    );
    expect(html).toContain('<span class="badge">conditional</span>');
    expect(html).toContain('<span class="badge">Dynamic</span>');
    expect(html).toContain('captured <time data-catalog-date datetime="2026-11-27">27 Nov 2026</time>');
    expect(html).toContain(
      'generated <time datetime="2026-11-27T20:00:00.000Z">27 Nov 2026, 20:00 UTC</time>',
    );
    expect(html).toContain(
      '<span data-source="skypilot-catalog@00148f2">skypilot-catalog@00148f2</span></th><td class="desc">not described in the catalog</td><td class="num">2</td><td class="nowrap">27 Nov 2026</td>',
    );
  });

  test('accessible tables: every table has a caption and column headers with scope', () => {
    const tables = html.match(/<table>[\s\S]*?<\/table>/g) ?? [];
    expect(tables.length).toBeGreaterThan(8);
    for (const t of tables) {
      expect(t).toMatch(
        /^<table><caption class="sr">[^<]+<\/caption><thead><tr>(<th scope="col">[^<]*<\/th>)+<\/tr><\/thead>/,
      );
    }
  });

  test('print CSS', () => {
    expect(html).toContain('@media print{');
    expect(html).toContain('print-color-adjust:exact');
  });

  test('escapes every text that comes from a template', () => {
    // GIVEN
    const evil = `<script>alert("x")</script>&'`;
    const stack = devProdReport.stacks[1];
    const report: CostReport = {
      ...devProdReport,
      stacks: [
        {
          ...stack,
          stackName: evil,
          region: evil,
          lines: stack.lines.map((l) => ({
            ...l,
            component: evil,
            constructPath: evil,
            notes: [evil],
            tags: { team: evil },
          })),
          unpriced: [{ logicalId: evil, resourceType: evil, reason: evil }],
          free: [{ logicalId: evil, resourceType: evil }],
          assumptions: [{ logicalId: evil, key: evil, value: 1, source: 'usage-file', origin: evil }],
        },
      ],
    };
    // WHEN
    const out = renderHtml(report, { title: evil });
    // THEN
    expect(out).not.toContain('<script');
    expect(out).not.toContain(`"x"`);
    expect(out).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;');
  });

  test.each([
    ['<b>', '&lt;b&gt;'],
    ['a & b', 'a &amp; b'],
    [`"'`, '&quot;&#39;'],
  ])('esc(%j) = %j', (input, out) => {
    expect(esc(input)).toBe(out);
  });

  test('deterministic', () => {
    expect(renderHtml(devProdReport)).toBe(html);
  });
});

describe('renderDiffHtml', () => {
  const diffHtml = renderDiffHtml(diffReports(devProdReport, devProdHeadReport));

  test('golden file', async () => {
    await expect(diffHtml).toMatchFileSnapshot('./__snapshots__/dev-prod.diff.html');
  });

  test('change in totals with before → after, label changes, new unpriced box', () => {
    expect(valueAfter(diffHtml, 'data-delta="expected"')).toBe('+$238.05');
    expect(diffHtml).toContain('$4,205.46 → $4,443.51');
    expect(diffHtml).toContain('<ul class="changes"><li>ml.g5.xlarge → ml.g5.2xlarge</li></ul>');
    expect(diffHtml).toContain('New resources not priced (1)');
    expect(diffHtml).not.toMatch(/<script/i);
  });
});
