/**
 * SageMaker hosting instance families with local NVMe instance storage. The SageMaker API reference
 * points to the EC2 "Instance store volumes" list for them; by EC2 naming, families whose attribute
 * letters include `d` (c5d, m6id, g4dn, p3dn, p4d/p4de) carry instance store, and so do the GPU and
 * Trainium families listed below, which ship NVMe SSDs without the letter.
 */
const NVME_FAMILIES_WITHOUT_D = new Set([
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

/** Whether a SageMaker instance type (`ml.g5.xlarge`) has local NVMe instance storage. */
export function hasLocalNvme(instanceType: string): boolean {
  const family = instanceType.replace(/^ml\./, '').split('.')[0];
  if (NVME_FAMILIES_WITHOUT_D.has(family)) return true;
  const match = /^[a-z]+\d+([a-z-]*)$/.exec(family);
  return match !== null && match[1].includes('d');
}
