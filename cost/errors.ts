/**
 * Bad input to the estimator or its CLI: a missing path, a file that is not a template,
 * an unknown region, a malformed usage file or catalog. The CLI prints the message as one
 * line on stderr and exits 2. (lib/errors.ts is for constructs and loads aws-cdk-lib; the
 * estimator must not, so it has its own error.)
 */
export class CostInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CostInputError';
  }
}

/** Exit codes of `cdk-ml-cost`. */
export const EXIT_OK = 0;
export const EXIT_GUARDRAIL = 1;
export const EXIT_BAD_INPUT = 2;
