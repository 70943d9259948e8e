import { Stack } from 'aws-cdk-lib';
import { CfnComputeEnvironment } from 'aws-cdk-lib/aws-batch';
import type { CfnLaunchTemplate } from 'aws-cdk-lib/aws-ec2';

/**
 * Whether a Batch compute environment in the same stack launches instances from this launch template,
 * by id (`Ref`/`Fn::GetAtt` to it) or by its literal name, in `LaunchTemplate` or its `Overrides`.
 * Launch templates used only by Auto Scaling groups or instances are left to cdk-nag's own EC2 rules.
 */
export function isUsedByBatchComputeEnvironment(launchTemplate: CfnLaunchTemplate): boolean {
  const stack = Stack.of(launchTemplate);
  const logicalId: unknown = stack.resolve(launchTemplate.logicalId);
  const name: unknown = stack.resolve(launchTemplate.launchTemplateName);
  return stack.node
    .findAll()
    .some(
      (c) =>
        c instanceof CfnComputeEnvironment &&
        Stack.of(c) === stack &&
        references(stack.resolve(c.computeResources), logicalId, typeof name === 'string' ? name : undefined),
    );
}

function references(value: unknown, logicalId: unknown, name: string | undefined): boolean {
  if (Array.isArray(value)) return value.some((v) => references(v, logicalId, name));
  if (value === null || typeof value !== 'object') return false;
  const record = value as Record<string, unknown>;
  if (record.Ref === logicalId) return true;
  const getAtt = record['Fn::GetAtt'];
  if (Array.isArray(getAtt) && getAtt[0] === logicalId) return true;
  if (typeof getAtt === 'string' && getAtt.split('.')[0] === logicalId) return true;
  if (name !== undefined && record.launchTemplateName === name) return true;
  return Object.values(record).some((v) => references(v, logicalId, name));
}
