/**
 * The models of an `InferenceEndpoint`, one per production variant and one for the shadow variant:
 * in the VPC with network isolation unless the endpoint is serverless (SageMaker runs serverless
 * containers outside customer VPCs).
 */
import type * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import type {
  InferenceEndpointProps,
  InferenceMode,
  InferenceVariantOptions,
  ShadowVariantOptions,
} from '../inference-endpoint-props';
import { InferenceModel, type ModelData } from '../model';
import type { ModelImage } from '../model-image';

/** What the endpoint's models are made from, with the constructor's defaults applied. */
export interface EndpointModelSources {
  readonly mode: InferenceMode;
  readonly primaryName: string;
  readonly variants: readonly InferenceVariantOptions[];
  readonly shadow?: ShadowVariantOptions;
  /** Keys the models' containers use (the endpoint's, the capture bucket's). */
  readonly encryptionKeys: readonly kms.IKey[];
}

export interface EndpointModels {
  /** Every model by variant name, the shadow's included. */
  readonly byVariant: Readonly<Record<string, InferenceModel>>;
  readonly primary: InferenceModel;
  /** The model of each A/B variant, in the order of `variants`. */
  readonly variants: readonly InferenceModel[];
  readonly shadowName: string;
  readonly shadow?: InferenceModel;
  /** Primary, A/B variants, then shadow. */
  readonly all: readonly InferenceModel[];
}

/** Creates the models under `scope`: `Model` for the primary variant, `Model-<variant>` for the others. */
export function createEndpointModels(
  scope: Construct,
  props: InferenceEndpointProps,
  s: EndpointModelSources,
): EndpointModels {
  const inVpc = s.mode !== 'serverless';
  const byVariant: Record<string, InferenceModel> = {};
  const newModel = (
    id: string,
    variantName: string,
    spec: { image: ModelImage; modelData?: ModelData; environment?: Record<string, string> },
  ) => {
    const model = new InferenceModel(scope, id, {
      image: spec.image,
      modelData: spec.modelData,
      environment: spec.environment,
      vpc: inVpc ? props.vpc : undefined,
      vpcSubnets: inVpc ? props.vpcSubnets : undefined,
      securityGroups: inVpc ? props.securityGroups : undefined,
      networkIsolation: inVpc ? (props.networkIsolation ?? true) : false,
      encryptionKeys: inVpc ? [...new Set(s.encryptionKeys)] : [],
    });
    byVariant[variantName] = model;
    return model;
  };
  const primary = newModel('Model', s.primaryName, props);
  const variants = s.variants.map((x) => newModel(`Model-${x.variantName}`, x.variantName, x));
  const shadowName = s.shadow?.variantName ?? 'Shadow';
  const shadow = s.shadow ? newModel(`Model-${shadowName}`, shadowName, s.shadow) : undefined;
  return {
    byVariant,
    primary,
    variants,
    shadowName,
    shadow,
    all: [primary, ...variants, ...(shadow ? [shadow] : [])],
  };
}
