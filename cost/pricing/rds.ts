/**
 * AWS::RDS::DBInstance (PostgreSQL, MySQL): instance-hours at the Single-AZ or Multi-AZ rate,
 * allocated storage by type, and provisioned IOPS / throughput above what the storage type
 * includes. "For Multi-AZ deployments, you are charged for the standby" (RDS pricing: the
 * Multi-AZ instance rate covers both) and Multi-AZ storage is billed at its own rate.
 * Aurora members (DBClusterIdentifier) and other engines are unpriced with the reason.
 */
import { asBoolean, asNumber, asString, refTarget } from '../template/values';
import { fixed, fmt, priceLines, type LineSpec } from './unit-price-helpers';
import { HOURS_PER_MONTH, type PricingModule, type TemplateView } from './types';

const ENGINES: Readonly<Record<string, string>> = { postgres: 'postgres', mysql: 'mysql' };

/** RDS gp3 includes 3,000 IOPS and 125 MiB/s below 400 GiB, 12,000 and 500 MiB/s from 400 GiB (PostgreSQL, MySQL). */
function gp3Baseline(sizeGb: number): { iops: number; throughput: number } {
  return sizeGb >= 400 ? { iops: 12000, throughput: 500 } : { iops: 3000, throughput: 125 };
}

/**
 * A read replica of an instance in the same template (`SourceDBInstanceIdentifier: !Ref Main`)
 * runs the source's engine on storage like the source's: "By default, a read replica is created
 * with the same storage type as the source DB instance" (RDS User Guide, Working with read
 * replicas), and CloudFormation rejects Engine/AllocatedStorage-less replicas of nothing. The
 * replica's own properties (class, Multi-AZ, an explicit storage) win.
 */
function withSource(
  props: Readonly<Record<string, unknown>>,
  template: TemplateView,
): Readonly<Record<string, unknown>> {
  const sourceId = refTarget(props.SourceDBInstanceIdentifier);
  const source = sourceId !== undefined ? template.resource(sourceId) : undefined;
  if (source?.type !== 'AWS::RDS::DBInstance') return props;
  const inherited: Record<string, unknown> = {};
  for (const key of ['Engine', 'AllocatedStorage', 'StorageType', 'Iops', 'StorageThroughput'])
    if (props[key] === undefined && source.properties[key] !== undefined)
      inherited[key] = source.properties[key];
  return { ...inherited, ...props };
}

export const priceRdsInstance: PricingModule = ({ resource, usage, prices, template }) => {
  const p = withSource(resource.properties, template);
  if (p.DBClusterIdentifier !== undefined)
    return { kind: 'unpriced', reason: 'Aurora cluster members are billed at Aurora rates: not priced' };
  const engine = asString(p.Engine)?.toLowerCase();
  const key = engine !== undefined ? ENGINES[engine] : undefined;
  if (!key)
    return {
      kind: 'unpriced',
      reason: `RDS engine ${engine ?? '(unresolved)'} is not priced (PostgreSQL and MySQL are)`,
    };
  const cls = asString(p.DBInstanceClass);
  if (!cls) return { kind: 'unpriced', reason: 'DBInstanceClass is not known before deployment' };
  const multiAz = asBoolean(p.MultiAZ) === true;
  const az = multiAz ? 'Multi-AZ' : 'Single-AZ';
  const iops = asNumber(p.Iops);
  // "If you specify Iops, the default is io1; otherwise gp2" (AWS::RDS::DBInstance StorageType).
  const storageType = asString(p.StorageType) ?? (iops !== undefined ? 'io1' : 'gp2');
  const sizeGb = asNumber(p.AllocatedStorage);
  const specs: LineSpec[] = [
    {
      service: 'AmazonRDS',
      key: `RDS:${key}:${cls}:${az}`,
      component: `DB instance (${cls}, ${engine}, ${az})`,
      quantity: fixed(HOURS_PER_MONTH, `1 instance × ${HOURS_PER_MONTH} h`),
      required: true,
    },
  ];
  const storageKey: Readonly<Record<string, string>> = {
    gp2: 'GP2-Storage',
    gp3: 'GP3-Storage',
    io1: 'PIOPS-Storage',
    io2: 'IO2-Storage',
    standard: 'Magnetic-Storage',
  };
  if (sizeGb !== undefined && storageKey[storageType]) {
    specs.push({
      service: 'AmazonRDS',
      key: `RDS:${storageKey[storageType]}:${az}`,
      component: `Storage (${storageType}, ${az})`,
      quantity: fixed(sizeGb, `${fmt(sizeGb)} GB × 1 month`),
    });
    if (storageType === 'io1' && iops !== undefined)
      specs.push({
        service: 'AmazonRDS',
        key: `RDS:PIOPS:${az}`,
        component: `Provisioned IOPS (io1, ${az})`,
        quantity: fixed(iops, `${fmt(iops)} IOPS × 1 month`),
      });
    if (storageType === 'gp3') {
      const base = gp3Baseline(sizeGb);
      const extraIops = Math.max(0, (iops ?? base.iops) - base.iops);
      const throughput = asNumber(p.StorageThroughput);
      const extraTp = Math.max(0, (throughput ?? base.throughput) - base.throughput);
      if (extraIops > 0)
        specs.push({
          service: 'AmazonRDS',
          key: `RDS:GP3-IOPS:${az}`,
          component: `gp3 IOPS above ${fmt(base.iops)} (${az})`,
          quantity: fixed(extraIops, `${fmt(extraIops)} IOPS × 1 month`),
        });
      if (extraTp > 0)
        specs.push({
          service: 'AmazonRDS',
          key: `RDS:GP3-Throughput:${az}`,
          component: `gp3 throughput above ${fmt(base.throughput)} MiB/s (${az})`,
          quantity: fixed(extraTp, `${fmt(extraTp)} MiB/s × 1 month`),
        });
    }
  }
  const result = priceLines(prices, usage, specs);
  if (result.kind !== 'priced') return result;
  const notes = [
    'backup storage up to the allocated size is free; snapshots beyond it are billed per GB-month (usage-based)',
  ];
  if (sizeGb === undefined) notes.push('AllocatedStorage unresolved: storage not priced');
  const [first, ...rest] = result.lines;
  return { ...result, lines: [{ ...first, notes: [...(first.notes ?? []), ...notes] }, ...rest] };
};
