/**
 * The Price List service code that prices a CloudFormation type: what an unpriced line tells the
 * user to refresh (`cdk-ml-cost prices refresh --services <code> --regions <region>`).
 */

/** Exact types whose service code differs from their namespace's. */
const BY_TYPE: Readonly<Record<string, string>> = {
  'AWS::EC2::EIP': 'AmazonVPC',
  'AWS::EC2::VPCEndpoint': 'AmazonVPC',
  'AWS::CloudWatch::Alarm': 'AmazonCloudWatch',
  'AWS::Logs::LogGroup': 'AmazonCloudWatch',
};

/** CloudFormation namespace → Price List service code. */
const BY_NAMESPACE: Readonly<Record<string, string>> = {
  EC2: 'AmazonEC2',
  AutoScaling: 'AmazonEC2',
  Batch: 'AmazonEC2',
  SageMaker: 'AmazonSageMaker',
  RDS: 'AmazonRDS',
  EKS: 'AmazonEKS',
  ElasticLoadBalancingV2: 'AWSELB',
  ElasticLoadBalancing: 'AWSELB',
  DynamoDB: 'AmazonDynamoDB',
  EFS: 'AmazonEFS',
  StepFunctions: 'AmazonStates',
  OpenSearchService: 'AmazonES',
  Elasticsearch: 'AmazonES',
  MSK: 'AmazonMSK',
  FSx: 'AmazonFSx',
  S3: 'AmazonS3',
  KMS: 'awskms',
  CloudWatch: 'AmazonCloudWatch',
  Lambda: 'AWSLambda',
  SNS: 'AmazonSNS',
  SQS: 'AWSQueueService',
  SecretsManager: 'AWSSecretsManager',
  ECR: 'AmazonECR',
  Kinesis: 'AmazonKinesis',
  KinesisFirehose: 'AmazonKinesisFirehose',
  Events: 'AWSEvents',
  Budgets: 'AWSBudgets',
};

/** The service code of `type`, or undefined when the estimator knows no service for it. */
export function serviceCodeOf(type: string): string | undefined {
  return BY_TYPE[type] ?? BY_NAMESPACE[type.split('::')[1] ?? ''];
}

/**
 * True for a reason that a catalog price would remove (`no <key> price for <region>`, `has no
 * AmazonEC2 price in <region>`), as opposed to a template the estimator cannot read.
 */
export function isMissingPrice(reason: string): boolean {
  return / price (for|in) [a-z]{2}(-[a-z]+)+-\d/.test(reason);
}
