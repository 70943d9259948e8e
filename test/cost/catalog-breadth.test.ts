import { describe, expect, test } from 'vitest';
import { catalogRegions, createPriceBook, loadCatalog } from '../../cost/catalog';
import type { CatalogPrice } from '../../cost/types';

// Issue 14's breadth numbers, asserted against the bundled catalog (what `prices show --region R`
// lists). Where the issue asks for more than any citable public copy of AWS's price data gives,
// the test pins what the catalog has today as a floor, so that a rebuild can only widen it, and
// docs/prices.md names the sources searched for the rest.
const catalog = loadCatalog();
const regions = catalogRegions(catalog);
const pricesOf = (region: string): readonly CatalogPrice[] =>
  catalog.regions.find((r) => r.region === region)?.prices ?? [];
const count = (region: string, pick: (p: CatalogPrice) => boolean): number =>
  pricesOf(region).filter(pick).length;
const isEc2Instance = (p: CatalogPrice): boolean =>
  p.service === 'AmazonEC2' && /^BoxUsage:/.test(p.usageType ?? '');
const isHosting = (p: CatalogPrice): boolean =>
  p.service === 'AmazonSageMaker' && /^Host:ml\./.test(p.usageType ?? '');

describe('catalog breadth (issue 14)', () => {
  test('covers at least 20 commercial regions', () => {
    expect(regions.length).toBeGreaterThanOrEqual(20);
    expect(regions.filter((r) => /^(us-gov|cn-)/.test(r))).toEqual([]);
  });

  test.each([
    ['us-east-1', 500],
    ['us-west-2', 400],
    ['eu-west-1', 400],
    ['ap-northeast-1', 400],
  ])('%s prices at least %i EC2 instance types', (region, min) => {
    expect(count(region, isEc2Instance)).toBeGreaterThanOrEqual(min);
  });

  test('every catalog region prices a public IPv4 address, in use and idle', () => {
    const missing = regions.filter((region) => {
      const book = createPriceBook(catalog, region);
      return (
        !book.price('AmazonVPC', 'PublicIPv4:InUseAddress') ||
        !book.price('AmazonVPC', 'PublicIPv4:IdleAddress')
      );
    });
    expect(missing).toEqual([]);
  });

  // AWS's FSx data keys PERSISTENT_2 rates by regionless rate code; the 125 and 250 MB/s/TiB tiers
  // are sold in more regions than 500 and 1000.
  test.each([
    ['Lustre-PERSISTENT_2-SSD-125', 20],
    ['Lustre-PERSISTENT_2-SSD-250', 20],
    ['Lustre-PERSISTENT_2-SSD-500', 15],
    ['Lustre-PERSISTENT_2-SSD-1000', 15],
  ])('FSx for Lustre %s is priced in at least %i regions, the reference regions among them', (key, min) => {
    const priced = regions.filter((region) => createPriceBook(catalog, region).price('AmazonFSx', key));
    expect(priced.length).toBeGreaterThanOrEqual(min);
    expect(priced).toEqual(expect.arrayContaining(['us-east-1', 'eu-west-1', 'ap-northeast-1', 'us-west-2']));
  });

  test('FSx PERSISTENT_2 tiers cost more per GB-month the higher the throughput, in every region', () => {
    const tiers = [125, 250, 500, 1000].map((t) => `Lustre-PERSISTENT_2-SSD-${t}`);
    const unordered = regions.filter((region) => {
      const book = createPriceBook(catalog, region);
      const values = tiers.map((k) => book.price('AmazonFSx', k)?.value).filter((v) => v !== undefined);
      return values.some((v, i) => i > 0 && v <= values[i - 1]);
    });
    expect(unordered).toEqual([]);
  });

  test.each(['gp3', 'gp2'])(
    'EBS %s storage is priced in at least 20 regions, the reference regions among them',
    (type) => {
      const priced = regions.filter((region) =>
        createPriceBook(catalog, region).price('AmazonEC2', `EBS:VolumeUsage.${type}`),
      );
      expect(priced.length).toBeGreaterThanOrEqual(20);
      expect(priced).toEqual(
        expect.arrayContaining(['us-east-1', 'eu-west-1', 'ap-northeast-1', 'us-west-2']),
      );
    },
  );

  test('gp3 throughput is priced per MiB/s-month (AWS quotes per GiB/s-month: 49.152 / 1024 in Tokyo)', () => {
    expect(
      createPriceBook(catalog, 'ap-northeast-1').price('AmazonEC2', 'EBS:VolumeP-Throughput.gp3'),
    ).toMatchObject({
      value: 0.048,
      unit: 'MiBps-Mo',
      source: 'aws_ebs_calculator_2021',
      capturedAt: '2021-05-13',
    });
  });

  test.each(['us-east-1', 'eu-west-1'])('%s prices a NAT gateway by the hour and by the GB', (region) => {
    const book = createPriceBook(catalog, region);
    expect(book.price('AmazonEC2', 'NatGateway-Hours')?.value).toBeGreaterThan(0);
    expect(book.price('AmazonEC2', 'NatGateway-Bytes')?.value).toBeGreaterThan(0);
  });

  test('eu-west-1 NAT gateway prices cite the versioned AWS offer file they were read from', () => {
    const hours = createPriceBook(catalog, 'eu-west-1').price('AmazonEC2', 'NatGateway-Hours')!;
    expect(hours).toMatchObject({ value: 0.048, capturedAt: '2026-09-25' });
    expect(catalog.sources[hours.source]).toMatchObject({
      url: 'https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonEC2/20260925174521/eu-west-1/index.json',
    });
  });

  // Issue 14 asks for >= 40 hosting types in us-east-1 and >= 20 in us-west-2, eu-west-1 and
  // ap-northeast-1. No citable public copy of AWS's SageMaker hosting data was found (docs/prices.md,
  // "What was searched"): these floors are what the catalog sources today.
  test.each([
    ['us-east-1', 32],
    ['eu-west-1', 5],
    ['us-west-2', 1],
  ])('%s prices at least %i SageMaker real-time hosting types (floor, below the issue)', (region, min) => {
    expect(count(region, isHosting)).toBeGreaterThanOrEqual(min);
  });

  test('ml.g4dn.2xlarge (the default of a real AWS sample) is priced for hosting in us-east-1', () => {
    expect(createPriceBook(catalog, 'us-east-1').price('AmazonSageMaker', 'ml.g4dn.2xlarge')).toMatchObject({
      value: 0.94,
      usageType: 'Host:ml.g4dn.2xlarge',
      source: 'fmbench',
    });
  });
});
