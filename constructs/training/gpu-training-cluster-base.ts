/**
 * What a created `GpuTrainingCluster` and an imported one share: the GPU metrics its instances
 * publish, by `ClusterName`.
 */
import { Duration, Resource } from 'aws-cdk-lib';
import type * as batch from 'aws-cdk-lib/aws-batch';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { IGpuTrainingCluster } from './gpu-training-cluster';

/** What both the cluster and an imported one implement: GPU metrics. */
export abstract class GpuTrainingClusterBase extends Resource implements IGpuTrainingCluster {
  public abstract readonly clusterName: string;
  public abstract readonly spotQueue: batch.IJobQueue;
  public abstract readonly onDemandQueue?: batch.IJobQueue;
  public abstract readonly efaQueue?: batch.IJobQueue;
  public abstract readonly jobQueues: readonly batch.IJobQueue[];
  public abstract readonly retryFunction?: lambda.IFunction;
  public abstract readonly capacityTimeout: Duration;
  public abstract readonly connections: ec2.Connections;
  public abstract grantSubmitJob(grantee: iam.IGrantable): iam.Grant;

  public metricGpuUtilization(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.gpuMetric('nvidia_smi_utilization_gpu', props);
  }

  public metricGpuMemoryUtilization(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.gpuMetric('nvidia_smi_utilization_memory', props);
  }

  private gpuMetric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: GPU_METRICS_NAMESPACE,
      metricName,
      dimensionsMap: { ClusterName: this.clusterName },
      statistic: cloudwatch.Stats.AVERAGE,
      period: Duration.minutes(5),
      ...props,
    });
  }
}

/** CloudWatch namespace of the GPU metrics the instances publish (`GpuTrainingCluster.GPU_METRICS_NAMESPACE`). */
export const GPU_METRICS_NAMESPACE = 'CDKMLPlatform/GPU';
