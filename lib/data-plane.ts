import { Size, type RemovalPolicy } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import {
  FeatureStore,
  FeatureType,
  LakeColumnType,
  LakeDatabase,
  SparkPreprocessing,
  StreamingIngestion,
} from '../constructs/data';
import type { MlDataStore } from '../constructs/storage/ml-data-store';
import type { DataPlanePreset } from './presets';

export interface PlatformDataPlaneProps {
  /** Names the Glue database (`<name>_lake`, lower case, `-` as `_`). */
  readonly deploymentName: string;
  readonly preset: DataPlanePreset;
  readonly dataStore: MlDataStore;
  readonly vpc: ec2.IVpc;
  /** Subnets of the Spark workers (private, with a route to S3 and the AWS APIs). */
  readonly vpcSubnets: ec2.SubnetSelection;
  /** The platform key: stream, delivery and job logs, online feature store. */
  readonly encryptionKey: kms.IKey;
  readonly logRetention: logs.RetentionDays;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * The reference platform's data plane, sized by the preset: a Glue database for the lake in the
 * datasets bucket, an `events` stream delivered to Parquet under `raw/events/` (partitioned by day
 * and event type), a Spark application for preprocessing into `curated/`, and an `entity-features`
 * feature group whose offline store is the lake's `features/`.
 */
export class PlatformDataPlane extends Construct {
  public readonly database: LakeDatabase;
  public readonly ingestion: StreamingIngestion;
  public readonly spark: SparkPreprocessing;
  public readonly featureStore: FeatureStore;

  constructor(scope: Construct, id: string, props: PlatformDataPlaneProps) {
    super(scope, id);
    const p = props.preset;
    const lake = props.dataStore.datasets.bucket;
    const common = {
      encryptionKey: props.encryptionKey,
      logRetention: props.logRetention,
      removalPolicy: props.removalPolicy,
    };
    this.database = new LakeDatabase(this, 'Database', {
      databaseName: `${props.deploymentName}_lake`.toLowerCase().replace(/[^a-z0-9_]/g, '_'),
      bucket: lake,
      locationPrefix: props.dataStore.lakeLayout.curated,
    });
    this.ingestion = new StreamingIngestion(this, 'Events', {
      tableName: 'events',
      columns: [
        { name: 'event_id', type: LakeColumnType.STRING },
        { name: 'entity_id', type: LakeColumnType.STRING },
        { name: 'value', type: LakeColumnType.DOUBLE },
        { name: 'attributes', type: LakeColumnType.map(LakeColumnType.STRING) },
        { name: 'event_time', type: LakeColumnType.TIMESTAMP },
      ],
      partitionKeys: ['event_type'],
      database: this.database,
      bucket: lake,
      layout: props.dataStore.lakeLayout,
      expectedGbPerDay: p.expectedGbPerDay,
      averageRecordSize: Size.kibibytes(1),
      ...common,
    });
    this.spark = new SparkPreprocessing(this, 'Spark', {
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets,
      bucket: lake,
      layout: props.dataStore.lakeLayout,
      database: this.database,
      maxVcpus: p.sparkMaxVcpus,
      maxMemory: Size.gibibytes(p.sparkMaxVcpus * 4),
      maxDisk: Size.gibibytes(p.sparkMaxVcpus * 20),
      expectedUsage: { vcpuHoursPerMonth: p.sparkVcpuHoursPerMonth },
      ...common,
    });
    this.featureStore = new FeatureStore(this, 'Features', {
      bucket: lake,
      layout: props.dataStore.lakeLayout,
      database: this.database,
      encryptionKey: props.encryptionKey,
      removalPolicy: props.removalPolicy,
      featureGroups: [
        {
          featureGroupName: `${props.deploymentName}-entity-features`.slice(0, 63),
          description: 'Per-entity aggregates the Spark jobs compute from raw/events',
          recordIdentifier: 'entity_id',
          eventTime: 'event_time',
          features: [
            { name: 'entity_id', type: FeatureType.STRING },
            { name: 'event_time', type: FeatureType.FRACTIONAL },
            { name: 'event_count_7d', type: FeatureType.INTEGRAL },
            { name: 'value_mean_7d', type: FeatureType.FRACTIONAL },
          ],
          onlineStore: p.onlineFeatureStore,
          expectedUsage: {
            writeRequestUnitsPerMonth: p.featureWriteUnitsPerMonth,
            ...(p.onlineFeatureStore && {
              readRequestUnitsPerMonth: p.featureReadUnitsPerMonth,
              onlineStorageGb: p.featureOnlineStorageGb,
            }),
          },
        },
      ],
    });
    // Spark jobs compute the features: let their role write the feature group.
    this.featureStore.grantIngest(this.spark.jobRole);
  }

  /** Every alarm of the data plane (for `PlatformMonitoring.monitorAlarms`). */
  public get alarms(): readonly cloudwatch.Alarm[] {
    return this.ingestion.alarms;
  }
}
