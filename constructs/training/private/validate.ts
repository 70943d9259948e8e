/**
 * Prop validation of `GpuTrainingCluster` and its `addGpuJob` / `addMultiNodeJob`: every check
 * runs, then one error lists all problems, in the order below (the order of the messages users see).
 */
import { SizeRoundingBehavior, Token, type Duration } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { PropValidator } from '../../core/errors';
import { GPU_FAMILIES, gpuInstanceSpec, type GpuInstanceSpec } from '../gpu-instance-types';
import { OFFERINGS_EVIDENCE } from '../region-offerings';
import type { GpuTrainingClusterProps } from '../gpu-training-cluster-props';
import type { GpuJobProps, MultiNodeGpuJobProps } from '../job-definitions';
import { isValidLustreCapacity, LUSTRE_CAPACITY_RULE, LUSTRE_THROUGHPUTS } from '../scratch-file-system';

/** The props with the constructor's defaults applied, as validation needs them. */
export interface ResolvedClusterProps {
  readonly clusterName: string;
  readonly instanceTypes: string[];
  readonly efaInstanceTypes: string[];
  readonly maxGpus: number;
  readonly minGpus: number;
  readonly capacityTimeout: Duration;
  readonly afterSpotReclaims: number;
  /** The GPU types the stack's region sells, when the region is known (constructs/training/region-offerings.ts). */
  readonly offeredIn?: OfferedIn;
}

/** The region of the stack and the accepted GPU types it offers. */
export interface OfferedIn {
  readonly region: string;
  readonly types: ReadonlySet<string>;
}

/** The specs of the validated instance types (empty `efaSpecs` without `efa`). */
export interface ClusterInstanceSpecs {
  readonly specs: GpuInstanceSpec[];
  readonly efaSpecs: GpuInstanceSpec[];
}

/** The instance types a multi-node job may run on, as the cluster was built. */
export interface MultiNodeCapacity {
  readonly instanceTypes: string[];
  readonly efaInstanceTypes: string[];
  readonly hasEfa: boolean;
  readonly hasOnDemand: boolean;
  /** Instance types of `reservedCapacity` (on-demand capacity, so multi-node jobs may run there). */
  readonly reservedInstanceTypes?: string[];
  /** The reserved types with EFA. */
  readonly reservedEfaInstanceTypes?: string[];
}

/** Checks the props of a `GpuTrainingCluster`; throws one `MlPlatformValidationError` listing every problem. */
export function validateClusterProps(
  scope: IConstruct,
  props: GpuTrainingClusterProps,
  resolved: ResolvedClusterProps,
): ClusterInstanceSpecs {
  const { clusterName, instanceTypes, maxGpus, minGpus, capacityTimeout, afterSpotReclaims } = resolved;
  const efaTypes = resolved.efaInstanceTypes;
  const v = new PropValidator('GpuTrainingCluster', scope);
  validateClusterName(v, clusterName);
  const specs = validateInstanceTypes(v, 'instanceTypes', instanceTypes, false, resolved.offeredIn);
  v.range('maxGpus', maxGpus, 1, 4096);
  v.range('minGpus', minGpus, 0, 4096);
  v.ordered('minGpus', minGpus, 'maxGpus', maxGpus);
  validateFitsLargestType(v, 'maxGpus', maxGpus, specs, instanceTypes);
  v.range('spotBidPercentage', props.spotBidPercentage, 1, 100);
  if (!capacityTimeout.isUnresolved()) {
    const s = capacityTimeout.toSeconds();
    v.check(
      s >= 600 && s <= 86400,
      'capacityTimeout',
      `${s} seconds`,
      'a duration from 10 minutes to 24 hours',
    );
  }
  if (props.onDemandFallback) {
    v.range('onDemandFallback.maxGpus', props.onDemandFallback.maxGpus, 1, 4096);
    v.range('onDemandFallback.afterSpotReclaims', afterSpotReclaims, 1, 10);
    validateFitsLargestType(
      v,
      'onDemandFallback.maxGpus',
      props.onDemandFallback.maxGpus,
      specs,
      instanceTypes,
    );
  }
  let efaSpecs: GpuInstanceSpec[] = [];
  if (props.efa) {
    efaSpecs = validateInstanceTypes(v, 'efa.instanceTypes', efaTypes, true, resolved.offeredIn);
    v.range('efa.maxGpus', props.efa.maxGpus, 1, 4096);
    validateFitsLargestType(v, 'efa.maxGpus', props.efa.maxGpus ?? 16, efaSpecs, efaTypes);
    // `efa.spot` existed once: a JavaScript caller may still pass it, and it must not be ignored silently.
    const removedSpot = (props.efa as { spot?: unknown }).spot;
    v.check(
      removedSpot === undefined,
      'efa.spot',
      removedSpot,
      'unset: AWS Batch does not run multi-node parallel jobs on spot, so the EFA compute environment is on-demand',
    );
  }
  if (props.fsx) {
    const gib = props.fsx.storageCapacityGiB;
    if (!Token.isUnresolved(gib))
      v.check(isValidLustreCapacity(gib), 'fsx.storageCapacityGiB', gib, LUSTRE_CAPACITY_RULE);
    if (props.fsx.throughputPerTiBMBps !== undefined) {
      v.check(
        LUSTRE_THROUGHPUTS.includes(props.fsx.throughputPerTiBMBps),
        'fsx.throughputPerTiBMBps',
        props.fsx.throughputPerTiBMBps,
        `one of ${LUSTRE_THROUGHPUTS.join(', ')}`,
      );
    }
  }
  if (props.fairShare) validateShares(v, props.fairShare.shares);
  if (props.expectedUsage) {
    const u = props.expectedUsage;
    v.range('expectedUsage.monthlyGpuHours', u.monthlyGpuHours, 0, 1e7, { integer: false });
    v.range('expectedUsage.monthlyInstanceHours', u.monthlyInstanceHours, 0, 1e7, { integer: false });
  }
  if (props.rootVolumeSize && !props.rootVolumeSize.isUnresolved()) {
    const gib = props.rootVolumeSize.toGibibytes({ rounding: SizeRoundingBehavior.NONE });
    v.check(
      Number.isInteger(gib) && gib >= 30 && gib <= 16384,
      'rootVolumeSize',
      `${gib} GiB`,
      'from 30 to 16384 GiB in whole GiB',
    );
  }
  v.throwIfAny();
  return { specs, efaSpecs };
}

/** Checks the props of `addGpuJob` against the cluster's instance types. */
export function validateGpuJob(path: string, props: GpuJobProps, instanceTypes: string[]): void {
  const gpus = props.gpus ?? 1;
  const v = new PropValidator('GpuTrainingCluster.addGpuJob', path);
  const largest = Math.max(...instanceTypes.map((t) => gpuInstanceSpec(t)!.gpus));
  v.range('gpus', gpus, 1, largest);
  v.range('vcpus', props.vcpus, 1, 192);
  v.range('retryAttempts', props.retryAttempts, 1, 10);
  validateJobCommon(v, props);
  v.throwIfAny();
}

/**
 * Checks the props of `addMultiNodeJob` against the cluster's capacity; returns the node instance
 * type (the first of its pool unless `instanceType` names one) and its spec.
 */
export function validateMultiNodeJob(
  path: string,
  props: MultiNodeGpuJobProps,
  capacity: MultiNodeCapacity,
): { instanceType: string; spec: GpuInstanceSpec } {
  const efa = props.efa ?? false;
  const reservedEfa = capacity.reservedEfaInstanceTypes ?? [];
  const reserved = capacity.reservedInstanceTypes ?? [];
  // Reserved capacity is on-demand: multi-node jobs may run there, EFA jobs on reserved EFA types.
  const pool = [
    ...new Set(
      efa
        ? [...(capacity.hasEfa ? capacity.efaInstanceTypes : []), ...reservedEfa]
        : [...(capacity.hasOnDemand ? capacity.instanceTypes : []), ...reserved],
    ),
  ];
  const instanceType = props.instanceType?.toString() ?? pool[0];
  const v = new PropValidator('GpuTrainingCluster.addMultiNodeJob', path);
  v.range('nodes', props.nodes, 2, 1000);
  v.range('retryAttempts', props.retryAttempts, 1, 10);
  validateJobCommon(v, props);
  const spec = instanceType === undefined ? undefined : gpuInstanceSpec(instanceType);
  if (efa && !capacity.hasEfa && reservedEfa.length === 0) {
    v.check(
      false,
      'efa',
      true,
      'false unless the cluster has EFA capacity: set the `efa` prop of GpuTrainingCluster (or reserve an EFA instance type in reservedCapacity)',
    );
  } else if (!efa && !capacity.hasOnDemand && reserved.length === 0) {
    v.check(
      false,
      'efa',
      efa,
      'true, or the cluster needs `onDemandFallback`: AWS Batch does not run multi-node parallel jobs on spot, so a multi-node job without EFA runs on the on-demand queue',
    );
  } else if (instanceType !== undefined && !pool.includes(instanceType)) {
    const allowed =
      efa && spec && spec.efaInterfaces === 0
        ? `a type with EFA support from efa.instanceTypes (${pool.join(', ')})`
        : `one of the ${efa ? 'EFA' : 'cluster'} instance types ${pool.join(', ')}`;
    v.check(false, 'instanceType', instanceType, allowed);
  }
  if (spec) {
    v.range('gpusPerNode', props.gpusPerNode, 1, spec.gpus);
    v.range('vcpusPerNode', props.vcpusPerNode, 1, spec.vcpus);
  }
  v.throwIfAny();

  // Validation passed: the pool had a type and it is a known GPU type.
  return { instanceType: instanceType!, spec: spec! };
}

function validateClusterName(v: PropValidator, name: string): void {
  if (Token.isUnresolved(name)) {
    v.check(
      false,
      'clusterName',
      name,
      'a literal string (it names metrics and checkpoint prefixes at synth)',
    );
    return;
  }
  v.check(CLUSTER_NAME.test(name), 'clusterName', name, '1 to 64 letters, digits, hyphens or underscores');
}

function validateInstanceTypes(
  v: PropValidator,
  prop: string,
  types: string[],
  needEfa: boolean,
  offeredIn?: OfferedIn,
): GpuInstanceSpec[] {
  v.check(types.length > 0, prop, types, 'a non-empty list of GPU instance types');
  const specs: GpuInstanceSpec[] = [];
  types.forEach((t, i) => {
    if (Token.isUnresolved(t)) {
      v.check(false, `${prop}[${i}]`, t, 'a literal instance type (it is validated and priced at synth)');
      return;
    }
    const spec = gpuInstanceSpec(t);
    if (!spec) {
      v.check(
        false,
        `${prop}[${i}]`,
        t,
        `an NVIDIA GPU instance type of the families ${GPU_FAMILIES.join(', ')} (e.g. g5.xlarge)`,
      );
      return;
    }
    if (needEfa)
      v.check(
        spec.efaInterfaces > 0,
        `${prop}[${i}]`,
        t,
        'a type with EFA support (e.g. g5.12xlarge, g6e.12xlarge, p4d.24xlarge, p5.48xlarge)',
      );
    if (offeredIn && !offeredIn.types.has(t)) {
      const sold = [...offeredIn.types];
      v.check(
        false,
        `${prop}[${i}]`,
        t,
        sold.length === 0
          ? `a GPU type sold in ${offeredIn.region}; ${OFFERINGS_EVIDENCE} lists none of the accepted families there (choose another region)`
          : `a GPU type sold in ${offeredIn.region} (${OFFERINGS_EVIDENCE}; AWS Batch refuses others): ${sold.join(', ')}`,
      );
      return;
    }
    specs.push(spec);
  });
  const architectures = [...new Set(specs.map((s) => s.architecture))];
  v.check(
    architectures.length <= 1,
    prop,
    types,
    'types of one CPU architecture (one AMI per compute environment): all x86_64 or all arm64',
  );
  return specs;
}

function validateFitsLargestType(
  v: PropValidator,
  prop: string,
  maxGpus: number,
  specs: GpuInstanceSpec[],
  types: string[],
): void {
  if (specs.length === 0 || Token.isUnresolved(maxGpus) || !Number.isInteger(maxGpus) || maxGpus < 1) return;
  const minRatio = Math.min(...specs.map((s) => s.vcpus / s.gpus));
  const largest = specs.reduce((a, b) => (b.vcpus > a.vcpus ? b : a));
  const needed = Math.ceil(largest.vcpus / minRatio);
  const name = types[specs.indexOf(largest)];
  v.check(
    maxGpus >= needed,
    prop,
    maxGpus,
    `at least ${needed} so one ${name} (${largest.vcpus} vCPUs) fits under the cap of ${minRatio} vCPUs per GPU, or drop ${name}`,
  );
}

function validateShares(v: PropValidator, shares: Record<string, number>): void {
  const entries = Object.entries(shares);
  v.check(entries.length > 0, 'fairShare.shares', shares, 'at least one share identifier');
  for (const [id, share] of entries) {
    v.check(
      /^[A-Za-z0-9_]{1,255}$/.test(id),
      'fairShare.shares',
      id,
      'keys of letters, digits and underscores (AWS Batch share identifiers)',
    );
    if (!Token.isUnresolved(share)) {
      v.check(
        Number.isFinite(share) && share > 0 && share <= 10000,
        `fairShare.shares.${id}`,
        share,
        'a number above 0 and at most 10000',
      );
    }
  }
}

function validateJobCommon(
  v: PropValidator,
  props: { environment?: Record<string, string>; timeout?: Duration },
): void {
  for (const name of Object.keys(props.environment ?? {})) {
    v.check(
      !name.startsWith('CHECKPOINT_'),
      `environment.${name}`,
      name,
      'a name that does not start with CHECKPOINT_ (reserved for the checkpoint contract)',
    );
  }
  if (props.timeout && !props.timeout.isUnresolved()) {
    v.check(
      props.timeout.toSeconds() >= 60,
      'timeout',
      props.timeout.toHumanString(),
      'at least 1 minute (AWS Batch minimum)',
    );
  }
}

const CLUSTER_NAME = /^[A-Za-z0-9_-]{1,64}$/;
