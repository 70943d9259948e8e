import { Stack, type App, type CfnResource, type Environment } from 'aws-cdk-lib';
import { NagRuleCompliance, type NagRuleResult } from 'cdk-nag';
import { beforeAll, describe, expect, test } from 'vitest';

/** One fixture = one minimal stack. It returns the resource the rule judges (and reports on). */
export type Fixture = (stack: Stack) => CfnResource;
/** A non-compliant fixture with the finding details it must produce (`Rule[detail]`); none = no detail. */
export type NonCompliant = Fixture | [Fixture, string[]];

/** The fixtures of one rule, by description. */
export interface RuleCases {
  readonly compliant: Record<string, Fixture>;
  readonly nonCompliant: Record<string, NonCompliant>;
  /** Resources of the rule's type the rule does not judge: NOT_APPLICABLE, never a finding. */
  readonly notApplicable?: Record<string, Fixture>;
  /** Settings only known at deploy time: the rule cannot validate them and says so with a finding. */
  readonly unresolvable?: Record<string, Fixture>;
  /** The environment of a fixture's stack, by description (default: the table's; null: environment-agnostic). */
  readonly env?: Record<string, Environment | null>;
}

/** A rule as both packs expose it: a name (the finding id after the pack prefix) and the check. */
export interface TableRule {
  readonly name: string;
  readonly rule: (node: CfnResource) => NagRuleResult;
}

export interface RuleTableOptions {
  /** The describe() title, e.g. `MlPlatform rules`. */
  readonly title: string;
  /** The finding id prefix, e.g. `MlPlatform` (ids are `<prefix>-<rule>`). */
  readonly prefix: string;
  readonly rules: readonly TableRule[];
  readonly cases: Record<string, RuleCases>;
  /** An app with only the pack under test registered. */
  readonly app: () => App;
  /** Synthesizes the app once: `<id>[<detail>] at <path>` lines by top-level stack. */
  readonly findingsByStack: (app: App) => Map<string, string[]>;
  /** The environment of every fixture stack unless its cases say otherwise. @default environment-agnostic */
  readonly defaultEnv?: Environment;
}

interface Row {
  readonly rule: string;
  readonly description: string;
  readonly stackName: string;
  readonly fixture: Fixture;
  readonly details: string[] | undefined;
  readonly env: Environment | undefined;
}

type Kind = 'compliant' | 'nonCompliant' | 'notApplicable' | 'unresolvable';

/**
 * The table test both rule packs share (cdk-nag's `test/rules` habit, one app for the whole file):
 * every rule has compliant and non-compliant fixtures; a compliant or not-applicable fixture leaves
 * its stack without any finding of the pack; a non-compliant one gives exactly this rule's finding on
 * the judged resource; a deploy-time value makes the rule refuse to guess.
 */
export function describeRuleTable(options: RuleTableOptions): void {
  const rules = new Map(options.rules.map((r) => [r.name, r]));
  const rows = (kind: Kind): Row[] =>
    Object.entries(options.cases).flatMap(([rule, cases]) =>
      Object.entries<NonCompliant>(cases[kind] ?? {}).map(([description, entry], i) => {
        const env = cases.env?.[description];
        return {
          rule,
          description,
          stackName: `${rule}-${kind}-${i}`,
          fixture: Array.isArray(entry) ? entry[0] : entry,
          details: Array.isArray(entry) ? entry[1] : undefined,
          env: env === null ? undefined : (env ?? options.defaultEnv),
        };
      }),
    );
  const compliant = rows('compliant');
  const nonCompliant = rows('nonCompliant');
  const notApplicable = rows('notApplicable');
  const unresolvable = rows('unresolvable');

  // GIVEN one app holding every fixture, each in its own stack, synthesized once for the whole file
  const judged = new Map<string, CfnResource>();
  let findings: Map<string, string[]>;
  beforeAll(() => {
    const app = options.app();
    for (const row of [...compliant, ...nonCompliant, ...notApplicable, ...unresolvable]) {
      judged.set(row.stackName, row.fixture(new Stack(app, row.stackName, { env: row.env })));
    }
    // WHEN
    findings = options.findingsByStack(app);
  });

  const findingsIn = (stackName: string): string[] => [...(findings.get(stackName) ?? [])].sort();
  const ruleOf = (row: Row): TableRule => {
    const rule = rules.get(row.rule);
    if (!rule) throw new Error(`no rule named ${row.rule} in the ${options.prefix} pack`);
    return rule;
  };

  describe(options.title, () => {
    test('every rule of the pack has compliant and non-compliant fixtures, and every fixture names a rule', () => {
      // THEN
      expect(Object.keys(options.cases).sort()).toEqual([...rules.keys()].sort());
      for (const cases of Object.values(options.cases)) {
        expect(Object.keys(cases.compliant).length).toBeGreaterThan(0);
        expect(Object.keys(cases.nonCompliant).length).toBeGreaterThan(0);
      }
    });

    test.each(compliant)('$rule: compliant ($description)', (row) => {
      const node = judged.get(row.stackName)!;
      // THEN the rule judged the resource (not skipped it) and the whole pack reports nothing in the stack
      expect(ruleOf(row).rule(node)).toBe(NagRuleCompliance.COMPLIANT);
      expect(findingsIn(row.stackName)).toEqual([]);
    });

    test.each(nonCompliant)('$rule: non-compliant ($description)', (row) => {
      const node = judged.get(row.stackName)!;
      const id = `${options.prefix}-${row.rule}`;
      // THEN exactly this rule fires, on this resource, naming what is wrong
      if (row.details === undefined) {
        expect(ruleOf(row).rule(node)).toBe(NagRuleCompliance.NON_COMPLIANT);
        expect(findingsIn(row.stackName)).toEqual([`${id} at ${node.node.path}`]);
      } else {
        expect([...(ruleOf(row).rule(node) as string[])].sort()).toEqual([...row.details].sort());
        expect(findingsIn(row.stackName)).toEqual(
          row.details.map((d) => `${id}[${d}] at ${node.node.path}`).sort(),
        );
      }
    });

    test.each(notApplicable)('$rule: NOT_APPLICABLE is no finding ($description)', (row) => {
      const node = judged.get(row.stackName)!;
      // THEN
      expect(ruleOf(row).rule(node)).toBe(NagRuleCompliance.NOT_APPLICABLE);
      expect(findingsIn(row.stackName)).toEqual([]);
    });

    test.each(unresolvable)('$rule: a deploy-time value cannot pass unseen ($description)', (row) => {
      const node = judged.get(row.stackName)!;
      // THEN the rule refuses to guess, and cdk-nag turns that into a finding on the resource
      expect(() => ruleOf(row).rule(node)).toThrow(/could not be validated/);
      expect(findingsIn(row.stackName)).toEqual([`${options.prefix}-${row.rule} at ${node.node.path}`]);
    });
  });
}
