import {
  Validations,
  type CfnResource,
  type IPolicyValidationContext,
  type PolicyValidationPluginReport,
} from 'aws-cdk-lib';
import { NagMessageLevel, NagPack, type NagPackProps, type NagRuleResult } from 'cdk-nag';
import type { Construct, IConstruct } from 'constructs';
import {
  forgetSynthesizedTemplates,
  resetStackIndexes,
  useSynthesizedTemplates,
} from './private/stack-index';
import { BatchEfaSecurityGroups } from './rules/batch/BatchEfaSecurityGroups';
import { BatchLaunchTemplateVersionPinned } from './rules/batch/BatchLaunchTemplateVersionPinned';
import { BatchMultiNodeOnSpot } from './rules/batch/BatchMultiNodeOnSpot';
import { BatchReservationTarget } from './rules/batch/BatchReservationTarget';
import { CostExplorerInUsEast1 } from './rules/ce/CostExplorerInUsEast1';
import { Ec2LaunchTemplateReservationTarget } from './rules/ec2/Ec2LaunchTemplateReservationTarget';
import { AlarmMetricPublishedByEndpoint } from './rules/cloudwatch/AlarmMetricPublishedByEndpoint';
import { LambdaReservedConcurrencyQuota } from './rules/lambda/LambdaReservedConcurrencyQuota';
import { SageMakerAutoscaledEndpointRetainsVariants } from './rules/sagemaker/SageMakerAutoscaledEndpointRetainsVariants';
import { SageMakerCanarySize } from './rules/sagemaker/SageMakerCanarySize';
import { SageMakerKmsOnLocalNvme } from './rules/sagemaker/SageMakerKmsOnLocalNvme';
import { SageMakerModelArtifactFromSameStack } from './rules/sagemaker/SageMakerModelArtifactFromSameStack';
import { SageMakerModelReachesS3 } from './rules/sagemaker/SageMakerModelReachesS3';
import { SageMakerRollbackAlarmsReadable } from './rules/sagemaker/SageMakerRollbackAlarmsReadable';
import { SageMakerServerlessUnsupportedFeatures } from './rules/sagemaker/SageMakerServerlessUnsupportedFeatures';
import { SnsTopicKeyAdmitsPublishers } from './rules/sns/SnsTopicKeyAdmitsPublishers';
import { SnsTopicPolicyAdmitsPublishers } from './rules/sns/SnsTopicPolicyAdmitsPublishers';

/** The name the pack reports under, and the prefix of its rule ids (`DeployPreflight-<Rule>`). */
export const DEPLOY_PREFLIGHT_PACK_NAME = 'DeployPreflight';

/**
 * The account "Concurrent executions" quota the Lambda rule assumes by default: a small new-account
 * quota. Lambda quotas: "New AWS accounts have reduced concurrency and memory quotas" (no figure is
 * published); any quota of 100 or less leaves nothing to reserve, so every such account is covered.
 */
export const DEFAULT_LAMBDA_CONCURRENCY_QUOTA = 10;

/** Options of the deploy-preflight pack. */
export interface DeployPreflightProps extends NagPackProps {
  /**
   * The Lambda "Concurrent executions" quota of the accounts you deploy to, per Region. Reserved
   * concurrency above this quota minus the 100 Lambda keeps unreserved fails at deploy.
   * @default DEFAULT_LAMBDA_CONCURRENCY_QUOTA (10, a new account's quota)
   */
  readonly lambdaConcurrencyQuota?: number;
}

/** One rule of the pack, as `NagPack.applyRule` takes it. */
export interface DeployPreflightRule {
  /** Rule name; the reported id is `DeployPreflight-<name>`, or `DeployPreflight-<name>[<detail>]`. */
  readonly name: string;
  /** Severity in the validation report: ERROR fails synth. */
  readonly level: NagMessageLevel;
  /** What fails at deploy and how to fix it (one or two sentences, shown for every finding). */
  readonly info: string;
  /** The AWS documentation the rule rests on (shown with `verbose: true`). */
  readonly explanation: string;
  /** The check: NOT_APPLICABLE for other resource types; a list of details for several findings. */
  readonly rule: (node: CfnResource) => NagRuleResult;
}

/**
 * The rules of the pack. Names are literals (not taken from function names) so the ids survive
 * minification; every `info` says what fails at deploy and the fix.
 */
export function deployPreflightRules(props: DeployPreflightProps = {}): DeployPreflightRule[] {
  const quota = props.lambdaConcurrencyQuota ?? DEFAULT_LAMBDA_CONCURRENCY_QUOTA;
  if (!Number.isInteger(quota) || quota < 0) {
    throw new Error(
      `DeployPreflightChecks: lambdaConcurrencyQuota must be a whole number of 0 or more, got ${quota}`,
    );
  }
  return [
    {
      name: 'SnsTopicPolicyAdmitsPublishers',
      level: NagMessageLevel.ERROR,
      info: 'The SNS topic policy does not admit a service that publishes to the topic (named in the finding), so its notifications are dropped. Fix: add an Allow statement for sns:Publish with that service principal (topic.addToResourcePolicy), with any aws:SourceArn condition naming that service.',
      explanation:
        'An AWS::SNS::TopicPolicy replaces the default policy that lets CloudWatch alarms of the owning account publish (AWS re:Post "Why didn\'t I receive an SNS notification for my CloudWatch alarm trigger?"). EventBridge: "Your Amazon SNS topic\'s resource-based policy must allow EventBridge to publish messages to your topic." AWS Budgets and Cost Anomaly Detection publish as budgets.amazonaws.com and costalerts.amazonaws.com and need the same.',
      rule: SnsTopicPolicyAdmitsPublishers,
    },
    {
      name: 'SnsTopicKeyAdmitsPublishers',
      level: NagMessageLevel.ERROR,
      info: 'The KMS key of the SNS topic does not let a publishing service (named in the finding) use it, so its notifications are dropped. Fix: encrypt the topic with a customer managed key whose policy allows that service principal kms:GenerateDataKey* and kms:Decrypt (for EventBridge, without aws:SourceAccount/aws:SourceArn conditions).',
      explanation:
        'Amazon SNS developer guide, "Enable compatibility between event sources from AWS services and encrypted topics": the topic must use a customer managed key whose key policy grants the publishing service principal kms:GenerateDataKey* and kms:Decrypt. The AWS managed key alias/aws/sns cannot be given to other services. Source conditions on the key are "not supported for EventBridge-to-encrypted topics" (same guide).',
      rule: SnsTopicKeyAdmitsPublishers,
    },
    {
      name: 'SageMakerModelArtifactFromSameStack',
      level: NagMessageLevel.ERROR,
      info: 'The SageMaker model takes its image or model data (named in the finding) from an ECR repository or S3 bucket this stack creates empty, so CreateModel fails and the stack rolls back. Fix: ship the artifact as a CDK asset, point at a repository or bucket deployed before this stack, or make the model depend on the custom resource that uploads it.',
      explanation:
        'CreateModel validates the container image and the model artifact when the model is created; a repository or bucket created in the same deployment has neither ("Requested image ... not found", "Could not find model data").',
      rule: SageMakerModelArtifactFromSameStack,
    },
    {
      name: 'SageMakerModelReachesS3',
      level: NagMessageLevel.ERROR,
      info: "The SageMaker model reads model data from S3 in a VPC, but none of its security groups (named in the finding) lets TCP 443 out, so the endpoint cannot download the artifact and fails to create. Fix: allow HTTPS to the Region's S3 prefix list (InferenceModel's own group does, through S3PrefixList) or to your S3 interface endpoint.",
      explanation:
        'SageMaker "Give SageMaker AI Hosted Endpoints Access to Resources in Your Amazon VPC": "If you configure your VPC so that model containers don\'t have access to the internet, they can\'t connect to the Amazon S3 buckets that contain your data unless you create a VPC endpoint that allows access." Amazon VPC "Gateway endpoints for Amazon S3": "The rules for the security groups for your instances that access Amazon S3 through a gateway endpoint must allow traffic to and from Amazon S3. You can reference the ID of the prefix list for Amazon S3 in security group rules."',
      rule: SageMakerModelReachesS3,
    },
    {
      name: 'SageMakerRollbackAlarmsReadable',
      level: NagMessageLevel.ERROR,
      info: 'The role of a model behind the endpoint cannot call cloudwatch:DescribeAlarms on an auto-rollback alarm (role and alarm named in the finding), so deployment guardrails cannot watch it. Fix: grant cloudwatch:DescribeAlarms on the alarm ARNs to the execution role.',
      explanation:
        'SageMaker "Auto-Rollback Configuration and Monitoring": "Ensure that your IAM execution role has permission to perform the cloudwatch:DescribeAlarms action on the auto-rollback alarms you specify."',
      rule: SageMakerRollbackAlarmsReadable,
    },
    {
      name: 'SageMakerCanarySize',
      level: NagMessageLevel.ERROR,
      info: "The endpoint's canary or linear step does not fit a variant's instance count (named in the finding), so the blue/green update is rejected. Fix: use ALL_AT_ONCE traffic shifting for variants with one instance, or size the step to at most half (linear: 10-50%) of the instances.",
      explanation:
        'SageMaker TrafficRoutingConfig: CanarySize "Value must be less than or equal to 50% of the variant\'s total instance count"; LinearStepSize "Value must be 10-50% of the variant\'s total instance count".',
      rule: SageMakerCanarySize,
    },
    {
      name: 'SageMakerAutoscaledEndpointRetainsVariants',
      level: NagMessageLevel.ERROR,
      info: 'The endpoint is scaled by Application Auto Scaling but does not set RetainAllVariantProperties, so every endpoint configuration update resets the scaled instance counts to InitialInstanceCount. Fix: set retainAllVariantProperties: true on the endpoint.',
      explanation:
        'SageMaker "Update endpoints that use auto scaling": "If you want to retain the variant properties, such as instance count or weight, set the value of the RetainAllVariantProperties parameter to True." The same page: an update that would change the instance type of a variant that is a target for auto scaling fails.',
      rule: SageMakerAutoscaledEndpointRetainsVariants,
    },
    {
      name: 'SageMakerKmsOnLocalNvme',
      level: NagMessageLevel.ERROR,
      info: 'The endpoint configuration sets KmsKeyId while a variant runs on an instance type with local NVMe storage (named in the finding), so CreateEndpointConfig fails. Fix: drop KmsKeyId for such configurations (the local volumes are hardware-encrypted) or choose an EBS-backed instance type.',
      explanation:
        'CreateEndpointConfig, KmsKeyId: "You can\'t request a KmsKeyId when using an instance type with local storage. [...] If you specify a value for KmsKeyId when using any nitro-based instances with local storage, the call to CreateEndpointConfig fails."',
      rule: SageMakerKmsOnLocalNvme,
    },
    {
      name: 'SageMakerServerlessUnsupportedFeatures',
      level: NagMessageLevel.ERROR,
      info: 'A serverless variant uses a feature Serverless Inference does not support (named in the finding: VPC configuration, network isolation or data capture on its model or configuration), so the endpoint fails to create. Fix: remove the feature from the serverless model and configuration, or serve from instances.',
      explanation:
        'SageMaker "Serverless Inference", feature exclusions: GPUs, AWS Marketplace model packages, private Docker registries, multi-model endpoints, VPC configuration, network isolation, data capture, multiple production variants, Model Monitor and inference pipelines are not supported for serverless inference.',
      rule: SageMakerServerlessUnsupportedFeatures,
    },
    {
      name: 'AlarmMetricPublishedByEndpoint',
      level: NagMessageLevel.ERROR,
      info: 'The alarm watches a SageMaker metric the endpoint never publishes in its mode (metric and endpoint named in the finding), so it never fires. Fix: for asynchronous endpoints alarm on InvocationsProcessed, InvocationFailures, ApproximateBacklogSize or HasBacklogWithoutCapacity instead of Invocations.',
      explanation:
        'SageMaker "Alarms and logs for tracking metrics from asynchronous endpoints": "Any metric not listed below is not published if the endpoint is enabled for asynchronous inference. Such metrics include (but are not limited to): OverheadLatency, Invocations, InvocationsPerInstance".',
      rule: AlarmMetricPublishedByEndpoint,
    },
    {
      name: 'CostExplorerInUsEast1',
      level: NagMessageLevel.ERROR,
      info: 'The Cost Explorer resource (AWS::CE::*) is in a stack outside us-east-1 (Region named in the finding), where it cannot be created. Fix: put anomaly monitors, subscriptions and cost categories in a stack with env.region us-east-1.',
      explanation:
        'Cost Explorer API reference: "The Cost Explorer API provides the following endpoint: https://ce.us-east-1.amazonaws.com". Budgets are global and may stay in any Region.',
      rule: CostExplorerInUsEast1,
    },
    {
      name: 'BatchMultiNodeOnSpot',
      level: NagMessageLevel.ERROR,
      info: 'A multi-node parallel job definition is submitted to a job queue with Spot compute (queue named in the finding), where its jobs cannot run. Fix: submit multi-node jobs to a queue whose compute environments are all On-Demand.',
      explanation:
        'AWS Batch "Compute environment considerations for multi-node parallel jobs": "Multi-node parallel jobs aren\'t supported on compute environments that use Spot Instances."',
      rule: BatchMultiNodeOnSpot,
    },
    {
      name: 'BatchEfaSecurityGroups',
      level: NagMessageLevel.ERROR,
      info: 'The Batch compute environment launches EFA instances but sets no SecurityGroupIds, so the task network interfaces of multi-node jobs lack the self-referencing group and the nodes cannot rendezvous. Fix: set the EFA security group on the compute environment (securityGroups).',
      explanation:
        'AWS Batch "Compute environment considerations for multi-node parallel jobs": "The elastic network interfaces that are created and attached to an MNP task will use the security groups specified in your compute environment".',
      rule: BatchEfaSecurityGroups,
    },
    {
      name: 'BatchLaunchTemplateVersionPinned',
      level: NagMessageLevel.ERROR,
      info: "The Batch compute environment launches from launch template version $Latest or $Default (named in the finding), so later template changes never reach new instances. Fix: pin the version to the template's latest version number (CDK: launchTemplate.latestVersionNumber), which changes with every template change.",
      explanation:
        'AWS Batch LaunchTemplateSpecification: "When updating a compute environment, changing the launch template requires an infrastructure update of the compute environment." With $Latest the compute environment\'s properties do not change when the template does, so CloudFormation starts no update.',
      rule: BatchLaunchTemplateVersionPinned,
    },
    {
      name: 'Ec2LaunchTemplateReservationTarget',
      level: NagMessageLevel.ERROR,
      info: "The launch template targets reserved capacity in a way EC2 rejects (named in the finding): a Capacity Reservation preference together with a target, or market type capacity-block without the block's reservation. Fix: set only CapacityReservationTarget.CapacityReservationId (GpuTrainingCluster reservedCapacity does), and with capacity-block always the block's reservation id.",
      explanation:
        'CloudFormation AWS::EC2::LaunchTemplate CapacityReservationSpecification: "Specifies an instance\'s Capacity Reservation targeting option. You can specify only one option at a time." EC2 user guide, Launch instances using Capacity Blocks: "To use your Capacity Block, you must specify the Capacity Block reservation ID when launching instances."',
      rule: Ec2LaunchTemplateReservationTarget,
    },
    {
      name: 'BatchReservationTarget',
      level: NagMessageLevel.ERROR,
      info: "The Batch compute environment launches into a capacity reservation or Capacity Block it cannot use (named in the finding: several instance types, subnets in several zones, Spot compute, or a type not sold as Capacity Blocks), so its instances fail to launch and jobs stay RUNNABLE. Fix: one compute environment per reservation, On-Demand, with the reservation's instance type and subnets of its zone only.",
      explanation:
        'EC2 user guide, Launch instances into an existing Capacity Reservation: "You can only launch an instance into a Capacity Reservation that: Has matching attributes (instance type, platform, Availability Zone, and tenancy)". Launch instances using Capacity Blocks: "Your instance can\'t launch in a subnet in a different Availability Zone from the Availability Zone where your Capacity Block is located." Capacity Blocks for ML: "Capacity Blocks are currently available for p5.48xlarge, p5e.48xlarge, p5en.48xlarge, p4d.24xlarge, trn1.32xlarge, and trn2.48xlarge instances".',
      rule: BatchReservationTarget,
    },
    {
      name: 'LambdaReservedConcurrencyQuota',
      level: NagMessageLevel.ERROR,
      info: `The reserved concurrency of the stack's Lambda functions exceeds what the account can reserve (total and limit named in the finding), so creating the function fails. Fix: remove ReservedConcurrentExecutions, or raise the account's Lambda concurrency quota and set lambdaConcurrencyQuota (now ${quota}) to it.`,
      explanation:
        'Lambda "Configuring reserved concurrency": "You can reserve up to the Unreserved account concurrency value that is shown, minus 100 for functions that don\'t have reserved concurrency." Lambda quotas: "New AWS accounts have reduced concurrency and memory quotas."',
      rule: LambdaReservedConcurrencyQuota(quota),
    },
  ];
}

/**
 * Deploy-preflight checks as a cdk-nag v3 rule pack: service-level contracts that CloudFormation
 * accepts at synth but that fail (or deploy broken) at deploy time, for any CDK app. Register it like
 * the compliance packs (`Validations.of(app).addPlugins(new DeployPreflightChecks(app))`, or
 * `applyDeployPreflight(app)`); findings fail synth, each naming the construct, the AWS rule and the
 * fix. Acknowledge a false positive on the resource with `Validations.of(resource).acknowledge(...)`,
 * using the id as reported (`DeployPreflight-<Rule>[<detail>]`).
 */
export class DeployPreflightChecks extends NagPack {
  public readonly name = DEPLOY_PREFLIGHT_PACK_NAME;
  public readonly ruleIds: string[];
  private readonly rules: readonly DeployPreflightRule[];

  constructor(scope?: IConstruct, props: DeployPreflightProps = {}) {
    super(scope, props);
    this.packName = DEPLOY_PREFLIGHT_PACK_NAME;
    this.rules = deployPreflightRules(props);
    this.ruleIds = this.rules.map((r) => `${DEPLOY_PREFLIGHT_PACK_NAME}-${r.name}`);
  }

  private synthesizing = false;

  /**
   * Called by CDK after synthesis: rules read the synthesized templates, so property overrides and
   * escape hatches are judged as CloudFormation will receive them.
   */
  public override validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    useSynthesizedTemplates(context.templatePaths);
    this.synthesizing = true;
    try {
      return super.validate(context);
    } finally {
      this.synthesizing = false;
    }
  }

  /** Judges a construct tree; without synthesis, rules read the L1 properties (no overrides). */
  public override validateScope(scope: IConstruct): PolicyValidationPluginReport {
    resetStackIndexes();
    if (!this.synthesizing) forgetSynthesizedTemplates();
    return super.validateScope(scope);
  }

  protected checkResource(node: CfnResource): void {
    for (const r of this.rules) {
      this.applyRule({
        ruleSuffixOverride: r.name,
        info: r.info,
        explanation: r.explanation,
        level: r.level,
        rule: r.rule,
        node,
      });
    }
  }
}

/** Registers the deploy-preflight pack on an app (or any scope whose synthesis validates plugins). */
export function applyDeployPreflight(
  app: Construct,
  props: DeployPreflightProps = {},
): DeployPreflightChecks {
  const pack = new DeployPreflightChecks(app, props);
  Validations.of(app).addPlugins(pack);
  return pack;
}
