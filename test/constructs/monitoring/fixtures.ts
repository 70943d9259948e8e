import { Duration, Resource, Stack, type App } from 'aws-cdk-lib';
import * as batch from 'aws-cdk-lib/aws-batch';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { type IInferenceEndpoint, InferenceEndpoint } from '../../../constructs/inference';
import { PlatformMonitoring } from '../../../constructs/monitoring/platform-monitoring';
import { applyCostAllocationTags } from '../../../constructs/monitoring/tagging';
import type { IGpuTrainingCluster } from '../../../constructs/training/gpu-training-cluster';

export const ENV = { account: '123456789012', region: 'us-east-1' };
const ARN = `arn:aws:batch:${ENV.region}:${ENV.account}:job-queue`;

/**
 * Another implementation of `IGpuTrainingCluster`, made of real (imported) CDK resources: two
 * queues, an on-demand fallback, a retry function and the CloudWatch agent's GPU metrics.
 */
export class FakeTrainingCluster extends Resource implements IGpuTrainingCluster {
  public readonly clusterName: string;
  public readonly spotQueue: batch.IJobQueue;
  public readonly onDemandQueue?: batch.IJobQueue;
  public readonly efaQueue?: batch.IJobQueue = undefined;
  public readonly jobQueues: batch.IJobQueue[];
  public readonly retryFunction?: lambda.IFunction;
  public readonly capacityTimeout = Duration.hours(1);
  public readonly connections = new ec2.Connections();

  constructor(scope: Construct, id: string, opts: { clusterName: string; onDemand?: boolean }) {
    super(scope, id);
    this.clusterName = opts.clusterName;
    this.spotQueue = batch.JobQueue.fromJobQueueArn(this, 'SpotQueue', `${ARN}/${opts.clusterName}-spot`);
    this.jobQueues = [this.spotQueue];
    if (opts.onDemand) {
      this.onDemandQueue = batch.JobQueue.fromJobQueueArn(
        this,
        'OnDemandQueue',
        `${ARN}/${opts.clusterName}-on-demand`,
      );
      this.jobQueues.push(this.onDemandQueue);
      this.retryFunction = lambda.Function.fromFunctionArn(
        this,
        'Retry',
        `arn:aws:lambda:${ENV.region}:${ENV.account}:function:${opts.clusterName}-spot-retry`,
      );
    }
  }

  grantSubmitJob(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['batch:SubmitJob'],
      resourceArns: this.jobQueues.map((q) => q.jobQueueArn),
    });
  }

  metricGpuUtilization(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.gpuMetric('nvidia_smi_utilization_gpu', props);
  }

  metricGpuMemoryUtilization(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.gpuMetric('nvidia_smi_utilization_memory', props);
  }

  private gpuMetric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'CDKMLPlatform/GPU',
      metricName,
      dimensionsMap: { ClusterName: this.clusterName },
      statistic: 'Average',
      period: Duration.minutes(5),
      ...props,
    });
  }
}

/** An endpoint created elsewhere, imported with its name, variants and mode: what monitoring reads. */
export function fakeEndpoint(
  scope: Construct,
  id: string,
  endpointName: string,
  variantNames: string[],
  mode: 'real-time' | 'async' | 'scale-to-zero',
): IInferenceEndpoint {
  return InferenceEndpoint.fromEndpointAttributes(scope, id, { endpointName, variantNames, mode });
}

/** An imported VPC: real subnets to place the function in, no resources of its own to check. */
export function importedVpc(scope: Construct): ec2.IVpc {
  return ec2.Vpc.fromVpcAttributes(scope, 'Vpc', {
    vpcId: 'vpc-0123456789abcdef0',
    availabilityZones: ['us-east-1a', 'us-east-1b'],
    privateSubnetIds: ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0aaaaaaaaaaaaaaa2'],
    privateSubnetRouteTableIds: ['rtb-0aaaaaaaaaaaaaaa1', 'rtb-0aaaaaaaaaaaaaaa2'],
  });
}

/**
 * The reference composition: a platform with a budget, one training cluster (spot + on-demand)
 * and two endpoints (real-time with two variants, async with one).
 */
export function buildMonitoredStack(app: App): { stack: Stack; monitoring: PlatformMonitoring } {
  const stack = new Stack(app, 'MlPlatformDev', { env: ENV });
  applyCostAllocationTags(stack, {
    platform: 'mlp',
    environment: 'dev',
    team: 'ml-research',
    costCenter: 'CC-1234',
  });
  const monitoring = new PlatformMonitoring(stack, 'Monitoring', {
    platformName: 'mlp',
    monthlyBudgetUsd: 3000,
    alarmEmails: ['ml-oncall@example.com'],
    vpc: importedVpc(stack),
    alarmNamePrefix: 'MlPlatformDev',
  });
  monitoring.monitorTrainingCluster(
    new FakeTrainingCluster(stack, 'LlmCluster', { clusterName: 'llm', onDemand: true }),
  );
  monitoring.monitorEndpoint(fakeEndpoint(stack, 'Chat', 'chat', ['blue', 'green'], 'real-time'));
  monitoring.monitorEndpoint(fakeEndpoint(stack, 'Batchy', 'embeddings-async', ['AllTraffic'], 'async'));
  return { stack, monitoring };
}
