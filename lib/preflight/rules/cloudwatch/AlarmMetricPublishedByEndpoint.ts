import { Stack, type CfnResource } from 'aws-cdk-lib';
import { CfnAlarm } from 'aws-cdk-lib/aws-cloudwatch';
import { NagRuleCompliance, type NagRuleResult } from 'cdk-nag';
import { resolveList, resolveStruct } from '../../../nag/private/resolve';
import { configOf, endpointNamed } from '../../private/sagemaker';
import { logicalIdOf, member, prop } from '../../private/stack-index';

/**
 * Metrics SageMaker does not publish for asynchronous endpoints. SageMaker "Alarms and logs for
 * tracking metrics from asynchronous endpoints": "Any metric not listed below is not published if the
 * endpoint is enabled for asynchronous inference. Such metrics include (but are not limited to):
 * OverheadLatency, Invocations, InvocationsPerInstance".
 */
const NOT_PUBLISHED_FOR_ASYNC = new Set(['OverheadLatency', 'Invocations', 'InvocationsPerInstance']);

/**
 * CloudWatch alarms on SageMaker endpoint metrics watch metrics the endpoint's mode publishes: an alarm
 * (or one metric of a metric-math alarm) on `Invocations`, `InvocationsPerInstance` or
 * `OverheadLatency` of an asynchronous endpoint never receives data, so it never fires (and an
 * error-rate expression over `Invocations` stays empty). Endpoints are matched through the
 * `EndpointName` dimension, by reference or by literal name, when the same stack defines them.
 * Findings name the metric and the endpoint: `Invocations::<EndpointLogicalId>:asynchronous`.
 * @param node the CfnResource to check
 */
export function AlarmMetricPublishedByEndpoint(node: CfnResource): NagRuleResult {
  if (!(node instanceof CfnAlarm)) return NagRuleCompliance.NOT_APPLICABLE;
  const stack = Stack.of(node);
  const metrics: Array<{ namespace: unknown; metricName: unknown; dimensions: unknown }> = [
    {
      namespace: stack.resolve(prop(node, 'Namespace', node.namespace)),
      metricName: stack.resolve(prop(node, 'MetricName', node.metricName)),
      dimensions: prop(node, 'Dimensions', node.dimensions),
    },
    ...resolveList(node, prop(node, 'Metrics', node.metrics)).map((query) => {
      const metric = resolveStruct(node, member(resolveStruct(node, member(query, 'metricStat')), 'metric'));
      return {
        namespace: stack.resolve(member(metric, 'namespace')),
        metricName: stack.resolve(member(metric, 'metricName')),
        dimensions: member(metric, 'dimensions'),
      };
    }),
  ].filter((m) => m.namespace === 'AWS/SageMaker' && typeof m.metricName === 'string');
  if (metrics.length === 0) return NagRuleCompliance.NOT_APPLICABLE;
  const findings: string[] = [];
  for (const metric of metrics) {
    const dimension = resolveList(node, metric.dimensions).find(
      (d) => stack.resolve(member(d, 'name')) === 'EndpointName',
    );
    const endpoint = endpointNamed(node, stack.resolve(member(dimension, 'value')));
    const config = endpoint ? configOf(endpoint) : undefined;
    if (
      !endpoint ||
      !config ||
      stack.resolve(prop(config, 'AsyncInferenceConfig', config.asyncInferenceConfig)) === undefined
    )
      continue;
    if (NOT_PUBLISHED_FOR_ASYNC.has(metric.metricName as string)) {
      findings.push(`${metric.metricName as string}::${logicalIdOf(endpoint)}:asynchronous`);
    }
  }
  return findings.length === 0 ? NagRuleCompliance.COMPLIANT : findings;
}
