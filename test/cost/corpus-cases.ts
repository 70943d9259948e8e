/**
 * Hand-worked monthly figures for the real-template corpus (test/cost/corpus/, MANIFEST.md).
 * Each figure is the arithmetic a FinOps engineer writes from the template and the list price
 * in the bundled catalog, with the catalog key, region and source of every rate
 * (`apw:*` = AWS pricing-page data via v0rts/aws-price-watcher; see docs/prices.md). A month is
 * 730 hours. Usage-based charges (GB processed, requests) are not in the fixed monthly figure.
 * When a catalog refresh changes a rate, rewrite the arithmetic here with the new rate.
 */
export interface CorpusCase {
  /** Path under test/cost/corpus/. */
  readonly file: string;
  readonly region: string;
  /** Stack parameters as the template's own deploy configuration gives them (cited per case). */
  readonly parameters?: Readonly<Record<string, string>>;
  readonly azCount?: number;
  /** What is priced, in words. */
  readonly work: string;
  /** Expected fixed monthly cost (USD). */
  readonly monthly: number;
  /** Exposure at configured maxima (USD), when it differs from `monthly`. */
  readonly max?: number;
  /** Resources after conditions. */
  readonly resources: number;
  /** Resources of known-free types. */
  readonly free: number;
  /** `logicalId: reason` of every unpriced resource. */
  readonly unpriced?: readonly string[];
}

const H = 730;
const IPV4 = 0.005; // AmazonVPC PublicIPv4:InUseAddress, every region (apw:vpc)
const noNat = (region: string, ...ids: string[]): string[] =>
  ids.map((id) => `${id}: no NatGateway-Hours price for ${region} in the catalog (captured 2026-11-27)`);

const CFT = 'aws-cloudformation-templates';
const ADT = 'awsome-distributed-training';
const SMM = 'amazon-sagemaker-secure-mlops';
const SCP = 'sagemaker-custom-project-templates';

// sagemaker-custom-project-templates and amazon-sagemaker-secure-mlops deploy their endpoint
// templates with the parameters of the configuration files next to them (prod-config.json,
// staging-config.json, prod-config-template.json at the same commit).
const SERVERLESS_STAGING = { StageName: 'staging', MemorySizeInMB: '2048', MaxConcurrency: '20' };
const ASYNC_PROD = {
  StageName: 'prod',
  EndpointInstanceCount: '1',
  EndpointInstanceType: 'ml.m5.large',
  S3OutputPath: '',
};
const PATTERNS_PROD = {
  StageName: 'prod',
  EndpointInstanceCount: '3',
  EndpointInstanceType: 'ml.m5.large',
  SamplingPercentage: '80',
  EnableDataCapture: 'true',
};
// prod-config.json has DeployShadow "false"; the shadow case turns it on, as the project's README asks.
const SHADOW_PROD = {
  StageName: 'prod',
  DeployShadow: 'true',
  EndpointInstanceCount: '1',
  EndpointInstanceType: 'ml.m5.large',
  SamplingPercentage: '100',
  EnableDataCapture: 'true',
};
const MME_PROD = { StageName: 'prod', EndpointInstanceCount: '1', EndpointInstanceType: 'ml.m5.large' };
const SECURE_PROD = { EnvType: 'prod', EndpointInstanceCount: '2', EndpointInstanceType: 'ml.t2.medium' };

export const CORPUS_CASES: readonly CorpusCase[] = [
  // ---- RDS (aws-cloudformation-templates) ----
  {
    file: 'RDS_PIOPS.yaml',
    region: 'us-east-1',
    work: 'MySQL db.t3.small, 100 GB io1, 1,000 IOPS, a secret',
    // 730 × 0.034 (rds mysql db.t3.small) + 100 × 0.125 (io1 GB-Mo) + 1,000 × 0.10 (IOPS-Mo) + 0.40 (secret), apw:rds-*, apw:secretsmanager
    monthly: H * 0.034 + 100 * 0.125 + 1000 * 0.1 + 0.4,
    resources: 2,
    free: 0,
  },
  {
    file: 'RDS_PIOPS.yaml',
    region: 'ap-northeast-1',
    work: 'MySQL db.t3.small, 100 GB io1, 1,000 IOPS, a secret',
    monthly: H * 0.052 + 100 * 0.15 + 1000 * 0.12 + 0.4,
    resources: 2,
    free: 0,
  },
  {
    file: 'RDS_PIOPS.yaml',
    region: 'eu-west-1',
    work: 'MySQL db.t3.small, 100 GB io1, 1,000 IOPS, a secret',
    monthly: H * 0.036 + 100 * 0.138 + 1000 * 0.11 + 0.4,
    resources: 2,
    free: 0,
  },
  {
    file: 'RDS_with_DBParameterGroup.yaml',
    region: 'us-east-1',
    work: 'MySQL db.t3.small, 5 GB gp2; the parameter group is free',
    // 730 × 0.034 (rds mysql db.t3.small) + 5 × 0.115 (gp2 GB-Mo), apw:rds-*
    monthly: H * 0.034 + 5 * 0.115,
    resources: 2,
    free: 1,
  },
  {
    file: 'RDS_with_DBParameterGroup.yaml',
    region: 'ap-northeast-1',
    work: 'MySQL db.t3.small, 5 GB gp2; the parameter group is free',
    monthly: H * 0.052 + 5 * 0.138,
    resources: 2,
    free: 1,
  },
  {
    file: 'RDS_with_DBParameterGroup.yaml',
    region: 'eu-west-1',
    work: 'MySQL db.t3.small, 5 GB gp2; the parameter group is free',
    monthly: H * 0.036 + 5 * 0.127,
    resources: 2,
    free: 1,
  },
  {
    file: `${CFT}/RDS/RDS_MySQL_With_Read_Replica.yaml`,
    region: 'us-east-1',
    work: 'MySQL db.t3.medium with a read replica (engine and 5 GB gp2 inherited), a secret',
    // 2 × (730 × 0.068 (rds mysql db.t3.medium) + 5 × 0.115 (gp2 GB-Mo)) + 0.40 (secret)
    monthly: 2 * (H * 0.068 + 5 * 0.115) + 0.4,
    resources: 3,
    free: 0,
  },
  {
    file: `${CFT}/RDS/RDS_MySQL_With_Read_Replica.yaml`,
    region: 'eu-central-1',
    work: 'MySQL db.t3.medium with a read replica; the region mapping adds a free security group',
    monthly: 2 * (H * 0.08 + 5 * 0.137) + 0.4,
    resources: 4,
    free: 1,
  },
  // ---- VPC / NAT ----
  {
    file: `${CFT}/VPC/VPC_With_Managed_NAT_And_Private_Subnet.yaml`,
    region: 'us-east-1',
    work: '2 NAT gateways and their 2 Elastic IPs',
    // 2 × 730 × 0.045 (NatGateway-Hours us-east-1, infracost) + 2 × 730 × 0.005 (public IPv4)
    monthly: 2 * H * 0.045 + 2 * H * IPV4,
    resources: 26,
    free: 22,
  },
  {
    file: `${CFT}/VPC/VPC_With_Managed_NAT_And_Private_Subnet.yaml`,
    region: 'eu-west-1',
    work: '2 NAT gateways and their 2 Elastic IPs at the eu-west-1 rates',
    // 2 × 730 × 0.048 (NatGateway-Hours eu-west-1, AWS EC2 offer file 2026-09-25) + 2 × 730 × 0.005
    monthly: 2 * H * 0.048 + 2 * H * IPV4,
    resources: 26,
    free: 22,
  },
  {
    file: `${ADT}/1.architectures/1.vpc_network/1.vpc-multi-az.yaml`,
    region: 'us-west-2',
    work: 'one NAT gateway and its Elastic IP; flow-log ingestion is usage-based',
    // 730 × 0.045 (NatGateway-Hours us-west-2, defang_docs) + 730 × 0.005
    monthly: H * 0.045 + H * IPV4,
    resources: 24,
    free: 21,
  },
  {
    file: `${ADT}/1.architectures/7.sagemaker-hyperpod-eks/cfn-templates/nested-stacks/vpc-stack.yaml`,
    region: 'us-east-1',
    work: 'HyperPod-EKS VPC: 2 NAT gateways, 2 Elastic IPs',
    monthly: 2 * H * 0.045 + 2 * H * IPV4,
    resources: 13,
    free: 9,
  },
  {
    file: `${ADT}/1.architectures/7.sagemaker-hyperpod-eks/cfn-templates/nested-stacks/vpc-stack.yaml`,
    region: 'ap-northeast-1',
    work: 'HyperPod-EKS VPC: the Elastic IPs; no NAT rate for ap-northeast-1',
    monthly: 2 * H * IPV4,
    resources: 13,
    free: 9,
    unpriced: noNat('ap-northeast-1', 'NatGateway1', 'NatGateway2'),
  },
  // ---- secure MLOps VPC and keys ----
  {
    file: `${SMM}/cfn_templates/env-vpc.yaml`,
    region: 'us-east-1',
    work: '2 NAT gateways + 2 EIPs + 15 interface endpoints in 2 subnets each',
    // 2 × 730 × 0.045 + 2 × 730 × 0.005 + 15 endpoints × 2 AZ × 730 × 0.01 (VpcEndpoint-Hours us-east-1, infracost)
    monthly: 2 * H * 0.045 + 2 * H * IPV4 + 15 * 2 * H * 0.01,
    resources: 55,
    free: 36,
  },
  {
    file: `${SMM}/cfn_templates/env-vpc.yaml`,
    region: 'eu-west-1',
    work: '2 NAT gateways + 2 EIPs + 15 interface endpoints × 2 AZ at the eu-west-1 rates',
    // 2 × 730 × 0.048 (NatGateway-Hours eu-west-1, AWS EC2 offer file 2026-09-25) + 2 × 730 × 0.005
    // + 15 × 2 × 730 × 0.011 (VpcEndpoint-Hours eu-west-1, apw_v0rts)
    monthly: 2 * H * 0.048 + 2 * H * IPV4 + 15 * 2 * H * 0.011,
    resources: 55,
    free: 36,
  },
  {
    file: `${SMM}/cfn_templates/env-vpc.yaml`,
    region: 'ap-southeast-2',
    work: '2 EIPs + 15 interface endpoints × 2 AZ at the Sydney rate; NAT has no ap-southeast-2 rate',
    // 2 × 730 × 0.005 + 15 × 2 × 730 × 0.013 (VpcEndpoint-Hours ap-southeast-2, apw:vpc)
    monthly: 2 * H * IPV4 + 15 * 2 * H * 0.013,
    resources: 55,
    free: 36,
    unpriced: noNat('ap-southeast-2', 'NATGateway1', 'NATGateway2'),
  },
  {
    file: `${SMM}/cfn_templates/env-kms.yaml`,
    region: 'us-east-1',
    work: '3 customer managed keys',
    monthly: 3 * 1, // KMS-Keys $1/key-month (infracost / apw:kms)
    resources: 9,
    free: 6,
  },
  {
    file: `${SMM}/cfn_templates/env-kms.yaml`,
    region: 'ap-southeast-2',
    work: '3 customer managed keys',
    monthly: 3 * 1,
    resources: 9,
    free: 6,
  },
  // ---- SageMaker hosting ----
  {
    file: `${SMM}/mlops-seed-code/model-deploy/cfn-sm-endpoint-template.yaml`,
    region: 'us-east-1',
    parameters: SECURE_PROD,
    work: 'real-time endpoint, prod config: 2 × ml.t2.medium',
    // 2 × 730 × 0.056 (AmazonSageMaker ml.t2.medium hosting us-east-1)
    monthly: 2 * H * 0.056,
    resources: 3,
    free: 2,
  },
  {
    file: `${SCP}/mlops-deployment-patterns/seedcode/deploy/endpoint-config-template.yml`,
    region: 'us-east-1',
    parameters: PATTERNS_PROD,
    work: 'real-time endpoint, prod config: 3 × ml.m5.large, one 5xx alarm',
    // 3 × 730 × 0.115 (ml.m5.large hosting us-east-1) + 0.10 (standard alarm)
    monthly: 3 * H * 0.115 + 0.1,
    resources: 4,
    free: 2,
  },
  {
    file: `${SCP}/mlops-deployment-patterns/seedcode/deploy/endpoint-config-template.yml`,
    region: 'eu-west-1',
    parameters: PATTERNS_PROD,
    work: 'the alarm; ml.m5.large hosting has no eu-west-1 rate in the catalog',
    monthly: 0.1,
    resources: 4,
    free: 2,
    unpriced: [
      'EndpointConfig: variant AllTraffic: ml.m5.large has no AmazonSageMaker hosting price in eu-west-1',
    ],
  },
  {
    file: `${SCP}/multi-model-endpoint/seedcode/endpoint-config-template.yml`,
    region: 'us-east-1',
    parameters: MME_PROD,
    work: 'multi-model endpoint: 1 × ml.m5.large',
    monthly: H * 0.115,
    resources: 3,
    free: 2,
  },
  {
    file: `${SCP}/mlops-shadow-deployment/seedcode/deploy/endpoint-config-template.yml`,
    region: 'us-east-1',
    parameters: SHADOW_PROD,
    work: 'production + shadow variant, 1 × ml.m5.large each',
    // (1 production + 1 shadow) × 730 × 0.115
    monthly: 2 * H * 0.115,
    resources: 4,
    free: 3,
  },
  {
    file: `${SCP}/asynchronous-inference-endpoint/seedcode/endpoint-config-template.yml`,
    region: 'us-east-1',
    parameters: ASYNC_PROD,
    work: 'async endpoint 1 × ml.m5.large at the hosting rate; SNS topics usage-based',
    monthly: H * 0.115,
    resources: 5,
    free: 2,
  },
  {
    file: `${SCP}/serverless-inf/seedcode/deploy/endpoint-config-template.yml`,
    region: 'us-east-1',
    parameters: SERVERLESS_STAGING,
    work: 'serverless 2 GB, MaxConcurrency 20: nothing fixed; max = 20 × 730 h × 3,600 s busy',
    monthly: 0,
    // 20 × 730 × 3,600 × 0.00004 (ServerlessInf:Mem-2GB $/s us-east-1, infracost_pr3567)
    max: 20 * H * 3600 * 0.00004,
    resources: 3,
    free: 2,
  },
  {
    file: `${SCP}/api-gateway-serverless/seedcode/deploy/endpoint-config-template.yml`,
    region: 'us-east-1',
    parameters: { StageName: 'prod' },
    work: 'serverless 1 GB, MaxConcurrency 1 behind API Gateway (API calls not priced yet)',
    monthly: 0,
    // 1 × 730 × 3,600 × 0.00002 (ServerlessInf:Mem-1GB)
    max: 1 * H * 3600 * 0.00002,
    resources: 8,
    // the method and deployment are free (API Gateway bills calls on the API); the RestApi has no price yet
    free: 6,
    unpriced: ['ApiGateway: no pricing module for AWS::ApiGateway::RestApi'],
  },
  // ---- Batch GPU ----
  {
    file: `${ADT}/1.architectures/3.aws-batch/0.aws-batch-distributed-training.yaml`,
    region: 'us-east-1',
    work: 'Batch p4d.24xlarge, MinvCpus 0, MaxvCpus 100,000: $0 idle, max ⌊100,000 / 96⌋ instances',
    monthly: 0,
    // ⌊100,000 / 96⌋ = 1,041 × 730 × 21.957642 (ec2 p4d.24xlarge us-east-1, after the June 2025 cut)
    max: 1041 * H * 21.957642,
    resources: 10,
    free: 8,
  },
  {
    file: `${ADT}/1.architectures/3.aws-batch/0.aws-batch-distributed-training.yaml`,
    region: 'eu-west-1',
    work: 'Batch p4d.24xlarge at the eu-west-1 rate',
    monthly: 0,
    max: 1041 * H * 23.71569,
    resources: 10,
    free: 8,
  },
  {
    file: `${ADT}/1.architectures/3.aws-batch/0.aws-batch-distributed-training-p5.yaml`,
    region: 'us-west-2',
    work: 'Batch p5.48xlarge: max ⌊100,000 / 192⌋ instances',
    monthly: 0,
    // 520 × 730 × 55.04 (ec2 p5.48xlarge us-west-2)
    max: 520 * H * 55.04,
    resources: 8,
    free: 6,
  },
  // ---- HyperPod VPC with FSx for Lustre ----
  {
    file: `${ADT}/1.architectures/5.sagemaker-hyperpod/2.SageMakerVPC.yaml`,
    region: 'us-east-1',
    work: 'NAT + EIP + FSx Lustre PERSISTENT_2 1,200 GB at 250 MB/s/TiB',
    // 730 × 0.045 + 730 × 0.005 + 1,200 × 0.21 (Lustre PERSISTENT_2 SSD 250 GB-Mo us-east-1, apw_v0rts)
    monthly: H * 0.045 + H * IPV4 + 1200 * 0.21,
    resources: 26,
    free: 21,
  },
  {
    file: `${ADT}/1.architectures/5.sagemaker-hyperpod/2.SageMakerVPC.yaml`,
    region: 'us-west-2',
    work: 'NAT + EIP + FSx Lustre PERSISTENT_2 1,200 GB at 250 MB/s/TiB at the us-west-2 rates',
    // 730 × 0.045 + 730 × 0.005 + 1,200 × 0.21 (Lustre PERSISTENT_2 SSD 250 GB-Mo us-west-2, apw:fsx)
    monthly: H * 0.045 + H * IPV4 + 1200 * 0.21,
    resources: 26,
    free: 21,
  },
  {
    file: `${ADT}/1.architectures/5.sagemaker-hyperpod/3.FSxLustre.yaml`,
    region: 'us-east-1',
    work: 'FSx Lustre PERSISTENT_2 1,200 GB at 250 MB/s/TiB',
    monthly: 1200 * 0.21,
    resources: 1,
    free: 0,
  },
  {
    file: `${ADT}/1.architectures/5.sagemaker-hyperpod/2.SageMakerVPC.yaml`,
    region: 'ap-northeast-1',
    work: 'EIP + FSx Lustre 1,200 GB at the Tokyo rate; NAT has no ap-northeast-1 rate',
    // 730 × 0.005 + 1,200 × 0.282 (Lustre PERSISTENT_2 SSD 250 GB-Mo ap-northeast-1, apw:fsx)
    monthly: H * IPV4 + 1200 * 0.282,
    resources: 26,
    free: 21,
    unpriced: noNat('ap-northeast-1', 'NATGateway'),
  },
  {
    file: `${ADT}/1.architectures/5.sagemaker-hyperpod/3.FSxLustre.yaml`,
    region: 'eu-west-1',
    work: 'FSx Lustre PERSISTENT_2 1,200 GB at 250 MB/s/TiB (Ireland)',
    // 1,200 × 0.231 (Lustre PERSISTENT_2 SSD 250 GB-Mo eu-west-1, apw:fsx)
    monthly: 1200 * 0.231,
    resources: 1,
    free: 0,
  },
  {
    file: `${ADT}/1.architectures/5.sagemaker-hyperpod/3.FSxLustre.yaml`,
    region: 'eu-central-1',
    work: 'FSx Lustre PERSISTENT_2 1,200 GB at 250 MB/s/TiB (Frankfurt)',
    monthly: 1200 * 0.269,
    resources: 1,
    free: 0,
  },
  // ---- EKS ----
  {
    file: `${CFT}/EKS/template.yaml`,
    region: 'us-east-1',
    azCount: 3,
    parameters: { NodeGroupInstanceTypes: 'g5.xlarge' },
    work: 'EKS control plane + GPU node group 2 × g5.xlarge with 80 GB gp3 each, 3 NAT, 3 EIPs',
    // 730 × 0.10 (EKS) + 2 × 730 × 1.006 (ec2 g5.xlarge) + 2 × 80 × 0.08 (gp3 GB-Mo) + 3 × 730 × 0.045 + 3 × 730 × 0.005
    monthly: H * 0.1 + 2 * H * 1.006 + 2 * 80 * 0.08 + 3 * H * 0.045 + 3 * H * IPV4,
    resources: 36,
    free: 28,
  },
  {
    file: `${CFT}/EKS/template.yaml`,
    region: 'ap-northeast-1',
    azCount: 3,
    parameters: { NodeGroupInstanceTypes: 'g5.xlarge' },
    work: 'EKS + 2 × g5.xlarge with 80 GB gp3 each at the Tokyo rates; NAT has no ap-northeast-1 rate',
    // 730 × 0.10 + 2 × 730 × 1.459 (ec2 g5.xlarge Tokyo) + 2 × 80 × 0.096 (gp3 GB-Mo Tokyo, AWS's EBS
    // pricing-page data) + 3 × 730 × 0.005
    monthly: H * 0.1 + 2 * H * 1.459 + 2 * 80 * 0.096 + 3 * H * IPV4,
    resources: 36,
    free: 28,
    unpriced: noNat('ap-northeast-1', 'NATGateway1', 'NATGateway2', 'NATGateway3'),
  },
  {
    file: `${CFT}/EKS/template.yaml`,
    region: 'eu-west-1',
    azCount: 3,
    parameters: { NodeGroupInstanceTypes: 'g5.xlarge' },
    work: 'EKS + 2 × g5.xlarge with 80 GB gp3 each + 3 NAT + 3 EIPs at the Ireland rates',
    // 730 × 0.10 + 2 × 730 × 1.123 (ec2 g5.xlarge eu-west-1) + 2 × 80 × 0.088 (gp3 GB-Mo eu-west-1, AWS's EBS
    // pricing-page data) + 3 × 730 × 0.048 (NatGateway-Hours eu-west-1) + 3 × 730 × 0.005
    monthly: H * 0.1 + 2 * H * 1.123 + 2 * 80 * 0.088 + 3 * H * 0.048 + 3 * H * IPV4,
    resources: 36,
    free: 28,
  },
  {
    file: `${ADT}/1.architectures/7.sagemaker-hyperpod-eks/cfn-templates/nested-stacks/eks-cluster-stack.yaml`,
    region: 'eu-central-1',
    work: 'EKS control plane (Kubernetes 1.32, standard support)',
    monthly: H * 0.1,
    resources: 8,
    free: 7,
  },
  // ---- common infrastructure ----
  {
    file: `${CFT}/ECS/FargateLaunchType/clusters/private-vpc.yaml`,
    region: 'us-east-1',
    work: '2 NAT gateways + 2 EIPs + public and private ALB',
    // 2 × 730 × 0.045 + 2 × 730 × 0.005 + 2 × 730 × 0.0225 (ALB:LoadBalancerUsage us-east-1, apw:elb)
    monthly: 2 * H * 0.045 + 2 * H * IPV4 + 2 * H * 0.0225,
    resources: 38,
    free: 32,
  },
  {
    file: `${CFT}/ECS/FargateLaunchType/clusters/private-vpc.yaml`,
    region: 'eu-central-1',
    work: '2 EIPs + 2 ALBs at the Frankfurt rate; NAT unpriced',
    monthly: 2 * H * IPV4 + 2 * H * 0.027,
    resources: 38,
    free: 32,
    unpriced: noNat('eu-central-1', 'NatGatewayOne', 'NatGatewayTwo'),
  },
  {
    file: `${CFT}/AutoScaling/AutoScalingMultiAZWithNotifications.yaml`,
    region: 'us-east-1',
    work: 'ASG t4g.micro 1..3 with 32 GB gp2 each, ALB, 2 alarms',
    // 730 × 0.0084 (t4g.micro) + 32 × 0.10 (gp2) + 730 × 0.0225 (ALB) + 2 × 0.10; max with 3 instances
    monthly: H * 0.0084 + 32 * 0.1 + H * 0.0225 + 2 * 0.1,
    max: 3 * (H * 0.0084 + 32 * 0.1) + H * 0.0225 + 2 * 0.1,
    resources: 12,
    free: 7,
  },
  {
    file: `${CFT}/AutoScaling/AutoScalingMultiAZWithNotifications.yaml`,
    region: 'eu-west-1',
    work: 'ASG t4g.micro 1..3 with 32 GB gp2, ALB, 2 alarms (Ireland)',
    monthly: H * 0.0092 + 32 * 0.11 + H * 0.0252 + 2 * 0.1,
    max: 3 * (H * 0.0092 + 32 * 0.11) + H * 0.0252 + 2 * 0.1,
    resources: 12,
    free: 7,
  },
  {
    file: `${CFT}/ElasticLoadBalancing/ELBWithLockedDownAutoScaledInstances.yaml`,
    region: 'ap-northeast-1',
    work: 'Classic LB + 2 × t2.small (fixed group)',
    // 730 × 0.027 (CLB:LoadBalancerUsage ap-northeast-1) + 2 × 730 × 0.0304 (t2.small)
    monthly: H * 0.027 + 2 * H * 0.0304,
    resources: 4,
    free: 2,
  },
  {
    file: `${CFT}/ElasticLoadBalancing/NetworkLoadBalancerWithEIPs.yaml`,
    region: 'eu-west-1',
    work: 'NLB + 4 Elastic IPs',
    // 730 × 0.0252 (NLB:LoadBalancerUsage eu-west-1) + 4 × 730 × 0.005
    monthly: H * 0.0252 + 4 * H * IPV4,
    resources: 7,
    free: 2,
  },
  {
    file: `${CFT}/EC2/EC2InstanceWithSecurityGroupSample.yaml`,
    region: 'ap-southeast-2',
    work: '1 × t3.small',
    monthly: H * 0.0264,
    resources: 2,
    free: 1,
  },
  {
    file: `${CFT}/EC2/EIP_With_Association.yaml`,
    region: 'eu-central-1',
    work: '1 × t3.small + its Elastic IP',
    monthly: H * 0.024 + H * IPV4,
    resources: 4,
    free: 2,
  },
  {
    file: `${CFT}/EFS/efs_with_automount_to_ec2.yaml`,
    region: 'us-west-2',
    work: 'ASG t2.micro 1..3, Classic LB, 2 alarms; EFS storage usage-based',
    monthly: H * 0.0116 + H * 0.025 + 2 * 0.1,
    max: 3 * H * 0.0116 + H * 0.025 + 2 * 0.1,
    resources: 17,
    free: 12,
  },
  {
    file: `${CFT}/DynamoDB/DynamoDB_Table.yaml`,
    region: 'eu-central-1',
    work: 'provisioned 5 RCU / 10 WCU',
    // 5 × 730 × 0.0001586 (ReadCapacityUnit-Hrs) + 10 × 730 × 0.000793 (WriteCapacityUnit-Hrs), apw:dynamodb
    monthly: 5 * H * 0.0001586 + 10 * H * 0.000793,
    resources: 1,
    free: 0,
  },
  {
    file: `${CFT}/DynamoDB/DynamoDB_Secondary_Indexes.yaml`,
    region: 'ap-southeast-2',
    work: 'provisioned 10 RCU / 20 WCU (the indexes share the table capacity in this template)',
    monthly: 10 * H * 0.000148 + 20 * H * 0.00074,
    resources: 1,
    free: 0,
  },
  {
    file: `${CFT}/Lambda/LambdaSample.yaml`,
    region: 'eu-west-1',
    work: 'a function: requests and GB-seconds are usage-based, nothing fixed',
    monthly: 0,
    resources: 2,
    free: 1,
  },
  {
    file: `${CFT}/SQS/SQSStandardQueue.yaml`,
    region: 'ap-northeast-1',
    work: 'a standard queue: requests usage-based',
    monthly: 0,
    resources: 1,
    free: 0,
  },
  {
    file: `${CFT}/SNS/SNSTopic.yaml`,
    region: 'us-west-2',
    work: 'a topic and subscription: publishes usage-based',
    monthly: 0,
    resources: 2,
    free: 1,
  },
  {
    file: `${CFT}/DataFirehose/DataFirehoseDeliveryStream.yaml`,
    region: 'eu-central-1',
    work: 'Firehose DirectPut stream and its log group: ingestion usage-based',
    monthly: 0,
    resources: 4,
    free: 2,
  },
];
