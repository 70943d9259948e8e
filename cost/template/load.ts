/**
 * Loads what the estimator prices: a CloudFormation template file (JSON or YAML, with the
 * short-form tags `!Ref`, `!Sub`, ...) or a cloud assembly directory (`manifest.json` and
 * the templates of its `aws:cloudformation:stack` artifacts, nested assemblies included).
 */
import { realpathSync, statSync } from 'node:fs';
import { basename, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { Tags } from 'yaml';
import { CostInputError } from '../errors';
import { describeFsError, readInputFile } from '../fs';
import { checkNestingDepth } from '../limits';
import { parseYaml, YamlLimitError } from '../yaml';

/** A CloudFormation template as parsed JSON. */
export type CfnTemplate = Readonly<Record<string, unknown>>;

/** One stack to price. */
export interface LoadedStack {
  readonly stackName: string;
  readonly template: CfnTemplate;
  /** Where the template was read from (for messages). */
  readonly templatePath: string;
  /** From the assembly's `environment` (`aws://account/region`); absent when environment-agnostic. */
  readonly region?: string;
  readonly account?: string;
}

const UNKNOWN_ENV = new Set(['unknown-region', 'unknown-account']);

/** Loads a template file or a cloud assembly directory. Throws CostInputError on bad input. */
export function loadInput(path: string, options: { readonly stackName?: string } = {}): LoadedStack[] {
  let isDir: boolean;
  try {
    isDir = statSync(path).isDirectory();
  } catch (e) {
    throw new CostInputError(`${path}: ${describeFsError(e)}`);
  }
  if (isDir) return loadAssembly(path);
  const template = parseTemplateText(readInputFile(path), path);
  return [{ stackName: options.stackName ?? stackNameFromFile(path), template, templatePath: path }];
}

/**
 * Nested assemblies deeper than this are refused: the CDK nests one level per Stage, and a
 * manifest that nests further is a cycle or a hostile input.
 */
const MAX_ASSEMBLY_DEPTH = 32;

/** Reads every stack of a cloud assembly (`cdk.out`), in manifest order. */
export function loadAssembly(dir: string): LoadedStack[] {
  let root: string;
  try {
    root = realpathSync(dir);
  } catch (e) {
    throw new CostInputError(`${dir}: ${describeFsError(e)}`);
  }
  const stacks = readAssembly(dir, root, [root], new Map([[root, '(the assembly itself)']]));
  if (stacks.length === 0)
    throw new CostInputError(`${join(dir, 'manifest.json')}: the assembly has no CloudFormation stacks`);
  return stacks;
}

/**
 * One manifest's stacks; nested assemblies recursively. `chain` holds the real paths of the
 * assemblies being read (a manifest that nests one of them again is a cycle). `read` holds every
 * assembly read so far and the artifact that nested it: the CDK writes one directory per Stage,
 * so a directory nested twice is refused. Reading it again would price its stacks twice, and a
 * few manifests that each nest the next one twice would make the reads exponential (25 levels of
 * 3 artifacts: 3^24 reads).
 */
function readAssembly(
  dir: string,
  root: string,
  chain: readonly string[],
  read: Map<string, string>,
): LoadedStack[] {
  const manifestPath = join(dir, 'manifest.json');
  let isFile = false;
  try {
    isFile = statSync(manifestPath).isFile();
  } catch {
    // reported below
  }
  if (!isFile) {
    throw new CostInputError(`${dir}: directory has no manifest.json (not a cloud assembly)`);
  }
  const manifest = parseJson(readInputFile(manifestPath), manifestPath);
  const artifacts = manifest.artifacts;
  if (typeof artifacts !== 'object' || artifacts === null || Array.isArray(artifacts)) {
    throw new CostInputError(`${manifestPath}: no "artifacts" object (not a cloud assembly manifest)`);
  }
  const stacks: LoadedStack[] = [];
  for (const [id, raw] of Object.entries(artifacts as Record<string, unknown>)) {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      throw new CostInputError(`${manifestPath}: artifact ${JSON.stringify(id)} is not an object`);
    }
    const artifact = raw as { type?: unknown; environment?: unknown; properties?: unknown };
    const properties =
      typeof artifact.properties === 'object' && artifact.properties !== null
        ? (artifact.properties as Record<string, unknown>)
        : undefined;
    if (artifact.type === 'cdk:cloud-assembly' && typeof properties?.directoryName === 'string') {
      const nested = confined(root, dir, properties.directoryName, manifestPath, id);
      if (chain.includes(nested)) {
        throw new CostInputError(
          `${manifestPath}: artifact ${JSON.stringify(id)} nests assembly ${properties.directoryName} inside itself (a cycle)`,
        );
      }
      if (chain.length >= MAX_ASSEMBLY_DEPTH) {
        throw new CostInputError(
          `${manifestPath}: nested assemblies deeper than ${MAX_ASSEMBLY_DEPTH} levels`,
        );
      }
      const first = read.get(nested);
      if (first !== undefined) {
        throw new CostInputError(
          `${manifestPath}: artifact ${JSON.stringify(id)} nests assembly ${properties.directoryName}, already nested by ${first}`,
        );
      }
      read.set(nested, `artifact ${JSON.stringify(id)} of ${manifestPath}`);
      stacks.push(...readAssembly(nested, root, [...chain, nested], read));
      continue;
    }
    if (artifact.type !== 'aws:cloudformation:stack') continue;
    const templateFile = properties?.templateFile;
    if (typeof templateFile !== 'string') {
      throw new CostInputError(`${manifestPath}: artifact ${id} has no properties.templateFile`);
    }
    const templatePath = join(dir, templateFile);
    confined(root, dir, templateFile, manifestPath, id);
    const stackName = typeof properties?.stackName === 'string' ? properties.stackName : id;
    const env = parseEnvironment(typeof artifact.environment === 'string' ? artifact.environment : undefined);
    stacks.push({
      stackName,
      template: parseTemplateText(readInputFile(templatePath), templatePath),
      templatePath,
      ...env,
    });
  }
  return stacks;
}

/**
 * The real path of `name` (from a manifest in `dir`) after checking it stays inside the assembly
 * `root`: a manifest must not send the estimator to read `/etc/...` or `../../secrets`.
 */
function confined(root: string, dir: string, name: string, manifestPath: string, id: string): string {
  const where = `${manifestPath}: artifact ${JSON.stringify(id)} names ${JSON.stringify(name)}`;
  if (isAbsolute(name)) throw new CostInputError(`${where}, an absolute path (must be inside the assembly)`);
  let real: string;
  try {
    real = realpathSync(resolve(dir, name));
  } catch (e) {
    throw new CostInputError(`${join(dir, name)}: ${describeFsError(e)} (named by ${manifestPath})`);
  }
  const rel = relative(root, real);
  if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
    throw new CostInputError(`${where}, which is outside the assembly ${root}`);
  }
  return real;
}

function parseEnvironment(env: string | undefined): { region?: string; account?: string } {
  const m = /^aws:\/\/([^/]+)\/([^/]+)$/.exec(env ?? '');
  if (!m) return {};
  return {
    ...(UNKNOWN_ENV.has(m[1]) ? {} : { account: m[1] }),
    ...(UNKNOWN_ENV.has(m[2]) ? {} : { region: m[2] }),
  };
}

function stackNameFromFile(path: string): string {
  return basename(path).replace(/(\.template)?\.(json|ya?ml|template)$/i, '') || basename(path);
}

function parseJson(text: string, path: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(text);
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('not a JSON object');
    return v as Record<string, unknown>;
  } catch (e) {
    throw new CostInputError(`${path}: not valid JSON (${(e as Error).message.split('\n')[0]})`);
  }
}

/** Parses template text (JSON, else YAML with CloudFormation short-form tags) and checks it is a template. */
export function parseTemplateText(text: string, path: string): CfnTemplate {
  const trimmed = text.trimStart();
  let doc: unknown;
  if (trimmed.startsWith('{')) {
    doc = parseJson(text, path);
  } else {
    try {
      // logLevel 'error': yaml reports an unknown tag with process.emitWarning, several lines on
      // stderr that would break the CLI's one-line error contract; the tagged value stays as written.
      doc = parseYaml(text, { customTags: cfnYamlTags(), logLevel: 'error' });
    } catch (e) {
      if (e instanceof YamlLimitError) throw new CostInputError(`${path}: ${e.message}`);
      if (e instanceof RangeError) throw new CostInputError(`${path}: nested too deeply to parse`);
      throw new CostInputError(`${path}: neither JSON nor YAML (${(e as Error).message.split('\n')[0]})`);
    }
  }
  return checkTemplate(doc, path);
}

/** Checks that a parsed document is a CloudFormation template. */
export function checkTemplate(doc: unknown, path: string): CfnTemplate {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new CostInputError(`${path}: not a CloudFormation template (expected an object with Resources)`);
  }
  checkNestingDepth(doc, path);
  const resources = (doc as Record<string, unknown>).Resources;
  if (typeof resources !== 'object' || resources === null || Array.isArray(resources)) {
    throw new CostInputError(`${path}: not a CloudFormation template (no Resources section)`);
  }
  for (const [id, r] of Object.entries(resources as Record<string, unknown>)) {
    if (typeof r !== 'object' || r === null || typeof (r as { Type?: unknown }).Type !== 'string') {
      throw new CostInputError(`${path}: resource ${id} has no Type (not a CloudFormation template)`);
    }
  }
  return doc as CfnTemplate;
}

// CloudFormation YAML short forms (`!Ref X`, `!GetAtt A.B`, `!Sub ...`) → their JSON forms.
const SHORT_FORMS: Readonly<Record<string, string>> = {
  Ref: 'Ref',
  Condition: 'Condition',
  Base64: 'Fn::Base64',
  Cidr: 'Fn::Cidr',
  FindInMap: 'Fn::FindInMap',
  GetAZs: 'Fn::GetAZs',
  ImportValue: 'Fn::ImportValue',
  Join: 'Fn::Join',
  Select: 'Fn::Select',
  Split: 'Fn::Split',
  Sub: 'Fn::Sub',
  Transform: 'Fn::Transform',
  And: 'Fn::And',
  Equals: 'Fn::Equals',
  If: 'Fn::If',
  Not: 'Fn::Not',
  Or: 'Fn::Or',
  GetAtt: 'Fn::GetAtt',
};

function toJs(node: unknown): unknown {
  const n = node as { toJSON?: () => unknown };
  return typeof n?.toJSON === 'function' ? n.toJSON() : node;
}

let tags: Tags | undefined;

/** The CloudFormation short-form tags, built with the first YAML template. */
function cfnYamlTags(): Tags {
  tags ??= buildCfnYamlTags();
  return tags;
}

const buildCfnYamlTags = (): Tags =>
  Object.entries(SHORT_FORMS).flatMap(([tag, fn]) => [
    {
      tag: `!${tag}`,
      resolve: (value: string) =>
        fn === 'Fn::GetAtt'
          ? { [fn]: splitOnce(value) }
          : { [fn]: fn === 'Fn::GetAZs' && value === '' ? '' : value },
    },
    { tag: `!${tag}`, collection: 'seq' as const, resolve: (seq: unknown) => ({ [fn]: toJs(seq) }) },
    { tag: `!${tag}`, collection: 'map' as const, resolve: (map: unknown) => ({ [fn]: toJs(map) }) },
  ]);

function splitOnce(value: string): string[] {
  const i = value.indexOf('.');
  return i < 0 ? [value] : [value.slice(0, i), value.slice(i + 1)];
}
