import type { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel, NagPack, type NagPackProps, type NagRuleResult } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { BatchLaunchTemplateEncryptedVolumes } from './rules/batch/BatchLaunchTemplateEncryptedVolumes';
import { BatchLaunchTemplateImdsV2 } from './rules/batch/BatchLaunchTemplateImdsV2';
import { AlarmHasActions } from './rules/cloudwatch/AlarmHasActions';
import { EcrScanOnPushImmutable } from './rules/ecr/EcrScanOnPushImmutable';
import { FsxLustreCustomerManagedKey } from './rules/fsx/FsxLustreCustomerManagedKey';
import { SageMakerDataCaptureKms } from './rules/sagemaker/SageMakerDataCaptureKms';
import { SageMakerEndpointConfigKms } from './rules/sagemaker/SageMakerEndpointConfigKms';
import { SageMakerModelNetworkIsolation } from './rules/sagemaker/SageMakerModelNetworkIsolation';
import { SageMakerModelVpcConfig } from './rules/sagemaker/SageMakerModelVpcConfig';
import { IamRoleTrustSourceConditions } from './rules/iam/IamRoleTrustSourceConditions';
import { IamNetworkInterfaceScoped } from './rules/iam/IamNetworkInterfaceScoped';
import { SnsTopicPolicySourceConditions } from './rules/sns/SnsTopicPolicySourceConditions';
import { KmsKeyPolicyPrincipalsScoped } from './rules/kms/KmsKeyPolicyPrincipalsScoped';
import { VpcEndpointPolicy } from './rules/ec2/VpcEndpointPolicy';
import { SecurityGroupEgressScoped } from './rules/ec2/SecurityGroupEgressScoped';
import { LambdaPermissionSourceConditions } from './rules/lambda/LambdaPermissionSourceConditions';
import { ResourcePolicySourceConditions } from './rules/s3/ResourcePolicySourceConditions';

/** The name the pack reports under, and the prefix of its rule ids (`MlPlatform-<Rule>`). */
export const ML_PLATFORM_PACK_NAME = 'MlPlatform';

/** One rule of the pack, as `NagPack.applyRule` takes it. */
export interface MlPlatformRule {
  /** Rule name; the reported id is `MlPlatform-<name>`. */
  readonly name: string;
  /** Severity in the validation report. */
  readonly level: NagMessageLevel;
  /** Why the rule was triggered (one sentence, shown for every finding). */
  readonly info: string;
  /** Why the rule exists (shown with `verbose: true`). */
  readonly explanation: string;
  /** The check: NOT_APPLICABLE for other resource types. */
  readonly rule: (node: CfnResource) => NagRuleResult;
}

/**
 * The rules of the pack, grouped by service. Names are given as literals (not taken from the
 * function name) so the ids survive minification.
 */
export const ML_PLATFORM_RULES: readonly MlPlatformRule[] = [
  {
    name: 'SageMakerModelNetworkIsolation',
    level: NagMessageLevel.ERROR,
    info: 'The SageMaker model does not enable network isolation (EnableNetworkIsolation).',
    explanation:
      'With network isolation the model container has no network access: model code or a third-party artifact cannot call out to the internet or AWS APIs to exfiltrate inference payloads. SageMaker still mounts the model artifact and pulls the image for the container.',
    rule: SageMakerModelNetworkIsolation,
  },
  {
    name: 'SageMakerModelVpcConfig',
    level: NagMessageLevel.ERROR,
    info: 'The SageMaker model has no VpcConfig with at least one subnet and one security group.',
    explanation:
      'In a VPC, the hosting instances reach the artifact bucket and the image registry through VPC endpoints, under security groups, endpoint policies and flow logs, instead of through SageMaker-managed networking.',
    rule: SageMakerModelVpcConfig,
  },
  {
    name: 'SageMakerEndpointConfigKms',
    level: NagMessageLevel.ERROR,
    info: 'The SageMaker endpoint configuration has instance-backed variants but no KmsKeyId.',
    explanation:
      'KmsKeyId encrypts the storage volumes of the hosting instances with a customer managed key, so the key policy and CloudTrail govern access and the key can be revoked. Serverless variants cannot take a key, so serverless-only configurations are not applicable. CloudFormation replaces the endpoint configuration when KmsKeyId changes.',
    rule: SageMakerEndpointConfigKms,
  },
  {
    name: 'SageMakerDataCaptureKms',
    level: NagMessageLevel.ERROR,
    info: 'The SageMaker endpoint configuration captures data without a DataCaptureConfig KmsKeyId.',
    explanation:
      'Data capture writes request and response payloads, often personal or proprietary data, to S3. Without a KmsKeyId they are encrypted with the account default S3 key instead of a customer managed key whose policy limits who can read them.',
    rule: SageMakerDataCaptureKms,
  },
  {
    name: 'BatchLaunchTemplateImdsV2',
    level: NagMessageLevel.ERROR,
    info: 'The launch template used by a Batch compute environment does not require IMDSv2 (MetadataOptions.HttpTokens required).',
    explanation:
      'Training jobs run third-party code and data loaders. With IMDSv1 a server-side request forgery or a compromised dependency reads the instance role credentials with a plain GET; IMDSv2 session tokens block that. The AwsSolutions, NIST and HIPAA packs check instances and Auto Scaling groups, not launch templates used by Batch.',
    rule: BatchLaunchTemplateImdsV2,
  },
  {
    name: 'BatchLaunchTemplateEncryptedVolumes',
    level: NagMessageLevel.ERROR,
    info: 'The launch template used by a Batch compute environment has an EBS volume without Encrypted true and a KmsKeyId, or maps no EBS volume at all.',
    explanation:
      'Batch instances hold datasets, checkpoints and image layers on EBS. Every mapped EBS volume must be encrypted with a customer managed key; a template without EBS mappings leaves the root volume to the AMI snapshot settings. AwsSolutions-EC26 does not look at launch templates used by Batch.',
    rule: BatchLaunchTemplateEncryptedVolumes,
  },
  {
    name: 'FsxLustreCustomerManagedKey',
    level: NagMessageLevel.ERROR,
    info: 'The FSx for Lustre file system does not set KmsKeyId.',
    explanation:
      'Without KmsKeyId, training data on Lustre is encrypted with the AWS managed FSx key, whose policy the account cannot restrict. SCRATCH deployment types cannot take a customer managed key: use PERSISTENT_1 or PERSISTENT_2, or acknowledge the finding with the reason.',
    rule: FsxLustreCustomerManagedKey,
  },
  {
    name: 'EcrScanOnPushImmutable',
    level: NagMessageLevel.ERROR,
    info: 'The ECR repository does not scan images on push, or its tags are mutable (ImageTagMutability is not IMMUTABLE).',
    explanation:
      'Jobs and endpoints pull training and inference images by tag. With mutable tags a push silently replaces the image that was reviewed and a rollback restores the wrong one; scan on push reports known vulnerabilities before a job pulls the image. With registry-level enhanced scanning, acknowledge the finding with that reason.',
    rule: EcrScanOnPushImmutable,
  },
  {
    name: 'AlarmHasActions',
    level: NagMessageLevel.ERROR,
    info: 'The CloudWatch alarm or composite alarm has ActionsEnabled false or no AlarmActions.',
    explanation:
      'An alarm that notifies nobody leaves a stalled training queue or an endpoint error spike unseen. Unlike CloudWatchAlarmAction in the NIST and HIPAA packs, OK or INSUFFICIENT_DATA actions alone do not count, and composite alarms are checked too.',
    rule: AlarmHasActions,
  },
  {
    name: 'IamRoleTrustSourceConditions',
    level: NagMessageLevel.ERROR,
    info: 'The role trusts a service principal (VPC Flow Logs, SageMaker, ECS tasks, Step Functions, EventBridge, EventBridge Scheduler, EMR Serverless, Firehose) without aws:SourceAccount or aws:SourceArn (sts:ExternalId for Firehose).',
    explanation:
      "Each of these services documents source conditions in the trust policy of the roles it assumes (confused-deputy prevention): without them the service can be asked to assume the role on behalf of another account's flow log, model, task, job, state machine or rule. The documented patterns are in constructs/core/service-principals.ts; sourceScopedPrincipal() writes them.",
    rule: IamRoleTrustSourceConditions,
  },
  {
    name: 'SnsTopicPolicySourceConditions',
    level: NagMessageLevel.ERROR,
    info: 'The topic policy admits CloudWatch, EventBridge, AWS Budgets or Cost Anomaly Detection without aws:SourceAccount or aws:SourceArn.',
    explanation:
      "Without a source condition any alarm, rule or budget of any account can publish to the topic. aws-events-targets' SnsTopic writes such a statement; use topicRuleTarget() (one rule's ARN) or allowTopicPublisher().",
    rule: SnsTopicPolicySourceConditions,
  },
  {
    name: 'KmsKeyPolicyPrincipalsScoped',
    level: NagMessageLevel.ERROR,
    info: 'The key policy grants everyone without kms:ViaService and kms:CallerAccount (and kms:GrantIsForAWSResource for kms:CreateGrant), or grants an SNS-publishing service without kms:EncryptionContext:aws:sns:topicArn and (CloudWatch, Budgets, Cost Anomaly Detection) aws:SourceAccount or aws:SourceArn, or grants EventBridge with a source condition.',
    explanation:
      "A key that encrypts buckets, queues and logs must not let any principal that calls through EC2 create grants for itself, and the services that publish to encrypted topics may use the key for this account's SNS topics (and, where the SNS guide documents it, this account's alarms and budgets) only. EventBridge sends no aws:SourceAccount/aws:SourceArn to KMS for encrypted topics (SNS guide: not supported), so such a condition drops every event: give it a statement of its own, as allowTopicPublisher() does. Give EBS volumes launched by service-linked roles their own key.",
    rule: KmsKeyPolicyPrincipalsScoped,
  },
  {
    name: 'VpcEndpointPolicy',
    level: NagMessageLevel.ERROR,
    info: 'The VPC endpoint has no endpoint policy, or its policy allows everyone every action on every resource without a condition.',
    explanation:
      'The default endpoint policy allows full access to the service: from subnets without an internet route, data can still leave to any bucket or account through the endpoint. Scope it to the account (aws:PrincipalAccount, aws:ResourceAccount) or to named resources. ECS endpoints do not support endpoint policies and are not applicable.',
    rule: VpcEndpointPolicy,
  },
  {
    name: 'SecurityGroupEgressScoped',
    level: NagMessageLevel.ERROR,
    info: 'The security group allows egress to 0.0.0.0/0 or ::/0 although a SageMaker model or Model Monitor job uses it, or its description says its traffic goes to VPC endpoints.',
    explanation:
      'Workloads that reach AWS only through VPC endpoints need HTTPS to the VPC\'s CIDR (interface endpoints) and to the Region\'s S3 prefix list (gateway endpoint: "You can reference the ID of the prefix list for Amazon S3 in security group rules"); an open rule also lets a compromised container reach any address a NAT or peering route leads to. Groups of NAT-routed workloads (training nodes, Lambda functions calling public AWS APIs) are not judged. InferenceModel and ModelMonitoring write the narrow rules (constructs/core/s3-prefix-list.ts).',
    rule: SecurityGroupEgressScoped,
  },
  {
    name: 'IamNetworkInterfaceScoped',
    level: NagMessageLevel.ERROR,
    info: 'The policy allows ec2:CreateNetworkInterface or ec2:DeleteNetworkInterface on Resource * without a condition.',
    explanation:
      'A role that creates interfaces anywhere can place a workload in any VPC and subnet of the account, around the network isolation the platform builds. Scope the actions to EC2 ARNs of the account and region, or condition them on ec2:Vpc / ec2:Subnet.',
    rule: IamNetworkInterfaceScoped,
  },
  {
    name: 'LambdaPermissionSourceConditions',
    level: NagMessageLevel.ERROR,
    info: 'The Lambda permission lets an AWS service invoke the function without SourceArn or SourceAccount.',
    explanation:
      "aws:SourceArn is the condition Lambda documents for the function's resource policy: without SourceArn (or at least SourceAccount) any rule, bucket or topic of any account served by that service can invoke the function. CDK's event targets set it; a hand-written CfnPermission or addPermission often does not.",
    rule: LambdaPermissionSourceConditions,
  },
  {
    name: 'ResourcePolicySourceConditions',
    level: NagMessageLevel.ERROR,
    info: 'The S3 bucket policy or SQS queue policy admits a delivering service (S3 server access logging, CloudWatch Logs delivery, CloudTrail, Config, EventBridge, SNS, S3 notifications) without aws:SourceAccount or aws:SourceArn.',
    explanation:
      "Each of these services documents source conditions in the policy of the bucket or queue it delivers to: without them it writes into the bucket or queue for any account's bucket, trail, rule or topic (confused deputy). CDK's server access logging, event targets and subscriptions set them; a hand-written addToResourcePolicy often does not.",
    rule: ResourcePolicySourceConditions,
  },
];

/**
 * cdk-ml-platform's own cdk-nag v3 rule pack: the ML-specific checks the AwsSolutions, NIST 800-53 R5
 * and HIPAA Security packs miss (SageMaker models and data capture, Batch launch templates, FSx for
 * Lustre, ECR, alarm actions). Register it next to them:
 * `applyCompliancePacks(app, { extraPlugins: [new MlPlatformChecks(app)] })`, and acknowledge
 * findings with `acknowledgeFindings(resource, ['MlPlatform-<Rule>'], reason)`.
 */
export class MlPlatformChecks extends NagPack {
  public readonly name = ML_PLATFORM_PACK_NAME;
  public readonly ruleIds = ML_PLATFORM_RULES.map((r) => `${ML_PLATFORM_PACK_NAME}-${r.name}`);

  constructor(scope?: IConstruct, props?: NagPackProps) {
    super(scope, props);
    this.packName = ML_PLATFORM_PACK_NAME;
  }

  protected checkResource(node: CfnResource): void {
    for (const r of ML_PLATFORM_RULES) {
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
