import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Stage } from 'aws-cdk-lib';
import * as s3_assets from 'aws-cdk-lib/aws-s3-assets';
import { Construct } from 'constructs';
import { type ModelData } from '../constructs/inference/model';
import { ModelImage } from '../constructs/inference/model-image';

export interface ReferenceModelProps {
  /** Model version, recorded in `model.json` and returned with every prediction, e.g. `1.0.0`. */
  readonly version: string;
  /** Weights of the linear scorer, one per input feature. */
  readonly weights: readonly number[];
  /** Bias of the linear scorer. */
  readonly bias: number;
  /**
   * Serve on the GPU build of the container (for accelerated instance types).
   * @default false
   */
  readonly gpu?: boolean;
}

/**
 * The small real model the reference platform serves on its first deploy, so `cdk deploy` needs
 * no image or artifact prepared beforehand: a linear scorer (`model.json`) with its SageMaker
 * PyTorch handlers (`code/inference.py`), packed into a byte-for-byte reproducible `model.tar.gz`
 * at synth and shipped as a CDK file asset, served on the AWS Deep Learning Container for PyTorch
 * inference of the stack's region.
 *
 * The asset lands in the CDK bootstrap bucket before the stack deploys, so the model never waits
 * for a bucket or repository the stack itself creates empty.
 *
 * Request (`application/json`): `{"inputs": [[f1, f2, f3, f4], ...]}`;
 * response: `{"predictions": [score, ...], "model": "reference", "version": "<version>"}`.
 */
export class ReferenceModel extends Construct {
  /** Where the model artifact is (the bootstrap bucket's asset object). */
  public readonly modelData: ModelData;
  /** The PyTorch inference Deep Learning Container of the stack's region. */
  public readonly image: ModelImage;
  /**
   * Container environment: the SageMaker inference toolkit loads `SAGEMAKER_PROGRAM` from
   * `SAGEMAKER_SUBMIT_DIRECTORY` (`/opt/ml/model/code`, where SageMaker unpacks `code/`).
   */
  public readonly environment: Readonly<Record<string, string>>;
  /** The file asset of `model.tar.gz`. */
  public readonly asset: s3_assets.Asset;

  constructor(scope: Construct, id: string, props: ReferenceModelProps) {
    super(scope, id);
    const archive = referenceModelArchive(props.version, props.weights, props.bias);
    // Written into the cloud assembly directory, which exists from the App's construction on and is
    // cleaned up with it; CDK stages the asset from there under its content hash.
    const dir = join(Stage.of(this)?.outdir ?? '.', '.cdk-ml-platform');
    mkdirSync(dir, { recursive: true });
    const path = join(
      dir,
      `reference-model-${createHash('sha256').update(archive).digest('hex').slice(0, 16)}.tar.gz`,
    );
    writeFileSync(path, archive);
    this.asset = new s3_assets.Asset(this, 'Artifact', { path });
    this.modelData = { bucket: this.asset.bucket, key: this.asset.s3ObjectKey };
    this.image = ModelImage.fromDeepLearningContainer('pytorch-inference', props.gpu ? GPU_TAG : CPU_TAG);
    this.environment = {
      SAGEMAKER_PROGRAM: 'inference.py',
      SAGEMAKER_SUBMIT_DIRECTORY: '/opt/ml/model/code',
    };
  }
}

/**
 * PyTorch 2.6 inference images for SageMaker (aws/deep-learning-containers release notes
 * "PyTorch Inference 2.6 on SageMaker": `pytorch-inference:2.6.0-cpu-py312-ubuntu22.04-sagemaker`
 * and `pytorch-inference:2.6.0-gpu-py312-cu124-ubuntu22.04-sagemaker`).
 */
export const REFERENCE_MODEL_CPU_TAG = '2.6.0-cpu-py312-ubuntu22.04-sagemaker';
export const REFERENCE_MODEL_GPU_TAG = '2.6.0-gpu-py312-cu124-ubuntu22.04-sagemaker';
const CPU_TAG = REFERENCE_MODEL_CPU_TAG;
const GPU_TAG = REFERENCE_MODEL_GPU_TAG;

/** The handlers the SageMaker PyTorch inference toolkit calls: model_fn, input_fn, predict_fn, output_fn. */
export const REFERENCE_INFERENCE_PY = `"""cdk-ml-platform reference model: a linear scorer on the SageMaker PyTorch container.

Request (application/json): {"inputs": [[f1, f2, f3, f4], ...]}
Response: {"predictions": [score, ...], "model": "reference", "version": "<version>"}
"""
import json
import os

import torch


def model_fn(model_dir):
    with open(os.path.join(model_dir, "model.json")) as f:
        spec = json.load(f)
    layer = torch.nn.Linear(len(spec["weights"]), 1)
    with torch.no_grad():
        layer.weight.copy_(torch.tensor([spec["weights"]], dtype=torch.float32))
        layer.bias.fill_(float(spec["bias"]))
    layer.eval()
    return {"layer": layer, "features": len(spec["weights"]), "version": spec["version"]}


def input_fn(request_body, content_type):
    if not content_type.startswith("application/json"):
        raise ValueError("send application/json, got " + content_type)
    return json.loads(request_body)["inputs"]


def predict_fn(inputs, model):
    data = torch.tensor(inputs, dtype=torch.float32).reshape(-1, model["features"])
    with torch.no_grad():
        scores = torch.sigmoid(model["layer"](data)).squeeze(-1)
    return {"predictions": scores.tolist(), "model": "reference", "version": model["version"]}


def output_fn(prediction, accept):
    return json.dumps(prediction)
`;

/** `model.tar.gz` bytes: the same input always gives the same bytes (fixed mtimes, owners and gzip header). */
export function referenceModelArchive(version: string, weights: readonly number[], bias: number): Buffer {
  const modelJson = `${JSON.stringify({ name: 'reference', version, weights, bias }, null, 2)}\n`;
  return tarGz([
    { name: 'model.json', content: Buffer.from(modelJson) },
    { name: 'code/', directory: true },
    { name: 'code/inference.py', content: Buffer.from(REFERENCE_INFERENCE_PY) },
  ]);
}

interface TarEntry {
  readonly name: string;
  readonly content?: Buffer;
  readonly directory?: boolean;
}

/** A POSIX ustar archive, gzipped; SageMaker extracts it into /opt/ml/model. */
function tarGz(entries: readonly TarEntry[]): Buffer {
  const blocks: Buffer[] = [];
  for (const e of entries) {
    const content = e.content ?? Buffer.alloc(0);
    const header = Buffer.alloc(512);
    header.write(e.name, 0, 100, 'utf8');
    header.write(e.directory ? '0000755\0' : '0000644\0', 100, 8, 'ascii');
    header.write('0000000\0', 108, 8, 'ascii'); // uid
    header.write('0000000\0', 116, 8, 'ascii'); // gid
    header.write(`${content.length.toString(8).padStart(11, '0')}\0`, 124, 12, 'ascii');
    header.write('00000000000\0', 136, 12, 'ascii'); // mtime: the epoch, for reproducible bytes
    header.write('        ', 148, 8, 'ascii'); // checksum placeholder: spaces while summing
    header.write(e.directory ? '5' : '0', 156, 1, 'ascii');
    header.write('ustar\0', 257, 6, 'ascii');
    header.write('00', 263, 2, 'ascii');
    header.write('root', 265, 32, 'ascii');
    header.write('root', 297, 32, 'ascii');
    let sum = 0;
    for (const byte of header) sum += byte;
    header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'ascii');
    blocks.push(header, content, Buffer.alloc((512 - (content.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024)); // two zero blocks end the archive
  const gz = gzipSync(Buffer.concat(blocks), { level: 9 });
  gz[9] = 0xff; // gzip OS byte "unknown": the same bytes whichever OS zlib was built for
  return gz;
}
