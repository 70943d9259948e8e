/**
 * The Glue table of a `StreamingIngestion`: the schema Firehose converts records against, and the
 * table Athena and Spark read, with partition projection over the arrival day and any record-field
 * partition keys.
 */
import { Stack } from 'aws-cdk-lib';
import * as glue from 'aws-cdk-lib/aws-glue';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { LakeDatabase } from '../lake-database';
import { PARQUET_STORAGE } from '../lake-table';
import type { StreamingIngestionProps } from '../streaming-ingestion-props';

/** Creates the table (id `Table` under `scope`) over `dataPrefix` and lets `role` read its definition. */
export function createIngestionTable(
  scope: Construct,
  props: StreamingIngestionProps,
  dataPrefix: string,
  role: iam.IRole,
): glue.CfnTable {
  const stack = Stack.of(scope);
  const partitionKeys = props.partitionKeys ?? [];
  const bucketName = props.bucket.bucketName;
  const location = `s3://${bucketName}/${dataPrefix}`;
  const projection: Record<string, string> = {
    'projection.enabled': 'true',
    'projection.dt.type': 'date',
    'projection.dt.format': 'yyyy-MM-dd',
    'projection.dt.range': 'NOW-5YEARS,NOW',
    'projection.dt.interval': '1',
    'projection.dt.interval.unit': 'DAYS',
  };
  for (const key of partitionKeys) projection[`projection.${key}.type`] = 'injected';
  const pathTemplate = ['dt', ...partitionKeys].map((k) => `${k}=\${${k}}`).join('/');
  const table = new glue.CfnTable(scope, 'Table', {
    catalogId: stack.account,
    databaseName: props.database.databaseName,
    tableInput: {
      name: props.tableName,
      description: `Raw ${props.tableName} records delivered by Firehose (${scope.node.path})`,
      tableType: 'EXTERNAL_TABLE',
      parameters: {
        classification: 'parquet',
        'parquet.compression': 'SNAPPY',
        // Partition projection (Athena): partitions are computed from the path template, so no
        // crawler and no catalog partition objects are needed.
        ...projection,
        'storage.location.template': `${location}${pathTemplate}/`,
      },
      partitionKeys: [
        { name: 'dt', type: 'string', comment: 'arrival day (UTC), yyyy-MM-dd' },
        ...partitionKeys.map((k) => ({ name: k, type: 'string', comment: `record field ${k}` })),
      ],
      storageDescriptor: {
        location,
        columns: props.columns.map((c) => ({ name: c.name, type: c.type.name, comment: c.comment })),
        ...PARQUET_STORAGE,
        compressed: true,
      },
    },
  });
  if (props.database instanceof LakeDatabase) table.addResourceDependency(props.database.cfnDatabase);
  // "If your delivery stream performs data-format conversion, Firehose references table definitions
  // stored in AWS Glue": glue:GetTable, GetTableVersion, GetTableVersions on the table.
  props.database.grantReadTables(role, [props.tableName]);
  return table;
}
