import { CostInputError } from '../errors';

/** What a subcommand accepts. */
export interface ArgSpec {
  /** Name used in messages, e.g. `estimate`, `prices show`. */
  readonly command: string;
  /** Options that take a value (`--flag value` or `--flag=value`). */
  readonly values: readonly string[];
  /** Value options that may be given more than once (e.g. `--parameter`). @default - none */
  readonly repeatable?: readonly string[];
  /** Options without a value (e.g. `--no-spot`). @default - none */
  readonly switches?: readonly string[];
}

export interface ParsedArgs {
  readonly positional: readonly string[];
  /** Last value of each value option. */
  readonly values: ReadonlyMap<string, string>;
  /** Every value of each repeatable option, in order. */
  readonly lists: ReadonlyMap<string, readonly string[]>;
  readonly switches: ReadonlySet<string>;
}

/**
 * The one argument reader of every `cdk-ml-cost` subcommand, so they reject the same mistakes
 * with the same one-line messages: an unknown option, a missing value, an option given twice.
 */
export function parseArgs(argv: readonly string[], spec: ArgSpec): ParsedArgs {
  const positional: string[] = [];
  const values = new Map<string, string>();
  const lists = new Map<string, string[]>();
  const switches = new Set<string>();
  const repeatable = spec.repeatable ?? [];
  const switchNames = spec.switches ?? [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    if (switchNames.includes(name)) {
      if (eq > 0) throw new CostInputError(`${spec.command}: ${name} takes no value`);
      switches.add(name);
      continue;
    }
    if (!spec.values.includes(name)) {
      const options = [...spec.values, ...switchNames].join(', ');
      throw new CostInputError(`${spec.command}: unknown option ${name}; options: ${options}`);
    }
    let value: string | undefined = eq > 0 ? arg.slice(eq + 1) : argv[i + 1];
    if (eq < 0) {
      if (value === undefined || value.startsWith('--')) value = undefined;
      else i++;
    }
    if (value === undefined || value === '')
      throw new CostInputError(`${spec.command}: ${name} needs a value`);
    if (repeatable.includes(name)) {
      lists.set(name, [...(lists.get(name) ?? []), value]);
    } else {
      if (values.has(name)) throw new CostInputError(`${spec.command}: ${name} given twice`);
      values.set(name, value);
    }
  }
  return { positional, values, lists, switches };
}
