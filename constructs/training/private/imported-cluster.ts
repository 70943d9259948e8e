/** A `GpuTrainingCluster` made elsewhere (`fromGpuTrainingClusterAttributes`), for monitoring and grants. */
import { Duration } from 'aws-cdk-lib';
import * as batch from 'aws-cdk-lib/aws-batch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import type { GpuTrainingClusterAttributes } from '../gpu-training-cluster';
import { GpuTrainingClusterBase } from '../gpu-training-cluster-base';
import { SubmitJobGrants } from './grants';

export class ImportedGpuTrainingCluster extends GpuTrainingClusterBase {
  public readonly clusterName: string;
  public readonly spotQueue: batch.IJobQueue;
  public readonly onDemandQueue?: batch.IJobQueue;
  public readonly efaQueue?: batch.IJobQueue;
  public readonly jobQueues: readonly batch.IJobQueue[];
  public readonly retryFunction?: lambda.IFunction = undefined;
  public readonly capacityTimeout: Duration;
  public readonly connections: ec2.Connections;
  private readonly attrs: GpuTrainingClusterAttributes;
  private readonly submitGrants = new SubmitJobGrants(this.node.path);

  constructor(scope: Construct, id: string, attrs: GpuTrainingClusterAttributes) {
    super(scope, id);
    this.attrs = attrs;
    this.clusterName = attrs.clusterName;
    this.capacityTimeout = attrs.capacityTimeout ?? Duration.minutes(60);
    this.connections = new ec2.Connections({ securityGroups: attrs.securityGroups ?? [] });
    this.spotQueue = batch.JobQueue.fromJobQueueArn(this, 'SpotQueue', attrs.spotJobQueueArn);
    this.onDemandQueue = attrs.onDemandJobQueueArn
      ? batch.JobQueue.fromJobQueueArn(this, 'OnDemandQueue', attrs.onDemandJobQueueArn)
      : undefined;
    this.efaQueue = attrs.efaJobQueueArn
      ? batch.JobQueue.fromJobQueueArn(this, 'EfaQueue', attrs.efaJobQueueArn)
      : undefined;
    const reserved = (attrs.reservedJobQueueArns ?? []).map((arn, i) =>
      batch.JobQueue.fromJobQueueArn(this, `ReservedQueue${i}`, arn),
    );
    this.jobQueues = [
      ...[this.spotQueue, this.onDemandQueue, this.efaQueue].filter(
        (q): q is batch.IJobQueue => q !== undefined,
      ),
      ...reserved,
    ];
  }

  public grantSubmitJob(grantee: iam.IGrantable): iam.Grant {
    return this.submitGrants.grant(
      grantee,
      this.jobQueues.map((q) => q.jobQueueArn),
      this.attrs.jobDefinitionArns ?? [],
    );
  }
}
