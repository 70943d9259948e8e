/**
 * The endpoint configuration of an `InferenceEndpoint`: its production and shadow variants, volume
 * key, data capture and async blocks (with the models' access to them), the role and network
 * settings inference components take from it, and the findings its mode makes unavoidable.
 */
import type * as kms from 'aws-cdk-lib/aws-kms';
import { CfnEndpointConfig } from 'aws-cdk-lib/aws-sagemaker';
import type { Construct } from 'constructs';
import { acknowledgeFindings } from '../../core/compliance';
import type { InferenceInstanceType } from '../instance-type';
import type { InferenceModel } from '../model';
import { asyncInferenceConfig } from './async-config';
import { allowDataCapture, dataCaptureConfig, type DataCaptureSpec } from './data-capture';
import { productionVariants, shadowProductionVariants, type VariantSources } from './variants';

/** What the configuration is built from, with the constructor's defaults applied. */
export interface EndpointConfigSources extends VariantSources {
  readonly shadowName: string;
  readonly shadowModel?: InferenceModel;
  /** Every model of the endpoint: primary, A/B variants, shadow. */
  readonly allModels: readonly InferenceModel[];
  /** The instance types of every variant, the shadow's included. */
  readonly instanceTypes: readonly InferenceInstanceType[];
  /** The endpoint's key: volumes and async output. */
  readonly encryptionKey: kms.IKey;
  readonly dataCapture: DataCaptureSpec;
}

/** Creates the configuration (id `Config` under `scope`), after the models' data-capture and async grants. */
export function createEndpointConfig(scope: Construct, s: EndpointConfigSources): CfnEndpointConfig {
  const { props, mode, primaryModel, instanceTypes } = s;
  allowDataCapture(s.dataCapture, s.allModels);
  const asyncConfig = props.async
    ? asyncInferenceConfig(props.async, primaryModel, s.encryptionKey)
    : undefined;
  const componentMode = mode === 'scale-to-zero';
  // Instance types with local NVMe are encrypted in hardware and SageMaker refuses a KmsKeyId for them.
  const volumeKey = mode !== 'serverless' && !instanceTypes.some((t) => t.hasInstanceStorage);
  const config = new CfnEndpointConfig(scope, 'Config', {
    productionVariants: productionVariants(s),
    shadowProductionVariants: shadowProductionVariants(props, s.shadowName, s.shadowModel),
    kmsKeyId: volumeKey ? s.encryptionKey.keyArn : undefined,
    dataCaptureConfig: dataCaptureConfig(s.dataCapture),
    asyncInferenceConfig: asyncConfig,
    // Inference components take the role and network settings from the endpoint configuration.
    executionRoleArn: componentMode ? primaryModel.role.roleArn : undefined,
    enableNetworkIsolation: componentMode ? primaryModel.networkIsolation : undefined,
    vpcConfig: componentMode ? primaryModel.cfnModel.vpcConfig : undefined,
  });
  if (!volumeKey) {
    acknowledgeFindings(
      config,
      [
        'NIST.800.53.R5-SageMakerEndpointConfigurationKMSKeyConfigured',
        'HIPAA.Security-SageMakerEndpointConfigurationKMSKeyConfigured',
      ],
      mode === 'serverless'
        ? `${scope.node.path} is serverless: SageMaker manages its storage and the API takes no KmsKeyId for serverless variants.`
        : `${scope.node.path} uses ${[...new Set(instanceTypes.filter((t) => t.hasInstanceStorage).map(String))].join(', ')} with local NVMe storage, encrypted by the instance hardware; SageMaker rejects a KmsKeyId for these types.`,
    );
  }
  if (mode === 'serverless') {
    acknowledgeFindings(
      primaryModel.cfnModel,
      ['MlPlatform-SageMakerModelNetworkIsolation', 'MlPlatform-SageMakerModelVpcConfig'],
      `${primaryModel.node.path} serves a serverless endpoint: SageMaker runs serverless containers outside customer VPCs and rejects VpcConfig and network isolation for them.`,
    );
  }
  for (const m of s.allModels) {
    const policy = m.role.node.tryFindChild('DefaultPolicy');
    if (policy) config.node.addDependency(policy);
  }
  return config;
}
