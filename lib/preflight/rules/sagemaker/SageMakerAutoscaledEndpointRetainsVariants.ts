import { Stack, type CfnResource } from 'aws-cdk-lib';
import { CfnScalableTarget } from 'aws-cdk-lib/aws-applicationautoscaling';
import { CfnEndpoint } from 'aws-cdk-lib/aws-sagemaker';
import { NagRuleCompliance, NagRules, type NagRuleResult } from 'cdk-nag';
import { prop, refersTo, render, resourcesOfType } from '../../private/stack-index';

/**
 * SageMaker endpoints whose variants Application Auto Scaling scales set
 * `RetainAllVariantProperties: true`. SageMaker "Update endpoints that use auto scaling": "If you want
 * to retain the variant properties, such as instance count or weight, set the value of the
 * RetainAllVariantProperties parameter to True" - otherwise every endpoint-config update resets the
 * scaled instance count to `InitialInstanceCount`, in the middle of whatever load made it scale.
 * Scalable targets are matched by their `ResourceId` (`endpoint/<name>/variant/<variant>`), by
 * reference to the endpoint or by its literal name. Endpoints nothing scales: not applicable.
 * @param node the CfnResource to check
 */
export function SageMakerAutoscaledEndpointRetainsVariants(node: CfnResource): NagRuleResult {
  if (!(node instanceof CfnEndpoint)) return NagRuleCompliance.NOT_APPLICABLE;
  const stack = Stack.of(node);
  const name: unknown = stack.resolve(prop(node, 'EndpointName', node.endpointName));
  const scaled = resourcesOfType(node, CfnScalableTarget).some((target) => {
    const namespace: unknown = stack.resolve(prop(target, 'ServiceNamespace', target.serviceNamespace));
    if (namespace !== 'sagemaker') return false;
    const resourceId: unknown = stack.resolve(prop(target, 'ResourceId', target.resourceId));
    if (refersTo(resourceId, node)) return true;
    return typeof name === 'string' && render(resourceId).startsWith(`endpoint/${name}/`);
  });
  if (!scaled) return NagRuleCompliance.NOT_APPLICABLE;
  const retain: unknown = NagRules.resolveIfPrimitive(
    node,
    prop(node, 'RetainAllVariantProperties', node.retainAllVariantProperties),
  );
  return retain === true ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
}
