/**
 * The YAML parser, loaded on first use. A cloud assembly is JSON, so a CLI run on `cdk.out`
 * (one esbuild bundle) never initialises the parser; YAML templates and usage files load it.
 */
import type { DocumentOptions, ParseOptions, SchemaOptions, ToJSOptions } from 'yaml';

type YamlModule = typeof import('yaml');
let yaml: YamlModule | undefined;

/** `yaml`'s `parse(text, options)`, with the module required on the first call. */
export function parseYaml(
  text: string,
  options: ParseOptions & DocumentOptions & SchemaOptions & ToJSOptions,
): unknown {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- synchronous and lazy on purpose
  yaml ??= require('yaml') as YamlModule;
  return yaml.parse(text, options);
}
