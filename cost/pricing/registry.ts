/**
 * CloudFormation type → pricing module, plus the known-free list. A type in neither is
 * `unpriced` ("no pricing module"), never $0: a new type must be priced or listed here on purpose.
 */
import { priceBatchComputeEnvironment } from './batch';
import { priceAutoScalingGroup, priceEc2Instance } from './ec2';
import { priceSageMakerEndpointConfig, priceSageMakerInferenceComponent } from './sagemaker';
import { priceMonitoringSchedule } from './sagemaker-monitoring';
import type { PricingModule } from './types';
import { UNIT_PRICE_MODULES } from './unit-modules';

/** The instance-based modules of the engine. */
export const INSTANCE_MODULES: Readonly<Record<string, PricingModule>> = {
  'AWS::EC2::Instance': priceEc2Instance,
  'AWS::AutoScaling::AutoScalingGroup': priceAutoScalingGroup,
  'AWS::Batch::ComputeEnvironment': priceBatchComputeEnvironment,
  'AWS::SageMaker::EndpointConfig': priceSageMakerEndpointConfig,
  'AWS::SageMaker::InferenceComponent': priceSageMakerInferenceComponent,
  'AWS::SageMaker::MonitoringSchedule': priceMonitoringSchedule,
};

/** Every pricing module by CloudFormation type. */
export const PRICING_MODULES: Readonly<Record<string, PricingModule>> = {
  ...UNIT_PRICE_MODULES,
  ...INSTANCE_MODULES,
};

/**
 * Types that cost nothing by themselves. Each is free because AWS does not bill it, or because
 * what it configures is priced on another resource (noted per entry).
 */
export const KNOWN_FREE_TYPES: ReadonlySet<string> = new Set([
  // IAM
  'AWS::IAM::Role',
  'AWS::IAM::Policy',
  'AWS::IAM::ManagedPolicy',
  'AWS::IAM::InstanceProfile',
  'AWS::IAM::User',
  'AWS::IAM::Group',
  'AWS::IAM::UserToGroupAddition',
  'AWS::IAM::ServiceLinkedRole',
  'AWS::IAM::RolePolicy',
  // Batch: queues, job definitions and scheduling policies are free; compute environments price the EC2 underneath
  'AWS::Batch::JobQueue',
  'AWS::Batch::JobDefinition',
  'AWS::Batch::SchedulingPolicy',
  // Application Auto Scaling has no charge; the scaled capacity is priced on its resource
  'AWS::ApplicationAutoScaling::ScalableTarget',
  'AWS::ApplicationAutoScaling::ScalingPolicy',
  // EC2 Auto Scaling configuration: instances are priced on the group
  'AWS::AutoScaling::LaunchConfiguration',
  'AWS::AutoScaling::LifecycleHook',
  'AWS::AutoScaling::ScalingPolicy',
  'AWS::AutoScaling::ScheduledAction',
  'AWS::AutoScaling::WarmPool',
  // VPC plumbing
  'AWS::EC2::VPC',
  'AWS::EC2::Subnet',
  'AWS::EC2::RouteTable',
  'AWS::EC2::Route',
  'AWS::EC2::SubnetRouteTableAssociation',
  'AWS::EC2::SecurityGroup',
  'AWS::EC2::SecurityGroupIngress',
  'AWS::EC2::SecurityGroupEgress',
  'AWS::EC2::InternetGateway',
  'AWS::EC2::EgressOnlyInternetGateway',
  'AWS::EC2::VPCGatewayAttachment',
  'AWS::EC2::NetworkAcl',
  'AWS::EC2::NetworkAclEntry',
  'AWS::EC2::SubnetNetworkAclAssociation',
  'AWS::EC2::VPCCidrBlock',
  'AWS::EC2::DHCPOptions',
  'AWS::EC2::VPCDHCPOptionsAssociation',
  // flow logs are billed as the log group's ingestion and storage
  'AWS::EC2::FlowLog',
  // launch templates are priced through the group / compute environment that launches them
  'AWS::EC2::LaunchTemplate',
  'AWS::EC2::PlacementGroup',
  'AWS::EC2::KeyPair',
  // Lambda configuration; the function is priced
  'AWS::Lambda::Permission',
  'AWS::Lambda::EventSourceMapping',
  'AWS::Lambda::Version',
  'AWS::Lambda::Alias',
  'AWS::Lambda::LayerVersion',
  'AWS::Lambda::LayerVersionPermission',
  'AWS::Lambda::EventInvokeConfig',
  // resource policies and aliases
  'AWS::Logs::ResourcePolicy',
  'AWS::Logs::SubscriptionFilter',
  'AWS::Logs::MetricFilter',
  // a log stream's ingestion and storage are billed on its log group
  'AWS::Logs::LogStream',
  // MSK cluster policies are configuration; the cluster is priced
  'AWS::MSK::ClusterPolicy',
  'AWS::KMS::Alias',
  'AWS::S3::BucketPolicy',
  'AWS::SNS::TopicPolicy',
  'AWS::SQS::QueuePolicy',
  'AWS::ECR::RepositoryPolicy',
  'AWS::ECR::LifecyclePolicy',
  'AWS::SecretsManager::ResourcePolicy',
  'AWS::SecretsManager::SecretTargetAttachment',
  'AWS::SecretsManager::RotationSchedule',
  // FSx data repository associations: storage and throughput are billed on the file system
  'AWS::FSx::DataRepositoryAssociation',
  // SageMaker: models and endpoints are free; the endpoint config prices the instances
  'AWS::SageMaker::Model',
  'AWS::SageMaker::Endpoint',
  'AWS::SageMaker::ModelPackageGroup',
  'AWS::SageMaker::CodeRepository',
  // Model Monitor job definitions: their runs are priced on the MonitoringSchedule that starts them
  'AWS::SageMaker::DataQualityJobDefinition',
  'AWS::SageMaker::ModelQualityJobDefinition',
  'AWS::SageMaker::ModelBiasJobDefinition',
  'AWS::SageMaker::ModelExplainabilityJobDefinition',
  // CloudFormation orchestration
  'AWS::CloudFormation::WaitCondition',
  'AWS::CloudFormation::WaitConditionHandle',
  'AWS::CloudFormation::CustomResource',
  // SSM parameters (standard tier) are free
  'AWS::SSM::Parameter',
  // Systems Manager documents and State Manager associations carry no charge of their own
  // (Automation steps beyond the free tier are billed per run, a usage this estimate does not model)
  'AWS::SSM::Document',
  'AWS::SSM::Association',
  // Load balancer configuration: hours and LCUs are billed on the load balancer
  'AWS::ElasticLoadBalancingV2::Listener',
  'AWS::ElasticLoadBalancingV2::ListenerRule',
  'AWS::ElasticLoadBalancingV2::ListenerCertificate',
  'AWS::ElasticLoadBalancingV2::TargetGroup',
  // RDS configuration: instances and storage are billed on the DB instance
  'AWS::RDS::DBSubnetGroup',
  'AWS::RDS::DBParameterGroup',
  'AWS::RDS::DBClusterParameterGroup',
  'AWS::RDS::OptionGroup',
  // EKS configuration: the cluster-hour is billed on the cluster, nodes on their instances
  'AWS::EKS::Addon',
  'AWS::EKS::AccessEntry',
  'AWS::EKS::PodIdentityAssociation',
  'AWS::EKS::IdentityProviderConfig',
  // EFS mount targets and access points: storage and throughput are billed on the file system
  'AWS::EFS::MountTarget',
  'AWS::EFS::AccessPoint',
  // ECS clusters and task definitions: capacity is billed on the instances or Fargate tasks
  'AWS::ECS::Cluster',
  'AWS::ECS::TaskDefinition',
  'AWS::ECS::ClusterCapacityProviderAssociations',
  // ElastiCache and MSK configuration objects
  'AWS::ElastiCache::SubnetGroup',
  'AWS::ElastiCache::ParameterGroup',
  'AWS::MSK::Configuration',
  // SageMaker: Pipelines orchestration, model packages, lifecycle scripts and the Studio domain
  // and user profiles have no charge (the jobs, apps, instances and the domain's EFS home
  // directories they create are billed, by usage)
  'AWS::SageMaker::Pipeline',
  'AWS::SageMaker::ModelPackage',
  'AWS::SageMaker::NotebookInstanceLifecycleConfig',
  'AWS::SageMaker::StudioLifecycleConfig',
  'AWS::SageMaker::Domain',
  'AWS::SageMaker::UserProfile',
  // IAM odds and ends, Lambda URLs, log streams, DNS records (hosted zones are billed, records are not)
  'AWS::IAM::OIDCProvider',
  'AWS::IAM::AccessKey',
  'AWS::Lambda::Url',
  'AWS::Logs::LogStream',
  'AWS::Route53::RecordSet',
  'AWS::Route53::RecordSetGroup',
  // API Gateway: "you only pay when your APIs are in use" (API Gateway pricing): calls and data
  // are billed on the API, so its methods, resources, models, validators and deployments have no
  // charge of their own (the RestApi itself stays unpriced until a request price is sourced;
  // a Stage can enable a billed cache, so it is not on this list)
  'AWS::ApiGateway::Method',
  'AWS::ApiGateway::Resource',
  'AWS::ApiGateway::Model',
  'AWS::ApiGateway::RequestValidator',
  'AWS::ApiGateway::Deployment',
  'AWS::ApiGateway::GatewayResponse',
  // public certificates from ACM are free
  'AWS::CertificateManager::Certificate',
  // VPC endpoint policies and gateway route-table links are part of the endpoint
  'AWS::EC2::VPCEndpointConnectionNotification',
  'AWS::EC2::NetworkInterfaceAttachment',
  'AWS::EC2::EIPAssociation',
]);

/** What the registry says about one resource type. */
export type Registration =
  { readonly kind: 'module'; readonly module: PricingModule } | { readonly kind: 'free' } | undefined;

/**
 * The module for a type. `Custom::*` resources are free: the Lambda function that backs
 * them is priced. Unknown types return undefined (the estimate marks them unpriced).
 */
export function lookupType(
  type: string,
  modules: Readonly<Record<string, PricingModule>> = PRICING_MODULES,
): Registration {
  const module: PricingModule | undefined = Object.prototype.hasOwnProperty.call(modules, type)
    ? modules[type]
    : undefined;
  if (module) return { kind: 'module', module };
  if (KNOWN_FREE_TYPES.has(type) || type.startsWith('Custom::')) return { kind: 'free' };
  return undefined;
}
