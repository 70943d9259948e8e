/**
 * AWS::OpenSearchService::Domain (and the older AWS::Elasticsearch::Domain): data nodes,
 * dedicated master nodes and UltraWarm nodes at their instance-hour rates, every hour. EBS
 * storage per node is listed as unpriced until the catalog has its rate.
 */
import { asBoolean, asNumber, asRecord, asString } from '../template/values';
import { fixed, fmt, priceLines, type LineSpec } from './unit-price-helpers';
import { HOURS_PER_MONTH, type PricingModule } from './types';

function searchType(t: string): string {
  return t.endsWith('.search') || t.endsWith('.elasticsearch')
    ? t.replace(/\.elasticsearch$/, '.search')
    : `${t}.search`;
}

export const priceOpenSearchDomain: PricingModule = ({ resource, usage, prices }) => {
  const p = resource.properties;
  const cc = asRecord(p.ClusterConfig) ?? asRecord(p.ElasticsearchClusterConfig) ?? {};
  // "InstanceType ... default r5.large.search" is not documented for CloudFormation: require it.
  const dataType = asString(cc.InstanceType);
  if (!dataType)
    return { kind: 'unpriced', reason: 'ClusterConfig.InstanceType is not known before deployment' };
  const dataCount = asNumber(cc.InstanceCount) ?? 1;
  const node = (type: string, count: number, label: string): LineSpec => ({
    service: 'AmazonES',
    key: searchType(type),
    component: `${label} (${searchType(type)})`,
    quantity: fixed(count * HOURS_PER_MONTH, `${fmt(count)} nodes × ${HOURS_PER_MONTH} h`),
    required: true,
  });
  const specs: LineSpec[] = [node(dataType, dataCount, 'Data nodes')];
  if (asBoolean(cc.DedicatedMasterEnabled) === true) {
    const t = asString(cc.DedicatedMasterType);
    if (!t) return { kind: 'unpriced', reason: 'DedicatedMasterType is not known before deployment' };
    specs.push(node(t, asNumber(cc.DedicatedMasterCount) ?? 3, 'Dedicated master nodes'));
  }
  if (asBoolean(cc.WarmEnabled) === true) {
    const t = asString(cc.WarmType);
    if (!t) return { kind: 'unpriced', reason: 'WarmType is not known before deployment' };
    specs.push(node(t, asNumber(cc.WarmCount) ?? 2, 'UltraWarm nodes'));
  }
  const ebs = asRecord(p.EBSOptions);
  const size = asNumber(ebs?.VolumeSize);
  if (asBoolean(ebs?.EBSEnabled) !== false && size !== undefined) {
    const vt = asString(ebs?.VolumeType) ?? 'gp2';
    specs.push({
      service: 'AmazonES',
      key: `ES:${vt}-Storage`,
      component: `EBS storage (${vt})`,
      quantity: fixed(size * dataCount, `${fmt(size)} GB × ${fmt(dataCount)} nodes × 1 month`),
    });
  }
  return priceLines(prices, usage, specs);
};
