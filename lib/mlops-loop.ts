import { mkdirSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { Duration, type RemovalPolicy, Stage } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as events from 'aws-cdk-lib/aws-events';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as s3_assets from 'aws-cdk-lib/aws-s3-assets';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { acknowledgeGrantWildcards } from '../constructs/core/wildcards';
import type { InferenceEndpoint } from '../constructs/inference';
import { ModelMonitoring, ModelRegistry, ModelRollout, RetrainingTrigger } from '../constructs/mlops';
import type { ModelImageRepository } from '../constructs/storage/model-image-repository';
import type { MlDataStore } from '../constructs/storage/ml-data-store';
import type { GpuTrainingCluster } from '../constructs/training';

/** How the reference platform runs its MLOps loop. */
export interface MlopsPreset {
  /** Register retrained models as approved, so they roll out without a reviewer (dev only). */
  readonly autoApprove: boolean;
  /** Retrain on this schedule too (days between runs); undefined = only on drift. */
  readonly retrainEveryDays?: number;
  /** Expected retraining runs per month, for the estimate. */
  readonly expectedRetrainingRunsPerMonth: number;
}

export interface PlatformMlopsLoopProps {
  readonly deploymentName: string;
  readonly preset: MlopsPreset;
  readonly endpoint: InferenceEndpoint;
  readonly training: GpuTrainingCluster;
  readonly dataStore: MlDataStore;
  readonly images: ModelImageRepository;
  readonly topic: sns.ITopic;
  readonly encryptionKey: kms.IKey;
  readonly vpc: ec2.IVpc;
  readonly vpcSubnets: ec2.SubnetSelection;
  /** The serving image and container environment retrained packages run with (the endpoint's). */
  readonly serving: { readonly imageUri: string; readonly environment?: Record<string, string> };
  readonly logRetention: logs.RetentionDays;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * The reference platform's MLOps loop: a model package group for the served model family, a
 * retraining job on the training cluster started on drift (and on a schedule where the preset says
 * so), an approval-driven rollout to the endpoint, and data-quality monitoring of real-time endpoints
 * with drift alarms over the reference model's four features.
 */
export class PlatformMlopsLoop extends Construct {
  public readonly registry: ModelRegistry;
  public readonly rollout: ModelRollout;
  public readonly retraining: RetrainingTrigger;
  /** Only for real-time endpoints (Model Monitor's data-quality jobs read real-time capture). */
  public readonly monitoring?: ModelMonitoring;
  /** Every alarm of the loop, for PlatformMonitoring. */
  public readonly alarms: readonly cloudwatch.Alarm[];

  constructor(scope: Construct, id: string, props: PlatformMlopsLoopProps) {
    super(scope, id);
    const artifacts = props.dataStore.modelArtifacts.bucket;
    this.registry = new ModelRegistry(this, 'Registry', {
      modelPackageGroupName: groupName(props.deploymentName),
      description: `Versions of the model served by ${props.endpoint.node.path}`,
    });

    // The retrained model.tar.gz is served by the same container and role as the first one.
    const modelRole = props.endpoint.models[props.endpoint.variantNames[0]].role;
    modelRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['s3:GetObject'],
        resources: [artifacts.arnForObjects('retraining/*')],
      }),
    );
    artifacts.encryptionKey?.grant(modelRole, 'kms:Decrypt');
    acknowledgeGrantWildcards(
      modelRole,
      [artifacts.arnForObjects('retraining/*')],
      'The endpoint model reads retrained model.tar.gz objects, named per retraining run under retraining/, when a rollout serves them.',
    );
    this.rollout = new ModelRollout(this, 'Rollout', {
      registry: this.registry,
      endpoint: props.endpoint,
      topic: props.topic,
      logKey: props.encryptionKey,
      logRetention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });

    if (props.endpoint.mode === 'real-time') {
      const baseline = referenceMonitoringAssets(this);
      this.monitoring = new ModelMonitoring(this, 'Monitoring', {
        endpoint: props.endpoint,
        captureBucket: props.dataStore.dataCapture.bucket,
        outputBucket: artifacts,
        outputPrefix: 'monitoring/reference',
        encryptionKey: props.encryptionKey,
        baselineDataset: baseline.dataset.s3ObjectUrl,
        recordPreprocessorUri: baseline.preprocessor.s3ObjectUrl,
        driftFeatures: REFERENCE_FEATURES,
        vpc: props.vpc,
        vpcSubnets: props.vpcSubnets,
        topic: props.topic,
        logRetention: props.logRetention,
        removalPolicy: props.removalPolicy,
      });
      // The two objects only, in the bootstrap bucket (its AWS managed key admits this account's principals).
      this.monitoring.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ['s3:GetObject'],
          resources: [baseline.dataset, baseline.preprocessor].map((a) =>
            a.bucket.arnForObjects(a.s3ObjectKey),
          ),
        }),
      );
    }

    // Push your training image as :retraining; it reads MODEL_OUTPUT_S3_URI and writes model.tar.gz
    // (model.json + code/inference.py, like the reference model) and evaluation.json there.
    const job = props.training.addGpuJob('Retraining', {
      image: ecs.ContainerImage.fromEcrRepository(props.images.repository, 'retraining'),
      timeout: Duration.hours(12),
    });
    this.retraining = new RetrainingTrigger(this, 'Retraining', {
      cluster: props.training,
      jobDefinition: job,
      registry: this.registry,
      outputBucket: artifacts,
      jobRole: job.container.jobRole,
      serving: { imageUri: props.serving.imageUri, environment: props.serving.environment },
      driftAlarms: this.monitoring
        ? [...this.monitoring.alarms.slice(0, REFERENCE_FEATURES.length)]
        : undefined,
      schedule: props.preset.retrainEveryDays
        ? events.Schedule.rate(Duration.days(props.preset.retrainEveryDays))
        : undefined,
      autoApprove: props.preset.autoApprove,
      topic: props.topic,
      logKey: props.encryptionKey,
      logRetention: props.logRetention,
      removalPolicy: props.removalPolicy,
      expectedRunsPerMonth: props.preset.expectedRetrainingRunsPerMonth,
    });
    this.alarms = [...this.rollout.alarms, ...(this.monitoring?.alarms ?? []), ...this.retraining.alarms];
  }
}

/** The reference model's inputs, as the record preprocessor names them. */
const REFERENCE_FEATURES = ['feature0', 'feature1', 'feature2', 'feature3'];

/**
 * Model Monitor "only works with tabular or flattened JSON structures" (SageMaker, Preprocessing and
 * postprocessing): the reference model takes `{"inputs": [[f1, f2, f3, f4], ...]}`, so a record
 * preprocessor flattens each captured request's first row to `{"feature0": f1, ...}`.
 */
export const REFERENCE_PREPROCESSOR_PY = `import json


def preprocess_handler(inference_record):
    rows = json.loads(inference_record.endpoint_input.data)["inputs"]
    return {"feature%d" % i: float(v) for i, v in enumerate(rows[0])}
`;

/**
 * The baseline dataset of the reference model: 200 rows of its four features, deterministic (a
 * fixed linear congruential sequence), with a header row naming them as the preprocessor does.
 */
export function referenceBaselineCsv(): string {
  let seed = 20;
  const next = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const rows = [REFERENCE_FEATURES.join(',')];
  for (let i = 0; i < 200; i++)
    rows.push(REFERENCE_FEATURES.map(() => (next() * 2 - 1).toFixed(4)).join(','));
  return `${rows.join('\n')}\n`;
}

function referenceMonitoringAssets(scope: Construct) {
  const dir = join(Stage.of(scope)?.outdir ?? '.', '.cdk-ml-platform');
  mkdirSync(dir, { recursive: true });
  const write = (name: string, text: string) => {
    const hash = createHash('sha256').update(text).digest('hex').slice(0, 16);
    const path = join(dir, `${hash}-${name}`);
    writeFileSync(path, text);
    return path;
  };
  return {
    dataset: new s3_assets.Asset(scope, 'BaselineDataset', {
      path: write('baseline.csv', referenceBaselineCsv()),
    }),
    preprocessor: new s3_assets.Asset(scope, 'RecordPreprocessor', {
      path: write('preprocessor.py', REFERENCE_PREPROCESSOR_PY),
    }),
  };
}

function groupName(deployment: string): string {
  const name = deployment
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 56)
    .replace(/-+$/, '');
  return `${name || 'ml-platform'}-model`;
}
