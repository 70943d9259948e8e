import { Resource, Stack, Token, type IResource } from 'aws-cdk-lib';
import * as glue from 'aws-cdk-lib/aws-glue';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { PropValidator } from '../core/errors';
import { USAGE_METADATA_KEY, type UsageAssumptions } from '../../cost/usage-metadata';

/** A Glue Data Catalog database of the platform's lake. */
export interface ILakeDatabase extends IResource {
  /** The database name (lower case: Glue stores names in lower case). */
  readonly databaseName: string;
  /** `arn:<partition>:glue:<region>:<account>:database/<name>` */
  readonly databaseArn: string;
  /** `arn:<partition>:glue:<region>:<account>:catalog`, the account's Data Catalog. */
  readonly catalogArn: string;
  /** `arn:<partition>:glue:<region>:<account>:table/<name>/<table>` */
  tableArn(tableName: string): string;
  /** Read the database and the named tables (or every table with `'*'`): what Firehose and Athena readers need. */
  grantReadTables(grantee: iam.IGrantable, tableNames: readonly string[]): iam.Grant;
  /** Read, create and update tables and partitions in this database: what Spark jobs writing tables need. */
  grantWriteTables(grantee: iam.IGrantable): iam.Grant;
}

export interface LakeDatabaseAttributes {
  readonly databaseName: string;
}

export interface LakeDatabaseProps {
  /**
   * The database name: lower-case letters, digits and underscores, at most 255 characters
   * (Glue lower-cases names, and Athena only accepts these characters).
   */
  readonly databaseName: string;
  /** The lake bucket; the database's default location is `s3://<bucket>/<locationPrefix>`. */
  readonly bucket: s3.IBucket;
  /**
   * Prefix of the database's default location (tables created without a location land here).
   * @default 'curated/'
   */
  readonly locationPrefix?: string;
  /**
   * A description shown in the Glue console.
   * @default - names the construct path
   */
  readonly description?: string;
}

abstract class LakeDatabaseBase extends Resource implements ILakeDatabase {
  public abstract readonly databaseName: string;

  public get catalogArn(): string {
    const stack = Stack.of(this);
    return stack.formatArn({ service: 'glue', resource: 'catalog' });
  }

  public get databaseArn(): string {
    return Stack.of(this).formatArn({
      service: 'glue',
      resource: 'database',
      resourceName: this.databaseName,
    });
  }

  public tableArn(tableName: string): string {
    return Stack.of(this).formatArn({
      service: 'glue',
      resource: 'table',
      resourceName: `${this.databaseName}/${tableName}`,
    });
  }

  public grantReadTables(grantee: iam.IGrantable, tableNames: readonly string[]): iam.Grant {
    // Glue authorises a table read on the catalog, the database and the table together
    // ("Specifying AWS Glue resource ARNs": access to a table also needs its database and catalog).
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['glue:GetDatabase', 'glue:GetTable', 'glue:GetTableVersion', 'glue:GetTableVersions'],
      resourceArns: [this.catalogArn, this.databaseArn, ...tableNames.map((t) => this.tableArn(t))],
    });
  }

  public grantWriteTables(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: [
        'glue:GetDatabase',
        'glue:GetTable',
        'glue:GetTables',
        'glue:GetPartition',
        'glue:GetPartitions',
        'glue:BatchGetPartition',
        'glue:CreateTable',
        'glue:UpdateTable',
        'glue:CreatePartition',
        'glue:BatchCreatePartition',
        'glue:UpdatePartition',
      ],
      resourceArns: [this.catalogArn, this.databaseArn, this.tableArn('*')],
    });
  }
}

/**
 * The Glue Data Catalog database of the platform's lake: tables of streaming ingestion, Spark
 * outputs and feature groups are registered here, so Athena, Spark and Firehose share one schema.
 *
 * Data Catalog encryption (`AWS::Glue::DataCatalogEncryptionSettings`) is one setting per account
 * and Region, so a construct cannot own it without clashing with every other stack in the account:
 * set it once per account (see docs/data-plane.md).
 */
export class LakeDatabase extends LakeDatabaseBase {
  /** Imports a database by name. */
  public static fromDatabaseName(scope: Construct, id: string, databaseName: string): ILakeDatabase {
    return LakeDatabase.fromDatabaseAttributes(scope, id, { databaseName });
  }

  public static fromDatabaseAttributes(
    scope: Construct,
    id: string,
    attrs: LakeDatabaseAttributes,
  ): ILakeDatabase {
    class Import extends LakeDatabaseBase {
      public readonly databaseName = attrs.databaseName;
    }
    return new Import(scope, id);
  }

  public readonly databaseName: string;
  public readonly cfnDatabase: glue.CfnDatabase;

  constructor(scope: Construct, id: string, props: LakeDatabaseProps) {
    super(scope, id);
    validateDatabaseName(this, props.databaseName);
    this.databaseName = props.databaseName;
    const prefix = props.locationPrefix ?? 'curated/';
    this.cfnDatabase = new glue.CfnDatabase(this, 'Resource', {
      catalogId: Stack.of(this).account,
      databaseInput: {
        name: props.databaseName,
        description: props.description ?? `Data lake database of ${this.node.path}`,
        locationUri: `s3://${props.bucket.bucketName}/${prefix}`,
      },
    });
    const usage: UsageAssumptions = {
      source: 'LakeDatabase',
      note: 'one Data Catalog object; the first million objects of an account are free',
    };
    this.cfnDatabase.addMetadata(USAGE_METADATA_KEY, usage);
  }
}

/** Glue and Athena name rule: lower case letters, digits and underscore. */
export const GLUE_NAME_PATTERN = /^[a-z0-9_]{1,255}$/;

function validateDatabaseName(scope: Construct, name: string): void {
  if (Token.isUnresolved(name)) return;
  new PropValidator('LakeDatabase', scope)
    .check(
      GLUE_NAME_PATTERN.test(name),
      'databaseName',
      name,
      'lower-case letters, digits and underscores (1 to 255 characters)',
    )
    .throwIfAny();
}
