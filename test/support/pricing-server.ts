import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Catalog } from '../../cost/types';

/**
 * A local stand-in for the AWS Price List Query API and EC2's spot price history, speaking
 * their real wire protocols so the refresh runs through the real `@aws-sdk/client-pricing`
 * and `@aws-sdk/client-ec2`:
 * - Price List: AWS JSON 1.1, `POST /`, `X-Amz-Target: AWSPriceListService.GetProducts`,
 *   `Content-Type: application/x-amz-json-1.1`, body `{ServiceCode, Filters, FormatVersion, NextToken, MaxResults}`,
 *   answer `{FormatVersion: "aws_v1", PriceList: ["<product JSON string>", ...], NextToken}`;
 *   errors `{"__type": "...", "message": "..."}` with status 400, or a bare 500.
 * - EC2: the EC2 query protocol, `POST /` with a form body `Action=DescribeSpotPriceHistory&Version=2016-11-15&...`,
 *   answer `<DescribeSpotPriceHistoryResponse>` XML; errors `<Response><Errors><Error>` XML.
 * Every request must carry a SigV4 `Authorization` header scoped to the right service.
 */

export interface RecordedPricingRequest {
  readonly service: 'pricing' | 'ec2';
  readonly headers: IncomingHttpHeaders;
  /** The JSON body (Price List) or the form fields (EC2). */
  readonly body: Record<string, unknown>;
  readonly status: number;
}

/** A scripted failure for the next Price List request. */
export type PricingFailure = 'throttle' | 'internal-500' | 'bare-500' | 'access-denied';

/** Spot prices per region → instance type → availability zone → USD/h (decimal string). */
export type SpotPrices = Record<string, Record<string, Record<string, string>>>;

export interface PricingServer {
  /** `http://127.0.0.1:<port>`: the `endpoint` of both clients. */
  readonly endpoint: string;
  readonly requests: RecordedPricingRequest[];
  /** Replaces the products served, as PriceList JSON strings (malformed strings allowed). */
  setProducts(serviceCode: string, priceList: readonly string[]): void;
  /** Makes the next Price List requests fail, in order. */
  failNext(...failures: PricingFailure[]): void;
  setSpotPrices(prices: SpotPrices): void;
  /** Makes DescribeSpotPriceHistory answer 403 UnauthorizedOperation. */
  denySpot(denied: boolean): void;
  /** Products per page (the client's MaxResults applies when smaller). */
  pageSize: number;
  reset(): void;
  close(): Promise<void>;
}

export async function startPricingServer(): Promise<PricingServer> {
  const products = new Map<string, readonly string[]>();
  const failures: PricingFailure[] = [];
  const requests: RecordedPricingRequest[] = [];
  let spot: SpotPrices = {};
  let spotDenied = false;

  const state = {
    pageSize: 100,
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      try {
        if (req.method !== 'POST' || (req.url ?? '/') !== '/') {
          return send(res, 404, 'text/plain', 'not found');
        }
        const type = String(req.headers['content-type'] ?? '');
        if (type.startsWith('application/x-amz-json-1.1')) return pricing(req, res, raw);
        if (type.startsWith('application/x-www-form-urlencoded')) return ec2(req, res, raw);
        return send(res, 415, 'text/plain', `unsupported content type ${type}`);
      } catch (e) {
        return send(res, 500, 'text/plain', String(e));
      }
    });
  });

  function pricing(req: IncomingMessage, res: ServerResponse, raw: string): void {
    const record = (status: number, body: Record<string, unknown>): void => {
      requests.push({ service: 'pricing', headers: req.headers, body, status });
    };
    const jsonError = (
      status: number,
      type: string,
      message: string,
      body: Record<string, unknown> = {},
    ): void => {
      record(status, body);
      send(res, status, 'application/x-amz-json-1.1', JSON.stringify({ __type: type, message }));
    };
    if (!signedFor(req.headers, 'pricing')) {
      return jsonError(400, 'MissingAuthenticationTokenException', 'Missing Authentication Token');
    }
    if (req.headers['x-amz-target'] !== 'AWSPriceListService.GetProducts') {
      return jsonError(
        400,
        'UnknownOperationException',
        `unknown target ${String(req.headers['x-amz-target'])}`,
      );
    }
    const body = JSON.parse(raw) as {
      ServiceCode?: string;
      Filters?: { Type: string; Field: string; Value: string }[];
      FormatVersion?: string;
      NextToken?: string;
      MaxResults?: number;
    };
    const failure = failures.shift();
    if (failure === 'throttle') return jsonError(400, 'ThrottlingException', 'Rate exceeded', body);
    if (failure === 'access-denied')
      return jsonError(400, 'AccessDeniedException', 'User is not authorized', body);
    if (failure === 'internal-500')
      return jsonError(500, 'InternalErrorException', 'An internal error occurred', body);
    if (failure === 'bare-500') {
      record(500, body);
      return send(res, 500, 'text/plain', 'Internal Server Error');
    }
    if (!body.ServiceCode)
      return jsonError(400, 'InvalidParameterException', 'ServiceCode is required', body);
    if (body.FormatVersion !== undefined && body.FormatVersion !== 'aws_v1') {
      return jsonError(400, 'InvalidParameterException', `unknown FormatVersion ${body.FormatVersion}`, body);
    }
    const max = body.MaxResults ?? 100;
    if (max < 1 || max > 100)
      return jsonError(400, 'InvalidParameterException', 'MaxResults must be 1-100', body);
    const filters = body.Filters ?? [];
    const matching = (products.get(body.ServiceCode) ?? []).filter((item) => matches(item, filters));
    const queryHash = hash(JSON.stringify([body.ServiceCode, filters]));
    let offset = 0;
    if (body.NextToken !== undefined) {
      const [h, o] = Buffer.from(body.NextToken, 'base64').toString('utf8').split(':');
      if (h !== queryHash || !/^\d+$/.test(o ?? '')) {
        return jsonError(400, 'InvalidNextTokenException', 'The pagination token is invalid', body);
      }
      offset = Number(o);
    }
    const size = Math.min(max, state.pageSize);
    const page = matching.slice(offset, offset + size);
    const next =
      offset + size < matching.length
        ? Buffer.from(`${queryHash}:${offset + size}`).toString('base64')
        : undefined;
    record(200, body);
    send(
      res,
      200,
      'application/x-amz-json-1.1',
      JSON.stringify({ FormatVersion: 'aws_v1', PriceList: page, ...(next ? { NextToken: next } : {}) }),
    );
  }

  function ec2(req: IncomingMessage, res: ServerResponse, raw: string): void {
    const form = Object.fromEntries(new URLSearchParams(raw));
    const status = !signedFor(req.headers, 'ec2') ? 401 : spotDenied ? 403 : 200;
    requests.push({ service: 'ec2', headers: req.headers, body: form, status });
    const xmlError = (code: string, message: string): void =>
      send(
        res,
        status,
        'text/xml;charset=UTF-8',
        `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${code}</Code><Message>${message}</Message></Error></Errors><RequestID>${hash(raw)}</RequestID></Response>`,
      );
    if (status === 401)
      return xmlError('AuthFailure', 'AWS was not able to validate the provided access credentials');
    if (status === 403) {
      return xmlError('UnauthorizedOperation', 'You are not authorized to perform this operation.');
    }
    if (form.Action !== 'DescribeSpotPriceHistory' || form.Version !== '2016-11-15') {
      return send(
        res,
        400,
        'text/xml',
        '<Response><Errors><Error><Code>InvalidAction</Code></Error></Errors></Response>',
      );
    }
    const region = credentialScope(req.headers)?.region ?? 'us-east-1';
    const types = Object.entries(form)
      .filter(([k]) => /^InstanceType\.\d+$/.test(k))
      .map(([, v]) => v);
    const items: string[] = [];
    for (const type of types) {
      for (const [az, price] of Object.entries(spot[region]?.[type] ?? {})) {
        items.push(
          `<item><instanceType>${type}</instanceType><productDescription>Linux/UNIX</productDescription><spotPrice>${price}</spotPrice><timestamp>${form.StartTime ?? '2026-11-27T00:00:00.000Z'}</timestamp><availabilityZone>${az}</availabilityZone></item>`,
        );
      }
    }
    send(
      res,
      200,
      'text/xml;charset=UTF-8',
      `<?xml version="1.0" encoding="UTF-8"?>\n<DescribeSpotPriceHistoryResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>${hash(raw)}</requestId><spotPriceHistorySet>${items.join('')}</spotPriceHistorySet><nextToken/></DescribeSpotPriceHistoryResponse>`,
    );
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    setProducts: (serviceCode, priceList) => void products.set(serviceCode, [...priceList]),
    failNext: (...f) => void failures.push(...f),
    setSpotPrices: (p) => void (spot = p),
    denySpot: (d) => void (spotDenied = d),
    get pageSize() {
      return state.pageSize;
    },
    set pageSize(n: number) {
      state.pageSize = n;
    },
    reset() {
      products.clear();
      failures.length = 0;
      requests.length = 0;
      spot = {};
      spotDenied = false;
      state.pageSize = 100;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}

// ---------------------------------------------------------------------------------------------
// Products in the Price List format (aws_v1), as GetProducts returns them.

export interface Ec2ProductSpec {
  readonly region: string;
  readonly instanceType: string;
  /** pricePerUnit.USD of the Hrs dimension, as AWS writes it (10 decimals). */
  readonly usd: string;
  readonly vcpu?: number;
  readonly memoryGiB?: number;
  readonly gpu?: number;
  /** @default true: us-east-1 EC2 usage types carry the `USE1-` prefix in these fixtures */
  readonly prefixed?: boolean;
}

/** An EC2 Linux shared-tenancy on-demand instance product. */
export function ec2Product(spec: Ec2ProductSpec): string {
  const usagetype = `${spec.prefixed === false ? '' : `${regionPrefix(spec.region)}-`}BoxUsage:${spec.instanceType}`;
  return productJson(
    'AmazonEC2',
    'Compute Instance',
    spec.region,
    usagetype,
    {
      instanceType: spec.instanceType,
      instanceFamily: spec.gpu ? 'GPU instance' : 'General purpose',
      vcpu: String(spec.vcpu ?? 4),
      memory: `${spec.memoryGiB ?? 16} GiB`,
      ...(spec.gpu ? { gpu: String(spec.gpu) } : {}),
      operatingSystem: 'Linux',
      tenancy: 'Shared',
      preInstalledSw: 'NA',
      capacitystatus: 'Used',
      marketoption: 'OnDemand',
      licenseModel: 'No License required',
      operation: 'RunInstances',
      servicename: 'Amazon Elastic Compute Cloud',
    },
    [
      {
        unit: 'Hrs',
        usd: spec.usd,
        description: `$${Number(spec.usd)} per On Demand Linux ${spec.instanceType} Instance Hour`,
      },
    ],
  );
}

/** A SageMaker instance product (`Host:` for Hosting, `Train:` for Training). */
export function sageMakerProduct(spec: {
  readonly region: string;
  readonly instanceName: string;
  readonly component: 'Hosting' | 'Training';
  readonly usd: string;
}): string {
  const op = spec.component === 'Hosting' ? 'Host' : 'Train';
  return productJson(
    'AmazonSageMaker',
    'ML Instance',
    spec.region,
    `${regionPrefix(spec.region)}-${op}:${spec.instanceName}`,
    {
      instanceName: spec.instanceName,
      component: spec.component,
      computeType:
        spec.instanceName.startsWith('ml.g') || spec.instanceName.startsWith('ml.p') ? 'GPU' : 'CPU',
      operation: spec.component === 'Hosting' ? 'RunInstance' : 'CreateTrainingJob',
      servicename: 'Amazon SageMaker',
    },
    [
      {
        unit: 'Hrs',
        usd: spec.usd,
        description: `$${Number(spec.usd)} per ${spec.instanceName} ${spec.component} hour`,
      },
    ],
  );
}

/** A product priced per unit by usage type (NAT gateway hours, EBS GB-months, ...). */
export function unitProduct(spec: {
  readonly serviceCode: string;
  readonly region: string;
  readonly usageType: string;
  readonly unit: string;
  /** One USD string per tier, from range 0; zero placeholders allowed. */
  readonly usd: readonly string[];
  readonly productFamily?: string;
}): string {
  return productJson(
    spec.serviceCode,
    spec.productFamily ?? 'Unit',
    spec.region,
    `${regionPrefix(spec.region)}-${spec.usageType}`,
    {},
    spec.usd.map((usd) => ({ unit: spec.unit, usd, description: `$${Number(usd)} per ${spec.unit}` })),
  );
}

/**
 * Serves a product for every price of `catalog`, at the catalog's value unless `overrides`
 * (`"<region> <key>"` → USD string, or null for "not offered") says otherwise. Unit prices get
 * a zero first tier before the price, as tiered usage types have. `extra` is appended per service.
 */
export function serveCatalog(
  server: PricingServer,
  catalog: Catalog,
  overrides: Readonly<Record<string, string | null>> = {},
  extra: Readonly<Record<string, readonly string[]>> = {},
): void {
  const byService = new Map<string, string[]>();
  const add = (service: string, item: string): void => {
    byService.set(service, [...(byService.get(service) ?? []), item]);
  };
  for (const r of catalog.regions) {
    for (const p of r.prices) {
      const id = `${r.region} ${p.key}`;
      const price = id in overrides ? overrides[id] : usd(p.value);
      if (price === null) continue;
      if (p.service === 'AmazonEC2' && p.usageType?.startsWith('BoxUsage:')) {
        add(
          p.service,
          ec2Product({
            region: r.region,
            instanceType: p.key,
            usd: price,
            vcpu: p.vcpus,
            memoryGiB: p.memoryGiB,
            gpu: p.gpus,
          }),
        );
      } else if (p.service === 'AmazonSageMaker' && /^(Train:)?ml\./.test(p.key)) {
        const training = p.key.startsWith('Train:');
        add(
          p.service,
          sageMakerProduct({
            region: r.region,
            instanceName: training ? p.key.slice('Train:'.length) : p.key,
            component: training ? 'Training' : 'Hosting',
            usd: price,
          }),
        );
      } else if (p.usageType) {
        add(
          p.service,
          unitProduct({
            serviceCode: p.service,
            region: r.region,
            usageType: p.usageType,
            unit: p.unit,
            usd: ['0.0000000000', price],
          }),
        );
      }
    }
  }
  for (const [service, items] of Object.entries(extra)) for (const item of items) add(service, item);
  for (const [service, items] of byService) server.setProducts(service, items);
}

/** The usage-type prefix of a region as the Price List writes it. */
export function regionPrefix(region: string): string {
  const p = REGION_PREFIXES[region];
  if (!p) throw new Error(`pricing-server: no usage-type prefix known for ${region}`);
  return p;
}

/** `1.006` → `"1.0060000000"` (the API's 10-decimal strings). */
export function usd(value: number): string {
  return value.toFixed(10);
}

function productJson(
  serviceCode: string,
  productFamily: string,
  region: string,
  usagetype: string,
  attributes: Record<string, string>,
  dimensions: readonly { unit: string; usd: string; description: string }[],
): string {
  const sku = hash(`${serviceCode}|${region}|${usagetype}|${JSON.stringify(attributes)}`)
    .slice(0, 16)
    .toUpperCase();
  const onDemand = `${sku}.JRTCKXETXF`;
  const priceDimensions: Record<string, unknown> = {};
  dimensions.forEach((d, i) => {
    const rate = `${onDemand}.${(6 + i).toString(36).toUpperCase()}YS6EN2CT7`;
    priceDimensions[rate] = {
      unit: d.unit,
      endRange: i === dimensions.length - 1 ? 'Inf' : String((i + 1) * 10240),
      description: d.description,
      appliesTo: [],
      rateCode: rate,
      beginRange: String(i * 10240),
      pricePerUnit: { USD: d.usd },
    };
  });
  return JSON.stringify({
    product: {
      productFamily,
      attributes: {
        regionCode: region,
        location: REGION_NAMES[region] ?? region,
        locationType: 'AWS Region',
        usagetype,
        servicecode: serviceCode,
        ...attributes,
      },
      sku,
    },
    serviceCode,
    terms: {
      OnDemand: {
        [onDemand]: {
          priceDimensions,
          sku,
          effectiveDate: '2026-11-01T00:00:00Z',
          offerTermCode: 'JRTCKXETXF',
          termAttributes: {},
        },
      },
      // A reserved term, which an on-demand refresh must ignore.
      Reserved: {
        [`${sku}.4NA7Y494T4`]: {
          priceDimensions: {
            [`${sku}.4NA7Y494T4.6YS6EN2CT7`]: {
              unit: 'Hrs',
              endRange: 'Inf',
              description: 'Reserved instance hour',
              appliesTo: [],
              rateCode: `${sku}.4NA7Y494T4.6YS6EN2CT7`,
              beginRange: '0',
              pricePerUnit: { USD: '0.0010000000' },
            },
          },
          sku,
          effectiveDate: '2026-11-01T00:00:00Z',
          offerTermCode: '4NA7Y494T4',
          termAttributes: {
            LeaseContractLength: '1yr',
            OfferingClass: 'standard',
            PurchaseOption: 'No Upfront',
          },
        },
      },
    },
    version: '20261120000000',
    publicationDate: '2026-11-20T00:00:00Z',
  });
}

const attributeCache = new Map<string, Record<string, string> | undefined>();

/** Filters as the Price List applies them to product attributes. */
function matches(item: string, filters: readonly { Type: string; Field: string; Value: string }[]): boolean {
  if (!attributeCache.has(item)) {
    try {
      attributeCache.set(
        item,
        (JSON.parse(item) as { product: { attributes: Record<string, string> } }).product.attributes,
      );
    } catch {
      attributeCache.set(item, undefined);
    }
  }
  const attributes = attributeCache.get(item);
  // A malformed entry is served to every query of its service, as a corrupt SKU would be.
  if (attributes === undefined) return true;
  return filters.every((f) => {
    const v = attributes[f.Field];
    if (v === undefined) return false;
    switch (f.Type) {
      case 'TERM_MATCH':
      case 'EQUALS':
        return v.toLowerCase() === f.Value.toLowerCase();
      case 'CONTAINS':
        return v.includes(f.Value);
      case 'ANY_OF':
        return f.Value.split(',').includes(v);
      default:
        return false;
    }
  });
}

/** The service and region of a SigV4 `Authorization` header, or undefined when unsigned. */
function credentialScope(headers: IncomingHttpHeaders): { region: string; service: string } | undefined {
  const m =
    /^AWS4-HMAC-SHA256 Credential=[^/]+\/\d{8}\/([a-z0-9-]+)\/([a-z0-9-]+)\/aws4_request, SignedHeaders=[^,]+, Signature=[0-9a-f]{64}$/.exec(
      String(headers.authorization ?? ''),
    );
  return m ? { region: m[1], service: m[2] } : undefined;
}

function signedFor(headers: IncomingHttpHeaders, service: string): boolean {
  return credentialScope(headers)?.service === service;
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'x-amzn-requestid': hash(body).slice(0, 32) });
  res.end(body);
}

function hash(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

const REGION_PREFIXES: Readonly<Record<string, string>> = {
  'us-east-1': 'USE1',
  'us-east-2': 'USE2',
  'us-west-1': 'USW1',
  'us-west-2': 'USW2',
  'ca-central-1': 'CAN1',
  'eu-west-1': 'EU',
  'eu-west-2': 'EUW2',
  'eu-west-3': 'EUW3',
  'eu-central-1': 'EUC1',
  'eu-north-1': 'EUN1',
  'ap-northeast-1': 'APN1',
  'ap-northeast-2': 'APN2',
  'ap-southeast-1': 'APS1',
  'ap-southeast-2': 'APS2',
  'ap-south-1': 'APS3',
  'sa-east-1': 'SAE1',
};

const REGION_NAMES: Readonly<Record<string, string>> = {
  'us-east-1': 'US East (N. Virginia)',
  'us-west-2': 'US West (Oregon)',
  'eu-west-1': 'EU (Ireland)',
  'eu-central-1': 'EU (Frankfurt)',
};
