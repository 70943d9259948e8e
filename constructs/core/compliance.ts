import { App, CloudFormationValidatePlugin, Validations } from 'aws-cdk-lib';
import type { IPolicyValidationPlugin } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks } from 'cdk-nag';
import type { Construct, IConstruct } from 'constructs';
import {
  CachedCloudFormationValidatePlugin,
  VALIDATION_CACHE_CONTEXT_KEY,
  validationCacheDir,
} from './validation-cache';
import { VALIDATION_WORKER_CONTEXT_KEY } from './validation-worker';

/** The cdk-nag packs every platform app runs, by the name they report under. */
export const COMPLIANCE_PACKS = ['AwsSolutions', 'NIST.800.53.R5', 'HIPAA.Security'] as const;

export interface CompliancePackOptions {
  /**
   * Extra validation plugins to register next to the cdk-nag packs (e.g. our own ML rule pack).
   * @default - none
   */
  readonly extraPlugins?: IPolicyValidationPlugin[];
}

/**
 * Registers the AwsSolutions, NIST 800-53 R5 and HIPAA Security packs on the app as cdk-nag v3
 * policy-validation plugins. Findings go to `cdk.out/validation-report.json`, and synth fails
 * while any is unacknowledged. CDK's built-in CloudFormation validation stays on; on an App it is
 * registered as `CachedCloudFormationValidatePlugin` (the same plugin, its report reused for templates
 * identical to an earlier synth's; `-c cdk-ml-platform:validationCache=false` turns that off). When the
 * app runs under the CDK CLI, that validation's engine starts in a worker thread right away and
 * validates there while the packs run (`-c cdk-ml-platform:validationWorker=false` keeps it on the main
 * thread, `=true` starts it outside the CLI too).
 */
export function applyCompliancePacks(app: Construct, options: CompliancePackOptions = {}): void {
  const plugins = [
    new AwsSolutionsChecks(app),
    new NIST80053R5Checks(app),
    new HIPAASecurityChecks(app),
    ...(options.extraPlugins ?? []),
  ];
  const cached = cachedCloudFormationValidation(app);
  if (cached) {
    // The packs run before CDK's validation: the first of them hands the templates to the worker.
    for (const plugin of plugins) {
      const validate = plugin.validate.bind(plugin);
      plugin.validate = (context) => {
        cached.prefetch(context);
        return validate(context);
      };
    }
  }
  Validations.of(app).addPlugins(...plugins);
  if (cached) Validations.of(app).addPlugins(cached);
  REGISTERED_PACKS.set(app, [...compliancePacksOf(app), ...plugins.map((p) => p.name)]);
}

/**
 * The cached built-in validation for `app`, when it may replace the default instance: on an App (CDK
 * accepts the plugin there only) whose built-in validation is on, with no CloudFormationValidatePlugin
 * registered yet (CDK allows one), and with a cache (not turned off, a project `node_modules` to keep it
 * in) or a worker to run it in.
 */
function cachedCloudFormationValidation(app: Construct): CachedCloudFormationValidatePlugin | undefined {
  if (!App.isApp(app)) return undefined;
  // `builtinCloudFormationValidation: false` (App props) and the plugins registered so far have no
  // public getter; both are read defensively, and a missing field means the default.
  const internals = app as unknown as {
    readonly _builtinCloudFormationValidation?: boolean;
    readonly _validationPlugins?: readonly unknown[];
  };
  if (internals._builtinCloudFormationValidation === false) return undefined;
  if ((internals._validationPlugins ?? []).some((p) => p instanceof CloudFormationValidatePlugin))
    return undefined;
  const cacheDir =
    contextFlag(app, VALIDATION_CACHE_CONTEXT_KEY) === false ? undefined : validationCacheDir();
  // An app run by the CDK CLI (which sets CDK_OUTDIR) is a process that synthesizes once: the worker's
  // head start pays. Elsewhere (tests, apps that synthesize many times in one process) it is opt-in.
  const validateInWorker =
    contextFlag(app, VALIDATION_WORKER_CONTEXT_KEY) ?? process.env.CDK_OUTDIR !== undefined;
  if (cacheDir === undefined && !validateInWorker) return undefined;
  return new CachedCloudFormationValidatePlugin({ cacheDir, validateInWorker });
}

/** A boolean context value as `-c key=false` or `cdk.json` give it; undefined when unset. */
function contextFlag(app: Construct, key: string): boolean | undefined {
  const value: unknown = app.node.tryGetContext(key);
  if (value === undefined) return undefined;
  return !(value === false || value === 'false');
}

/** Pack names registered by `applyCompliancePacks`, per app (CDK has no public lookup of validation plugins). */
const REGISTERED_PACKS = new WeakMap<IConstruct, readonly string[]>();

/** The names of the packs `applyCompliancePacks` registered on `app`, in order; empty when none. */
export function compliancePacksOf(app: IConstruct): readonly string[] {
  return REGISTERED_PACKS.get(app) ?? [];
}

/**
 * Acknowledges findings on one construct (pass the resource or the L2 whose `Resource` it is,
 * never a stack) with a reason specific to that resource. Rule ids are as cdk-nag reports them:
 * `AwsSolutions-IAM5[Resource::*]`, `NIST.800.53.R5-IAMNoInlinePolicy`.
 */
export function acknowledgeFindings(scope: IConstruct, ruleIds: readonly string[], reason: string): void {
  if (reason.trim().length < 20) {
    throw new Error(
      `acknowledgeFindings: give a reason specific to ${scope.node.path} (20 characters or more)`,
    );
  }
  Validations.of(scope).acknowledge(...ruleIds.map((id) => ({ id, reason })));
}

/** The inline-policy rule of the NIST and HIPAA packs (every CDK `grant*()` writes an inline policy). */
export const INLINE_POLICY_RULES = [
  'NIST.800.53.R5-IAMNoInlinePolicy',
  'HIPAA.Security-IAMNoInlinePolicy',
] as const;

/**
 * Acknowledges the inline-policy finding on a role's default policy, which CDK `grant*()` calls write.
 * Our grants are scoped to single resources; inline policies live and die with their role, so they
 * cannot be attached elsewhere by mistake. Call it once a construct has made all its grants.
 */
export function acknowledgeGrantPolicy(role: IConstruct, scopedTo: string): void {
  const policy = role.node.tryFindChild('DefaultPolicy');
  if (!policy) return;
  acknowledgeFindings(
    policy,
    INLINE_POLICY_RULES,
    `Inline policy written by CDK grants for ${role.node.path}, scoped to ${scopedTo}; it is deleted with the role and cannot be attached to another principal.`,
  );
}

/** The function-level concurrency rule of the NIST and HIPAA packs (reserved concurrency set). */
export const LAMBDA_CONCURRENCY_RULES = [
  'NIST.800.53.R5-LambdaConcurrency',
  'HIPAA.Security-LambdaConcurrency',
] as const;

/**
 * Why the library's functions reserve no concurrency. "You can reserve up to the Unreserved account
 * concurrency value that is shown, minus 100 for functions that don't have reserved concurrency"
 * (Lambda developer guide, configuring reserved concurrency), and "New AWS accounts have reduced
 * concurrency and memory quotas" (Lambda quotas): in such an account any reservation fails the deploy.
 */
export const UNRESERVED_CONCURRENCY_REASON =
  'Reserved concurrency fails to deploy in accounts whose concurrency quota is at or near 100 (Lambda keeps 100 unreserved; new accounts start below that): this low-traffic function runs from the unreserved pool, and its event source bounds its concurrency.';
