/**
 * The anonymous refresh path: AWS's public bulk offer files, one per service and region
 * (`<base>/offers/v1.0/aws/<service>/current/<region>/index.json`), which need no credentials
 * ("You can download the price list files without AWS credentials", AWS Billing User Guide,
 * "Getting price list files manually"). The EC2 file of a large region is over 400 MB, so it is
 * never held in memory: `OfferStreamScanner` reads the response chunk by chunk and hands over one
 * product (`products.<sku>`) or one on-demand term set (`terms.OnDemand.<sku>`) at a time; only
 * products some query asks for are kept, and only their terms.
 *
 * The file's layout ("Reading the service price list file", same guide): `{ formatVersion,
 * disclaimer, offerCode, version, publicationDate, products: { <sku>: { sku, productFamily,
 * attributes } }, terms: { OnDemand: { <sku>: { <sku>.<offerTermCode>: { priceDimensions } } },
 * Reserved: {...} } }`. Products come before terms.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { StringDecoder } from 'node:string_decoder';
import { CostInputError } from '../errors';
import { parseProducts, type ParseOutcome } from './parse-products';
import type { PathAnswers, PlannedQuery } from './plan';
import type { PriceListFilter } from './pricing-client';
import type { ProgressReporter } from './progress';

/** AWS's public offer-file host. */
export const DEFAULT_OFFERS_BASE = 'https://pricing.us-east-1.amazonaws.com';

/** The URL of one service's offer file for one region. */
export function offerFileUrl(base: string, service: string, region: string): string {
  return `${base.replace(/\/+$/, '')}/offers/v1.0/aws/${encodeURIComponent(service)}/current/${encodeURIComponent(region)}/index.json`;
}

type Emit = (section: 'product' | 'onDemand', sku: string, json: string) => void;

/**
 * A streaming scanner of one offer file: feed it text chunks in order; it calls `emit` with the
 * JSON text of every `products.<sku>` and `terms.OnDemand.<sku>` value, and records the top-level
 * `publicationDate`. It tracks strings and nesting only, so memory is one product at a time.
 */
export class OfferStreamScanner {
  public publicationDate: string | undefined;
  private readonly keys: (string | undefined)[] = [];
  private inString = false;
  private escape = false;
  private str = '';
  private collecting = false;
  private lastString: string | undefined;
  private pendingKey: string | undefined;
  private capture:
    { depth: number; section: 'product' | 'onDemand'; sku: string; parts: string[] } | undefined;
  private topLevelScalarKey: string | undefined;

  constructor(private readonly emit: Emit) {}

  /** Feeds the next chunk of the file's text. */
  public write(chunk: string): void {
    let captureFrom = 0;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (this.inString) {
        if (this.escape) this.escape = false;
        else if (c === 92 /* \ */) this.escape = true;
        else if (c === 34 /* " */) {
          this.inString = false;
          if (this.collecting) {
            this.lastString = this.str;
            this.collecting = false;
            if (this.topLevelScalarKey === 'publicationDate') this.publicationDate = this.str;
            this.topLevelScalarKey = undefined;
          }
          continue;
        }
        if (this.collecting) this.str += chunk[i];
        continue;
      }
      switch (c) {
        case 34: // "
          this.inString = true;
          // Keys and scalars are only read outside a captured value and near the top.
          this.collecting = this.capture === undefined && this.keys.length <= 3;
          this.str = '';
          if (this.pendingKey !== undefined && this.keys.length === 1)
            this.topLevelScalarKey = this.pendingKey;
          break;
        case 58: // :
          if (this.capture === undefined) this.pendingKey = this.lastString;
          break;
        case 44: // ,
          this.pendingKey = undefined;
          this.topLevelScalarKey = undefined;
          break;
        case 123: // {
        case 91: {
          // [
          const key = this.pendingKey;
          this.pendingKey = undefined;
          if (this.capture === undefined && c === 123) {
            const path = this.keys;
            if (path.length === 2 && path[1] === 'products' && key !== undefined) {
              this.capture = { depth: path.length + 1, section: 'product', sku: key, parts: [] };
              captureFrom = i;
            } else if (
              path.length === 3 &&
              path[1] === 'terms' &&
              path[2] === 'OnDemand' &&
              key !== undefined
            ) {
              this.capture = { depth: path.length + 1, section: 'onDemand', sku: key, parts: [] };
              captureFrom = i;
            }
          }
          this.keys.push(key);
          break;
        }
        case 125: // }
        case 93: // ]
          this.keys.pop();
          if (this.capture !== undefined && this.keys.length === this.capture.depth - 1) {
            const { section, sku, parts } = this.capture;
            parts.push(chunk.slice(captureFrom, i + 1));
            this.capture = undefined;
            this.emit(section, sku, parts.join(''));
          }
          break;
        default:
          break;
      }
    }
    if (this.capture !== undefined) this.capture.parts.push(chunk.slice(captureFrom));
  }

  /** Throws when the file ended inside a value (a truncated download). */
  public end(): void {
    if (this.keys.length !== 0 || this.inString) throw new Error('the offer file ended before its JSON did');
  }
}

interface Product {
  readonly sku: string;
  readonly productFamily?: string;
  readonly attributes: Readonly<Record<string, string>>;
}

/** Price List filter semantics applied to one product: TERM_MATCH/EQUALS exact, CONTAINS substring, ANY_OF list. */
export function productMatches(product: Product, filters: readonly PriceListFilter[]): boolean {
  return filters.every((f) => {
    const actual = f.field === 'productFamily' ? product.productFamily : product.attributes[f.field];
    if (typeof actual !== 'string') return false;
    switch (f.type ?? 'TERM_MATCH') {
      case 'CONTAINS':
        return actual.includes(f.value);
      case 'ANY_OF':
        return f.value.split(',').includes(actual);
      default:
        return actual === f.value;
    }
  });
}

/** Fetches a URL as a stream of text chunks; 404 resolves to undefined (no offer for that region). */
export type OfferFetcher = (url: string, onChunk: (text: string) => void) => Promise<'ok' | 'not-found'>;

/** The default fetcher: node http(s), one redirect followed, any status but 200/404 an error. */
export const fetchOfferFile: OfferFetcher = (url, onChunk) =>
  new Promise((resolve, reject) => {
    const get = (target: string, redirects: number): void => {
      const req = (target.startsWith('https:') ? httpsRequest : httpRequest)(target, { method: 'GET' });
      req.setTimeout(120_000, () => req.destroy(new Error(`no data from ${target} for 120 s`)));
      req.on('error', reject);
      req.on('response', (res: IncomingMessage) => {
        const status = res.statusCode ?? 0;
        if ([301, 302, 307, 308].includes(status) && res.headers.location && redirects > 0) {
          res.resume();
          get(new URL(res.headers.location, target).toString(), redirects - 1);
          return;
        }
        if (status === 404 || status === 403) {
          res.resume();
          resolve('not-found');
          return;
        }
        if (status !== 200) {
          res.resume();
          reject(new Error(`${target} answered HTTP ${status}`));
          return;
        }
        const decoder = new StringDecoder('utf8');
        res.on('data', (b: Buffer) => {
          try {
            onChunk(decoder.write(b));
          } catch (e) {
            res.destroy(e as Error);
          }
        });
        res.on('error', reject);
        res.on('end', () => {
          try {
            onChunk(decoder.end());
            resolve('ok');
          } catch (e) {
            reject(e as Error);
          }
        });
      });
      req.end();
    };
    get(url, 1);
  });

interface OfferFilesResult {
  /** One outcome per query, in order. */
  readonly outcomes: ParseOutcome[];
  readonly requests: number;
  /** `<service>/<region>` → the file's publicationDate, or `not published` for a 404. */
  readonly files: Readonly<Record<string, string>>;
}

/**
 * The offer-file path of a refresh: answers the planned queries from the files on `options.base`
 * (AWS's host unless given), with a progress line per file read. Anonymous, so no retries to count.
 */
export async function answerFromOfferFiles(
  queries: readonly PlannedQuery[],
  options: { readonly base?: string; readonly fetcher?: OfferFetcher },
  progress: ProgressReporter,
): Promise<PathAnswers> {
  // Anonymous: one streamed download per (service, region) answers all of its queries.
  const base = options.base ?? DEFAULT_OFFERS_BASE;
  try {
    const r = await readOfferFiles(queries, {
      base,
      ...(options.fetcher ? { fetcher: options.fetcher } : {}),
      onFile: (id) => progress.groupDone(id.split('/').reverse().join(' '), 'offer file read'),
    });
    return { ...r, retries: 0, endpointDescription: base };
  } finally {
    progress.finish();
  }
}

/**
 * Answers the refresh's queries from the offer files: one download per (service, region), each
 * streamed once. Throws CostInputError on any network, HTTP or JSON failure.
 */
async function readOfferFiles(
  queries: readonly PlannedQuery[],
  options: { readonly base: string; readonly fetcher?: OfferFetcher; readonly onFile?: (id: string) => void },
): Promise<OfferFilesResult> {
  const fetcher = options.fetcher ?? fetchOfferFile;
  const groups = new Map<string, number[]>();
  queries.forEach((q, i) => {
    const id = `${q.service}/${q.region}`;
    groups.set(id, [...(groups.get(id) ?? []), i]);
  });
  const items: string[][] = queries.map(() => []);
  const files: Record<string, string> = {};
  let requests = 0;
  for (const [id, indexes] of groups) {
    const { service, region } = queries[indexes[0]];
    const url = offerFileUrl(options.base, service, region);
    const kept = new Map<string, { product: unknown; queries: number[] }>();
    const scanner = new OfferStreamScanner((section, sku, json) => {
      if (section === 'product') {
        const product = JSON.parse(json) as Product;
        if (typeof product.attributes !== 'object' || product.attributes === null) return;
        const hits = indexes.filter((i) => productMatches(product, queries[i].query.filters));
        if (hits.length > 0) kept.set(sku, { product, queries: hits });
      } else {
        const k = kept.get(sku);
        if (!k) return;
        const doc = JSON.stringify({ product: k.product, terms: { OnDemand: JSON.parse(json) as unknown } });
        for (const i of k.queries) items[i].push(doc);
      }
    });
    requests++;
    let status: 'ok' | 'not-found';
    try {
      status = await fetcher(url, (text) => scanner.write(text));
      if (status === 'ok') scanner.end();
    } catch (e) {
      throw new CostInputError(`offer file ${url}: ${(e as Error).message} (catalog unchanged)`);
    }
    files[id] = status === 'ok' ? (scanner.publicationDate ?? 'no publicationDate') : 'not published';
    options.onFile?.(id);
  }
  return { outcomes: queries.map((q, i) => parseProducts(items[i], q.wanted)), requests, files };
}
