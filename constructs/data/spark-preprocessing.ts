import { Duration, RemovalPolicy, Size, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as emrserverless from 'aws-cdk-lib/aws-emrserverless';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledgeGrantPolicy } from '../core/compliance';
import { MlPlatformValidationError, PropValidator } from '../core/errors';
import { DEFAULT_LAKE_LAYOUT, type LakeLayout } from '../core/lake-layout';
import { allowLogsToUseKey, logGroupArnPattern } from '../core/logs-key';
import { acknowledgeGrantWildcards, acknowledgePolicyWildcards } from '../core/wildcards';
import { USAGE_METADATA_KEY, type UsageAssumptions } from '../../cost/usage-metadata';
import type { ILakeDatabase } from './lake-database';
import { checkLakeKey, lakeKeyOf } from './private/lake-key';

/** An Amazon EMR release for EMR Serverless (`emr-<major>.<minor>.<patch>`, 6.6.0 or later). */
export class EmrRelease {
  public static readonly EMR_7_9_0 = new EmrRelease('emr-7.9.0');

  /** Any release label EMR Serverless supports, e.g. `emr-7.10.0`. */
  public static of(label: string): EmrRelease {
    const m = /^emr-(\d+)\.(\d+)\.(\d+)$/.exec(label);
    const ok =
      Token.isUnresolved(label) ||
      (m !== null && (Number(m[1]) > 6 || (Number(m[1]) === 6 && Number(m[2]) >= 6)));
    if (!ok) {
      throw new MlPlatformValidationError('EmrRelease', 'EmrRelease.of', [
        {
          prop: 'label',
          value: label,
          allowed: 'an EMR Serverless release label such as emr-7.9.0 (6.6.0 or later)',
        },
      ]);
    }
    return new EmrRelease(label);
  }

  private constructor(public readonly label: string) {}
}

/** Workers kept warm while the application is started. */
export interface PreInitializedCapacity {
  /** Drivers kept warm. */
  readonly drivers: number;
  /** Executors kept warm. */
  readonly executors: number;
  /**
   * vCPUs per worker: 1, 2, 4, 8 or 16.
   * @default 4
   */
  readonly workerVcpus?: number;
  /**
   * Memory per worker (within the range EMR Serverless allows for `workerVcpus`).
   * @default Size.gibibytes(16)
   */
  readonly workerMemory?: Size;
}

export interface SparkPreprocessingProps {
  /** The VPC the Spark workers run in. */
  readonly vpc: ec2.IVpc;
  /**
   * Subnets of the workers. They need a route to S3 (a gateway endpoint or NAT) and to the AWS APIs
   * the jobs call (Glue, CloudWatch Logs, KMS).
   * @default - private subnets with egress
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /** The lake bucket the jobs read (`raw/`, `curated/`, `code/`) and write (`curated/`). */
  readonly bucket: s3.IBucket;
  /**
   * The key of the lake bucket.
   * @default - the bucket's own encryptionKey
   */
  readonly bucketEncryptionKey?: kms.IKey;
  /**
   * The lake's prefixes.
   * @default DEFAULT_LAKE_LAYOUT
   */
  readonly layout?: LakeLayout;
  /**
   * The lake's Glue database: jobs read and create tables in it.
   * @default - no Glue access
   */
  readonly database?: ILakeDatabase;
  /**
   * Application name (shown in EMR Studio and the console).
   * @default - the stack name and construct id
   */
  readonly applicationName?: string;
  /**
   * EMR release of the application.
   * @default EmrRelease.EMR_7_9_0
   */
  readonly release?: EmrRelease;
  /**
   * Stop the application after this much idle time (pre-initialised capacity is released when it stops).
   * @default Duration.minutes(15)
   */
  readonly idleTimeout?: Duration;
  /**
   * Cap on the vCPUs all running workers may hold together: the most the application can bill per hour.
   * @default 64
   */
  readonly maxVcpus?: number;
  /**
   * Cap on the memory of all running workers.
   * @default Size.gibibytes(256)
   */
  readonly maxMemory?: Size;
  /**
   * Cap on the disk of all running workers (each worker has 20 GB by default).
   * @default Size.gibibytes(1280)
   */
  readonly maxDisk?: Size;
  /**
   * Workers kept warm while the application is started, for jobs that cannot wait for workers to
   * start. Billed whenever the application is started.
   * @default - none: the application costs nothing while idle
   */
  readonly preInitializedCapacity?: PreInitializedCapacity;
  /**
   * Key of the log group.
   * @default - a new key with rotation
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * Retention of the job log group.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Expected usage per month, recorded for the cost estimate.
   * @default - none: compute is shown as usage-based
   */
  readonly expectedUsage?: {
    /** vCPU-hours of all workers per month. */
    readonly vcpuHoursPerMonth: number;
    /**
     * Memory GB-hours per month.
     * @default - 4 GB per vCPU-hour (the default 4 vCPU / 16 GB worker)
     */
    readonly memoryGbHoursPerMonth?: number;
  };
  /**
   * What happens to the key and log group when they leave the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Serverless Spark for preprocessing and feature engineering: an EMR Serverless application in the
 * platform's private subnets that starts when a job is submitted and stops after 15 idle minutes,
 * with no pre-initialised capacity by default (it costs nothing while idle) and capped vCPU, memory
 * and disk. Jobs run as a role that reads `raw/` and `code/` and reads and writes `curated/` of the
 * lake (and the lake's Glue tables), and log to a KMS-encrypted log group.
 *
 * Submit jobs with `StartJobRun` (grant it with `grantStartJobRun`), passing `jobRole` as the
 * execution role.
 */
export class SparkPreprocessing extends Construct {
  public readonly application: emrserverless.CfnApplication;
  /** The job runtime role to pass as `executionRoleArn` in StartJobRun. */
  public readonly jobRole: iam.Role;
  public readonly securityGroup: ec2.SecurityGroup;
  public readonly logGroup: logs.LogGroup;
  public readonly encryptionKey: kms.IKey;

  constructor(scope: Construct, id: string, props: SparkPreprocessingProps) {
    super(scope, id);
    validate(this, props);
    const stack = Stack.of(this);
    const layout = props.layout ?? DEFAULT_LAKE_LAYOUT;
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const lakeKey = lakeKeyOf(props)!;

    this.encryptionKey =
      props.encryptionKey ??
      new kms.Key(this, 'Key', {
        description: `Encrypts the Spark job logs of ${this.node.path}`,
        enableKeyRotation: true,
        removalPolicy,
      });
    this.logGroup = new logs.LogGroup(this, 'JobLogs', {
      encryptionKey: this.encryptionKey,
      retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      removalPolicy,
    });
    if (!props.encryptionKey) allowLogsToUseKey(this.encryptionKey, logGroupArnPattern(this));

    // Workers reach S3, Glue and CloudWatch over the subnets' routes; nothing connects to them.
    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: `EMR Serverless workers of ${this.node.path}: outbound only`,
      allowAllOutbound: true,
    });

    const pre = props.preInitializedCapacity;
    const workerConfig = pre && {
      cpu: `${pre.workerVcpus ?? 4} vCPU`,
      memory: `${(pre.workerMemory ?? Size.gibibytes(16)).toGibibytes()} GB`,
    };
    this.application = new emrserverless.CfnApplication(this, 'Resource', {
      name: props.applicationName ?? `${stack.stackName}-${id}`.slice(0, 64),
      type: 'SPARK',
      releaseLabel: (props.release ?? EmrRelease.EMR_7_9_0).label,
      // "An application by default is configured to auto-start on job submission" and "auto-stop when
      // idle for 15 minutes"; both are written out so a console change shows up as drift.
      autoStartConfiguration: { enabled: true },
      autoStopConfiguration: {
        enabled: true,
        idleTimeoutMinutes: (props.idleTimeout ?? Duration.minutes(15)).toMinutes(),
      },
      maximumCapacity: {
        cpu: `${props.maxVcpus ?? 64} vCPU`,
        memory: `${(props.maxMemory ?? Size.gibibytes(256)).toGibibytes()} GB`,
        disk: `${(props.maxDisk ?? Size.gibibytes(1280)).toGibibytes()} GB`,
      },
      initialCapacity: pre && [
        { key: 'Driver', value: { workerCount: pre.drivers, workerConfiguration: workerConfig! } },
        { key: 'Executor', value: { workerCount: pre.executors, workerConfiguration: workerConfig! } },
      ],
      networkConfiguration: {
        subnetIds: props.vpc.selectSubnets(
          props.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
        ).subnetIds,
        securityGroupIds: [this.securityGroup.securityGroupId],
      },
      monitoringConfiguration: {
        cloudWatchLoggingConfiguration: {
          enabled: true,
          logGroupName: this.logGroup.logGroupName,
          logStreamNamePrefix: 'spark',
        },
      },
    });

    // The job runtime role: EMR Serverless assumes it for jobs of this application only.
    this.jobRole = new iam.Role(this, 'JobRole', {
      description: `Spark jobs of ${this.node.path}: lake raw/ and code/ read, curated/ read-write`,
      assumedBy: new iam.ServicePrincipal('emr-serverless.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: { 'aws:SourceArn': this.application.attrArn },
        },
      }),
    });
    const role = this.jobRole;
    const obj = (prefix: string) => props.bucket.arnForObjects(`${prefix}*`);
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [props.bucket.bucketArn],
        conditions: {
          StringLike: { 's3:prefix': [layout.raw, layout.curated, layout.code].flatMap((p) => [p, `${p}*`]) },
        },
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['s3:GetObject'],
        resources: [obj(layout.raw), obj(layout.code), obj(layout.curated)],
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['s3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload'],
        resources: [obj(layout.curated)],
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: [lakeKey.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `s3.${stack.region}.amazonaws.com` } },
      }),
    );
    // "Logging for EMR Serverless with Amazon CloudWatch": the job runtime role writes the log streams.
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['logs:DescribeLogGroups'],
        resources: [logGroupArnPattern(this)],
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:DescribeLogStreams', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      }),
    );
    props.database?.grantWriteTables(role);

    const usage = props.expectedUsage;
    if (usage) {
      const record: UsageAssumptions = {
        monthlyVcpuHours: usage.vcpuHoursPerMonth,
        monthlyMemoryGbHours: usage.memoryGbHoursPerMonth ?? usage.vcpuHoursPerMonth * 4,
        source: 'SparkPreprocessing.expectedUsage',
        ...(usage.memoryGbHoursPerMonth === undefined && {
          note: 'memory assumed 4 GB per vCPU-hour (4 vCPU / 16 GB workers)',
        }),
      };
      this.application.addMetadata(USAGE_METADATA_KEY, record);
    }

    acknowledgePolicyWildcards(
      role.node.tryFindChild('DefaultPolicy'),
      `Spark jobs of ${this.node.path} name their own object keys under raw/, code/ (read) and curated/ (write), create tables in the lake database, and list log groups (DescribeLogGroups takes no resource).`,
    );
    acknowledgeGrantPolicy(role, 'the lake prefixes, the lake database and the job log group');
  }

  /** The application ARN. */
  public get applicationArn(): string {
    return this.application.attrArn;
  }

  /** The application id, as StartJobRun takes it. */
  public get applicationId(): string {
    return this.application.attrApplicationId;
  }

  /**
   * Lets a principal (a pipeline, a scheduler, a person) submit, watch and cancel jobs on this
   * application and pass the job role to EMR Serverless.
   */
  public grantStartJobRun(grantee: iam.IGrantable): iam.Grant {
    const jobRuns = `${this.applicationArn}/jobruns/*`;
    const run = iam.Grant.addToPrincipal({
      grantee,
      actions: ['emr-serverless:StartJobRun'],
      resourceArns: [this.applicationArn],
    });
    iam.Grant.addToPrincipal({
      grantee,
      actions: [
        'emr-serverless:GetJobRun',
        'emr-serverless:CancelJobRun',
        'emr-serverless:GetDashboardForJobRun',
      ],
      resourceArns: [jobRuns],
    });
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['iam:PassRole'],
        resources: [this.jobRole.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'emr-serverless.amazonaws.com' } },
      }),
    );
    acknowledgeGrantWildcards(
      grantee,
      [jobRuns],
      `Job-run ids of ${this.node.path} are generated by StartJobRun; the grant covers the runs of this application only.`,
    );
    return run;
  }
}

/** vCPUs per worker EMR Serverless supports, and the memory range each allows (GB). */
const WORKER_MEMORY_GB: Readonly<Record<number, [number, number]>> = {
  1: [2, 8],
  2: [4, 16],
  4: [8, 30],
  8: [16, 60],
  16: [32, 120],
};

function validate(scope: Construct, props: SparkPreprocessingProps): void {
  const v = new PropValidator('SparkPreprocessing', scope);
  if (props.idleTimeout) v.range('idleTimeout', props.idleTimeout.toMinutes(), 1, 10080);
  v.range('maxVcpus', props.maxVcpus, 1, 400_000);
  if (props.maxMemory) v.range('maxMemory', props.maxMemory.toGibibytes(), 1, 3_000_000);
  if (props.maxDisk) v.range('maxDisk', props.maxDisk.toGibibytes(), 20, 20_000_000);
  const pre = props.preInitializedCapacity;
  if (pre) {
    v.range('preInitializedCapacity.drivers', pre.drivers, 0, 1000);
    v.range('preInitializedCapacity.executors', pre.executors, 0, 10_000);
    const vcpus = pre.workerVcpus ?? 4;
    const range = WORKER_MEMORY_GB[vcpus];
    v.check(range !== undefined, 'preInitializedCapacity.workerVcpus', vcpus, 'one of 1, 2, 4, 8, 16');
    const gb = (pre.workerMemory ?? Size.gibibytes(16)).toGibibytes();
    if (range) {
      v.check(
        gb >= range[0] && gb <= range[1],
        'preInitializedCapacity.workerMemory',
        `${gb} GB`,
        `${range[0]} to ${range[1]} GB for ${vcpus} vCPU workers`,
      );
      const warmVcpus = (pre.drivers + pre.executors) * vcpus;
      v.check(
        warmVcpus <= (props.maxVcpus ?? 64),
        'preInitializedCapacity',
        `${warmVcpus} vCPUs`,
        `within maxVcpus (${props.maxVcpus ?? 64})`,
      );
    }
  }
  const u = props.expectedUsage;
  if (u) {
    v.check(
      Number.isFinite(u.vcpuHoursPerMonth) && u.vcpuHoursPerMonth >= 0,
      'expectedUsage.vcpuHoursPerMonth',
      u.vcpuHoursPerMonth,
      'a number of vCPU-hours, 0 or more',
    );
    if (u.memoryGbHoursPerMonth !== undefined) {
      v.check(
        Number.isFinite(u.memoryGbHoursPerMonth) && u.memoryGbHoursPerMonth >= 0,
        'expectedUsage.memoryGbHoursPerMonth',
        u.memoryGbHoursPerMonth,
        'a number of GB-hours, 0 or more',
      );
    }
  }
  checkLakeKey(v, props);
  v.throwIfAny();
}
