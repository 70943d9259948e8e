/**
 * The unit-price pricing modules (catalog engineer), by CloudFormation type. The registry
 * (registry.ts) spreads these in next to the instance-based modules.
 */
import { priceAnomalyDetection } from './anomaly';
import { priceDynamoDbTable } from './dynamodb';
import { priceEfsFileSystem } from './efs';
import { priceEksCluster, priceEksNodegroup } from './eks';
import { priceClassicLoadBalancer, priceLoadBalancerV2 } from './elb';
import { priceMskCluster } from './msk';
import { priceOpenSearchDomain } from './opensearch';
import { priceRdsInstance } from './rds';
import { priceStateMachine } from './step-functions';
import { priceBudget, priceBudgetsAction } from './budgets';
import { priceAlarm, priceCompositeAlarm, priceDashboard } from './cloudwatch';
import { priceEbsVolume } from './ebs';
import { priceEcrRepository } from './ecr';
import { priceEmrServerlessApplication } from './emr-serverless';
import { priceElasticIp } from './eip';
import { priceApiDestination, priceEventBus, priceEventRule } from './events';
import { priceFeatureGroup } from './feature-store';
import { priceDeliveryStream } from './firehose';
import { priceFsxFileSystem } from './fsx';
import { priceGlueCatalogObject } from './glue';
import { priceKinesisStream } from './kinesis';
import { priceKmsKey } from './kms';
import { priceLambdaFunction } from './lambda';
import { priceLogGroup } from './logs';
import { priceMskServerlessCluster } from './msk-serverless';
import { priceNatGateway } from './nat-gateway';
import { priceS3Bucket } from './s3';
import { priceSecret } from './secrets-manager';
import { priceSnsSubscription, priceSnsTopic } from './sns';
import { priceSqsQueue } from './sqs';
import type { PricingModule } from './types';
import { priceVpcEndpoint } from './vpc-endpoint';

export const UNIT_PRICE_MODULES: Readonly<Record<string, PricingModule>> = {
  'AWS::Budgets::Budget': priceBudget,
  'AWS::Budgets::BudgetsAction': priceBudgetsAction,
  'AWS::CE::AnomalyMonitor': priceAnomalyDetection,
  'AWS::CE::AnomalySubscription': priceAnomalyDetection,
  'AWS::CloudWatch::Alarm': priceAlarm,
  'AWS::CloudWatch::CompositeAlarm': priceCompositeAlarm,
  'AWS::CloudWatch::Dashboard': priceDashboard,
  'AWS::EC2::EIP': priceElasticIp,
  'AWS::EC2::NatGateway': priceNatGateway,
  'AWS::EC2::VPCEndpoint': priceVpcEndpoint,
  'AWS::EC2::Volume': priceEbsVolume,
  'AWS::ECR::Repository': priceEcrRepository,
  'AWS::EMRServerless::Application': priceEmrServerlessApplication,
  'AWS::Events::ApiDestination': priceApiDestination,
  'AWS::Events::EventBus': priceEventBus,
  'AWS::Events::Rule': priceEventRule,
  'AWS::FSx::FileSystem': priceFsxFileSystem,
  'AWS::Glue::Database': priceGlueCatalogObject,
  'AWS::Glue::Table': priceGlueCatalogObject,
  'AWS::KMS::Key': priceKmsKey,
  'AWS::KMS::ReplicaKey': priceKmsKey,
  'AWS::Kinesis::Stream': priceKinesisStream,
  'AWS::KinesisFirehose::DeliveryStream': priceDeliveryStream,
  'AWS::Lambda::Function': priceLambdaFunction,
  'AWS::Logs::LogGroup': priceLogGroup,
  'AWS::MSK::ServerlessCluster': priceMskServerlessCluster,
  'AWS::S3::Bucket': priceS3Bucket,
  'AWS::SageMaker::FeatureGroup': priceFeatureGroup,
  'AWS::SNS::Subscription': priceSnsSubscription,
  'AWS::SNS::Topic': priceSnsTopic,
  'AWS::SQS::Queue': priceSqsQueue,
  'AWS::SecretsManager::Secret': priceSecret,
  'AWS::RDS::DBInstance': priceRdsInstance,
  'AWS::EKS::Cluster': priceEksCluster,
  'AWS::EKS::Nodegroup': priceEksNodegroup,
  'AWS::ElasticLoadBalancingV2::LoadBalancer': priceLoadBalancerV2,
  'AWS::ElasticLoadBalancing::LoadBalancer': priceClassicLoadBalancer,
  'AWS::DynamoDB::Table': priceDynamoDbTable,
  'AWS::EFS::FileSystem': priceEfsFileSystem,
  'AWS::StepFunctions::StateMachine': priceStateMachine,
  'AWS::OpenSearchService::Domain': priceOpenSearchDomain,
  'AWS::Elasticsearch::Domain': priceOpenSearchDomain,
  'AWS::MSK::Cluster': priceMskCluster,
};
