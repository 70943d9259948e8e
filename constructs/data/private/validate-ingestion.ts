/** Validation of `StreamingIngestionProps`: every problem reported at once. */
import { Token } from 'aws-cdk-lib';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import type { Construct } from 'constructs';
import { PropValidator } from '../../core/errors';
import type { IngestionSource } from '../ingestion-source';
import { badIdentifiers } from '../lake-table';
import type { StreamingIngestionProps } from '../streaming-ingestion-props';
import { checkLakeKey } from './lake-key';

export function validateIngestionProps(
  scope: Construct,
  props: StreamingIngestionProps,
  source: IngestionSource,
): void {
  const v = new PropValidator('StreamingIngestion', scope);
  v.check(
    badIdentifiers([props.tableName]).length === 0,
    'tableName',
    props.tableName,
    'lower-case letters, digits and underscores (1 to 255 characters)',
  );
  v.check(props.columns.length > 0, 'columns', props.columns.length, 'at least one column');
  const names = props.columns.map((c) => c.name);
  const bad = badIdentifiers(names);
  v.check(bad.length === 0, 'columns[].name', bad, 'lower-case letters, digits and underscores');
  const dupes = names.filter((n, i) => names.indexOf(n) !== i);
  v.check(dupes.length === 0, 'columns[].name', dupes, 'unique column names');
  const keys = props.partitionKeys ?? [];
  const badKeys = badIdentifiers(keys);
  v.check(badKeys.length === 0, 'partitionKeys', badKeys, 'lower-case letters, digits and underscores');
  const clash = keys.filter((k) => k === 'dt' || names.includes(k));
  v.check(
    clash.length === 0,
    'partitionKeys',
    clash,
    "record fields that are neither data columns nor 'dt' (the arrival-day partition)",
  );
  v.check(
    keys.length <= 5,
    'partitionKeys',
    keys.length,
    'at most 5 keys (each adds a folder level and multiplies the active partitions)',
  );
  if (props.bufferSize) v.range('bufferSize', props.bufferSize.toMebibytes(), 64, 128);
  if (props.bufferInterval) v.range('bufferInterval', props.bufferInterval.toSeconds(), 60, 900);
  if (props.expectedGbPerDay !== undefined && !Token.isUnresolved(props.expectedGbPerDay)) {
    v.check(
      Number.isFinite(props.expectedGbPerDay) && props.expectedGbPerDay >= 0,
      'expectedGbPerDay',
      props.expectedGbPerDay,
      'a number of GB, 0 or more',
    );
  }
  if (props.averageRecordSize)
    v.range('averageRecordSize', props.averageRecordSize.toBytes(), 1, 1_000 * 1024);
  checkLakeKey(v, props);
  if (source.kind === 'kinesis') {
    const o = source.kinesisOptions ?? {};
    const onDemand = (o.streamMode ?? kinesis.StreamMode.ON_DEMAND) === kinesis.StreamMode.ON_DEMAND;
    v.check(
      !(onDemand && o.shardCount !== undefined),
      'source.shardCount',
      o.shardCount,
      'unset for an on-demand stream (it sizes itself); use StreamMode.PROVISIONED to choose shards',
    );
    v.range('source.shardCount', o.shardCount, 1, 500);
    if (o.retentionPeriod) v.range('source.retentionPeriod', o.retentionPeriod.toHours(), 24, 8760);
  } else {
    const topic = source.mskOptions!.topicName;
    v.check(
      Token.isUnresolved(topic) || /^[a-zA-Z0-9._-]{1,249}$/.test(topic),
      'source.topicName',
      topic,
      'a Kafka topic name: letters, digits, ".", "_" and "-" (1 to 249 characters)',
    );
  }
  v.throwIfAny();
}
