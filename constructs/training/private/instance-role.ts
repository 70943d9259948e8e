import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { acknowledgeFindings, acknowledgeGrantPolicy } from '../../core/compliance';
import { acknowledgePolicyWildcards } from '../../core/wildcards';

/**
 * The ECS container-instance role (`InstanceRole`) of a `GpuTrainingCluster` (`scope`): the ECS
 * agent's managed policy and `cloudwatch:PutMetricData` in the GPU metrics namespace only.
 */
export function createInstanceRole(
  scope: Construct,
  clusterName: string,
  metricsNamespace: string,
): iam.Role {
  const role = new iam.Role(scope, 'InstanceRole', {
    assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
    description: `ECS container instances of GPU training cluster ${clusterName}`,
    managedPolicies: [
      iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AmazonEC2ContainerServiceforEC2Role'),
    ],
  });
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['cloudwatch:PutMetricData'],
      resources: ['*'],
      conditions: { StringEquals: { 'cloudwatch:namespace': metricsNamespace } },
    }),
  );
  acknowledgeFindings(
    role,
    [
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role]',
    ],
    `${role.node.path} is the ECS container-instance role of AWS Batch; AWS maintains AmazonEC2ContainerServiceforEC2Role as the ECS agent's API surface changes, and jobs use their own job roles (hop limit 1 keeps them off this one).`,
  );
  acknowledgeGrantPolicy(role, `cloudwatch:PutMetricData in the ${metricsNamespace} namespace`);
  acknowledgePolicyWildcards(
    role.node.findChild('DefaultPolicy'),
    `cloudwatch:PutMetricData has no resource-level permissions; ${role.node.path} is limited to the ${metricsNamespace} namespace by condition.`,
  );
  return role;
}
