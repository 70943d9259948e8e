/** What `refreshCatalog` is asked to do: which catalog, regions and services, and through which path. */
import type { OfferFetcher } from './offer-files';
import type { RetryPolicy, StaticCredentials } from './pricing-client';

export interface RefreshOptions {
  /** The catalog file to refresh (read, then replaced). */
  readonly catalogPath: string;
  /** @default - every region of the catalog */
  readonly regions?: readonly string[];
  /** Price List service codes. @default - every service of the catalog */
  readonly services?: readonly string[];
  /** Needed for the Price List API path; unused with `offerFiles`. */
  readonly credentials?: StaticCredentials;
  /**
   * Read the public bulk offer files instead of the Price List API: no credentials. `base` is
   * the host serving `/offers/v1.0/aws/...` (tests, mirrors). @default - the API path
   */
  readonly offerFiles?: { readonly base?: string; readonly fetcher?: OfferFetcher };
  /** Price List endpoint URL (tests, proxies). @default - the SDK's endpoint for endpointRegion */
  readonly endpoint?: string;
  /** @default 'us-east-1' */
  readonly endpointRegion?: string;
  /** Read spot ratios from DescribeSpotPriceHistory. @default true */
  readonly spot?: boolean;
  /** EC2 endpoint URL for spot price history (tests, proxies). @default - the SDK's regional endpoint */
  readonly ec2Endpoint?: string;
  /** Price List requests in flight. @default 4 */
  readonly concurrency?: number;
  /** @default DEFAULT_RETRY_POLICY */
  readonly retry?: RetryPolicy;
  /** Per-request deadline (see PriceListClientOptions). @default 30_000 */
  readonly requestTimeoutMs?: number;
  /** Pages per Price List query at most. @default DEFAULT_MAX_PAGES */
  readonly maxPages?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
  /** @default new Date() */
  readonly now?: Date;
  /** Where progress goes, and whether to draw a bar (a terminal) or print lines. */
  readonly progress: { readonly tty: boolean; readonly write: (text: string) => void };
}
