/** CPU architecture of an instance type; one compute environment runs one AMI, so one architecture. */
export type CpuArchitecture = 'x86_64' | 'arm64';

/** What the training cluster needs to know about one NVIDIA GPU instance type. */
export interface GpuInstanceSpec {
  /** The family, e.g. `g5`. */
  readonly family: string;
  /** NVIDIA GPUs per instance. */
  readonly gpus: number;
  /** The GPU model, e.g. `A10G`. */
  readonly gpuName: string;
  /** vCPUs per instance. */
  readonly vcpus: number;
  /** Memory per instance in GiB. */
  readonly memoryGiB: number;
  readonly architecture: CpuArchitecture;
  /**
   * EFA interfaces the launch template can attach (one per network card); 0 when the type has no EFA.
   */
  readonly efaInterfaces: number;
}

type Row = readonly [gpus: number, gpuName: string, vcpus: number, memoryGiB: number, efaInterfaces: number];

/**
 * NVIDIA GPU families the cluster accepts (the ECS_AL2023_NVIDIA image runs them), with per-size facts.
 * vCPU, memory and GPU counts match `/work/shared/data/ec2-prices.csv` (skypilot-catalog@00148f2);
 * EFA support and network-card counts follow the EC2 user guide's "EFA supported instance types".
 * Neuron (trn1, inf2) and Gaudi (dl1) accelerators are left out: they need a different AMI.
 */
const FAMILIES: Readonly<
  Record<string, { architecture: CpuArchitecture; sizes: Readonly<Record<string, Row>> }>
> = {
  g4dn: {
    architecture: 'x86_64',
    sizes: {
      xlarge: [1, 'T4', 4, 16, 0],
      '2xlarge': [1, 'T4', 8, 32, 0],
      '4xlarge': [1, 'T4', 16, 64, 0],
      '8xlarge': [1, 'T4', 32, 128, 1],
      '12xlarge': [4, 'T4', 48, 192, 1],
      '16xlarge': [1, 'T4', 64, 256, 1],
      metal: [8, 'T4', 96, 384, 1],
    },
  },
  g5: {
    architecture: 'x86_64',
    sizes: {
      xlarge: [1, 'A10G', 4, 16, 0],
      '2xlarge': [1, 'A10G', 8, 32, 0],
      '4xlarge': [1, 'A10G', 16, 64, 0],
      '8xlarge': [1, 'A10G', 32, 128, 1],
      '12xlarge': [4, 'A10G', 48, 192, 1],
      '16xlarge': [1, 'A10G', 64, 256, 1],
      '24xlarge': [4, 'A10G', 96, 384, 1],
      '48xlarge': [8, 'A10G', 192, 768, 1],
    },
  },
  g5g: {
    architecture: 'arm64',
    sizes: {
      xlarge: [1, 'T4g', 4, 8, 0],
      '2xlarge': [1, 'T4g', 8, 16, 0],
      '4xlarge': [1, 'T4g', 16, 32, 0],
      '8xlarge': [1, 'T4g', 32, 64, 0],
      '16xlarge': [2, 'T4g', 64, 128, 0],
      metal: [2, 'T4g', 64, 128, 0],
    },
  },
  g6: {
    architecture: 'x86_64',
    sizes: {
      xlarge: [1, 'L4', 4, 16, 0],
      '2xlarge': [1, 'L4', 8, 32, 0],
      '4xlarge': [1, 'L4', 16, 64, 0],
      '8xlarge': [1, 'L4', 32, 128, 1],
      '12xlarge': [4, 'L4', 48, 192, 1],
      '16xlarge': [1, 'L4', 64, 256, 1],
      '24xlarge': [4, 'L4', 96, 384, 1],
      '48xlarge': [8, 'L4', 192, 768, 1],
    },
  },
  g6e: {
    architecture: 'x86_64',
    sizes: {
      xlarge: [1, 'L40S', 4, 32, 0],
      '2xlarge': [1, 'L40S', 8, 64, 0],
      '4xlarge': [1, 'L40S', 16, 128, 0],
      '8xlarge': [1, 'L40S', 32, 256, 1],
      '12xlarge': [4, 'L40S', 48, 384, 1],
      '16xlarge': [1, 'L40S', 64, 512, 1],
      '24xlarge': [4, 'L40S', 96, 768, 2],
      '48xlarge': [8, 'L40S', 192, 1536, 4],
    },
  },
  gr6: {
    architecture: 'x86_64',
    sizes: {
      '4xlarge': [1, 'L4', 16, 128, 0],
      '8xlarge': [1, 'L4', 32, 256, 1],
    },
  },
  p3: {
    architecture: 'x86_64',
    sizes: {
      '2xlarge': [1, 'V100', 8, 61, 0],
      '8xlarge': [4, 'V100', 32, 244, 0],
      '16xlarge': [8, 'V100', 64, 488, 0],
    },
  },
  p3dn: { architecture: 'x86_64', sizes: { '24xlarge': [8, 'V100', 96, 768, 1] } },
  p4d: { architecture: 'x86_64', sizes: { '24xlarge': [8, 'A100', 96, 1152, 4] } },
  p4de: { architecture: 'x86_64', sizes: { '24xlarge': [8, 'A100-80GB', 96, 1152, 4] } },
  p5: {
    architecture: 'x86_64',
    sizes: {
      '4xlarge': [1, 'H100', 16, 256, 0],
      '48xlarge': [8, 'H100', 192, 2048, 32],
    },
  },
  p5en: { architecture: 'x86_64', sizes: { '48xlarge': [8, 'H200', 192, 2048, 16] } },
};

/** Every instance type the cluster accepts (`g5.xlarge`, ...), in family order. */
export const GPU_INSTANCE_TYPES: readonly string[] = Object.entries(FAMILIES).flatMap(([family, { sizes }]) =>
  Object.keys(sizes).map((size) => `${family}.${size}`),
);

/** The accelerated families the cluster accepts, for messages and docs. */
export const GPU_FAMILIES: readonly string[] = Object.keys(FAMILIES);

/**
 * The default spot diversification: one-GPU sizes of three current families (A10G, L4, L40S),
 * each at 4 and 8 vCPUs, so `SPOT_PRICE_CAPACITY_OPTIMIZED` can pick from six pools per AZ.
 */
export const DEFAULT_TRAINING_INSTANCE_TYPES: readonly string[] = [
  'g5.xlarge',
  'g5.2xlarge',
  'g6.xlarge',
  'g6.2xlarge',
  'g6e.xlarge',
  'g6e.2xlarge',
];

/** The default EFA types: four-GPU sizes with one EFA network card, in the same two families. */
export const DEFAULT_EFA_INSTANCE_TYPES: readonly string[] = ['g6e.12xlarge', 'g5.12xlarge'];

/** Facts about an allowlisted GPU instance type, or undefined for anything else (CPU types, tokens, typos). */
export function gpuInstanceSpec(instanceType: string): GpuInstanceSpec | undefined {
  const dot = instanceType.indexOf('.');
  if (dot <= 0) return undefined;
  const family = instanceType.slice(0, dot);
  const f = Object.prototype.hasOwnProperty.call(FAMILIES, family) ? FAMILIES[family] : undefined;
  const size = instanceType.slice(dot + 1);
  const row = f && Object.prototype.hasOwnProperty.call(f.sizes, size) ? f.sizes[size] : undefined;
  if (!f || !row) return undefined;
  const [gpus, gpuName, vcpus, memoryGiB, efaInterfaces] = row;
  return { family, gpus, gpuName, vcpus, memoryGiB, architecture: f.architecture, efaInterfaces };
}

/** Every allowlisted type name, e.g. for property tests. */
export function allGpuInstanceTypes(): string[] {
  return Object.entries(FAMILIES).flatMap(([family, f]) =>
    Object.keys(f.sizes).map((size) => `${family}.${size}`),
  );
}
