/**
 * AWS::FSx::FileSystem, Lustre: provisioned storage in GB-months, priced by deployment type,
 * storage type and throughput tier (`Lustre-PERSISTENT_2-SSD-250`). Backups are usage-based
 * and not in the catalog; other FSx file system types are not priced.
 */
import { asNumber, asRecord, asString } from '../template/values';
import { fixed, fmt, priceLines } from './unit-price-helpers';
import { isUnknown, type PricingModule } from './types';

export const priceFsxFileSystem: PricingModule = ({ resource, usage, prices }) => {
  const p = resource.properties;
  const fsType = asString(p.FileSystemType);
  if (fsType !== 'LUSTRE') {
    return {
      kind: 'unpriced',
      reason: `FSx file system type ${fsType ?? '(unresolved)'} is not priced (only LUSTRE)`,
    };
  }
  const lustre = asRecord(p.LustreConfiguration) ?? {};
  if (isUnknown(lustre.DeploymentType) || isUnknown(lustre.PerUnitStorageThroughput)) {
    return {
      kind: 'unpriced',
      reason: 'LustreConfiguration DeploymentType or PerUnitStorageThroughput could not be resolved',
    };
  }
  const capacityGb = asNumber(p.StorageCapacity);
  if (capacityGb === undefined) return { kind: 'unpriced', reason: 'StorageCapacity could not be resolved' };
  const deployment = asString(lustre.DeploymentType) ?? 'SCRATCH_1';
  const storage = asString(p.StorageType) ?? 'SSD';
  const throughput = asNumber(lustre.PerUnitStorageThroughput);
  const key = `Lustre-${deployment}-${storage}${throughput !== undefined ? `-${throughput}` : ''}`;
  const notes: string[] = [];
  const backups = asNumber(lustre.AutomaticBackupRetentionDays);
  if (deployment.startsWith('PERSISTENT') && backups !== 0) {
    notes.push(
      'automatic backups are billed per GB-month of backup storage (usage-based, not in the catalog)',
    );
  }
  if (asString(lustre.DataCompressionType) === 'LZ4') {
    notes.push('LZ4 compression lowers the capacity you need; billing is per provisioned GB');
  }
  if (asString(asRecord(lustre.MetadataConfiguration)?.Mode) === 'USER_PROVISIONED') {
    notes.push('user-provisioned metadata IOPS are billed separately (not in the catalog)');
  }
  return priceLines(prices, usage, [
    {
      service: 'AmazonFSx',
      key,
      component: `Lustre storage (${deployment}, ${storage}${throughput !== undefined ? `, ${throughput} MB/s/TiB` : ''})`,
      quantity: fixed(capacityGb, `${fmt(capacityGb)} GB × 1 month`),
      required: true,
      notes,
    },
  ]);
};
