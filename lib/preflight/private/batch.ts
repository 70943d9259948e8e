import { Stack } from 'aws-cdk-lib';
import type { CfnComputeEnvironment } from 'aws-cdk-lib/aws-batch';
import { CfnLaunchTemplate } from 'aws-cdk-lib/aws-ec2';
import { resolveList, resolveStruct } from '../../nag/private/resolve';
import { member, referencedResources, resourcesOfType, prop } from './stack-index';

/** A launch template specification of a compute environment (the default one or an override). */
export interface LaunchTemplateUse {
  /** `LaunchTemplate` or `LaunchTemplate.Overrides[i]`. */
  readonly where: string;
  /** The `Version` as resolved (`undefined` when omitted, which means `$Default`). */
  readonly version: unknown;
  /** The launch template, when the same stack defines it. */
  readonly template?: CfnLaunchTemplate;
}

/** The launch templates a managed EC2 compute environment launches from. */
export function launchTemplateUses(environment: CfnComputeEnvironment): LaunchTemplateUse[] {
  const stack = Stack.of(environment);
  const resources = resolveStruct(
    environment,
    prop(environment, 'ComputeResources', environment.computeResources),
  );
  const spec = resolveStruct(environment, member(resources, 'launchTemplate'));
  if (spec === undefined) return [];
  const specs: Array<[string, Record<string, unknown> | undefined]> = [
    ['LaunchTemplate', spec],
    ...resolveList(environment, member(spec, 'overrides')).map(
      (o, i): [string, Record<string, unknown> | undefined] => [
        `LaunchTemplate.Overrides[${i}]`,
        resolveStruct(environment, o),
      ],
    ),
  ];
  return specs
    .filter((s): s is [string, Record<string, unknown>] => s[1] !== undefined)
    .map(([where, s]) => {
      const id: unknown = stack.resolve(member(s, 'launchTemplateId'));
      const name: unknown = stack.resolve(member(s, 'launchTemplateName'));
      const template =
        referencedResources(environment, [id, name], CfnLaunchTemplate)[0] ??
        (typeof name === 'string'
          ? resourcesOfType(environment, CfnLaunchTemplate).find(
              (t) => Stack.of(t).resolve(prop(t, 'LaunchTemplateName', t.launchTemplateName)) === name,
            )
          : undefined);
      return { where, version: stack.resolve(member(s, 'version')), template };
    });
}
