/**
 * A CloudFormation template of `count` resources of mixed types, for the estimator's scaling
 * benchmark (`npm run bench`) and its guard test (test/hardening/scaling.test.ts).
 *
 * Every group of 12 resources is a SageMaker endpoint with its config, model, scalable target
 * (addressed through `Fn::Join` of a `Fn::GetAtt`, as the CDK writes it), scaling policy and
 * alarm, plus an EC2 instance, a bucket, a queue, a function, a log group and a KMS key: the
 * joins that used to scan the whole template for each endpoint are all exercised.
 */
const GROUP = 12;

/** Only the endpoint joins (model, config, endpoint, scalable target): the part that was quadratic. */
const JOINS_ONLY = new Set(['Model', 'Config', 'Endpoint', 'Target']);

export function mixedTemplate(
  count: number,
  options: { readonly joinsOnly?: boolean } = {},
): Record<string, unknown> {
  const resources: Record<string, unknown> = {};
  const groups = Math.ceil(count / (options.joinsOnly ? JOINS_ONLY.size : GROUP));
  let n = 0;
  for (let g = 0; g < groups && n < count; g++) {
    const id = (name: string) => `${name}${String(g).padStart(5, '0')}`;
    const group: Record<string, unknown> = {
      [id('Model')]: {
        Type: 'AWS::SageMaker::Model',
        Properties: {
          ExecutionRoleArn: 'arn:aws:iam::123456789012:role/sagemaker',
          PrimaryContainer: {
            Image: '763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.3-gpu-py311',
          },
        },
      },
      [id('Config')]: {
        Type: 'AWS::SageMaker::EndpointConfig',
        Properties: {
          ProductionVariants: [
            {
              VariantName: 'AllTraffic',
              ModelName: { 'Fn::GetAtt': [id('Model'), 'ModelName'] },
              InstanceType: g % 3 === 0 ? 'ml.g5.xlarge' : 'ml.m5.large',
              InitialInstanceCount: 1,
              InitialVariantWeight: 1,
            },
          ],
        },
      },
      [id('Endpoint')]: {
        Type: 'AWS::SageMaker::Endpoint',
        Properties: { EndpointConfigName: { 'Fn::GetAtt': [id('Config'), 'EndpointConfigName'] } },
      },
      [id('Target')]: {
        Type: 'AWS::ApplicationAutoScaling::ScalableTarget',
        Properties: {
          MinCapacity: 1,
          MaxCapacity: 4,
          ResourceId: {
            'Fn::Join': [
              '',
              ['endpoint/', { 'Fn::GetAtt': [id('Endpoint'), 'EndpointName'] }, '/variant/AllTraffic'],
            ],
          },
          ScalableDimension: 'sagemaker:variant:DesiredInstanceCount',
          ServiceNamespace: 'sagemaker',
        },
      },
      [id('Policy')]: {
        Type: 'AWS::ApplicationAutoScaling::ScalingPolicy',
        Properties: {
          PolicyName: id('Policy'),
          PolicyType: 'TargetTrackingScaling',
          ScalingTargetId: { Ref: id('Target') },
          TargetTrackingScalingPolicyConfiguration: {
            TargetValue: 70,
            PredefinedMetricSpecification: { PredefinedMetricType: 'SageMakerVariantInvocationsPerInstance' },
          },
        },
      },
      [id('Alarm')]: {
        Type: 'AWS::CloudWatch::Alarm',
        Properties: {
          Namespace: 'AWS/SageMaker',
          MetricName: 'ModelLatency',
          Dimensions: [
            { Name: 'EndpointName', Value: { 'Fn::GetAtt': [id('Endpoint'), 'EndpointName'] } },
            { Name: 'VariantName', Value: 'AllTraffic' },
          ],
          Statistic: 'Average',
          Period: 60,
          EvaluationPeriods: 5,
          Threshold: 500000,
          ComparisonOperator: 'GreaterThanThreshold',
        },
      },
      [id('Vm')]: { Type: 'AWS::EC2::Instance', Properties: { InstanceType: 'm5.large' } },
      [id('Bucket')]: { Type: 'AWS::S3::Bucket', Properties: {} },
      [id('Queue')]: { Type: 'AWS::SQS::Queue', Properties: {} },
      [id('Fn')]: {
        Type: 'AWS::Lambda::Function',
        Properties: {
          MemorySize: 512,
          Runtime: 'nodejs20.x',
          Handler: 'index.handler',
          Code: { ZipFile: 'x' },
        },
      },
      [id('Logs')]: { Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 30 } },
      [id('Key')]: { Type: 'AWS::KMS::Key', Properties: { EnableKeyRotation: true } },
    };
    for (const [k, v] of Object.entries(group)) {
      if (n >= count) break;
      if (options.joinsOnly && !JOINS_ONLY.has(k.replace(/\d+$/, ''))) continue;
      resources[k] = v;
      n++;
    }
  }
  return { Resources: resources };
}
