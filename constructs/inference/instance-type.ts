import { Token } from 'aws-cdk-lib';
import { MlPlatformValidationError } from '../core/errors';

// Constants first: the static members below are built when the class is defined.
const INSTANCE_TYPE_PATTERN = /^ml\.([a-z]+\d+[a-z0-9-]*)\.(\d*x?large|medium|small|micro|metal|\d+xlarge)$/;
const ACCELERATED_FAMILY = /^(g\d|p\d|inf\d|trn\d|dl\d)/;
/** Families with a `d` after the generation (m5d, c5d, r5d, g4dn, p3dn, p4d, p4de, m6id, ...). */
const INSTANCE_STORE_FAMILY = /^[a-z]+\d+[a-z]*d[a-z]*$/;
/** Accelerated families that carry local NVMe without a `d` in the name. */
const INSTANCE_STORE_FAMILIES = new Set([
  'g5',
  'g6',
  'g6e',
  'gr6',
  'p5',
  'p5e',
  'p5en',
  'trn1',
  'trn1n',
  'trn2',
]);

/**
 * Whether a SageMaker hosting instance type (`ml.g5.xlarge`, or `g5.xlarge`) has local NVMe instance
 * storage. The CreateEndpointConfig reference: "You can't request a KmsKeyId when using an instance
 * type with local storage." By EC2 naming, families whose attribute letters include `d` carry
 * instance store (c5d, m6id, g4dn, p3dn, p4d, p4de); the families above ship NVMe without the letter.
 * The one list both the construct and the rule packs read.
 */
export function hasLocalNvmeStorage(instanceType: string): boolean {
  const family = instanceType.replace(/^ml\./, '').split('.')[0];
  return INSTANCE_STORE_FAMILY.test(family) || INSTANCE_STORE_FAMILIES.has(family);
}

/**
 * A SageMaker hosting instance type (`ml.<family>.<size>`), checked when it is created.
 *
 * Pricing and validation need the literal name, so tokens are refused.
 */
export class InferenceInstanceType {
  /** General purpose, burstable: for tests and tiny models only (cannot autoscale). */
  public static readonly ML_T2_MEDIUM = new InferenceInstanceType('ml.t2.medium');
  /** General purpose, burstable: for tests and tiny models only (cannot autoscale). */
  public static readonly ML_T3_MEDIUM = new InferenceInstanceType('ml.t3.medium');
  /** General purpose, 2 vCPU, 8 GiB. */
  public static readonly ML_M5_LARGE = new InferenceInstanceType('ml.m5.large');
  /** General purpose, 4 vCPU, 16 GiB. */
  public static readonly ML_M5_XLARGE = new InferenceInstanceType('ml.m5.xlarge');
  /** Compute optimised, 2 vCPU, 4 GiB. */
  public static readonly ML_C5_LARGE = new InferenceInstanceType('ml.c5.large');
  /** Compute optimised, 4 vCPU, 8 GiB. */
  public static readonly ML_C5_XLARGE = new InferenceInstanceType('ml.c5.xlarge');
  /** Compute optimised, 4 vCPU, 8 GiB (Ice Lake). */
  public static readonly ML_C6I_XLARGE = new InferenceInstanceType('ml.c6i.xlarge');
  /** 1 NVIDIA T4, 4 vCPU, 16 GiB, local NVMe. */
  public static readonly ML_G4DN_XLARGE = new InferenceInstanceType('ml.g4dn.xlarge');
  /** 1 NVIDIA A10G, 4 vCPU, 16 GiB, local NVMe. */
  public static readonly ML_G5_XLARGE = new InferenceInstanceType('ml.g5.xlarge');
  /** 1 NVIDIA A10G, 8 vCPU, 32 GiB, local NVMe. */
  public static readonly ML_G5_2XLARGE = new InferenceInstanceType('ml.g5.2xlarge');
  /** 4 NVIDIA A10G, 48 vCPU, 192 GiB, local NVMe. */
  public static readonly ML_G5_12XLARGE = new InferenceInstanceType('ml.g5.12xlarge');
  /** 1 NVIDIA L4, 4 vCPU, 16 GiB, local NVMe. */
  public static readonly ML_G6_XLARGE = new InferenceInstanceType('ml.g6.xlarge');
  /** 1 NVIDIA L40S, 4 vCPU, 32 GiB, local NVMe. */
  public static readonly ML_G6E_XLARGE = new InferenceInstanceType('ml.g6e.xlarge');
  /** 1 NVIDIA V100, 8 vCPU, 61 GiB, EBS only. */
  public static readonly ML_P3_2XLARGE = new InferenceInstanceType('ml.p3.2xlarge');
  /** 8 NVIDIA A100, 96 vCPU, 1152 GiB, local NVMe. */
  public static readonly ML_P4D_24XLARGE = new InferenceInstanceType('ml.p4d.24xlarge');
  /** 1 AWS Inferentia2, 4 vCPU, 16 GiB, EBS only. */
  public static readonly ML_INF2_XLARGE = new InferenceInstanceType('ml.inf2.xlarge');

  /** Any `ml.*` hosting instance type, e.g. `InferenceInstanceType.of('ml.g6.2xlarge')`. */
  public static of(name: string): InferenceInstanceType {
    return new InferenceInstanceType(name);
  }

  /** The instance family, e.g. `g5` for `ml.g5.xlarge`. */
  public readonly family: string;
  /** The size, e.g. `xlarge` for `ml.g5.xlarge`. */
  public readonly size: string;

  private constructor(private readonly name: string) {
    if (typeof name !== 'string' || Token.isUnresolved(name)) {
      throw new MlPlatformValidationError('InferenceInstanceType', 'InferenceInstanceType', [
        {
          prop: 'instanceType',
          value: String(name),
          allowed: 'a literal ml.* instance type (pricing and validation need it at synth)',
        },
      ]);
    }
    const match = INSTANCE_TYPE_PATTERN.exec(name);
    if (!match) {
      throw new MlPlatformValidationError('InferenceInstanceType', 'InferenceInstanceType', [
        {
          prop: 'instanceType',
          value: name,
          allowed: 'a SageMaker hosting instance type of the form ml.<family>.<size>, e.g. ml.g5.xlarge',
        },
      ]);
    }
    this.family = match[1];
    this.size = match[2];
  }

  /** Burstable (`ml.t*`): CPU credits run out under sustained load, so autoscaling on them is refused. */
  public get isBurstable(): boolean {
    return /^t\d/.test(this.family);
  }

  /**
   * GPU, Inferentia or Trainium: new accounts start with a service quota of zero for these,
   * so `InferenceEndpoint` warns at synth.
   */
  public get isAccelerated(): boolean {
    return ACCELERATED_FAMILY.test(this.family);
  }

  /**
   * Instance types with local NVMe instance storage, which the instance encrypts in hardware.
   * SageMaker rejects an endpoint configuration `KmsKeyId` when any variant uses one of these.
   */
  public get hasInstanceStorage(): boolean {
    return hasLocalNvmeStorage(this.name);
  }

  /** The name SageMaker expects, e.g. `ml.g5.xlarge`. */
  public toString(): string {
    return this.name;
  }
}
