import { Stack, Token } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { PropValidator } from '../../core/errors';

/**
 * Model Monitor's built-in analyzer (`sagemaker-model-monitor-analyzer`), from the account SageMaker
 * publishes it in for each region (aws/sagemaker-python-sdk: src/sagemaker/image_uri_config/model-monitor.json).
 */
export function analyzerImage(scope: Construct): string {
  const stack = Stack.of(scope);
  const region = stack.region;
  if (Token.isUnresolved(region)) {
    throw new PropValidator('ModelMonitoring', scope)
      .check(false, 'stack region', region, 'a concrete region (the analyzer image is published per region)')
      .throwIfAny() as never;
  }
  const account = ANALYZER_ACCOUNTS[region];
  if (!account) {
    new PropValidator('ModelMonitoring', scope)
      .check(
        false,
        'stack region',
        region,
        `a region with the Model Monitor analyzer (${Object.keys(ANALYZER_ACCOUNTS).join(', ')})`,
      )
      .throwIfAny();
  }
  const suffix = region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
  return `${account}.dkr.ecr.${region}.${suffix}/sagemaker-model-monitor-analyzer`;
}

/** "For real-time endpoints: /aws/sagemaker/Endpoints/data-metrics", dimensions Endpoint and MonitoringSchedule (Model Monitor, CloudWatch metrics). */
export const METRIC_NAMESPACE = 'aws/sagemaker/Endpoints/data-metrics';

const ANALYZER_ACCOUNTS: Record<string, string> = {
  'eu-north-1': '895015795356',
  'me-south-1': '607024016150',
  'ap-south-1': '126357580389',
  'us-east-2': '777275614652',
  'eu-west-1': '468650794304',
  'eu-central-1': '048819808253',
  'sa-east-1': '539772159869',
  'ap-east-1': '001633400207',
  'us-east-1': '156813124566',
  'ap-northeast-2': '709848358524',
  'eu-west-2': '749857270468',
  'eu-west-3': '680080141114',
  'ap-northeast-1': '574779866223',
  'us-west-2': '159807026194',
  'us-west-1': '890145073186',
  'ap-southeast-1': '245545462676',
  'ap-southeast-2': '563025443158',
  'ca-central-1': '536280801234',
  'cn-north-1': '453000072557',
  'cn-northwest-1': '453252182341',
};
