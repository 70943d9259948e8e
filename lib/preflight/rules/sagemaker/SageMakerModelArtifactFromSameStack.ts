import { CfnResource, Stack } from 'aws-cdk-lib';
import { CfnRepository } from 'aws-cdk-lib/aws-ecr';
import { CfnBucket } from 'aws-cdk-lib/aws-s3';
import { CfnModel } from 'aws-cdk-lib/aws-sagemaker';
import { NagRuleCompliance, type NagRuleResult } from 'cdk-nag';
import { resolveList, resolveStruct } from '../../../nag/private/resolve';
import { member, referencedResources, render, prop } from '../../private/stack-index';

/**
 * SageMaker models do not take their image from an ECR repository, or their model data from an S3
 * bucket, that the same stack creates: CloudFormation creates both empty, and CreateModel fails
 * ("Requested image ... not found", "Could not find model data at s3://..."): SageMaker validates the
 * container image and model artifact when the model is created (CreateModel: "the location of the
 * primary docker image containing inference code, associated artifacts").
 *
 * Compliant: artifacts outside the stack (a CDK asset, a bucket or repository of another stack, a
 * registry image), or a model that depends (`DependsOn`, e.g. `model.node.addDependency(deployment)`)
 * on a custom resource that fills the artifact first, such as `s3deploy.BucketDeployment`. Findings
 * name the container property and the artifact: `PrimaryContainer.ModelDataUrl::s3://${Bucket}/...`.
 * @param node the CfnResource to check
 */
export function SageMakerModelArtifactFromSameStack(node: CfnResource): NagRuleResult {
  if (!(node instanceof CfnModel)) return NagRuleCompliance.NOT_APPLICABLE;
  const containers: Array<[string, Record<string, unknown> | undefined]> = [
    ['PrimaryContainer', resolveStruct(node, prop(node, 'PrimaryContainer', node.primaryContainer))],
    ...resolveList(node, prop(node, 'Containers', node.containers)).map(
      (c, i): [string, Record<string, unknown> | undefined] => [`Containers[${i}]`, resolveStruct(node, c)],
    ),
  ];
  const stack = Stack.of(node);
  const findings: string[] = [];
  for (const [where, container] of containers) {
    if (container === undefined) continue;
    const image: unknown = stack.resolve(member(container, 'image'));
    if (referencedResources(node, image, CfnRepository).length > 0)
      findings.push(`${where}.Image::${render(image)}`);
    const modelData: unknown = stack.resolve(member(container, 'modelDataUrl'));
    if (referencedResources(node, modelData, CfnBucket).length > 0) {
      findings.push(`${where}.ModelDataUrl::${render(modelData)}`);
    }
    const source = resolveStruct(node, member(container, 'modelDataSource'));
    const s3Uri: unknown = stack.resolve(
      member(resolveStruct(node, member(source, 's3DataSource')), 's3Uri'),
    );
    if (referencedResources(node, s3Uri, CfnBucket).length > 0) {
      findings.push(`${where}.ModelDataSource.S3DataSource.S3Uri::${render(s3Uri)}`);
    }
  }
  if (findings.length === 0) return NagRuleCompliance.COMPLIANT;
  return dependsOnCustomResource(node, new Set()) ? NagRuleCompliance.COMPLIANT : findings;
}

/** Whether the resource depends, directly or through other resources, on a custom resource. */
function dependsOnCustomResource(resource: CfnResource, seen: Set<CfnResource>): boolean {
  for (const dependency of resource.obtainDependencies()) {
    if (!(dependency instanceof CfnResource) || seen.has(dependency)) continue;
    seen.add(dependency);
    const type = dependency.cfnResourceType;
    if (type.startsWith('Custom::') || type === 'AWS::CloudFormation::CustomResource') return true;
    if (dependsOnCustomResource(dependency, seen)) return true;
  }
  return false;
}
