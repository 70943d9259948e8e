/**
 * The usage metadata of a `StreamingIngestion` (`expectedGbPerDay`), on the delivery stream and on the
 * source, where the cost estimate reads it.
 */
import { Size, SizeRoundingBehavior } from 'aws-cdk-lib';
import type * as kinesis from 'aws-cdk-lib/aws-kinesis';
import type * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import type * as msk from 'aws-cdk-lib/aws-msk';
import { USAGE_METADATA_KEY, type UsageAssumptions } from '../../../cost/usage-metadata';
import type { IngestionSource } from '../ingestion-source';
import type { StreamingIngestionProps } from '../streaming-ingestion-props';

/** Records the expected monthly data (and, for Kinesis, records) when `expectedGbPerDay` is set. */
export function recordIngestionUsage(
  props: StreamingIngestionProps,
  source: IngestionSource,
  r: {
    readonly deliveryStream: firehose.CfnDeliveryStream;
    readonly stream?: kinesis.Stream;
    readonly mskCluster?: msk.CfnServerlessCluster;
  },
): void {
  if (props.expectedGbPerDay === undefined) return;
  const monthlyDataGb = round((props.expectedGbPerDay * 730) / 24);
  const recordKb = (props.averageRecordSize ?? Size.kibibytes(1)).toKibibytes({
    rounding: SizeRoundingBehavior.NONE,
  });
  const records = Math.round((monthlyDataGb * 1024 * 1024) / recordKb);
  const base = {
    monthlyDataGb,
    averageRecordSizeKb: recordKb,
    note: `${props.expectedGbPerDay} GB/day × 730/24 days`,
  };
  const delivery: UsageAssumptions = { ...base, source: 'StreamingIngestion.expectedGbPerDay' };
  r.deliveryStream.addMetadata(USAGE_METADATA_KEY, delivery);
  if (source.kind === 'kinesis') {
    const streamUsage: UsageAssumptions = {
      ...base,
      monthlyRequests: records,
      source: 'StreamingIngestion.expectedGbPerDay',
    };
    (r.stream!.node.defaultChild as kinesis.CfnStream).addMetadata(USAGE_METADATA_KEY, streamUsage);
  } else {
    r.mskCluster!.addMetadata(USAGE_METADATA_KEY, {
      ...base,
      source: 'StreamingIngestion.expectedGbPerDay',
    } satisfies UsageAssumptions);
  }
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
