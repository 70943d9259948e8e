import { Stack, type CfnResource } from 'aws-cdk-lib';
import { CfnAlarm } from 'aws-cdk-lib/aws-cloudwatch';
import { CfnRole } from 'aws-cdk-lib/aws-iam';
import { CfnEndpoint } from 'aws-cdk-lib/aws-sagemaker';
import { NagRuleCompliance, type NagRuleResult } from 'cdk-nag';
import { resolveList, resolveStruct } from '../../../nag/private/resolve';
import { roleStatements } from '../../private/iam';
import { coversAction, wildcardMatch, type Statement } from '../../private/policy';
import { configOf, variantsOf } from '../../private/sagemaker';
import {
  logicalIdOf,
  member,
  referencedResources,
  render,
  resourcesOfType,
  prop,
} from '../../private/stack-index';

/**
 * SageMaker endpoints with auto-rollback alarms (`DeploymentConfig.AutoRollbackConfiguration`) run
 * their models under roles that may call `cloudwatch:DescribeAlarms` on those alarms. SageMaker
 * "Auto-Rollback Configuration and Monitoring": "Ensure that your IAM execution role has permission to
 * perform the cloudwatch:DescribeAlarms action on the auto-rollback alarms you specify."
 *
 * The roles judged are the execution roles of the endpoint configuration and of its variants' models,
 * when the same stack defines them; a role with managed policies from outside the stack is given the
 * benefit of the doubt. Findings name the role and the alarm: `Role::<LogicalId>::Alarm::<name>`.
 * @param node the CfnResource to check
 */
export function SageMakerRollbackAlarmsReadable(node: CfnResource): NagRuleResult {
  if (!(node instanceof CfnEndpoint)) return NagRuleCompliance.NOT_APPLICABLE;
  const stack = Stack.of(node);
  const deployment = resolveStruct(node, prop(node, 'DeploymentConfig', node.deploymentConfig));
  const rollback = resolveStruct(node, member(deployment, 'autoRollbackConfiguration'));
  const alarms = resolveList(node, member(rollback, 'alarms')).map((a) =>
    alarmTarget(node, stack.resolve(member(a, 'alarmName'))),
  );
  if (alarms.length === 0) return NagRuleCompliance.NOT_APPLICABLE;
  const config = configOf(node);
  if (config === undefined) return NagRuleCompliance.NOT_APPLICABLE;
  const roleArns: unknown[] = [
    stack.resolve(prop(config, 'ExecutionRoleArn', config.executionRoleArn)),
    ...variantsOf(config).map((v) =>
      v.model ? stack.resolve(prop(v.model, 'ExecutionRoleArn', v.model.executionRoleArn)) : undefined,
    ),
  ];
  const roles = [...new Set(roleArns.flatMap((arn) => referencedResources(node, arn, CfnRole)))];
  if (roles.length === 0) return NagRuleCompliance.NOT_APPLICABLE;
  const findings: string[] = [];
  for (const role of roles) {
    const { statements, hasForeignPolicies } = roleStatements(role);
    if (hasForeignPolicies) continue;
    for (const alarm of alarms) {
      if (!canDescribe(statements, alarm)) findings.push(`Role::${logicalIdOf(role)}::Alarm::${alarm.name}`);
    }
  }
  return findings.length === 0 ? NagRuleCompliance.COMPLIANT : findings;
}

interface AlarmTarget {
  /** The alarm name as rendered for findings. */
  readonly name: string;
  /** The literal alarm name, when known at synth. */
  readonly literal?: string;
  /** The alarm resource, when the same stack defines it. */
  readonly logicalId?: string;
}

function alarmTarget(scope: CfnResource, name: unknown): AlarmTarget {
  const [byRef] = referencedResources(scope, name, CfnAlarm);
  const alarm =
    byRef ??
    (typeof name === 'string'
      ? resourcesOfType(scope, CfnAlarm).find(
          (a) => Stack.of(a).resolve(prop(a, 'AlarmName', a.alarmName)) === name,
        )
      : undefined);
  const literalName: unknown = alarm
    ? Stack.of(scope).resolve(prop(alarm, 'AlarmName', alarm.alarmName))
    : name;
  return {
    name: render(name),
    literal: typeof literalName === 'string' ? literalName : undefined,
    logicalId: alarm ? logicalIdOf(alarm) : undefined,
  };
}

/** Whether an Allow statement grants DescribeAlarms on the alarm (and no Deny takes it away). */
function canDescribe(statements: readonly Statement[], alarm: AlarmTarget): boolean {
  const relevant = statements.filter(
    (s) => coversAction(s, 'cloudwatch:DescribeAlarms') && s.resources.some((r) => coversAlarm(r, alarm)),
  );
  if (relevant.some((s) => s.effect === 'Deny' && s.conditions.size === 0)) return false;
  return relevant.some((s) => s.effect === 'Allow');
}

function coversAlarm(resource: string, alarm: AlarmTarget): boolean {
  if (resource === '*') return true;
  if (alarm.logicalId && resource === `\${${alarm.logicalId}.Arn}`) return true;
  // arn:<partition>:cloudwatch:<region>:<account>:alarm:<name>: partition, region and account may be
  // pseudo parameters or wildcards; the service, resource type and name must match.
  const parts = resource.replace(/\$\{AWS::[A-Za-z]+\}/g, '*').split(':');
  if (parts.length < 7 || !wildcardMatch(parts[2], 'cloudwatch') || !wildcardMatch(parts[5], 'alarm'))
    return false;
  const namePattern = parts.slice(6).join(':');
  if (alarm.literal !== undefined) return wildcardMatch(namePattern, alarm.literal);
  return namePattern === '*' || (alarm.logicalId !== undefined && namePattern === `\${${alarm.logicalId}}`);
}
