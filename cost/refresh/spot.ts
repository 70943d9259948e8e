/**
 * Spot ratios from EC2 `DescribeSpotPriceHistory`: the median of the current spot price over
 * the region's availability zones (local and wavelength zones left out), divided by the
 * refreshed on-demand price. The catalog stores the ratio, not the spot price: spot moves daily.
 * The SDK is loaded lazily, like the Price List client.
 */
import {
  DEFAULT_MAX_PAGES,
  mapWithConcurrency,
  pageGuard,
  withDeadline,
  withRetry,
  type RetryPolicy,
  type StaticCredentials,
} from './pricing-client';

export interface SpotQueryOptions {
  readonly region: string;
  readonly instanceTypes: readonly string[];
  readonly credentials: StaticCredentials;
  /** @default - the SDK's EC2 endpoint for the region */
  readonly endpoint?: string;
  readonly retry: RetryPolicy;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
  /** @default new Date() */
  readonly now?: Date;
}

/** Median current spot price (USD/h) per instance type; types without a spot offer are absent. */
export async function fetchSpotMedians(options: SpotQueryOptions): Promise<Map<string, number>> {
  const sdk = await import('@aws-sdk/client-ec2');
  const client = new sdk.EC2Client({
    region: options.region,
    endpoint: options.endpoint,
    credentials: options.credentials,
    maxAttempts: 1,
    requestHandler: { requestTimeout: 30_000, connectionTimeout: 10_000 },
  });
  const az = new RegExp(`^${options.region.replace(/[^a-z0-9-]/g, '')}[a-z]$`);
  const byType = new Map<string, Map<string, number>>();
  try {
    const chunks: string[][] = [];
    for (let i = 0; i < options.instanceTypes.length; i += SPOT_TYPES_PER_CALL) {
      chunks.push(options.instanceTypes.slice(i, i + SPOT_TYPES_PER_CALL));
    }
    await mapWithConcurrency(chunks, 2, async (types) => {
      let nextToken: string | undefined;
      const guard = pageGuard('DescribeSpotPriceHistory', DEFAULT_MAX_PAGES);
      do {
        const token = nextToken;
        const out = await withRetry(
          () =>
            withDeadline(30_000, (abortSignal) =>
              client.send(
                new sdk.DescribeSpotPriceHistoryCommand({
                  InstanceTypes: types as import('@aws-sdk/client-ec2')._InstanceType[],
                  ProductDescriptions: ['Linux/UNIX'],
                  // A start time of now returns the price in force in each zone right now.
                  StartTime: options.now ?? new Date(),
                  MaxResults: 1000,
                  NextToken: token,
                }),
                { abortSignal },
              ),
            ),
          options.retry,
          { sleep: options.sleep, random: options.random },
        );
        for (const h of out.SpotPriceHistory ?? []) {
          if (!h.InstanceType || !h.AvailabilityZone || !h.SpotPrice || !az.test(h.AvailabilityZone))
            continue;
          const price = Number(h.SpotPrice);
          if (!Number.isFinite(price) || price <= 0) continue;
          const zones = byType.get(h.InstanceType) ?? new Map<string, number>();
          // The newest entry per zone wins; history is returned newest first.
          if (!zones.has(h.AvailabilityZone)) zones.set(h.AvailabilityZone, price);
          byType.set(h.InstanceType, zones);
        }
        nextToken = out.NextToken || undefined;
        guard(nextToken);
      } while (nextToken !== undefined);
    });
  } finally {
    client.destroy();
  }
  const medians = new Map<string, number>();
  for (const [type, zones] of byType) medians.set(type, median([...zones.values()]));
  return medians;
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

const SPOT_TYPES_PER_CALL = 50;
