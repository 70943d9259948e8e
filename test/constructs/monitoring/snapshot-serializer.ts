import type { SnapshotSerializer } from 'vitest';

/** 64-hex asset hashes (Lambda code zips, staged assets) change with every dependency bump. */
const ASSET_HASH = /[0-9a-f]{64}/g;
/** Unresolved tokens print with a counter that depends on construction order. */
const TOKEN = /\$\{Token\[[^\]]+\]\}/g;

/** Scrubs asset hashes and unresolved tokens from every string in a snapshot. */
export const hashScrubbingSerializer: SnapshotSerializer = {
  test: (value: unknown) =>
    typeof value === 'string' && (new RegExp(ASSET_HASH).test(value) || new RegExp(TOKEN).test(value)),
  serialize: (value: string, config, indentation, depth, refs, printer) =>
    printer(
      value.replace(ASSET_HASH, '[ASSET-HASH]').replace(TOKEN, '[TOKEN]'),
      config,
      indentation,
      depth,
      refs,
    ),
};

/**
 * Renders a CloudFormation string value (an `Fn::Join` of literals and intrinsics, as a dashboard
 * body is) as one string with `${Ref:Id}` / `${GetAtt:Id.Attr}` placeholders, so the JSON inside can be
 * parsed and snapshotted readably.
 */
export function renderCfnString(value: unknown): string {
  if (typeof value === 'string') return value;
  const v = value as Record<string, unknown>;
  if (Array.isArray(v['Fn::Join'])) {
    const [sep, parts] = v['Fn::Join'] as [string, unknown[]];
    return parts.map(renderCfnString).join(sep);
  }
  if (typeof v.Ref === 'string') return `\${Ref:${v.Ref}}`;
  if (Array.isArray(v['Fn::GetAtt'])) return `\${GetAtt:${(v['Fn::GetAtt'] as string[]).join('.')}}`;
  return `\${${Object.keys(v)[0]}}`;
}
