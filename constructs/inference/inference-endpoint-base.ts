/**
 * What created and imported `InferenceEndpoint`s share: `grantInvoke` for the endpoint's mode and
 * its metrics in `AWS/SageMaker` and the instance namespace, by `EndpointName` and `VariantName`.
 */
import { Resource } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { IInferenceEndpoint } from './inference-endpoint';
import type { InferenceMetricOptions, InferenceMode } from './inference-endpoint-props';

/** Metrics and grants shared by created and imported endpoints. */
export abstract class InferenceEndpointBase extends Resource implements IInferenceEndpoint {
  public abstract readonly endpointName: string;
  public abstract readonly endpointArn: string;
  public abstract readonly variantNames: readonly string[];
  public abstract readonly mode: InferenceMode;
  public abstract readonly connections: ec2.Connections;
  public abstract readonly rollbackAlarms: readonly cloudwatch.IAlarm[];

  /** Sends the rollback alarms' ALARM and OK transitions to a topic too (none for imported endpoints). */
  public abstract notifyRollbackAlarms(topic: sns.ITopic): void;
  /** Extra resources invocation may name (the inference component of scale-to-zero endpoints). */
  protected readonly invokeResources: string[] = [];

  /**
   * Invoke calls for the mode: `InvokeEndpointAsync` for async endpoints, `InvokeEndpoint` and
   * `InvokeEndpointWithResponseStream` otherwise. Async callers also need write access to the input prefix.
   */
  public grantInvoke(grantee: iam.IGrantable): iam.Grant {
    const actions =
      this.mode === 'async'
        ? ['sagemaker:InvokeEndpointAsync']
        : ['sagemaker:InvokeEndpoint', 'sagemaker:InvokeEndpointWithResponseStream'];
    return iam.Grant.addToPrincipal({
      grantee,
      actions,
      resourceArns: [this.endpointArn, ...this.invokeResources],
    });
  }

  public metric(metricName: string, props: InferenceMetricOptions = {}): cloudwatch.Metric {
    return this.variantMetric('AWS/SageMaker', metricName, 'Sum', props);
  }

  /** Requests sent to the variant. @default statistic Sum over 5 minutes */
  public metricInvocations(props?: InferenceMetricOptions): cloudwatch.Metric {
    return this.variantMetric('AWS/SageMaker', 'Invocations', 'Sum', props);
  }

  /** Time the model took to answer, in microseconds. @default statistic p99 over 5 minutes */
  public metricModelLatency(props?: InferenceMetricOptions): cloudwatch.Metric {
    return this.variantMetric('AWS/SageMaker', 'ModelLatency', 'p99', props);
  }

  /** Requests answered 5xx. @default statistic Sum over 5 minutes (Average gives the rate) */
  public metricInvocation5XXErrors(props?: InferenceMetricOptions): cloudwatch.Metric {
    return this.variantMetric('AWS/SageMaker', 'Invocation5XXErrors', 'Sum', props);
  }

  /** Requests answered 4xx. @default statistic Sum over 5 minutes (Average gives the rate) */
  public metricInvocation4XXErrors(props?: InferenceMetricOptions): cloudwatch.Metric {
    return this.variantMetric('AWS/SageMaker', 'Invocation4XXErrors', 'Sum', props);
  }

  /** Requests per instance (the default scaling metric). @default statistic Sum over 5 minutes */
  public metricInvocationsPerInstance(props?: InferenceMetricOptions): cloudwatch.Metric {
    return this.variantMetric('AWS/SageMaker', 'InvocationsPerInstance', 'Sum', props);
  }

  /** CPU use in percent, summed over cores (400 on 4 vCPUs). @default statistic Average over 5 minutes */
  public metricCpuUtilization(props?: InferenceMetricOptions): cloudwatch.Metric {
    return this.variantMetric(INSTANCE_NAMESPACE, 'CPUUtilization', 'Average', props);
  }

  /** GPU use in percent, summed over GPUs. @default statistic Average over 5 minutes */
  public metricGpuUtilization(props?: InferenceMetricOptions): cloudwatch.Metric {
    return this.variantMetric(INSTANCE_NAMESPACE, 'GPUUtilization', 'Average', props);
  }

  /** GPU memory use in percent, summed over GPUs. @default statistic Average over 5 minutes */
  public metricGpuMemoryUtilization(props?: InferenceMetricOptions): cloudwatch.Metric {
    return this.variantMetric(INSTANCE_NAMESPACE, 'GPUMemoryUtilization', 'Average', props);
  }

  /** Memory use in percent. @default statistic Average over 5 minutes */
  public metricMemoryUtilization(props?: InferenceMetricOptions): cloudwatch.Metric {
    return this.variantMetric(INSTANCE_NAMESPACE, 'MemoryUtilization', 'Average', props);
  }

  /** Queued async requests of the endpoint (`EndpointName` only; `variantName` is ignored). @default statistic Average over 5 minutes */
  public metricApproximateBacklogSize(props: InferenceMetricOptions = {}): cloudwatch.Metric {
    // eslint-disable-next-line @typescript-eslint/no-unused-vars
    const { variantName: _ignored, ...options } = props;
    return new cloudwatch.Metric({
      namespace: 'AWS/SageMaker',
      metricName: 'ApproximateBacklogSize',
      dimensionsMap: { EndpointName: this.endpointName },
      statistic: 'Average',
      ...options,
    });
  }

  private variantMetric(
    namespace: string,
    metricName: string,
    statistic: string,
    props: InferenceMetricOptions = {},
  ): cloudwatch.Metric {
    const { variantName, ...options } = props;
    return new cloudwatch.Metric({
      namespace,
      metricName,
      dimensionsMap: { EndpointName: this.endpointName, VariantName: variantName ?? this.variantNames[0] },
      statistic,
      ...options,
    });
  }
}

const INSTANCE_NAMESPACE = '/aws/sagemaker/Endpoints';
