import { ArnFormat, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { CfnEndpoint } from 'aws-cdk-lib/aws-sagemaker';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { PropValidator } from '../core/errors';
import type { IInferenceEndpoint } from '../inference';
import type { IModelRegistry } from './model-registry';
import { CATCH_ALL, sdkTask, serviceTask, Workflow } from './private/workflow';
import type { StatesDefinition } from './states-definition';

export interface ModelRolloutProps {
  /** The model package group whose approved packages are rolled out. */
  readonly registry: IModelRegistry;
  /** The endpoint that serves the approved model. */
  readonly endpoint: IInferenceEndpoint;
  /**
   * The production variant that gets the new model; the others keep theirs.
   * @default - the endpoint's first variant
   */
  readonly variantName?: string;
  /** Failures, rollbacks, rejections and completed rollouts are published here. */
  readonly topic: sns.ITopic;
  /**
   * The role SageMaker passes to the new model. It must read the package's artifacts and pull its
   * image ("the IAM role ... must have permissions to access the model artifacts and the Docker
   * image", CreateModel `ExecutionRoleArn`), so give it read access to the bucket training writes to.
   * @default - the role of the variant's model when the endpoint is an `InferenceEndpoint` of this app
   */
  readonly modelRole?: iam.IRole;
  /**
   * The key of the endpoint's volumes and data capture, which the new endpoint configuration keeps.
   * @default - the endpoint's `encryptionKey` when it is an `InferenceEndpoint` of this app
   */
  readonly endpointKey?: kms.IKey;
  /**
   * Prefix of the models and endpoint configurations the rollout creates (`<prefix>-<version>-<id>`):
   * lower-case letters, digits and hyphens, at most 40 characters.
   * @default - the model package group's name, cut to 40 characters
   */
  readonly namePrefix?: string;
  /**
   * Key of the execution logs.
   * @default - the endpoint key
   */
  readonly logKey?: kms.IKey;
  /** @default logs.RetentionDays.ONE_YEAR */
  readonly logRetention?: logs.RetentionDays;
  /** @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Expected rollouts a month, for the cost estimate (state transitions).
   * @default 4
   */
  readonly expectedRolloutsPerMonth?: number;
  /**
   * How often the rollout checks the endpoint while it updates.
   * @default Duration.minutes(1)
   */
  readonly pollInterval?: Duration;
}

/**
 * Approval-driven rollout: when a model package of the group turns `Approved` (a human or CI
 * decision, `UpdateModelPackage`), an EventBridge rule starts a state machine that
 *
 * 1. re-reads the package and stops unless it is still approved,
 * 2. reads the endpoint, its current configuration and the variant's current model,
 * 3. creates a model from the package with the current model's role, VPC and network isolation,
 * 4. creates an endpoint configuration equal to the current one but for that variant's model,
 * 5. updates the endpoint with the endpoint's own blue/green policy and rollback alarms, keeping the
 *    variants' scaled instance counts (`RetainAllVariantProperties`),
 * 6. polls until the endpoint is `InService` again and reports success, or reports the rollback or
 *    failure to the topic and fails the execution (which raises `failedAlarm`).
 *
 * A rejected package is reported to the topic too. The created models and configurations stay (a
 * rollback needs the previous ones). After a rollout the endpoint serves a configuration that
 * CloudFormation did not create: a later template change to the endpoint's configuration rolls the
 * endpoint back to the template's model (see docs/mlops.md).
 */
export class ModelRollout extends Construct {
  public readonly stateMachine: sfn.StateMachine;
  /** The rule on `SageMaker Model Package State Change` events of the group with `ModelApprovalStatus` `Approved` or `Rejected`. */
  public readonly decisionRule: events.Rule;
  /** Failed rollouts (after their notice was published). */
  public readonly alarms: readonly cloudwatch.Alarm[];
  /** The execution role of the state machine. */
  public readonly role: iam.Role;
  /** The ASL document, as deployed (tokens unresolved). */
  public readonly definition: StatesDefinition;

  constructor(scope: Construct, id: string, props: ModelRolloutProps) {
    super(scope, id);
    const owned = ownedParts(props.endpoint);
    const variantName = props.variantName ?? props.endpoint.variantNames[0];
    const modelRole = props.modelRole ?? owned.models?.[variantName]?.role;
    const endpointKey = props.endpointKey ?? owned.encryptionKey;
    const prefix = props.namePrefix ?? defaultPrefix(props.registry.modelPackageGroupName);
    const pollSeconds = (props.pollInterval ?? Duration.minutes(1)).toSeconds();
    const rollouts = props.expectedRolloutsPerMonth ?? 4;

    const v = new PropValidator('ModelRollout', this);
    v.check(
      Token.isUnresolved(variantName) || props.endpoint.variantNames.includes(variantName),
      'variantName',
      variantName,
      `one of the endpoint's production variants (${props.endpoint.variantNames.join(', ')})`,
    );
    v.check(
      modelRole !== undefined,
      'modelRole',
      undefined,
      'the role the new model runs as (required when the endpoint is imported)',
    );
    v.check(
      Token.isUnresolved(prefix) || (PREFIX.test(prefix) && prefix.length <= 40),
      'namePrefix',
      prefix,
      '1-40 lower-case letters, digits and hyphens, starting and ending with a letter or digit',
    );
    v.range('pollInterval (seconds)', pollSeconds, 10, 3600);
    v.range('expectedRolloutsPerMonth', rollouts, 0, 10000, { integer: false });
    v.check(
      props.endpoint.mode !== 'serverless' && props.endpoint.mode !== 'scale-to-zero',
      'endpoint.mode',
      props.endpoint.mode,
      "'real-time' or 'async' (scale-to-zero endpoints serve through an inference component, serverless ones have no blue/green traffic shifting)",
    );
    v.throwIfAny();

    const stack = Stack.of(this);
    const sagemakerArn = (resource: string, name: string) =>
      stack.formatArn({
        service: 'sagemaker',
        resource,
        resourceName: name,
        arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
      });
    this.definition = rolloutDefinition(this, {
      endpointName: props.endpoint.endpointName,
      variantName,
      prefix,
      topicArn: props.topic.topicArn,
      deploymentConfig: deploymentConfigOf(owned.cfnEndpoint, props.endpoint.rollbackAlarms),
      pollSeconds,
    });
    const workflow = new Workflow(this, 'Workflow', {
      definition: this.definition,
      encryptionKey: props.logKey ?? endpointKey,
      logRetention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      topic: props.topic,
      purpose: 'model rollout',
      // 12 states once, then 2 per poll; a canary update takes about half an hour (provisioning,
      // bake, termination wait).
      expectedUsage: {
        source: 'ModelRollout.expectedRolloutsPerMonth',
        transitionsPerMonth: rollouts * (12 + 2 * Math.ceil(1800 / pollSeconds)),
        note: `${rollouts} rollouts a month × (12 + 2 per poll over about 30 minutes) state transitions`,
      },
    });
    this.stateMachine = workflow.stateMachine;
    this.role = workflow.role;
    this.alarms = [workflow.failedAlarm];

    workflow.allow(['sagemaker:DescribeModelPackage'], [props.registry.modelPackagesArn]);
    workflow.allow(['sagemaker:DescribeEndpoint', 'sagemaker:UpdateEndpoint'], [props.endpoint.endpointArn]);
    // The current configuration and model were named by CloudFormation or by an earlier rollout;
    // SageMaker matches ARNs on lower-cased names, which a template cannot compute, so reads are
    // account-wide. Everything the rollout creates is limited to its own prefix.
    workflow.allow(
      ['sagemaker:DescribeEndpointConfig', 'sagemaker:DescribeModel'],
      [sagemakerArn('endpoint-config', '*'), sagemakerArn('model', '*')],
    );
    workflow.allow(
      ['sagemaker:CreateEndpointConfig', 'sagemaker:UpdateEndpoint'],
      [sagemakerArn('endpoint-config', `${prefix}-*`)],
    );
    workflow.allow(['sagemaker:CreateModel'], [sagemakerArn('model', `${prefix}-*`)]);
    // "To pass a role (and its permissions) to an AWS service, a user must have permissions to pass
    // the role to the service" (IAM guide, iam:PassRole): CreateModel passes the model's role.
    modelRole!.grantPassRole(this.role);
    // "The KMS key policy must grant permission to the IAM role that you specify in your CreateEndpoint,
    // UpdateEndpoint requests" (CreateEndpointConfig, KmsKeyId): the caller's role creates grants.
    endpointKey?.grant(this.role, 'kms:CreateGrant', 'kms:DescribeKey');
    workflow.acknowledge(
      'The rollout reads the endpoint configuration and model that CloudFormation or an earlier rollout named, whose lower-cased ARNs a template cannot spell.',
    );

    // "SageMaker Model Package State Change" carries ModelPackageGroupName and ModelApprovalStatus
    // (EventBridge events reference, SageMaker AI events). Rejections go through the state machine
    // too, which reports them: the topic then needs no EventBridge publisher statement for this rule.
    this.decisionRule = new events.Rule(this, 'OnDecision', {
      description: `Rolls approved models of ${props.registry.modelPackageGroupName} out to ${props.endpoint.node.path}; reports rejections`,
      eventPattern: {
        source: ['aws.sagemaker'],
        detailType: ['SageMaker Model Package State Change'],
        detail: {
          ModelPackageGroupName: [props.registry.modelPackageGroupName],
          ModelApprovalStatus: ['Approved', 'Rejected'],
        },
      },
      targets: [workflow.ruleTarget()],
    });
    workflow.acknowledgeRuleRole();
  }
}

interface RolloutSpec {
  readonly endpointName: string;
  readonly variantName: string;
  readonly prefix: string;
  readonly topicArn: string;
  readonly deploymentConfig: Record<string, unknown>;
  readonly pollSeconds: number;
}

/** The rollout's states (JSONata). Exported for tests through `ModelRollout.definition`. */
function rolloutDefinition(scope: Construct, s: RolloutSpec): StatesDefinition {
  const notify = (message: string, next: Record<string, unknown>) =>
    serviceTask(scope, 'sns:publish', {
      Arguments: { TopicArn: s.topicArn, Subject: 'cdk-ml-platform model rollout', Message: message },
      ...next,
    });
  return {
    Comment: `Rolls approved model packages out to ${s.endpointName} (variant ${s.variantName})`,
    QueryLanguage: 'JSONata',
    StartAt: 'DescribeModelPackage',
    // Bounded: a blue/green update finishes or rolls back within its maximum execution timeout.
    TimeoutSeconds: 6 * 3600,
    States: {
      DescribeModelPackage: sdkTask(scope, 'sagemaker', 'describeModelPackage', {
        Arguments: { ModelPackageName: '{% $states.input.detail.ModelPackageArn %}' },
        Assign: {
          packageArn: '{% $states.result.ModelPackageArn %}',
          approval: '{% $states.result.ModelApprovalStatus %}',
          // What the event said: the decision this execution acts on.
          decision: '{% $states.input.detail.ModelApprovalStatus %}',
          // Model and endpoint configuration names: at most 63 characters ([a-zA-Z0-9](-*[a-zA-Z0-9])*).
          newName: `{% '${s.prefix}-' & $string($states.result.ModelPackageVersion) & '-' & $substring($uuid(), 0, 8) %}`,
        },
        Catch: CATCH_ALL('NotifyFailure'),
        Next: 'StillApproved',
      }),
      StillApproved: {
        Type: 'Choice',
        // The event may be old: CreateModel from a model package needs it approved now; a rejection
        // is reported.
        Choices: [
          { Condition: "{% $decision = 'Approved' and $approval = 'Approved' %}", Next: 'DescribeEndpoint' },
          { Condition: "{% $decision = 'Rejected' %}", Next: 'NotifyRejected' },
        ],
        Default: 'NotifySkipped',
      },
      NotifyRejected: notify(
        `{% 'Model package ' & $packageArn & ' was rejected: it will not be rolled out to ${s.endpointName}.' %}`,
        { End: true },
      ),
      NotifySkipped: notify(
        `{% 'Model package ' & $packageArn & ' is ' & $approval & ' now; nothing was rolled out to ${s.endpointName}.' %}`,
        { End: true },
      ),
      DescribeEndpoint: sdkTask(scope, 'sagemaker', 'describeEndpoint', {
        Arguments: { EndpointName: s.endpointName },
        Assign: { oldConfig: '{% $states.result.EndpointConfigName %}' },
        Catch: CATCH_ALL('NotifyFailure'),
        Next: 'DescribeEndpointConfig',
      }),
      DescribeEndpointConfig: sdkTask(scope, 'sagemaker', 'describeEndpointConfig', {
        Arguments: { EndpointConfigName: '{% $oldConfig %}' },
        Assign: { config: '{% $states.result %}' },
        Catch: CATCH_ALL('NotifyFailure'),
        Next: 'DescribeCurrentModel',
      }),
      DescribeCurrentModel: sdkTask(scope, 'sagemaker', 'describeModel', {
        Arguments: {
          ModelName: `{% $config.ProductionVariants[VariantName = '${s.variantName}'].ModelName %}`,
        },
        Assign: { current: '{% $states.result %}' },
        Catch: CATCH_ALL('NotifyFailure'),
        Next: 'CreateModel',
      }),
      // CreateModel with PrimaryContainer.ModelPackageName: "The model package must be approved"
      // is enforced by SageMaker; the role, VPC and isolation are the current model's.
      CreateModel: sdkTask(scope, 'sagemaker', 'createModel', {
        Arguments:
          "{% $merge([{'ModelName': $newName, 'ExecutionRoleArn': $current.ExecutionRoleArn, 'PrimaryContainer': {'ModelPackageName': $packageArn}}, $sift($current, function($v, $k) { $k in ['VpcConfig', 'EnableNetworkIsolation'] })]) %}",
        Catch: CATCH_ALL('NotifyFailure'),
        Next: 'CreateEndpointConfig',
      }),
      CreateEndpointConfig: sdkTask(scope, 'sagemaker', 'createEndpointConfig', {
        Arguments: `{% $merge([$sift($config, function($v, $k) { $k in ['DataCaptureConfig', 'KmsKeyId', 'AsyncInferenceConfig', 'ShadowProductionVariants'] }), {'EndpointConfigName': $newName, 'ProductionVariants': [$map($config.ProductionVariants, function($v) { $v.VariantName = '${s.variantName}' ? $merge([$v, {'ModelName': $newName}]) : $v })]}]) %}`,
        Catch: CATCH_ALL('NotifyFailure'),
        Next: 'UpdateEndpoint',
      }),
      UpdateEndpoint: sdkTask(scope, 'sagemaker', 'updateEndpoint', {
        Arguments: {
          EndpointName: s.endpointName,
          EndpointConfigName: '{% $newName %}',
          // Keep autoscaled instance counts and weights ("RetainAllVariantProperties ... set to true
          // to retain the variant properties", UpdateEndpoint).
          RetainAllVariantProperties: true,
          DeploymentConfig: s.deploymentConfig,
        },
        Catch: CATCH_ALL('NotifyFailure'),
        Next: 'WaitForUpdate',
      }),
      WaitForUpdate: { Type: 'Wait', Seconds: s.pollSeconds, Next: 'DescribeUpdate' },
      DescribeUpdate: sdkTask(scope, 'sagemaker', 'describeEndpoint', {
        Arguments: { EndpointName: s.endpointName },
        Assign: {
          status: '{% $states.result.EndpointStatus %}',
          servedConfig: '{% $states.result.EndpointConfigName %}',
          reason: "{% $exists($states.result.FailureReason) ? $states.result.FailureReason : '' %}",
        },
        Catch: CATCH_ALL('NotifyFailure'),
        Next: 'UpdateDone',
      }),
      UpdateDone: {
        Type: 'Choice',
        Choices: [
          { Condition: "{% $status in ['Updating', 'SystemUpdating', 'Creating'] %}", Next: 'WaitForUpdate' },
          // After a rollback the endpoint is InService again on the old configuration.
          { Condition: "{% $status = 'InService' and $servedConfig = $newName %}", Next: 'NotifySuccess' },
        ],
        Default: 'NotifyRollback',
      },
      NotifySuccess: notify(
        `{% 'Model package ' & $packageArn & ' now serves on ${s.endpointName} (variant ${s.variantName}, configuration ' & $newName & ').' %}`,
        { End: true },
      ),
      NotifyRollback: notify(
        `{% 'Rollout of model package ' & $packageArn & ' to ${s.endpointName} did not complete: the endpoint is ' & $status & ' on ' & $servedConfig & '. ' & $reason %}`,
        { Next: 'RolledBack' },
      ),
      RolledBack: {
        Type: 'Fail',
        Error: 'RolloutRolledBack',
        Cause: 'The endpoint did not take the new configuration',
      },
      NotifyFailure: notify(`{% 'Rollout to ${s.endpointName} failed: ' & $string($error) %}`, {
        Next: 'Failed',
      }),
      Failed: { Type: 'Fail', Error: 'RolloutFailed', Cause: 'A SageMaker call of the rollout failed' },
    },
  };
}

/** What an `InferenceEndpoint` of this app exposes beyond `IInferenceEndpoint`, when the endpoint is one. */
function ownedParts(endpoint: IInferenceEndpoint): {
  cfnEndpoint?: CfnEndpoint;
  encryptionKey?: kms.IKey;
  models?: Record<string, { role: iam.IRole }>;
} {
  const e = endpoint as unknown as {
    cfnEndpoint?: unknown;
    encryptionKey?: kms.IKey;
    models?: Record<string, { role: iam.IRole }>;
  };
  return {
    cfnEndpoint: e.cfnEndpoint instanceof CfnEndpoint ? e.cfnEndpoint : undefined,
    encryptionKey: e.encryptionKey,
    models: e.models,
  };
}

/**
 * The endpoint's own blue/green policy and rollback alarms, in the API's shape (the CloudFormation
 * property has the same members as UpdateEndpoint's DeploymentConfig). An imported endpoint gets an
 * all-at-once shift watched by its rollback alarms, if any.
 */
function deploymentConfigOf(
  cfnEndpoint: CfnEndpoint | undefined,
  rollbackAlarms: readonly cloudwatch.IAlarm[],
): Record<string, unknown> {
  const own = cfnEndpoint?.deploymentConfig;
  if (own && !Token.isUnresolved(own)) return pascalCase(own) as Record<string, unknown>;
  return {
    BlueGreenUpdatePolicy: {
      TrafficRoutingConfiguration: { Type: 'ALL_AT_ONCE', WaitIntervalInSeconds: 600 },
      TerminationWaitInSeconds: 300,
    },
    ...(rollbackAlarms.length > 0 && {
      AutoRollbackConfiguration: { Alarms: rollbackAlarms.map((a) => ({ AlarmName: a.alarmName })) },
    }),
  };
}

function pascalCase(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(pascalCase);
  if (value && typeof value === 'object' && !Token.isUnresolved(value)) {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k.charAt(0).toUpperCase() + k.slice(1), pascalCase(v)]),
    );
  }
  return value;
}

function defaultPrefix(groupName: string): string {
  if (Token.isUnresolved(groupName)) return 'model-rollout';
  return groupName.slice(0, 40).replace(/-+$/, '');
}

const PREFIX = /^[a-z0-9](-*[a-z0-9]){0,39}$/;
