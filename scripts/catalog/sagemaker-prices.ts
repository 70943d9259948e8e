/**
 * SageMaker prices of the catalog, read from price-facts.json `sagemaker`.
 */
import { firstSource, readFact, type Json } from './facts';

interface SageMakerFact {
  readonly region: string;
  readonly key: string;
  readonly unit: string;
  readonly usageType: string;
  readonly value: number;
  readonly source: string;
}

/** ml.* hosting prices the facts mark as pre-June-2025 and stale; never shipped as current. */
export const STALE_SAGEMAKER_HOSTING = new Set(['ml.p4d.24xlarge', 'ml.p5.48xlarge']);

/**
 * SageMaker prices from price-facts.json `sagemaker`: hosting (key `ml.<type>`, usage type
 * `Host:ml.<type>`), training (key and usage type `Train:ml.<type>`), ML storage, data processed
 * and serverless. Studio-Notebook prices are a different component and are not used.
 */
export function sageMakerFacts(facts: Json): SageMakerFact[] {
  const sm = (facts as { sagemaker?: Record<string, Record<string, Json>> }).sagemaker ?? {};
  const out: SageMakerFact[] = [];
  const host = (region: string, type: string, value: Json, source: string | undefined): void => {
    if (typeof value !== 'number' || !(value > 0) || !source || STALE_SAGEMAKER_HOSTING.has(type)) return;
    out.push({ region, key: type, unit: 'Hrs', usageType: `Host:${type}`, value, source });
  };
  const use1 = sm['us-east-1'] ?? {};
  const use1Source = firstSource(use1.source);
  for (const [type, value] of Object.entries((use1.prices ?? {}) as Record<string, Json>))
    host('us-east-1', type, value, use1Source);
  for (const [type, fact] of Object.entries(
    (use1.hosting_additional ?? {}) as Record<string, Record<string, Json>>,
  )) {
    if (out.some((p) => p.region === 'us-east-1' && p.key === type)) continue;
    host('us-east-1', type, fact.usd_per_hour, firstSource(fact.source));
  }
  const storage = readFact(use1, 'ml_storage.hosting_gp2_usd_per_gb_month');
  if (storage) {
    out.push({
      region: 'us-east-1',
      key: 'Host:VolumeUsage.gp2',
      unit: 'GB-Mo',
      usageType: 'Host:VolumeUsage.gp2',
      ...storage,
    });
  }
  for (const [key, path] of [
    ['Host:Data-Bytes-In', 'endpoint_data_processed.in_usd_per_gb'],
    ['Host:Data-Bytes-Out', 'endpoint_data_processed.out_usd_per_gb'],
    ['ServerlessInf:Data-Bytes', 'serverless.data_processed_usd_per_gb'],
  ] as const) {
    const f = readFact(use1, path);
    if (f) out.push({ region: 'us-east-1', key, unit: 'GB', usageType: key, ...f });
  }
  const serverless = (use1.serverless as Record<string, Record<string, Json>> | undefined)
    ?.on_demand_usd_per_second_by_memory_mb;
  if (serverless) {
    // us-east-1 confirmed for 1 and 2 GB by infracost_pr3567; the six sizes are linear ($0.00002 per GB-second).
    const source = 'infracost_pr3567';
    for (const [mb, value] of Object.entries(serverless)) {
      if (typeof value !== 'number' || !(value > 0)) continue;
      const key = `ServerlessInf:Mem-${Number(mb) / 1024}GB`;
      out.push({ region: 'us-east-1', key, unit: 'Second', usageType: key, value, source });
    }
  }
  const pc =
    (use1.serverless as Record<string, Record<string, Json>> | undefined)?.provisioned_concurrency_2048mb ??
    {};
  for (const [label, fact] of Object.entries(pc)) {
    const m = /^(ProvisionedConcurrency:[A-Za-z]+-2GB)/.exec(label);
    const f = fact as Record<string, Json>;
    if (!m || typeof f.usd_per_second !== 'number') continue;
    out.push({
      region: 'us-east-1',
      key: m[1],
      unit: 'Second',
      usageType: m[1],
      value: f.usd_per_second,
      source: firstSource(f.source) ?? '',
    });
  }

  const euw1 = sm['eu-west-1'] ?? {};
  const euw1Source = firstSource(euw1.source);
  for (const [type, value] of Object.entries((euw1.hosting ?? {}) as Record<string, Json>))
    host('eu-west-1', type, value, euw1Source);
  for (const [type, value] of Object.entries((euw1.training ?? {}) as Record<string, Json>)) {
    if (typeof value !== 'number' || !(value > 0) || !euw1Source) continue;
    out.push({
      region: 'eu-west-1',
      key: `Train:${type}`,
      unit: 'Hrs',
      usageType: `Train:${type}`,
      value,
      source: euw1Source,
    });
  }
  for (const [key, path] of [
    ['Host:VolumeUsage.gp2', 'other.ml_storage_endpoint_usd_per_gb_month'],
    ['Train:VolumeUsage.gp2', 'other.ml_storage_training_usd_per_gb_month'],
    ['Host:Data-Bytes-In', 'other.endpoint_data_in_usd_per_gb'],
    ['Host:Data-Bytes-Out', 'other.endpoint_data_out_usd_per_gb'],
  ] as const) {
    const f = readFact(euw1, path);
    if (f)
      out.push({
        region: 'eu-west-1',
        key,
        unit: key.includes('Volume') ? 'GB-Mo' : 'GB',
        usageType: key,
        ...f,
      });
  }

  const usw2 = (sm['us-west-2']?.hosting ?? {}) as Record<string, Record<string, Json>>;
  for (const [type, fact] of Object.entries(usw2))
    host('us-west-2', type, fact.usd_per_hour, firstSource(fact.source));
  return out;
}
