import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type { CfnModel } from 'aws-cdk-lib/aws-sagemaker';
import type { Construct } from 'constructs';
import { allowSageMakerNetworkInterfaces } from '../../core/sagemaker-network';
import { chooseVpcSubnets } from '../../core/subnets';
import { allowHttpsToAwsEndpoints } from '../../network/s3-prefix-list';
import { wildcardResourceFinding } from './nag-ids';

/** The model's network interfaces in a VPC: its security groups, subnets and ENI permissions. */
export interface ModelNetwork {
  readonly securityGroups: ec2.ISecurityGroup[];
  readonly vpcConfig: CfnModel.VpcConfigProperty;
  /** Findings of the role's ENI permissions, acknowledged with the model's other wildcards. */
  readonly wildcards: string[];
}

/**
 * Places the model's network interfaces in the VPC: the given security groups or a new one
 * (`SecurityGroup`, in `scope`) with no ingress and HTTPS egress to AWS endpoints only, the chosen
 * subnets, and the role's permission to manage the interfaces.
 */
export function modelNetwork(
  scope: Construct,
  role: iam.Role,
  vpc: ec2.IVpc,
  props: { readonly vpcSubnets?: ec2.SubnetSelection; readonly securityGroups?: ec2.ISecurityGroup[] },
): ModelNetwork {
  const securityGroups = props.securityGroups ?? [
    (() => {
      const sg = new ec2.SecurityGroup(scope, 'SecurityGroup', {
        vpc,
        description: `SageMaker model ${scope.node.path}: no ingress, HTTPS egress to VPC endpoints`,
        allowAllOutbound: false,
      });
      // Interface endpoints (ECR, logs, KMS, SageMaker) have addresses in the VPC; artifact
      // downloads and data capture reach S3 through the gateway endpoint, whose destinations are
      // the Region's S3 prefix list ("Give SageMaker AI Hosted Endpoints Access to Resources in
      // Your Amazon VPC": model containers reach S3 only through a VPC endpoint).
      allowHttpsToAwsEndpoints(sg, vpc, {
        s3: true,
        endpointsDescription: 'HTTPS to the interface endpoints in the VPC',
      });
      return sg;
    })(),
  ];
  // Isolated by default; a VPC without isolated subnets falls back to private subnets with egress,
  // which are still private (no route in from outside the VPC).
  const subnets = chooseVpcSubnets(scope, vpc, {
    constructType: 'InferenceModel',
    selection: props.vpcSubnets,
    defaultType: ec2.SubnetType.PRIVATE_ISOLATED,
    fallbackType: ec2.SubnetType.PRIVATE_WITH_EGRESS,
  });
  const vpcConfig = {
    securityGroupIds: securityGroups.map((sg) => sg.securityGroupId),
    subnets: subnets.subnetIds,
  };
  const wildcards = allowSageMakerNetworkInterfaces(role).map((pattern) =>
    wildcardResourceFinding(scope, pattern),
  );
  return { securityGroups, vpcConfig, wildcards };
}
