import type { RemovalPolicy } from 'aws-cdk-lib';
import { Stack } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { CfnDataQualityJobDefinition } from 'aws-cdk-lib/aws-sagemaker';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { CATCH_ALL, serviceTask, Workflow } from './workflow';

export interface BaselineWorkflowProps {
  readonly endpointName: string;
  /** S3 URI of the CSV training dataset the baseline is computed from. */
  readonly baselineDataset: string;
  /** Where the job writes statistics.json and constraints.json. */
  readonly baselineUri: string;
  /** The analyzer image, run in its baseline mode. */
  readonly image: string;
  /** The monitoring role, which the baseline job runs as too. */
  readonly role: iam.Role;
  readonly instanceType: string;
  readonly encryptionKey: kms.IKey;
  /** The monitoring job's network config, which the baseline job shares. */
  readonly networkConfig: CfnDataQualityJobDefinition.NetworkConfigProperty;
  readonly topic: sns.ITopic;
  readonly logRetention: logs.RetentionDays;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * The baseline state machine (`Baseline`, in `scope`): one processing job of the built-in analyzer
 * over the dataset, a notification on failure, and the monitoring role's read of the dataset's bucket.
 */
export function baselineWorkflow(
  scope: Construct,
  props: BaselineWorkflowProps,
): { stateMachine: sfn.StateMachine; failedAlarm: cloudwatch.Alarm } {
  const stack = Stack.of(scope);
  const workflow = new Workflow(scope, 'Baseline', {
    purpose: 'monitoring baseline',
    expectedUsage: {
      source: 'ModelMonitoring.baselineDataset',
      transitionsPerMonth: 3,
      note: 'one baseline run a month × 3 state transitions',
    },
    encryptionKey: props.encryptionKey,
    logRetention: props.logRetention,
    removalPolicy: props.removalPolicy,
    topic: props.topic,
    definition: {
      Comment: `Computes the data-quality baseline of ${props.endpointName} from ${props.baselineDataset}`,
      QueryLanguage: 'JSONata',
      StartAt: 'SuggestBaseline',
      TimeoutSeconds: 4 * 3600,
      States: {
        // The optimised integration waits for the processing job (".sync", Step Functions and SageMaker AI).
        SuggestBaseline: serviceTask(scope, 'sagemaker:createProcessingJob.sync', {
          Arguments: {
            ProcessingJobName:
              "{% 'baseline-' & $substring($uuid(), 0, 8) & '-' & $string($toMillis($now())) %}",
            RoleArn: props.role.roleArn,
            AppSpecification: { ImageUri: props.image },
            // The built-in analyzer's baseline mode (what DefaultModelMonitor.suggest_baseline sends).
            Environment: {
              dataset_format: '{"csv": {"header": true, "output_columns_position": "START"}}',
              dataset_source: '/opt/ml/processing/input/baseline_dataset_input',
              output_path: '/opt/ml/processing/output',
              publish_cloudwatch_metrics: 'Disabled',
            },
            ProcessingInputs: [
              {
                InputName: 'baseline_dataset_input',
                S3Input: {
                  S3Uri: props.baselineDataset,
                  LocalPath: '/opt/ml/processing/input/baseline_dataset_input',
                  S3DataType: 'S3Prefix',
                  S3InputMode: 'File',
                  S3DataDistributionType: 'FullyReplicated',
                },
              },
            ],
            ProcessingOutputConfig: {
              KmsKeyId: props.encryptionKey.keyArn,
              Outputs: [
                {
                  OutputName: 'monitoring_output',
                  S3Output: {
                    S3Uri: props.baselineUri,
                    LocalPath: '/opt/ml/processing/output',
                    S3UploadMode: 'EndOfJob',
                  },
                },
              ],
            },
            ProcessingResources: {
              ClusterConfig: {
                InstanceCount: 1,
                InstanceType: props.instanceType,
                VolumeSizeInGB: 20,
                VolumeKmsKeyId: props.encryptionKey.keyArn,
              },
            },
            NetworkConfig: {
              EnableNetworkIsolation: true,
              EnableInterContainerTrafficEncryption: true,
              ...(props.networkConfig.vpcConfig && {
                VpcConfig: {
                  SecurityGroupIds: (props.networkConfig.vpcConfig as { securityGroupIds: string[] })
                    .securityGroupIds,
                  Subnets: (props.networkConfig.vpcConfig as { subnets: string[] }).subnets,
                },
              }),
            },
            StoppingCondition: { MaxRuntimeInSeconds: 3600 },
          },
          Catch: CATCH_ALL('NotifyFailure'),
          End: true,
        }),
        NotifyFailure: serviceTask(scope, 'sns:publish', {
          Arguments: {
            TopicArn: props.topic.topicArn,
            Subject: 'cdk-ml-platform monitoring baseline',
            Message: `{% 'The baseline job of ${props.endpointName} failed: ' & $string($error) %}`,
          },
          Next: 'Failed',
        }),
        Failed: { Type: 'Fail', Error: 'BaselineFailed', Cause: 'The baseline processing job failed' },
      },
    },
  });
  const processingJobs = stack.formatArn({
    service: 'sagemaker',
    resource: 'processing-job',
    resourceName: 'baseline-*',
  });
  workflow.allow(
    ['sagemaker:CreateProcessingJob', 'sagemaker:DescribeProcessingJob', 'sagemaker:StopProcessingJob'],
    [processingJobs],
  );
  // The .sync integration watches the job through a rule Step Functions manages (Step Functions
  // guide, IAM policies for SageMaker AI: "StepFunctionsGetEventsForSageMakerProcessingJobsRule").
  workflow.allow(
    ['events:PutTargets', 'events:PutRule', 'events:DescribeRule'],
    [
      stack.formatArn({
        service: 'events',
        resource: 'rule',
        resourceName: 'StepFunctionsGetEventsForSageMakerProcessingJobsRule',
      }),
    ],
  );
  props.role.grantPassRole(workflow.role);
  workflow.acknowledge('Baseline jobs are named at run time under the baseline- prefix.');
  const datasetBucket = /^s3:\/\/([^/]+)/.exec(props.baselineDataset)?.[1];
  if (datasetBucket) {
    props.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['s3:GetObject', 's3:ListBucket'],
        resources: [
          `arn:${stack.partition}:s3:::${datasetBucket}`,
          `arn:${stack.partition}:s3:::${datasetBucket}/*`,
        ],
      }),
    );
  }
  return { stateMachine: workflow.stateMachine, failedAlarm: workflow.failedAlarm };
}
