import { RemovalPolicy, Stack, Token, type Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { Construct } from 'constructs';
import { acknowledgeGrantPolicy } from '../core/compliance';
import { PropValidator } from '../core/errors';
import { DEFAULT_LAKE_LAYOUT, type LakeLayout } from '../core/lake-layout';
import { acknowledgeGrantWildcards, acknowledgePolicyWildcards } from '../core/wildcards';
import { USAGE_METADATA_KEY, type UsageAssumptions } from '../../cost/usage-metadata';
import type { ILakeDatabase } from './lake-database';
import { checkLakeKey, lakeKeyOf } from './private/lake-key';

/** The value types SageMaker Feature Store stores. */
export enum FeatureType {
  /** 64-bit integers. */
  INTEGRAL = 'Integral',
  /** 64-bit floating point numbers. */
  FRACTIONAL = 'Fractional',
  /** UTF-8 strings (also ISO-8601 event times). */
  STRING = 'String',
}

/** One feature of a feature group. */
export interface FeatureDefinition {
  /** Letters, digits, `-` and `_`, starting and ending with a letter or digit; not `is_deleted`, `write_time` or `api_invocation_time`. */
  readonly name: string;
  readonly type: FeatureType;
}

/** A feature group to add to the store. */
export interface FeatureGroupOptions {
  /** The feature group name (1–63 letters, digits and hyphens; starts with a letter or digit). */
  readonly featureGroupName: string;
  /** The feature that identifies a record (e.g. `customer_id`). */
  readonly recordIdentifier: string;
  /** The feature that holds each record's event time (Fractional epoch seconds or an ISO-8601 String). */
  readonly eventTime: string;
  /** Every feature, the identifier and event time included. */
  readonly features: readonly FeatureDefinition[];
  /**
   * Also keep the latest record per identifier in the online store (low-latency GetRecord for
   * inference), encrypted with the store's key.
   * @default false - offline store only
   */
  readonly onlineStore?: boolean;
  /**
   * Online records expire this long after their event time.
   * @default - never
   */
  readonly onlineRecordTtl?: Duration;
  /**
   * Shown in the SageMaker console.
   * @default - none
   */
  readonly description?: string;
  /**
   * Expected use per month, recorded for the cost estimate.
   * @default - none: reads, writes and online storage are shown as usage-based
   */
  readonly expectedUsage?: {
    /** Write request units per month (one per KB written, per record). */
    readonly writeRequestUnitsPerMonth?: number;
    /** Read request units per month (one per 4 KB read from the online store). */
    readonly readRequestUnitsPerMonth?: number;
    /** Average GB in the online store. */
    readonly onlineStorageGb?: number;
  };
}

export interface FeatureStoreProps {
  /** The lake bucket: offline stores are written under its `features/` prefix. */
  readonly bucket: s3.IBucket;
  /**
   * The key of the lake bucket, used for the offline store's objects.
   * @default - the bucket's own encryptionKey
   */
  readonly bucketEncryptionKey?: kms.IKey;
  /**
   * The lake's prefixes.
   * @default DEFAULT_LAKE_LAYOUT
   */
  readonly layout?: LakeLayout;
  /**
   * The lake's Glue database: each offline store is registered there as a table, queryable by Athena.
   * @default - Feature Store's own `sagemaker_featurestore` database
   */
  readonly database?: ILakeDatabase;
  /**
   * Key of the online stores.
   * @default - a new key with rotation
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * Feature groups to create now (more with `addFeatureGroup`).
   * @default - none
   */
  readonly featureGroups?: readonly FeatureGroupOptions[];
  /**
   * What happens to the key when it leaves the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * SageMaker Feature Store on the platform's lake: feature groups whose offline store is Parquet
 * (Glue/Athena tables) under the lake's `features/` prefix with the lake's KMS key, and an optional
 * online store encrypted with the store's key. `ingestionRole` is the role Feature Store assumes to
 * write the offline store; grant producers `grantIngest` and consumers `grantRead`.
 */
export class FeatureStore extends Construct {
  /** The role Feature Store assumes to replicate ingested records into the offline store (S3, KMS, Glue). */
  public readonly ingestionRole: iam.Role;
  /** Key of the online stores. */
  public readonly encryptionKey: kms.IKey;
  /** Feature groups by name. */
  public readonly featureGroups: ReadonlyMap<string, sagemaker.CfnFeatureGroup>;

  private readonly groups = new Map<string, sagemaker.CfnFeatureGroup>();
  private readonly online = new Set<string>();
  private readonly props: FeatureStoreProps;
  private readonly layout: LakeLayout;
  private readonly lakeKey: kms.IKey;

  constructor(scope: Construct, id: string, props: FeatureStoreProps) {
    super(scope, id);
    const v = new PropValidator('FeatureStore', this);
    checkLakeKey(v, props);
    v.throwIfAny();
    this.props = props;
    this.featureGroups = this.groups;
    this.layout = props.layout ?? DEFAULT_LAKE_LAYOUT;
    this.lakeKey = lakeKeyOf(props)!;
    const stack = Stack.of(this);
    this.encryptionKey =
      props.encryptionKey ??
      new kms.Key(this, 'Key', {
        description: `Encrypts the online feature stores of ${this.node.path}`,
        enableKeyRotation: true,
        removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      });

    this.ingestionRole = new iam.Role(this, 'IngestionRole', {
      description: `Feature Store offline-store writes of ${this.node.path} (lake ${this.layout.features})`,
      assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
    });
    const role = this.ingestionRole;
    // The offline store writes Parquet objects and sets their ACL (bucket-owner-full-control), and
    // "the IAM role ... must have kms:GenerateDataKey on the KmsKeyId" of S3StorageConfig.
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['s3:GetBucketAcl', 's3:GetBucketLocation', 's3:ListBucket'],
        resources: [props.bucket.bucketArn],
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['s3:PutObject', 's3:PutObjectAcl', 's3:GetObject'],
        resources: [props.bucket.arnForObjects(`${this.layout.features}*`)],
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['kms:GenerateDataKey', 'kms:Encrypt', 'kms:Decrypt'],
        resources: [this.lakeKey.keyArn],
      }),
    );
    props.database?.grantWriteTables(role);

    acknowledgePolicyWildcards(
      role.node.tryFindChild('DefaultPolicy'),
      `Feature Store names the offline-store objects it writes under ${this.layout.features} (account/region/feature-group/date keys) and creates their Glue tables in the lake database.`,
    );
    acknowledgeGrantPolicy(role, `the lake's ${this.layout.features} prefix, its key and the lake database`);

    for (const group of props.featureGroups ?? []) this.addFeatureGroup(group);
  }

  /**
   * Adds a feature group. Its construct id is `FeatureGroup<name>`, so adding or removing another
   * group never replaces this one.
   */
  public addFeatureGroup(options: FeatureGroupOptions): sagemaker.CfnFeatureGroup {
    validateGroup(this, options, this.groups);
    const name = options.featureGroupName;
    const database = this.props.database;
    const group = new sagemaker.CfnFeatureGroup(this, `FeatureGroup${name}`, {
      featureGroupName: name,
      description: options.description,
      recordIdentifierFeatureName: options.recordIdentifier,
      eventTimeFeatureName: options.eventTime,
      featureDefinitions: options.features.map((f) => ({ featureName: f.name, featureType: f.type })),
      roleArn: this.ingestionRole.roleArn,
      // OfflineStoreConfig and OnlineStoreConfig are untyped (Json) in the CloudFormation schema:
      // their keys are written as CloudFormation spells them.
      offlineStoreConfig: {
        S3StorageConfig: {
          S3Uri: `s3://${this.props.bucket.bucketName}/${this.layout.features}`,
          KmsKeyId: this.lakeKey.keyArn,
        },
        TableFormat: 'Glue',
        ...(database && {
          DataCatalogConfig: {
            Catalog: 'AwsDataCatalog',
            Database: database.databaseName,
            TableName: name.toLowerCase().replace(/-/g, '_'),
          },
        }),
      },
      ...(options.onlineStore && {
        onlineStoreConfig: {
          EnableOnlineStore: true,
          SecurityConfig: { KmsKeyId: this.encryptionKey.keyArn },
          ...(options.onlineRecordTtl && {
            TtlDuration: { Unit: 'Minutes', Value: Math.ceil(options.onlineRecordTtl.toMinutes()) },
          }),
        },
      }),
    });
    // CreateFeatureGroup checks the role's access to the offline store: create it after the policy.
    group.node.addDependency(this.ingestionRole);
    const u = options.expectedUsage;
    if (u) {
      const usage: UsageAssumptions = {
        ...(u.writeRequestUnitsPerMonth !== undefined && {
          monthlyWriteRequestUnits: u.writeRequestUnitsPerMonth,
        }),
        ...(u.readRequestUnitsPerMonth !== undefined && {
          monthlyReadRequestUnits: u.readRequestUnitsPerMonth,
        }),
        ...(u.onlineStorageGb !== undefined && { storageGb: u.onlineStorageGb }),
        source: 'FeatureStore.expectedUsage',
      };
      group.addMetadata(USAGE_METADATA_KEY, usage);
    }
    this.groups.set(name, group);
    if (options.onlineStore) this.online.add(name);
    return group;
  }

  /** ARN of a feature group of this store (SageMaker ARNs carry the name in lower case). */
  public featureGroupArn(featureGroupName: string): string {
    return Stack.of(this).formatArn({
      service: 'sagemaker',
      resource: 'feature-group',
      resourceName: Token.isUnresolved(featureGroupName) ? featureGroupName : featureGroupName.toLowerCase(),
    });
  }

  /** Put and delete records in the named feature groups (default: every group added so far). */
  public grantIngest(grantee: iam.IGrantable, featureGroupNames?: readonly string[]): iam.Grant {
    const names = featureGroupNames ?? [...this.groups.keys()];
    const grant = iam.Grant.addToPrincipal({
      grantee,
      actions: ['sagemaker:PutRecord', 'sagemaker:DeleteRecord', 'sagemaker:DescribeFeatureGroup'],
      resourceArns: names.map((n) => this.featureGroupArn(n)),
    });
    // Data-plane callers of an online store need kms:Decrypt on its key (OnlineStoreSecurityConfig).
    if (names.some((n) => this.online.has(n))) {
      iam.Grant.addToPrincipal({
        grantee,
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resourceArns: [this.encryptionKey.keyArn],
      });
    }
    return grant;
  }

  /**
   * Read the named feature groups: online GetRecord/BatchGetRecord, and the offline store's objects
   * and Glue table (for Athena or Spark training-set queries).
   */
  public grantRead(grantee: iam.IGrantable, featureGroupNames?: readonly string[]): iam.Grant {
    const names = featureGroupNames ?? [...this.groups.keys()];
    const grant = iam.Grant.addToPrincipal({
      grantee,
      actions: ['sagemaker:GetRecord', 'sagemaker:BatchGetRecord', 'sagemaker:DescribeFeatureGroup'],
      resourceArns: names.map((n) => this.featureGroupArn(n)),
    });
    if (names.some((n) => this.online.has(n))) {
      iam.Grant.addToPrincipal({
        grantee,
        actions: ['kms:Decrypt'],
        resourceArns: [this.encryptionKey.keyArn],
      });
    }
    // The offline store: objects under features/ (Athena and Spark read them) and the lake key.
    const objects = this.props.bucket.arnForObjects(`${this.layout.features}*`);
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['s3:ListBucket'],
      resourceArns: [this.props.bucket.bucketArn],
      conditions: { StringLike: { 's3:prefix': [this.layout.features, `${this.layout.features}*`] } },
    });
    iam.Grant.addToPrincipal({ grantee, actions: ['s3:GetObject'], resourceArns: [objects] });
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['kms:Decrypt'],
      resourceArns: [this.lakeKey.keyArn],
      conditions: { StringEquals: { 'kms:ViaService': `s3.${Stack.of(this).region}.amazonaws.com` } },
    });
    acknowledgeGrantWildcards(
      grantee,
      [objects],
      `Offline-store objects of ${this.node.path} are named by Feature Store (account/region/group/date keys) under ${this.layout.features}; the grant reads that prefix only.`,
    );
    this.props.database?.grantReadTables(
      grantee,
      names.map((n) => n.toLowerCase().replace(/-/g, '_')),
    );
    return grant;
  }
}

const FEATURE_GROUP_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;
const FEATURE_NAME = /^[a-zA-Z0-9]([-_]*[a-zA-Z0-9]){0,63}$/;
const RESERVED_FEATURES = ['is_deleted', 'write_time', 'api_invocation_time'];

function validateGroup(
  scope: Construct,
  o: FeatureGroupOptions,
  existing: ReadonlyMap<string, unknown>,
): void {
  const v = new PropValidator('FeatureStore', scope);
  const name = o.featureGroupName;
  v.check(
    Token.isUnresolved(name) || FEATURE_GROUP_NAME.test(name),
    'featureGroupName',
    name,
    '1 to 63 letters, digits and hyphens, starting and ending with a letter or digit',
  );
  v.check(
    !existing.has(name),
    'featureGroupName',
    name,
    'a name not used by another feature group of this store',
  );
  const names = o.features.map((f) => f.name);
  v.check(names.length > 0 && names.length <= 2500, 'features', names.length, 'from 1 to 2,500 features');
  const bad = names.filter((n) => !FEATURE_NAME.test(n) || RESERVED_FEATURES.includes(n));
  v.check(
    bad.length === 0,
    'features[].name',
    bad,
    `letters, digits, "-" and "_" starting and ending with a letter or digit, not ${RESERVED_FEATURES.join(', ')}`,
  );
  const dupes = names.filter((n, i) => names.indexOf(n) !== i);
  v.check(dupes.length === 0, 'features[].name', dupes, 'unique feature names');
  v.check(
    names.includes(o.recordIdentifier),
    'recordIdentifier',
    o.recordIdentifier,
    `one of the features (${names.join(', ')})`,
  );
  const eventType = o.features.find((f) => f.name === o.eventTime)?.type;
  v.check(
    eventType === FeatureType.FRACTIONAL || eventType === FeatureType.STRING,
    'eventTime',
    o.eventTime,
    'a Fractional or String feature of the group',
  );
  if (o.onlineRecordTtl) {
    v.check(
      o.onlineStore === true,
      'onlineRecordTtl',
      o.onlineRecordTtl.toHumanString(),
      'set only with onlineStore: true',
    );
    v.range('onlineRecordTtl', Math.ceil(o.onlineRecordTtl.toMinutes()), 1, 525_600);
  }
  const u = o.expectedUsage ?? {};
  for (const [key, value] of Object.entries(u)) {
    v.check(
      typeof value === 'number' && Number.isFinite(value) && value >= 0,
      `expectedUsage.${key}`,
      value,
      'a number, 0 or more',
    );
  }
  v.throwIfAny();
}
