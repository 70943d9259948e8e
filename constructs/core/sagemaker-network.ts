import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';

/** The EC2 resources `CreateNetworkInterface` touches. */
const INTERFACE_RESOURCES = ['network-interface', 'subnet', 'security-group'] as const;

/**
 * Lets SageMaker place a VPC workload's network interfaces with `role` (models, processing and
 * monitoring jobs: "Give SageMaker AI Access to Resources in your Amazon VPC"), in the role's account
 * and region only. No `ec2:Vpc`/`ec2:Subnet` condition: SageMaker documents no request context for the
 * calls it makes with the role, and a check of the role without that context (as Lambda's at
 * CreateFunction) would refuse the model or fail the job. The Describe calls and
 * `DeleteNetworkInterfacePermission` have no resource-level permissions.
 *
 * Returns the account-and-region ARN patterns, for the caller's IAM5 acknowledgement.
 */
export function allowSageMakerNetworkInterfaces(role: iam.IRole): string[] {
  const stack = Stack.of(role);
  const ec2Arn = (resource: string) =>
    `arn:${stack.partition}:ec2:${stack.region}:${stack.account}:${resource}/*`;
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['ec2:CreateNetworkInterface'],
      resources: INTERFACE_RESOURCES.map(ec2Arn),
    }),
  );
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['ec2:DeleteNetworkInterface', 'ec2:CreateNetworkInterfacePermission'],
      resources: [ec2Arn('network-interface')],
    }),
  );
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: [
        'ec2:DeleteNetworkInterfacePermission',
        'ec2:DescribeNetworkInterfaces',
        'ec2:DescribeVpcs',
        'ec2:DescribeDhcpOptions',
        'ec2:DescribeSubnets',
        'ec2:DescribeSecurityGroups',
      ],
      resources: ['*'],
    }),
  );
  return INTERFACE_RESOURCES.map(ec2Arn);
}
