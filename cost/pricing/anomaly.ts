/**
 * AWS::CE::AnomalyMonitor and AWS::CE::AnomalySubscription: AWS Cost Anomaly Detection has no
 * charge ("AWS Cost Anomaly Detection is available at no additional cost",
 * https://aws.amazon.com/aws-cost-management/aws-cost-anomaly-detection/pricing/ ). Alerts sent
 * through SNS are billed on the topic.
 */
import type { PricingModule } from './types';

export const priceAnomalyDetection: PricingModule = () => ({ kind: 'free' });
