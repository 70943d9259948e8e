import { Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type { IConstruct } from 'constructs';
import { MlPlatformValidationError } from './errors';

/** How a construct picks subnets of a user's VPC. */
export interface VpcSubnetsOptions {
  /** The construct type named in errors, e.g. `GpuTrainingCluster`. */
  readonly constructType: string;
  /** The selection the user passed (`vpcSubnets`), if any. */
  readonly selection?: ec2.SubnetSelection;
  /** The subnet type used when the user passed none. */
  readonly defaultType: ec2.SubnetType;
  /**
   * A subnet type used instead of `defaultType` when the VPC has none of those, where that is as safe
   * (e.g. private subnets with egress for resources that default to isolated ones).
   * @default - none: a VPC without `defaultType` subnets is an error
   */
  readonly fallbackType?: ec2.SubnetType;
  /**
   * Availability zones the selected subnets must span.
   * @default 1
   */
  readonly minAzs?: number;
  /**
   * The prop named in errors.
   * @default 'vpcSubnets'
   */
  readonly prop?: string;
}

/** The chosen subnets and the selection that names them (pass it on to L2 constructs). */
export interface ChosenSubnets {
  readonly selection: ec2.SubnetSelection;
  readonly subnets: ec2.ISubnet[];
  readonly subnetIds: string[];
  readonly availabilityZones: string[];
}

/**
 * Selects subnets of a user's VPC, or throws `MlPlatformValidationError` naming the prop, what the
 * VPC has and the fix, instead of CDK's `There are no 'Isolated' subnet groups in this VPC`.
 */
export function chooseVpcSubnets(
  scope: IConstruct,
  vpc: ec2.IVpc,
  options: VpcSubnetsOptions,
): ChosenSubnets {
  const prop = options.prop ?? 'vpcSubnets';
  const has = subnetTypesOf(vpc);
  const fail = (value: unknown, allowed: string): never => {
    throw new MlPlatformValidationError(options.constructType, scope, [{ prop, value, allowed }]);
  };
  let selection = options.selection;
  if (!selection) {
    const type =
      has.includes(options.defaultType) || !options.fallbackType || !has.includes(options.fallbackType)
        ? options.defaultType
        : options.fallbackType;
    if (!has.includes(type)) {
      fail(
        undefined,
        `set (the default, ${enumName(type)} subnets, is missing from the VPC, which has ${describeTypes(has)}): pass e.g. { subnetType: ec2.SubnetType.${enumName(has[0] ?? ec2.SubnetType.PRIVATE_WITH_EGRESS)} } or { subnets: [...] }`,
      );
    }
    selection = { subnetType: type };
  }
  let selected: ec2.SelectedSubnets;
  try {
    selected = vpc.selectSubnets(selection);
  } catch {
    return fail(
      describeSelection(selection),
      `a selection the VPC can satisfy (it has ${describeTypes(has)}): e.g. { subnetType: ec2.SubnetType.${enumName(has.find((t) => t !== ec2.SubnetType.PUBLIC) ?? ec2.SubnetType.PRIVATE_WITH_EGRESS)} } or { subnets: [...] }`,
    );
  }
  if (selected.subnets.length === 0) {
    fail(
      describeSelection(selection),
      `a selection of at least one subnet (the VPC has ${describeTypes(has)})`,
    );
  }
  const azs = [
    ...new Set(selected.subnets.map((s) => s.availabilityZone).filter((az) => !Token.isUnresolved(az))),
  ];
  const minAzs = options.minAzs ?? 1;
  if (azs.length > 0 && azs.length < minAzs) {
    fail(
      describeSelection(selection),
      `subnets in at least ${minAzs} availability zones, got ${azs.length} (${azs.join(', ')})`,
    );
  }
  return { selection, subnets: selected.subnets, subnetIds: selected.subnetIds, availabilityZones: azs };
}

function subnetTypesOf(vpc: ec2.IVpc): ec2.SubnetType[] {
  const types: ec2.SubnetType[] = [];
  if (vpc.isolatedSubnets.length > 0) types.push(ec2.SubnetType.PRIVATE_ISOLATED);
  if (vpc.privateSubnets.length > 0) types.push(ec2.SubnetType.PRIVATE_WITH_EGRESS);
  if (vpc.publicSubnets.length > 0) types.push(ec2.SubnetType.PUBLIC);
  return types;
}

function describeTypes(types: ec2.SubnetType[]): string {
  return types.length === 0 ? 'no subnets' : types.map((t) => `${enumName(t)} subnets`).join(' and ');
}

function enumName(type: ec2.SubnetType): string {
  return Object.entries(ec2.SubnetType).find(([, v]) => v === type)?.[0] ?? String(type);
}

function describeSelection(selection: ec2.SubnetSelection): unknown {
  if (selection.subnets) return { subnets: selection.subnets.map((s) => s.subnetId) };
  const { subnetType, subnetGroupName, availabilityZones, onePerAz } = selection;
  return JSON.parse(
    JSON.stringify({
      subnetType: subnetType && enumName(subnetType),
      subnetGroupName,
      availabilityZones,
      onePerAz,
    }),
  );
}
