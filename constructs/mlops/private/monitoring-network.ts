import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type { CfnDataQualityJobDefinition } from 'aws-cdk-lib/aws-sagemaker';
import type { Construct } from 'constructs';
import { allowSageMakerNetworkInterfaces } from '../../core/sagemaker-network';
import { chooseVpcSubnets } from '../../core/subnets';
import { allowHttpsToAwsEndpoints } from '../../network/s3-prefix-list';

/** Where the data-quality and baseline jobs run: isolated, optionally in a VPC. */
export interface MonitoringNetworkProps {
  /** The path of the monitored endpoint, for the security group's description. */
  readonly endpointPath: string;
  /** The jobs' role, which may then manage their network interfaces. */
  readonly role: iam.Role;
  readonly vpc?: ec2.IVpc;
  readonly vpcSubnets?: ec2.SubnetSelection;
}

/**
 * The jobs' network config: network isolation and inter-container encryption always; with a VPC, a
 * security group (`SecurityGroup`, in `scope`) allowing HTTPS to AWS endpoints only, and the subnets.
 */
export function monitoringNetworkConfig(
  scope: Construct,
  props: MonitoringNetworkProps,
): CfnDataQualityJobDefinition.NetworkConfigProperty {
  let networkConfig: CfnDataQualityJobDefinition.NetworkConfigProperty = {
    enableInterContainerTrafficEncryption: true,
    enableNetworkIsolation: true,
  };
  if (props.vpc) {
    const sg = new ec2.SecurityGroup(scope, 'SecurityGroup', {
      vpc: props.vpc,
      description: `Data-quality jobs of ${props.endpointPath}: HTTPS to AWS endpoints only`,
      allowAllOutbound: false,
    });
    // HTTPS to the interface endpoints in the VPC (SageMaker, CloudWatch, logs, KMS, ECR) and to S3
    // (captured data in, reports out) through the gateway endpoint's prefix list.
    allowHttpsToAwsEndpoints(sg, props.vpc, {
      s3: true,
      endpointsDescription: 'HTTPS to the CloudWatch, SageMaker and other interface endpoints in the VPC',
    });
    // A VPC without the subnets is our validation error naming vpcSubnets, not CDK's.
    const subnets = chooseVpcSubnets(scope, props.vpc, {
      constructType: 'ModelMonitoring',
      selection: props.vpcSubnets,
      defaultType: ec2.SubnetType.PRIVATE_WITH_EGRESS,
    });
    networkConfig = {
      ...networkConfig,
      vpcConfig: { securityGroupIds: [sg.securityGroupId], subnets: subnets.subnetIds },
    };
    allowSageMakerNetworkInterfaces(props.role);
  }
  return networkConfig;
}
