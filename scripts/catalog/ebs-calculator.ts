/**
 * EBS prices from a verbatim public copy of AWS's EBS pricing-page data file (`ebs-calculator`,
 * the file aws.amazon.com/ebs/pricing renders: region name → label → `{ rateCode, price }`).
 * The copy is a test fixture of ligoj/plugin-prov-aws (MIT); extract-ebs-calculator.ts keeps the
 * labels below for commercial regions in scripts/catalog-data/ebs-calculator.json, and
 * build-catalog.ts prices them with AWS's publication date as `capturedAt`.
 */
import { roundPrice, unitPrice } from '../../cost/catalog/normalise';
import type { CatalogPrice } from '../../cost/types';

/** A label of the data file → the catalog key (`usageType` without region prefix) it prices. */
export interface EbsLabelSpec {
  readonly label: string;
  readonly key: string;
  readonly unit: string;
  /** The label's value is per this many of `unit` (GiBps-month → MiBps-month: 1024). */
  readonly per?: number;
}

export const EBS_LABEL_SPECS: readonly EbsLabelSpec[] = [
  { label: 'Storage General Purpose gp3 GB Mo', key: 'EBS:VolumeUsage.gp3', unit: 'GB-Mo' },
  { label: 'Provisioned EBS IOPS gp3 Volumes per IOPS Mo', key: 'EBS:VolumeP-IOPS.gp3', unit: 'IOPS-Mo' },
  // AWS quotes gp3 throughput per GiBps-month; the catalog (and the module) per MiBps-month.
  {
    label: 'Provisioned Throughput gp3 per GiBps mo',
    key: 'EBS:VolumeP-Throughput.gp3',
    unit: 'MiBps-Mo',
    per: 1024,
  },
  { label: 'Storage General Purpose gp2 GB Mo', key: 'EBS:VolumeUsage.gp2', unit: 'GB-Mo' },
  { label: 'Storage Provisioned IOPS io1 GB Mo', key: 'EBS:VolumeUsage.piops', unit: 'GB-Mo' },
  { label: 'Provisioned EBS IOPS io1 Volumes per IOPS Mo', key: 'EBS:VolumeP-IOPS.piops', unit: 'IOPS-Mo' },
  { label: 'Storage Throughput Optimized HDD st1 GB Mo', key: 'EBS:VolumeUsage.st1', unit: 'GB-Mo' },
  { label: 'Storage Cold HDD sc1 GB Mo', key: 'EBS:VolumeUsage.sc1', unit: 'GB-Mo' },
  { label: 'Storage Magnetic standard GB Mo', key: 'EBS:VolumeUsage', unit: 'GB-Mo' },
  { label: 'Provisioned EBS I O Requests standard Volumes per IOs', key: 'EBS:VolumeIOUsage', unit: 'IOs' },
];

/** The extract's shape (scripts/catalog-data/ebs-calculator.json). */
export interface EbsCalculatorExtract {
  readonly source: {
    readonly repo: string;
    readonly commit: string;
    readonly commitDate: string;
    readonly path: string;
    readonly license: string;
    /** AWS's `manifest.hawkFilePublicationDate`. */
    readonly published: string;
  };
  /** label → region code → USD (the file's own figure, before `per`). */
  readonly prices: Readonly<Record<string, Readonly<Record<string, number>>>>;
}

export const EBS_CALCULATOR_SOURCE_ID = 'aws_ebs_calculator_2021';

/** `sources` entry of the extract. */
export function ebsCalculatorSources(e: EbsCalculatorExtract): Record<string, unknown> {
  return {
    [EBS_CALCULATOR_SOURCE_ID]: {
      repo: e.source.repo,
      commit: e.source.commit,
      commit_date: e.source.commitDate,
      path: e.source.path,
      published: e.source.published,
      license: e.source.license,
      what: "AWS's EBS pricing-page data file (manifest source 'ebs-calculator', service ec2), copied verbatim as a test fixture",
      era: 'published 2021-05-13; the Tokyo gp3 storage, IOPS and throughput SKUs and prices (C8Y3GJZBQTH8T5JV 0.096, 7TFGMV47Q2PEQ9W7 0.006, PCKHHBTPD7TEQ3K4 49.152) are the same in public Price List API excerpts of 2026; us-east-1 agrees with infracost 2024 goldens',
    },
  };
}

/** Catalog prices of the extract, by region. */
export function ebsCalculatorPrices(e: EbsCalculatorExtract): { region: string; price: CatalogPrice }[] {
  const out: { region: string; price: CatalogPrice }[] = [];
  const capturedAt = e.source.published.slice(0, 10);
  for (const spec of EBS_LABEL_SPECS) {
    const byRegion = e.prices[spec.label] ?? {};
    for (const region of Object.keys(byRegion)) {
      out.push({
        region,
        price: unitPrice({
          service: 'AmazonEC2',
          key: spec.key,
          unit: spec.unit,
          value: roundPrice(byRegion[region] / (spec.per ?? 1)),
          source: EBS_CALCULATOR_SOURCE_ID,
          capturedAt,
        }),
      });
    }
  }
  return out;
}
