/**
 * AWS::EMRServerless::Application: workers bill per vCPU-hour and memory GB-hour while they run
 * (`monthlyVcpuHours`, `monthlyMemoryGbHours`), nothing while the application is idle or stopped.
 * min 0 (auto-stop releases even pre-initialised capacity), max = MaximumCapacity × 730 h.
 */
import { asBoolean, asRecord, asString } from '../template/values';
import { fmt, priceLines, type UsageQuantity } from './unit-price-helpers';
import { HOURS_PER_MONTH, type PricingModule } from './types';

/** `"64 vCPU"` → 64, `"256 GB"` → 256 (EMR Serverless capacity strings). */
function capacity(value: unknown): number | undefined {
  const m = /^\s*([\d.]+)\s*(vCPU|GB)?\s*$/i.exec(asString(value) ?? '');
  return m ? Number(m[1]) : undefined;
}

function hours(
  key: 'monthlyVcpuHours' | 'monthlyMemoryGbHours',
  label: string,
  cap: number | undefined,
): UsageQuantity {
  return {
    kind: 'usage',
    keys: [key],
    quantity: (v) => v[key] ?? 0,
    formula: (v) =>
      `${fmt(v[key] ?? 0)} ${label}` + (cap !== undefined ? ` (max ${fmt(cap)} × ${HOURS_PER_MONTH} h)` : ''),
    idleIsZero: true,
    ...(cap !== undefined && { max: cap * HOURS_PER_MONTH }),
  };
}

export const priceEmrServerlessApplication: PricingModule = ({ resource, usage, prices }) => {
  const p = resource.properties;
  const max = asRecord(p.MaximumCapacity);
  const cpuCap = capacity(max?.Cpu);
  const memCap = capacity(max?.Memory);
  const notes: string[] = [];
  if (cpuCap === undefined) notes.push('no MaximumCapacity: the application can scale to the account quota');
  const initial = p.InitialCapacity;
  if (Array.isArray(initial) && initial.length > 0) {
    const autoStop = asBoolean(asRecord(p.AutoStopConfiguration)?.Enabled) !== false;
    notes.push(
      autoStop
        ? 'pre-initialised capacity is billed whenever the application is started (released when it auto-stops)'
        : 'pre-initialised capacity with auto-stop off is billed for as long as the application stays started',
    );
  }
  notes.push('storage above the 20 GB each worker includes is billed per GB-hour (not included)');
  return priceLines(prices, usage, [
    {
      service: 'ElasticMapReduce',
      key: 'EMR-SERVERLESS-vCPUHours',
      component: 'Worker vCPU-hours',
      quantity: hours('monthlyVcpuHours', 'vCPU-hours', cpuCap),
      required: true,
      notes,
    },
    {
      service: 'ElasticMapReduce',
      key: 'EMR-SERVERLESS-MemoryGBHours',
      component: 'Worker memory GB-hours',
      quantity: hours('monthlyMemoryGbHours', 'GB-hours', memCap),
      required: true,
    },
  ]);
};
