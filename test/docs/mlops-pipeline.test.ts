import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parse as parseYaml } from 'yaml';

interface Step {
  name?: string;
  run?: string;
  uses?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Job {
  needs?: string | string[];
  environment?: string;
  if?: string;
  steps: Step[];
}

const workflow = parseYaml(
  readFileSync(resolve(__dirname, '../../examples/github-actions/mlops-pipeline.yml'), 'utf8'),
) as { on: Record<string, unknown>; permissions: Record<string, string>; jobs: Record<string, Job> };
const runs = (job: string) => workflow.jobs[job].steps.map((s) => s.run ?? '').join('\n');
const needs = (job: string) => [workflow.jobs[job].needs ?? []].flat();

describe('examples/github-actions/mlops-pipeline.yml', () => {
  test('runs on pushes to main and by hand, with OIDC credentials only', () => {
    expect(Object.keys(workflow.on)).toEqual(['push', 'workflow_dispatch']);
    expect(workflow.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
    const steps = Object.values(workflow.jobs).flatMap((j) => j.steps);
    for (const s of steps.filter((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@')))
      expect(Object.keys(s.with ?? {}).sort()).toEqual(['aws-region', 'role-to-assume']);
  });

  test('tests and the cost guardrails gate the deploys: dev first, prod behind the production environment', () => {
    expect(runs('test')).toContain('npm test');
    expect(needs('deploy-dev').sort()).toEqual(['cost', 'test']);
    expect(needs('deploy-prod')).toEqual(['deploy-dev']);
    expect(workflow.jobs['deploy-prod'].environment).toBe('production');
    expect(runs('deploy-dev')).toMatch(/cdk deploy MlPlatform-dev\b/);
    expect(runs('deploy-prod')).toMatch(/cdk deploy MlPlatform-prod\b/);
  });

  test('the guardrail commands diff against the previous commit and cap the total', () => {
    const commands = runs('cost')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l.startsWith('npx cdk-ml-cost '));
    expect(commands).toHaveLength(2);
    expect(commands.map((c) => c.split(' ')[2])).toEqual(['diff', 'estimate']);
    expect(runs('cost')).toMatch(/git worktree add "\$RUNNER_TEMP\/base" HEAD~1/);
    expect(commands[0]).toContain('--fail-on-increase 10%');
    expect(commands[1]).toMatch(/--fail-above \d+/);
  });

  test('approving a model is a separate, manual prod job calling UpdateModelPackage', () => {
    const approve = workflow.jobs['approve-model'];
    expect(approve.if).toContain("github.event_name == 'workflow_dispatch'");
    expect(approve.environment).toBe('production');
    expect(runs('approve-model')).toMatch(
      /aws sagemaker update-model-package[^\n]*--model-approval-status Approved/,
    );
    // The package ARN comes through an environment variable, never spliced into the script.
    expect(runs('approve-model')).not.toContain('${{');
  });
});
