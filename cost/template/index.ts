export { loadInput, loadAssembly, parseTemplateText, checkTemplate } from './load';
export type { CfnTemplate, LoadedStack } from './load';
export { resolveTemplate } from './resolve';
export type {
  ResolveOptions,
  ResolvedTemplate,
  ResolvedParameter,
  ExcludedResource,
  ConditionValue,
} from './resolve';
export * from './values';
