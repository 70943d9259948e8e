import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct, type IConstruct } from 'constructs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { notifyTopic } from '../core/alarm-actions';
import { MlPlatformValidationError } from '../core/errors';
import type { IInferenceEndpoint } from '../inference/inference-endpoint';
import type { IGpuTrainingCluster } from '../training/gpu-training-cluster';
import { PlatformAlarmTopic } from './alarm-topic';
import { BatchQueueMetrics } from './batch-queue-metrics';
import { AnomalyMonitorScope, CostGuardrails } from './cost-guardrails';
import { PlatformDashboard } from './dashboards';
import { InferenceMonitoring, type InferenceAlarmThresholds } from './inference-monitoring';
import { tagComponent } from './tagging';
import { TrainingMonitoring, type TrainingAlarmThresholds } from './training-monitoring';

export interface PlatformMonitoringProps {
  /** The platform name: dashboard title and the cost-allocation tag value the budget filters on. */
  readonly platformName: string;
  /**
   * Monthly cost budget in USD. Set it to get an AWS Budget and a Cost Explorer anomaly monitor.
   * @default - no budget and no anomaly monitor
   */
  readonly monthlyBudgetUsd?: number;
  /**
   * The topic every alarm, event rule, budget and anomaly notification goes to.
   * @default - a new `PlatformAlarmTopic` (KMS-encrypted, TLS-only) subscribed by `alarmEmails`
   */
  readonly alarmTopic?: sns.ITopic;
  /**
   * E-mail addresses subscribed to a topic created here, and notified directly by the budget.
   * @default - none
   */
  readonly alarmEmails?: string[];
  /**
   * E-mail addresses the budget notifies directly, besides the topic. Direct budget e-mails need no
   * SNS subscription confirmation, so spend alerts arrive even if nobody confirmed the topic
   * subscription (confirmed subscribers get both).
   * @default - alarmEmails
   */
  readonly budgetEmails?: string[];
  /**
   * VPC of the queue-metrics function; required once a training cluster is monitored.
   * @default - none (monitorTrainingCluster throws without it)
   */
  readonly vpc?: ec2.IVpc;
  /**
   * Subnets of the queue-metrics function; they need a route to the Batch and CloudWatch APIs.
   * @default - private subnets with egress
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /**
   * Key for the log group and dead-letter queue of the queue-metrics function (and the topic, when created here).
   * @default - a new key with rotation
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * Retention of the log groups created here.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * How often Batch queues are measured.
   * @default Duration.minutes(1)
   */
  readonly queueMetricsInterval?: Duration;
  /**
   * Alarm thresholds of every monitored training cluster (per cluster in `monitorTrainingCluster`).
   * @default - the defaults of TrainingAlarmThresholds
   */
  readonly trainingThresholds?: TrainingAlarmThresholds;
  /**
   * Alarm thresholds of every monitored endpoint (per endpoint in `monitorEndpoint`).
   * @default - the defaults of InferenceAlarmThresholds
   */
  readonly inferenceThresholds?: InferenceAlarmThresholds;
  /**
   * What the Cost Explorer anomaly monitor watches.
   * @default AnomalyMonitorScope.PLATFORM_TAG
   */
  readonly anomalyMonitorScope?: AnomalyMonitorScope;
  /**
   * Notify about cost anomalies with at least this total impact in USD.
   * @default 100
   */
  readonly anomalyThresholdUsd?: number;
  /**
   * Name of the dashboard (a physical name: unique per account and region, fixed once deployed).
   * @default - no physical name: CloudFormation generates a unique one
   */
  readonly dashboardName?: string;
  /**
   * What happens to keys and log groups created here when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Give every alarm created here a physical name starting with this prefix, e.g. the stack name:
   * `<prefix>-<clusterName>-IdleGpus`, `<prefix>-<endpointName>-ServerErrorRate`,
   * `<prefix>-QueueMetricsErrors`. Readable names in the console and in notifications, at a price:
   * a physical name cannot change without replacing the alarm, and two stacks in one account and
   * region must use different prefixes.
   * @default - no physical names: CloudFormation generates unique ones
   */
  readonly alarmNamePrefix?: string;
}

/** Options of `PlatformMonitoring.monitorTrainingCluster()`. */
export interface MonitorTrainingClusterOptions {
  /**
   * Construct id of the cluster's `TrainingMonitoring` under the `PlatformMonitoring`. Its alarms'
   * logical ids derive from it, so keep it once deployed. Set it when two monitored clusters share a
   * construct id (in different scopes).
   * @default - `Training` + the cluster's construct id, e.g. `TrainingCluster`
   */
  readonly id?: string;
  /**
   * Alarm thresholds of this cluster, over `PlatformMonitoringProps.trainingThresholds`.
   * @default - trainingThresholds
   */
  readonly thresholds?: TrainingAlarmThresholds;
}

/** Options of `PlatformMonitoring.monitorEndpoint()`. */
export interface MonitorEndpointOptions {
  /**
   * Construct id of the endpoint's `InferenceMonitoring` under the `PlatformMonitoring`. Its alarms'
   * logical ids derive from it, so keep it once deployed. Set it when two monitored endpoints share a
   * construct id (in different scopes).
   * @default - `Inference` + the endpoint's construct id, e.g. `InferenceEndpoint`
   */
  readonly id?: string;
  /**
   * Alarm thresholds of this endpoint, over `PlatformMonitoringProps.inferenceThresholds`.
   * @default - inferenceThresholds
   */
  readonly thresholds?: InferenceAlarmThresholds;
}

/**
 * Monitoring of an ML platform stack: one dashboard, alarms that all notify one KMS-encrypted
 * topic (ALARM and OK), EventBridge rules for failed Batch jobs and failed or rolled-back endpoint
 * updates, custom Batch queue metrics, and cost guardrails (an AWS Budget and a Cost Explorer
 * anomaly monitor). Add what to watch with `monitorTrainingCluster` and `monitorEndpoint`.
 */
export class PlatformMonitoring extends Construct {
  /** The topic every alarm, event rule, budget and anomaly alert notifies. */
  public readonly alarmTopic: sns.ITopic;
  public readonly dashboard: cloudwatch.Dashboard;
  public readonly platformDashboard: PlatformDashboard;
  public readonly costGuardrails?: CostGuardrails;
  /** One per monitored training cluster, in the order they were added. */
  public readonly trainingMonitors: readonly TrainingMonitoring[];
  /** One per monitored endpoint, in the order they were added. */
  public readonly inferenceMonitors: readonly InferenceMonitoring[];
  private readonly props: PlatformMonitoringProps;
  private readonly monitored = new Set<string>();
  private readonly ownAlarms: cloudwatch.Alarm[] = [];
  private readonly training: TrainingMonitoring[] = [];
  private readonly inference: InferenceMonitoring[] = [];
  private metrics?: BatchQueueMetrics;
  private key?: kms.IKey;

  constructor(scope: Construct, id: string, props: PlatformMonitoringProps) {
    super(scope, id);
    this.props = props;
    this.trainingMonitors = this.training;
    this.inferenceMonitors = this.inference;
    this.alarmTopic =
      props.alarmTopic ??
      new PlatformAlarmTopic(this, 'AlarmTopic', {
        emails: props.alarmEmails,
        encryptionKey: props.encryptionKey,
        removalPolicy: props.removalPolicy,
      }).topic;

    const budget = props.monthlyBudgetUsd;
    this.platformDashboard = new PlatformDashboard(this, 'Dashboard', {
      platformName: props.platformName,
      dashboardName: props.dashboardName,
      description:
        budget === undefined
          ? 'Alarms notify the platform alarm topic.'
          : `Alarms notify the platform alarm topic. Monthly budget: ${budget} USD (alerts at 80% and 100% actual, 100% forecast).`,
    });
    this.dashboard = this.platformDashboard.dashboard;

    if (budget !== undefined) {
      this.costGuardrails = new CostGuardrails(this, 'CostGuardrails', {
        platformName: props.platformName,
        monthlyBudgetUsd: budget,
        alarmTopic: this.alarmTopic,
        emails: props.budgetEmails ?? props.alarmEmails,
        anomalyMonitorScope: props.anomalyMonitorScope,
        anomalyThresholdUsd: props.anomalyThresholdUsd,
      });
    }
    tagComponent(this, 'monitoring');
  }

  /** The Batch queue-metrics function, once a training cluster is monitored. */
  public get queueMetrics(): BatchQueueMetrics | undefined {
    return this.metrics;
  }

  /** Every alarm created here (each has ALARM and OK actions to the topic). */
  public get alarms(): readonly cloudwatch.Alarm[] {
    return [
      ...this.ownAlarms,
      ...this.training.flatMap((m) => m.alarms),
      ...this.inference.flatMap((m) => m.alarms),
    ];
  }

  /**
   * Watches a training cluster: failed jobs to the topic, spot reclaims, capacity cancellations and
   * on-demand retries counted, queue depth and oldest RUNNABLE age published, GPU use graphed, alarms.
   */
  public monitorTrainingCluster(
    cluster: IGpuTrainingCluster,
    options: MonitorTrainingClusterOptions = {},
  ): TrainingMonitoring {
    this.checkNotMonitored(cluster, 'cluster');
    const id = this.monitorId('Training', cluster, options.id);
    const monitor = new TrainingMonitoring(this, id, {
      cluster,
      alarmTopic: this.alarmTopic,
      queueMetrics: this.ensureQueueMetrics(),
      thresholds: { ...this.props.trainingThresholds, ...options.thresholds },
      alarmNamePrefix: this.props.alarmNamePrefix,
    });
    this.monitored.add(cluster.node.path);
    this.training.push(monitor);
    this.platformDashboard.addTrainingSection(monitor.widgets);
    return monitor;
  }

  /** Watches an endpoint: error-rate, latency (and backlog) alarms, failed updates and rollbacks to the topic, graphs. */
  public monitorEndpoint(
    endpoint: IInferenceEndpoint,
    options: MonitorEndpointOptions = {},
  ): InferenceMonitoring {
    this.checkNotMonitored(endpoint, 'endpoint');
    const id = this.monitorId('Inference', endpoint, options.id);
    const monitor = new InferenceMonitoring(this, id, {
      endpoint,
      alarmTopic: this.alarmTopic,
      thresholds: { ...this.props.inferenceThresholds, ...options.thresholds },
      alarmNamePrefix: this.props.alarmNamePrefix,
    });
    // Rollback alarms the endpoint created notify this topic too, whatever topic they had.
    endpoint.notifyRollbackAlarms(this.alarmTopic);
    this.monitored.add(endpoint.node.path);
    this.inference.push(monitor);
    this.platformDashboard.addInferenceSection(monitor.widgets);
    return monitor;
  }

  /**
   * Watches alarms that another construct created (the data plane's ingestion alarms, your own):
   * their ALARM and OK transitions notify the platform topic, and they are shown under `title` on
   * the dashboard. Each alarm is monitored once.
   */
  public monitorAlarms(title: string, alarms: readonly cloudwatch.Alarm[]): void {
    for (const alarm of alarms) {
      this.checkNotMonitored(alarm, 'alarms');
      this.monitored.add(alarm.node.path);
      notifyTopic(alarm, this.alarmTopic);
      this.ownAlarms.push(alarm);
    }
    if (alarms.length > 0) this.platformDashboard.addAlarmSection(title, alarms);
  }

  /**
   * The monitor's construct id: the user's, else derived from the target's own id. Never numbered
   * by call order, which would move alarms between targets when the calls are reordered.
   */
  private monitorId(prefix: string, target: IConstruct, explicit: string | undefined): string {
    const id = explicit ?? `${prefix}${target.node.id.replace(/[^A-Za-z0-9]/g, '')}`;
    if (this.node.tryFindChild(id)) {
      throw new MlPlatformValidationError('PlatformMonitoring', this, [
        {
          prop: explicit === undefined ? `options.id (default for ${target.node.path})` : 'options.id',
          value: id,
          allowed: `an id no other child of ${this.node.path} has: pass a stable, unique options.id`,
        },
      ]);
    }
    return id;
  }

  private checkNotMonitored(target: IConstruct, prop: string): void {
    const path = target.node.path;
    if (this.monitored.has(path)) {
      throw new MlPlatformValidationError('PlatformMonitoring', this, [
        { prop, value: path, allowed: 'a construct not monitored yet (each is monitored once)' },
      ]);
    }
  }

  private ensureQueueMetrics(): BatchQueueMetrics {
    if (this.metrics) return this.metrics;
    const vpc = this.props.vpc;
    if (!vpc) {
      throw new MlPlatformValidationError('PlatformMonitoring', this, [
        {
          prop: 'vpc',
          value: undefined,
          allowed: 'a VPC for the queue-metrics function when training clusters are monitored',
        },
      ]);
    }
    const queueMetrics = new BatchQueueMetrics(this, 'BatchQueueMetrics', {
      vpc,
      vpcSubnets: this.props.vpcSubnets,
      encryptionKey: this.encryptionKey(),
      interval: this.props.queueMetricsInterval,
      logRetention: this.props.logRetention,
      removalPolicy: this.props.removalPolicy,
    });
    const prefix = this.props.alarmNamePrefix;
    const fnErrors = new cloudwatch.Alarm(this, 'QueueMetricsErrors', {
      alarmName: prefix === undefined ? undefined : `${prefix}-QueueMetricsErrors`,
      alarmDescription:
        'The Batch queue-metrics function failed 3 times in 15 minutes: RUNNABLE depth and age go dark, so ' +
        'jobs stuck without capacity would go unnoticed. Check its log group and dead-letter queue.',
      metric: queueMetrics.function.metricErrors({
        statistic: cloudwatch.Stats.SUM,
        period: Duration.minutes(15),
      }),
      threshold: 3,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    notifyTopic(fnErrors, this.alarmTopic);
    this.ownAlarms.push(fnErrors);
    this.metrics = queueMetrics;
    return queueMetrics;
  }

  private encryptionKey(): kms.IKey {
    this.key ??=
      this.props.encryptionKey ??
      new kms.Key(this, 'Key', {
        description: `Encrypts the monitoring logs and dead letters of ${this.node.path}`,
        enableKeyRotation: true,
        removalPolicy: this.props.removalPolicy ?? RemovalPolicy.RETAIN,
      });
    return this.key;
  }
}
