import { Token } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** One rejected prop: which prop, what was received, and what is allowed. */
export interface PropProblem {
  /** The prop's path as the user wrote it, e.g. `autoScaling.maxCapacity`. */
  readonly prop: string;
  /** The value received (rendered with JSON.stringify). */
  readonly value: unknown;
  /** What is allowed, phrased as the fix, e.g. `an integer from 1 to 100`. */
  readonly allowed: string;
}

/**
 * The error every cdk-ml-platform construct throws for bad props.
 *
 * aws-cdk-lib's own `ValidationError` is internal, so we define ours. The message
 * names the construct path, then one line per problem:
 * `[Stack/Cluster] GpuTrainingCluster: maxGpus must be an integer from 1 to 1024, got -1`.
 */
export class MlPlatformValidationError extends Error {
  public readonly problems: readonly PropProblem[];
  public readonly constructPath: string;
  public readonly constructType: string;

  constructor(constructType: string, scope: IConstruct | string, problems: readonly PropProblem[]) {
    const path = typeof scope === 'string' ? scope : scope.node.path;
    const lines = problems.map((p) => `${p.prop} must be ${p.allowed}, got ${renderValue(p.value)}`);
    super(`[${path}] ${constructType}: ${lines.join('; ')}`);
    this.name = 'MlPlatformValidationError';
    this.problems = problems;
    this.constructPath = path;
    this.constructType = constructType;
  }
}

/**
 * Collects problems so a construct reports all of them at once, then throws.
 * Unresolved tokens are never judged: their value is only known at deploy time.
 */
export class PropValidator {
  private readonly problems: PropProblem[] = [];

  constructor(
    private readonly constructType: string,
    private readonly scope: IConstruct | string,
  ) {}

  /** Records a problem when `ok` is false. */
  check(ok: boolean, prop: string, value: unknown, allowed: string): this {
    if (!ok) this.problems.push({ prop, value, allowed });
    return this;
  }

  /** Checks a number against an inclusive range (and integrality), skipping undefined and tokens. */
  range(
    prop: string,
    value: number | undefined,
    min: number,
    max: number,
    opts: { integer?: boolean } = {},
  ): this {
    if (value === undefined || Token.isUnresolved(value)) return this;
    const integer = opts.integer ?? true;
    const ok =
      Number.isFinite(value) && value >= min && value <= max && (!integer || Number.isInteger(value));
    return this.check(ok, prop, value, `${integer ? 'an integer' : 'a number'} from ${min} to ${max}`);
  }

  /** Checks `min <= max` when both are known. */
  ordered(minProp: string, min: number | undefined, maxProp: string, max: number | undefined): this {
    if (min === undefined || max === undefined || Token.isUnresolved(min) || Token.isUnresolved(max))
      return this;
    return this.check(min <= max, minProp, min, `at most ${maxProp} (${max})`);
  }

  /** Checks a string against a list of allowed values, skipping undefined and tokens. */
  oneOf(prop: string, value: string | undefined, allowed: readonly string[]): this {
    if (value === undefined || Token.isUnresolved(value)) return this;
    return this.check(allowed.includes(value), prop, value, `one of ${allowed.join(', ')}`);
  }

  get hasProblems(): boolean {
    return this.problems.length > 0;
  }

  /** Throws one `MlPlatformValidationError` listing every problem found, if any. */
  throwIfAny(): void {
    if (this.problems.length > 0) {
      throw new MlPlatformValidationError(this.constructType, this.scope, this.problems);
    }
  }
}

function renderValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  // JSON.stringify renders NaN and Infinity as null, which would hide the mistake.
  if (typeof value === 'number') return String(value);
  if (value === undefined) return 'undefined';
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
