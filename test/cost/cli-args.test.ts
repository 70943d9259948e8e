import { describe, expect, test } from 'vitest';
import { parseArgs } from '../../cost/cli/args';
import { CostInputError } from '../../cost/errors';

const SPEC = {
  command: 'demo',
  values: ['--region', '--parameter'],
  repeatable: ['--parameter'],
  switches: ['--no-spot'],
};

describe('parseArgs', () => {
  test('positionals, --flag value, --flag=value, repeatable values and switches', () => {
    const args = parseArgs(
      ['in.json', '--region', 'eu-west-1', '--parameter=A=1', '--parameter', 'B=2', '--no-spot'],
      SPEC,
    );
    expect(args.positional).toEqual(['in.json']);
    expect(args.values.get('--region')).toBe('eu-west-1');
    expect(args.lists.get('--parameter')).toEqual(['A=1', 'B=2']);
    expect([...args.switches]).toEqual(['--no-spot']);
  });

  test.each<[string[], string]>([
    [['--regoin', 'x'], 'demo: unknown option --regoin; options: --region, --parameter, --no-spot'],
    [['--region'], 'demo: --region needs a value'],
    [['--region', '--no-spot'], 'demo: --region needs a value'],
    [['--region='], 'demo: --region needs a value'],
    [['--region', 'a', '--region', 'b'], 'demo: --region given twice'],
    [['--no-spot=yes'], 'demo: --no-spot takes no value'],
  ])('%j is rejected with one message', (argv, message) => {
    expect(() => parseArgs(argv, SPEC)).toThrow(CostInputError);
    expect(() => parseArgs(argv, SPEC)).toThrow(message);
  });
});
