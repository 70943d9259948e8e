/**
 * An Amazon States Language document (JSONata) whose values may hold CDK tokens: the definition
 * `ModelRollout` and `RetrainingTrigger` expose so tests and reviewers can read the workflow.
 */
export interface StatesDefinition {
  readonly Comment: string;
  readonly QueryLanguage: 'JSONata';
  readonly StartAt: string;
  readonly TimeoutSeconds?: number;
  readonly States: Record<string, Record<string, unknown>>;
}
