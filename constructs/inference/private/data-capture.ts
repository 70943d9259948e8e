/**
 * Data capture of an `InferenceEndpoint`: the models' write access and the endpoint configuration's block.
 */
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { CfnEndpointConfig } from 'aws-cdk-lib/aws-sagemaker';
import type { InferenceDataCaptureOptions, InferenceMode } from '../inference-endpoint-props';
import type { InferenceModel } from '../model';

/** Where and how requests and responses are captured. */
export interface DataCaptureSpec {
  readonly capture?: InferenceDataCaptureOptions;
  readonly mode: InferenceMode;
  readonly enabled: boolean;
  /** Where captured data goes: `dataCapture.bucket`, or the one the endpoint created (none while capture is off). */
  readonly bucket?: s3.IBucket;
  /** Key prefix of the captured data (defaults applied). */
  readonly prefix: string;
  /** Key of the captured data: the bucket's own, else the endpoint's. */
  readonly key: kms.IKey;
}

/** Lets every model of the endpoint write captured data under the prefix, while capture is on. */
export function allowDataCapture(spec: DataCaptureSpec, models: readonly InferenceModel[]): void {
  const bucket = spec.bucket;
  if (!spec.enabled || !bucket) return;
  for (const m of models) m.allowWriteTo(bucket, spec.prefix, 'captured request and response');
}

/**
 * The `DataCaptureConfig` of real-time and async endpoints with a capture bucket (with
 * `enableCapture: false` when capture is off), else undefined.
 */
export function dataCaptureConfig(
  spec: DataCaptureSpec,
): CfnEndpointConfig.DataCaptureConfigProperty | undefined {
  const { capture, mode, bucket } = spec;
  return bucket && (mode === 'real-time' || mode === 'async')
    ? {
        enableCapture: spec.enabled,
        initialSamplingPercentage: capture?.samplingPercentage ?? 20,
        destinationS3Uri: bucket.s3UrlForObject(spec.prefix),
        kmsKeyId: spec.key.keyArn,
        captureOptions: [{ captureMode: 'Input' }, { captureMode: 'Output' }],
      }
    : undefined;
}
