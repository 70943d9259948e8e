import { RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { PlatformAlarmTopic } from '../constructs/monitoring/alarm-topic';
import {
  type AnomalyMonitorScope,
  COST_ANOMALY_DETECTION_REGION,
  CostAnomalyDetection,
} from '../constructs/monitoring/cost-guardrails';
import { applyCostAllocationTags, tagComponent } from '../constructs/monitoring/tagging';

export interface CostAnomalyStackProps extends Omit<StackProps, 'env'> {
  /** The platform tag value the monitor watches (`<platform>-<preset>`), as on the platform's resources. */
  readonly platformName: string;
  /** The preset name, for the `environment` cost-allocation tag. */
  readonly environmentName: string;
  /**
   * The account of the platform.
   * @default - the account of the CLI's credentials at deploy time
   */
  readonly account?: string;
  /**
   * E-mail addresses subscribed to this stack's alert topic.
   * @default - none
   */
  readonly alarmEmails?: string[];
  /**
   * What the monitor watches.
   * @default AnomalyMonitorScope.PLATFORM_TAG
   */
  readonly anomalyMonitorScope?: AnomalyMonitorScope;
  /**
   * What happens to the topic's key when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The Cost Explorer anomaly monitor of a platform deployed outside us-east-1: Cost Explorer
 * resources can be created only in us-east-1, so they get this small stack there, with an encrypted
 * alert topic of its own (a stack cannot reference a topic of another region). `MlPlatformStack`
 * adds it, and depends on it, whenever its region is not us-east-1.
 */
export class CostAnomalyStack extends Stack {
  public readonly alarmTopic: PlatformAlarmTopic;
  public readonly anomalyDetection: CostAnomalyDetection;

  constructor(scope: Construct, id: string, props: CostAnomalyStackProps) {
    super(scope, id, { ...props, env: { region: COST_ANOMALY_DETECTION_REGION, account: props.account } });
    this.alarmTopic = new PlatformAlarmTopic(this, 'AlarmTopic', {
      emails: props.alarmEmails,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    this.anomalyDetection = new CostAnomalyDetection(this, 'CostAnomalies', {
      platformName: props.platformName,
      alarmTopic: this.alarmTopic.topic,
      anomalyMonitorScope: props.anomalyMonitorScope,
    });
    applyCostAllocationTags(this, { platform: props.platformName, environment: props.environmentName });
    tagComponent(this, 'monitoring');
  }
}
