import { Stack, type CfnResource } from 'aws-cdk-lib';
import { CfnEndpoint, CfnEndpointConfig, CfnModel } from 'aws-cdk-lib/aws-sagemaker';
import { resolveList, resolveStruct } from '../../nag/private/resolve';
import { member, referencedResources, resourcesOfType, prop } from './stack-index';

/** One production or shadow variant of an endpoint configuration, resolved. */
export interface Variant {
  readonly name: string;
  readonly props: Record<string, unknown>;
  readonly serverless: boolean;
  /** The variant's model when the same stack defines it. */
  readonly model?: CfnModel;
}

/** The production and shadow variants of an endpoint configuration. */
export function variantsOf(config: CfnEndpointConfig): Variant[] {
  const stack = Stack.of(config);
  return [
    ...resolveList(config, prop(config, 'ProductionVariants', config.productionVariants)),
    ...resolveList(config, prop(config, 'ShadowProductionVariants', config.shadowProductionVariants)),
  ]
    .map((v) => resolveStruct(config, v))
    .filter((v): v is Record<string, unknown> => v !== undefined)
    .map((props, i) => ({
      name: String(stack.resolve(member(props, 'variantName')) ?? `variant ${i}`),
      props,
      serverless: member(props, 'serverlessConfig') !== undefined,
      model: modelNamed(config, stack.resolve(member(props, 'modelName'))),
    }));
}

/** The endpoint configuration of an endpoint, when the same stack defines it. */
export function configOf(endpoint: CfnEndpoint): CfnEndpointConfig | undefined {
  const name: unknown = Stack.of(endpoint).resolve(
    prop(endpoint, 'EndpointConfigName', endpoint.endpointConfigName),
  );
  const [byRef] = referencedResources(endpoint, name, CfnEndpointConfig);
  if (byRef) return byRef;
  if (typeof name !== 'string') return undefined;
  return resourcesOfType(endpoint, CfnEndpointConfig).find(
    (c) => Stack.of(c).resolve(prop(c, 'EndpointConfigName', c.endpointConfigName)) === name,
  );
}

function modelNamed(scope: CfnResource, name: unknown): CfnModel | undefined {
  const [byRef] = referencedResources(scope, name, CfnModel);
  if (byRef) return byRef;
  if (typeof name !== 'string') return undefined;
  return resourcesOfType(scope, CfnModel).find(
    (m) => Stack.of(m).resolve(prop(m, 'ModelName', m.modelName)) === name,
  );
}

/** The endpoint an `EndpointName` dimension value names, by reference or by literal name. */
export function endpointNamed(scope: CfnResource, name: unknown): CfnEndpoint | undefined {
  const [byRef] = referencedResources(scope, name, CfnEndpoint);
  if (byRef) return byRef;
  if (typeof name !== 'string') return undefined;
  return resourcesOfType(scope, CfnEndpoint).find(
    (e) => Stack.of(e).resolve(prop(e, 'EndpointName', e.endpointName)) === name,
  );
}
