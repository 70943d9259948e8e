/**
 * AWS::EKS::Cluster: one cluster-hour per hour ("You pay $0.10 per hour for each Amazon EKS
 * cluster that you create", EKS pricing; extended-support versions cost more, noted).
 * AWS::EKS::Nodegroup: the EC2 instances of a managed node group, MinSize / DesiredSize /
 * MaxSize × the first instance type at on-demand ("There are no additional costs to use Amazon
 * EKS managed node groups, you only pay for the AWS resources you provision").
 */
import { asArray, asNumber, asRecord, asString } from '../template/values';
import { fixed, fmt, priceLines } from './unit-price-helpers';
import { ebsLines, findLaunchTemplate, launchTemplateData } from './launch-template';
import { HOURS_PER_MONTH, type LineDraft, type PricingModule } from './types';

export const priceEksCluster: PricingModule = ({ resource, usage, prices }) =>
  priceLines(prices, usage, [
    {
      service: 'AmazonEKS',
      key: 'AmazonEKS-Hours:perCluster',
      component: `EKS cluster (standard support${asString(resource.properties.Version) ? `, Kubernetes ${asString(resource.properties.Version)}` : ''})`,
      quantity: fixed(HOURS_PER_MONTH, `1 cluster × ${HOURS_PER_MONTH} h`),
      required: true,
      notes: ['a Kubernetes version in extended support is billed at the extended-support rate instead'],
    },
  ]);

export const priceEksNodegroup: PricingModule = ({ resource, prices, template }) => {
  const p = resource.properties;
  // A node group names its launch template as `{ Id | Name, Version }` (AWS::EKS::Nodegroup
  // LaunchTemplateSpecification), not as the `LaunchTemplateId | LaunchTemplateName` of EC2.
  const ltSpec = asRecord(p.LaunchTemplate);
  const lt = ltSpec
    ? findLaunchTemplate(template, { LaunchTemplateId: ltSpec.Id, LaunchTemplateName: ltSpec.Name })
    : undefined;
  const ltData = launchTemplateData(lt);
  // "If you don't specify an instance type in a launch template or for instanceTypes, then t3.medium is used" (EKS CreateNodegroup).
  const types = (asArray(p.InstanceTypes) ?? []).map(asString);
  if (types.some((t) => t === undefined) && types.length > 0)
    return { kind: 'unpriced', reason: 'InstanceTypes is not known before deployment' };
  const ltType = ltData.InstanceType;
  if (
    ltSpec !== undefined &&
    types.length === 0 &&
    (lt === undefined || (ltType !== undefined && asString(ltType) === undefined))
  )
    return {
      kind: 'unpriced',
      reason: 'the instance type comes from a launch template that is not known before deployment',
    };
  const type = (types[0] as string | undefined) ?? asString(ltType) ?? 't3.medium';
  const scaling = asRecord(p.ScalingConfig) ?? {};
  // EKS defaults: minSize 1, maxSize 2, desiredSize 2 (CreateNodegroup scalingConfig).
  const min = asNumber(scaling.MinSize) ?? 1;
  const max = asNumber(scaling.MaxSize) ?? 2;
  const desired = asNumber(scaling.DesiredSize) ?? Math.max(min, Math.min(2, max));
  const price = prices.price('AmazonEC2', type);
  if (!price)
    return { kind: 'unpriced', reason: `instance type ${type} has no AmazonEC2 price in ${prices.region}` };
  const spot = asString(p.CapacityType) === 'SPOT';
  const line: LineDraft = {
    service: 'AmazonEC2',
    component: `Node instances (${type}, ${spot ? 'spot priced at on-demand' : 'on-demand'})`,
    unit: price.unit,
    quantity: { min: min * HOURS_PER_MONTH, expected: desired * HOURS_PER_MONTH, max: max * HOURS_PER_MONTH },
    quantityFormula: `{${fmt(min)}, ${fmt(desired)}, ${fmt(max)}} nodes (min, desired, max) × ${HOURS_PER_MONTH} h`,
    price,
    pricingCategory: 'Standard',
    usageBased: false,
    hasUsage: true,
    usageSource: 'template',
    notes: [
      ...(types.length > 1
        ? [`priced on the first of ${types.length} instance types (${types.join(', ')})`]
        : []),
      ...(spot ? ['SPOT capacity can cost up to on-demand; the spot discount is not applied'] : []),
      ...(lt === undefined ? ['node EBS volumes (DiskSize, default 20 GB) are billed as EBS'] : []),
    ],
  };
  // Volumes of the launch template's block device mappings, one set per node, pro-rated by
  // node-hours like the instances ("the launch template ... block device mappings", EKS
  // launch template support); the EC2 default volume type is gp2.
  const ebs = ebsLines(ltData.BlockDeviceMappings, line.quantity, prices, 'gp2');
  return {
    kind: 'priced',
    lines: [{ ...line, notes: [...(line.notes ?? []), ...ebs.notes] }, ...ebs.lines],
    unpriced: ebs.unpriced,
  };
};
