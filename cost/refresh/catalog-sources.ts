/**
 * The catalog `sources` entries a refresh writes: every refreshed price names one of these ids in
 * its `source`, and the entry says which API, endpoint, date and filters produced it.
 */

/** Source id of every refreshed price (described in the catalog's `sources`). */
export const PRICE_LIST_SOURCE = 'aws-price-list-api';
/** Source id of every price refreshed from the public offer files. */
export const OFFER_FILES_SOURCE = 'aws-offer-files';
/** Source id describing refreshed spot ratios. */
export const SPOT_HISTORY_SOURCE = 'aws-ec2-spot-price-history';

/** The `PRICE_LIST_SOURCE` entry: the Price List Query API at `endpoint`, and what was asked. */
export function priceListSource(
  endpoint: string,
  today: string,
  regions: readonly string[],
  services: readonly string[],
): Record<string, unknown> {
  return {
    api: 'AWS Price List Query API, GetProducts (FormatVersion aws_v1), on-demand terms',
    endpoint,
    date: today,
    regions: [...regions].sort(),
    services: [...services],
    filters:
      'AmazonEC2 instances: regionCode, instanceType, operatingSystem=Linux, tenancy=Shared, preInstalledSw=NA, capacitystatus=Used, marketoption=OnDemand; AmazonSageMaker instances: regionCode, instanceName, component=Hosting|Training; other prices: regionCode, usagetype CONTAINS the usage type',
  };
}

/** The `OFFER_FILES_SOURCE` entry: the offer-file host and each file's publication date. */
export function offerFilesSource(
  endpoint: string,
  today: string,
  files: Readonly<Record<string, string>> | undefined,
): Record<string, unknown> {
  return {
    api: 'AWS Price List bulk offer files (anonymous), offers/v1.0/aws/<service>/current/<region>/index.json, on-demand terms',
    endpoint,
    date: today,
    files,
    filters: 'the same product attributes as the Price List API path, applied to each streamed product',
  };
}

/** The `SPOT_HISTORY_SOURCE` entry, written when a refresh updated spot ratios. */
export function spotHistorySource(today: string): Record<string, unknown> {
  return {
    api: 'Amazon EC2 DescribeSpotPriceHistory (Linux/UNIX, current price per availability zone)',
    method: 'spotRatio = median over the region’s availability zones / refreshed on-demand price',
    date: today,
  };
}
