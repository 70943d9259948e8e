/**
 * Savings potential: for each compute line, the cheapest sourced pricing option against the line's
 * expected figure, and the utilisation at which its cheapest 1-year commitment breaks even.
 */
import type { CostReport, PricingOption, SavingsPotential } from '../types';
import { COMMITMENT_MODELS, type CommitmentModel } from './models';

export function savingsPotential(report: CostReport): SavingsPotential | undefined {
  const lines: SavingsPotential['lines'][number][] = [];
  for (const stack of report.stacks) {
    for (const line of stack.lines) {
      const options = line.pricingOptions;
      if (!options || options.length < 2) continue;
      const cheapest = options.reduce((a, b) => (b.expected < a.expected ? b : a));
      if (!(cheapest.expected < line.monthly.expected)) continue;
      const oneYear = options
        .filter(
          (o): o is PricingOption & { breakEvenUtilisation: number } =>
            o.breakEvenUtilisation !== undefined &&
            COMMITMENT_MODELS[o.model as CommitmentModel]?.years === 1,
        )
        .reduce<(PricingOption & { breakEvenUtilisation: number }) | undefined>(
          (a, b) => (a === undefined || b.unitPrice < a.unitPrice ? b : a),
          undefined,
        );
      lines.push({
        stackName: stack.stackName,
        logicalId: line.logicalId,
        component: line.component,
        expected: line.monthly.expected,
        cheapest,
        ...(oneYear
          ? { oneYearBreakEven: { model: oneYear.model, utilisation: oneYear.breakEvenUtilisation } }
          : {}),
      });
    }
  }
  if (lines.length === 0) return undefined;
  const total = lines.reduce((a, l) => a + (l.expected - l.cheapest.expected), 0);
  return { expected: Math.round(total * 1e6) / 1e6, lines };
}
