import { Stack, type CfnResource } from 'aws-cdk-lib';
import { CfnComputeEnvironment, CfnJobDefinition, CfnJobQueue } from 'aws-cdk-lib/aws-batch';
import { CfnRule } from 'aws-cdk-lib/aws-events';
import { CfnSchedule } from 'aws-cdk-lib/aws-scheduler';
import { CfnStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { NagRuleCompliance, NagRules, type NagRuleResult } from 'cdk-nag';
import { resolveList, resolveStruct } from '../../../nag/private/resolve';
import {
  logicalIdOf,
  member,
  referencedResources,
  refersTo,
  resourcesOfType,
  prop,
} from '../../private/stack-index';

/**
 * Multi-node parallel job definitions are never submitted to a job queue with Spot capacity. Batch
 * "Compute environment considerations for multi-node parallel jobs": "Multi-node parallel jobs aren't
 * supported on compute environments that use Spot Instances."
 *
 * Job definitions do not name their queue; the rule follows the submissions the stack itself makes:
 * EventBridge rule targets (`BatchParameters.JobDefinition` to a queue), EventBridge Scheduler
 * targets and Step Functions state machines whose definition refers to both. A queue is on Spot when
 * any of its compute environments of the same stack is `SPOT` or `FARGATE_SPOT`. Job definitions no
 * submission of the stack names: not applicable. Findings name the queue: `JobQueue::<LogicalId>`.
 * @param node the CfnResource to check
 */
export function BatchMultiNodeOnSpot(node: CfnResource): NagRuleResult {
  if (!(node instanceof CfnJobDefinition)) return NagRuleCompliance.NOT_APPLICABLE;
  if (NagRules.resolveIfPrimitive(node, prop(node, 'Type', node.type)) !== 'multinode')
    return NagRuleCompliance.NOT_APPLICABLE;
  const queues = submissionQueues(node);
  if (queues.length === 0) return NagRuleCompliance.NOT_APPLICABLE;
  const spot = queues.filter((q) => usesSpot(q));
  return spot.length === 0 ? NagRuleCompliance.COMPLIANT : spot.map((q) => `JobQueue::${logicalIdOf(q)}`);
}

/** The queues of the stack that the stack's own submissions send this job definition to. */
function submissionQueues(definition: CfnJobDefinition): CfnJobQueue[] {
  const stack = Stack.of(definition);
  const links: unknown[] = [
    ...resourcesOfType(definition, CfnRule).flatMap((rule) =>
      resolveList(rule, prop(rule, 'Targets', rule.targets)).filter((t) =>
        refersTo(
          stack.resolve(member(resolveStruct(rule, member(t, 'batchParameters')), 'jobDefinition')),
          definition,
        ),
      ),
    ),
    ...resourcesOfType(definition, CfnSchedule)
      .map((s) => stack.resolve(prop(s, 'Target', s.target)))
      .filter((t) => refersTo(t, definition)),
    ...resourcesOfType(definition, CfnStateMachine)
      .map((m) =>
        stack.resolve([
          prop(m, 'DefinitionString', m.definitionString),
          prop(m, 'Definition', m.definition),
          prop(m, 'DefinitionSubstitutions', m.definitionSubstitutions),
        ]),
      )
      .filter((d) => refersTo(d, definition)),
  ];
  return [...new Set(links.flatMap((link) => referencedResources(definition, link, CfnJobQueue)))];
}

function usesSpot(queue: CfnJobQueue): boolean {
  const stack = Stack.of(queue);
  return resolveList(queue, prop(queue, 'ComputeEnvironmentOrder', queue.computeEnvironmentOrder))
    .flatMap((o) =>
      referencedResources(queue, stack.resolve(member(o, 'computeEnvironment')), CfnComputeEnvironment),
    )
    .some((ce) => {
      const type: unknown = stack.resolve(
        member(resolveStruct(ce, prop(ce, 'ComputeResources', ce.computeResources)), 'type'),
      );
      return type === 'SPOT' || type === 'FARGATE_SPOT';
    });
}
