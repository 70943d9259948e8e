/**
 * Values produced by intrinsic resolution. Known leaves are plain JSON; anything the
 * resolver cannot decide is an `Unknown` (see cost/pricing/types.ts). Unknowns that come
 * from `Ref` / `Fn::GetAtt` / `Fn::Join` / `Fn::Sub` keep their parts, so pricing modules
 * can follow the reference graph (e.g. a scalable target's ResourceId
 * `endpoint/<Ref Endpoint>/variant/AllTraffic`).
 */
import { isUnknown, type Unknown } from '../pricing/types';

/** One part of a partly known string: literal text, a reference to a resource, or an opaque unknown. */
export type ValuePart =
  string | { readonly ref: string; readonly attribute?: string } | { readonly opaque: string };

/** An Unknown that remembers how it was built. */
export interface SymbolicValue extends Unknown {
  readonly parts: readonly ValuePart[];
}

export function unknown(description: string): SymbolicValue {
  return { __unknown: description, parts: [{ opaque: description }] };
}

export function refValue(logicalId: string, attribute?: string): SymbolicValue {
  const description = attribute ? `${logicalId}.${attribute}` : `Ref(${logicalId})`;
  return { __unknown: description, parts: [attribute ? { ref: logicalId, attribute } : { ref: logicalId }] };
}

/** The parts of a string-like value (literal → one part; symbolic → its parts). */
export function partsOf(value: unknown): readonly ValuePart[] {
  if (typeof value === 'string') return [value];
  if (typeof value === 'number' || typeof value === 'boolean') return [String(value)];
  if (isUnknown(value)) {
    const parts = (value as Partial<SymbolicValue>).parts;
    return parts ?? [{ opaque: value.__unknown }];
  }
  return [{ opaque: JSON.stringify(value) }];
}

/** Concatenates parts, merging adjacent literals; a value with no symbolic part becomes a plain string. */
export function concatParts(parts: readonly ValuePart[]): string | SymbolicValue {
  const merged: ValuePart[] = [];
  for (const p of parts) {
    const last = merged[merged.length - 1];
    if (typeof p === 'string' && typeof last === 'string') merged[merged.length - 1] = last + p;
    else if (p !== '') merged.push(p);
  }
  if (merged.every((p) => typeof p === 'string')) return merged.join('');
  return { __unknown: merged.map(describePart).join(''), parts: merged };
}

function describePart(p: ValuePart): string {
  if (typeof p === 'string') return p;
  if ('ref' in p) return p.attribute ? `\${${p.ref}.${p.attribute}}` : `\${${p.ref}}`;
  return `\${?${p.opaque}}`;
}

/** The logical id a value refers to when it is exactly one `Ref`/`GetAtt` (any attribute). */
export function refTarget(value: unknown): string | undefined {
  if (!isUnknown(value)) return undefined;
  const parts = (value as Partial<SymbolicValue>).parts;
  if (parts?.length === 1) {
    const p = parts[0];
    if (typeof p === 'object' && 'ref' in p) return p.ref;
  }
  return undefined;
}

/** True when the value (deeply) contains an Unknown. */
export function containsUnknown(value: unknown): boolean {
  if (isUnknown(value)) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (typeof value === 'object' && value !== null) return Object.values(value).some(containsUnknown);
  return false;
}

/** A number from a resolved value (CloudFormation passes numbers as strings too); undefined when unknown or absent. */
export function asNumber(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)))
    return Number(value);
  return undefined;
}

/** A string from a resolved value; undefined when unknown or absent. */
export function asString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/** A boolean from a resolved value (`true` / `"true"`); undefined when unknown or absent. */
export function asBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (value === 'true') return true;
  if (value === 'false') return false;
  return undefined;
}

/** An object from a resolved value; undefined when not an object. */
export function asRecord(value: unknown): Readonly<Record<string, unknown>> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !isUnknown(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** An array from a resolved value; undefined when not an array. */
export function asArray(value: unknown): readonly unknown[] | undefined {
  return Array.isArray(value) ? value : undefined;
}

/** True for an Unknown (re-exported here so modules import value helpers from one place). */
export function isUnknownValue(value: unknown): value is Unknown {
  return isUnknown(value);
}
