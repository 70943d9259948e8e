import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { diffReports } from '../../cost/diff';
import {
  MARKDOWN_DIFF_MARKER,
  MARKDOWN_ESTIMATE_MARKER,
  MARKDOWN_MAX_CHARS,
  esc,
  renderDiffMarkdown,
  renderMarkdown,
} from '../../cost/render/markdown';
import type { CostLine, CostReport } from '../../cost/types';
import { devProdHeadReport, devProdReport } from './fixtures/reports';

const md = renderMarkdown(devProdReport);

/** A report far too big for a comment: 3,000 lines in each of 4 stacks. */
function hugeReport(): CostReport {
  const template = devProdReport.stacks[1];
  const stacks = [0, 1, 2, 3].map((n) => {
    const lines: CostLine[] = Array.from({ length: 3000 }, (_, i) => ({
      ...template.lines[i % template.lines.length],
      stackName: `Stack${n}`,
      logicalId: `Resource${String(i).padStart(5, '0')}WithAVeryLongLogicalIdToFillTheTable`,
    }));
    return { ...template, stackName: `Stack${n}`, lines };
  });
  return { ...devProdReport, stacks };
}

describe('renderMarkdown', () => {
  test('golden file', async () => {
    await expect(md).toMatchFileSnapshot('./__snapshots__/dev-prod.md');
  });

  test('summary first: marker, headline with the expected total, then the stack table with ranges', () => {
    // THEN
    const lines = md.split('\n');
    expect(lines[0]).toBe(MARKDOWN_ESTIMATE_MARKER);
    expect(lines[1]).toBe('### Cost estimate: $4,205.46 per month expected');
    expect(md).toContain(
      '| MlPlatform-dev | us-east-1 | $1,067.43 | **$1,212.83** | $5,051.88 | 0 | $1,000.00: **below expected**; max is 5.1× it |',
    );
    expect(md).toContain(
      '| MlPlatform-prod | us-east-1 | $2,192.36 | **$2,992.63** | $10,154.57 | 2 | $3,500.00: covers expected; max is 2.9× it |',
    );
    expect(md).toContain('| **Total** |  | **$3,259.80** | **$4,205.46** | **$15,206.45** | 2 |  |');
    expect(md.indexOf('| **Total** |')).toBeLessThan(md.indexOf('<details>'));
  });

  test('unpriced resources are a visible warning in the summary, not hidden in details', () => {
    // THEN
    const warning = md.indexOf('> [!WARNING]');
    expect(warning).toBeGreaterThan(0);
    expect(warning).toBeLessThan(md.indexOf('<details>'));
    // how much of the estimate is unpriced, by resource count (issue 14): 2 of the fixture's 25 resources
    expect(md).toContain('> **2 resource(s) not priced** (2 of 25 resources, 8%) and not in the totals');
    expect(md).toContain(
      '> - MlPlatform-prod / Training/ScratchFileSystem (AWS::FSx::FileSystem): no catalog price for FSx for Lustre SCRATCH\\_2 storage in us-east-1',
    );
  });

  test('usage-based lines without usage say what they cost per unit', () => {
    expect(md).toContain(
      'Data processed (NAT gateway) on Network/Vpc/PublicSubnet1/NATGateway: depends on usage: $0.045 per GB ($4.50 at 100 GB)',
    );
    expect(md).toContain('| \\_depends on usage: $0.000005 per request\\_ |'.replace(/\\_/g, '_'));
  });

  test('top drivers in the summary, details collapsed', () => {
    expect(md).toContain('**Top 5 cost drivers**');
    expect(md).toContain(
      '| 1 | MlPlatform-prod | Inference/EndpointConfig | Instance usage (ml.g5.xlarge, on-demand) | 2.5 instances (average) × 730 h | $2,056.26 | **$2,570.33** | $4,112.53 |',
    );
    const details = md.match(/<details><summary>[^<]*<\/summary>/g) ?? [];
    expect(details.map((d) => d.replace(/<\/?(details|summary)>/g, ''))).toEqual([
      'Cost by service',
      'Cost by tag `team`',
      'Cost by tag `cost-center`',
      'MlPlatform-dev: 9 cost line(s), $1,212.83 expected',
      'MlPlatform-prod: 12 cost line(s), $2,992.63 expected',
      'Usage assumptions (7)',
      'Unpriced resources (2)',
      'Free resources (7)',
      'Price sources',
    ]);
    expect(md).not.toContain('rows left out');
  });

  test('a huge report stays under 65,000 characters, keeps the summary and says what it cut', () => {
    // GIVEN
    const report = hugeReport();
    // WHEN
    const out = renderMarkdown(report);
    // THEN
    expect(out.length).toBeLessThan(MARKDOWN_MAX_CHARS);
    expect(out.length).toBeGreaterThan(MARKDOWN_MAX_CHARS - 2000);
    expect(out.startsWith(MARKDOWN_ESTIMATE_MARKER)).toBe(true);
    expect(out).toContain('| Stack3 |');
    expect(out).toMatch(
      /_\d+ of 3000 rows left out to fit a pull-request comment; the HTML and CSV reports have them all\._/,
    );
    expect(out).toMatch(/_Left out to fit a pull-request comment: \d+ section\(s\) \(/);
    expect(out.trimEnd().endsWith('</sub>')).toBe(true);
    // every <details> that was opened is closed
    expect(out.match(/<details/g)?.length).toBe(out.match(/<\/details>/g)?.length);
  });

  test.each([5_000, 20_000])('a smaller limit (%d) is honoured too', (limit) => {
    expect(renderMarkdown(hugeReport(), { maxChars: limit }).length).toBeLessThan(limit);
  });

  test('escapes Markdown and HTML in text from templates', () => {
    // GIVEN
    const evil = '<img src=x onerror=alert(1)> | **bold** [link](http://x) `code`';
    const report: CostReport = {
      ...devProdReport,
      stacks: [
        {
          ...devProdReport.stacks[0],
          stackName: evil,
          lines: [{ ...devProdReport.stacks[0].lines[0], component: evil }],
        },
      ],
    };
    // WHEN
    const out = renderMarkdown(report);
    // THEN
    expect(out).not.toContain('<img');
    expect(out).not.toContain('**bold**');
    expect(out).toContain(
      '&lt;img src=x onerror=alert(1)&gt; \\| \\*\\*bold\\*\\* \\[link\\](http://x) \\`code\\`',
    );
  });

  test('property: any text from templates stays inside its cell and under the limit', () => {
    const line = devProdReport.stacks[1].lines[0];
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            id: fc.string({ maxLength: 40, unit: 'binary-ascii' }),
            component: fc.string({ maxLength: 80, unit: 'binary-ascii' }),
          }),
          {
            minLength: 1,
            maxLength: 60,
          },
        ),
        fc.string({ maxLength: 30, unit: 'binary-ascii' }),
        (items, stackName) => {
          // GIVEN
          const report: CostReport = {
            ...devProdReport,
            stacks: [
              {
                ...devProdReport.stacks[1],
                stackName,
                lines: items.map((it) => ({ ...line, logicalId: it.id, component: it.component })),
              },
            ],
          };
          // WHEN
          const out = renderMarkdown(report, { maxChars: 6000 });
          // THEN: only our own tags remain, and every table row has its header's cell count
          expect(out.length).toBeLessThan(6000);
          expect(
            out.replace(/<\/?(details|summary|sub)( open)?>|<br>|<!-- cdk-ml-cost:estimate -->/g, ''),
          ).not.toContain('<');
          for (const block of out.split('\n\n').filter((b) => b.startsWith('| '))) {
            const cells = block
              .split('\n')
              .filter((r) => r.startsWith('|'))
              .map((r) => r.replace(/\\\\/g, '').split(/(?<!\\)\|/).length);
            expect(new Set(cells).size, block).toBe(1);
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  test.each([
    ['a|b', 'a\\|b'],
    ['<b>', '&lt;b&gt;'],
    ['x_y*z', 'x\\_y\\*z'],
    ['line\nbreak', 'line break'],
    ['a\\|', 'a\\\\\\|'],
  ])('esc(%j) = %j', (input, out) => {
    expect(esc(input)).toBe(out);
  });
});

describe('renderDiffMarkdown', () => {
  const diffMd = renderDiffMarkdown(diffReports(devProdReport, devProdHeadReport));

  test('golden file', async () => {
    await expect(diffMd).toMatchFileSnapshot('./__snapshots__/dev-prod.diff.md');
  });

  test('headline, totals before → after with ranges, label changes', () => {
    expect(diffMd.split('\n')[0]).toBe(MARKDOWN_DIFF_MARKER);
    expect(diffMd).toContain('### Cost change: +$238.05 per month expected (increase)');
    expect(diffMd).toContain('| Expected | $4,205.46 | $4,443.51 | +$238.05 |');
    expect(diffMd).toContain('| Min (idle floor) | $3,259.80 | $3,415.33 | +$155.53 |');
    expect(diffMd).toContain('| Max (at maxima) | $15,206.45 | $16,986.38 | +$1,779.93 |');
    expect(diffMd).toContain(
      '| changed | MlPlatform-prod | Inference/EndpointConfig<br><sub>AWS::SageMaker::EndpointConfig</sub> | ml.g5.xlarge → ml.g5.2xlarge |',
    );
    expect(diffMd).toContain('**Resources:** 1 added · 1 removed · 1 changed');
    expect(diffMd).toContain('> **1 new resource(s) not priced**');
    expect(diffMd.length).toBeLessThan(MARKDOWN_MAX_CHARS);
  });

  test('a cheaper head says decrease', () => {
    expect(renderDiffMarkdown(diffReports(devProdHeadReport, devProdReport))).toContain(
      '### Cost change: -$238.05 per month expected (decrease)',
    );
  });
});
