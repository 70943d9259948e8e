import { Duration, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { PropValidator } from '../core/errors';

export interface PlatformDashboardProps {
  /** Shown in the dashboard's title. */
  readonly platformName: string;
  /**
   * Name of the dashboard: letters, digits, `-` and `_`, at most 255 characters. A physical name
   * cannot change without replacing the dashboard and must be unique in the account and region.
   * @default - no physical name: CloudFormation generates a unique one
   */
  readonly dashboardName?: string;
  /**
   * Extra lines under the title (e.g. the budget).
   * @default - none
   */
  readonly description?: string;
}

/**
 * The one CloudWatch dashboard of a platform stack: a title, then a section per training cluster
 * and per endpoint, in the order they are added, each starting with a readable heading.
 */
export class PlatformDashboard extends Construct {
  public readonly dashboard: cloudwatch.Dashboard;
  private trainingHeading = false;
  private inferenceHeading = false;

  constructor(scope: Construct, id: string, props: PlatformDashboardProps) {
    super(scope, id);
    const name = props.dashboardName;
    const v = new PropValidator('PlatformDashboard', this);
    if (name !== undefined && !Token.isUnresolved(name)) {
      v.check(
        /^[A-Za-z0-9_-]{1,255}$/.test(name),
        'dashboardName',
        name,
        'letters, digits, - and _, 1 to 255 characters',
      );
    }
    v.throwIfAny();

    this.dashboard = new cloudwatch.Dashboard(this, 'Resource', {
      dashboardName: name,
      defaultInterval: Duration.days(1),
      periodOverride: cloudwatch.PeriodOverride.AUTO,
    });
    this.dashboard.addWidgets(
      new cloudwatch.TextWidget({
        markdown: [`# ML platform ${props.platformName}`, props.description ?? ''].filter(Boolean).join('\n'),
        width: 24,
        height: 2,
      }),
    );
  }

  /** Adds a training cluster's rows under the "Training" heading. */
  public addTrainingSection(rows: readonly cloudwatch.IWidget[][]): void {
    if (!this.trainingHeading) {
      this.trainingHeading = true;
      this.heading(
        'Training',
        'AWS Batch GPU clusters: jobs waiting for capacity, job failures, spot reclaims, GPU use.',
      );
    }
    this.addRows(rows);
  }

  /** Adds an endpoint's rows under the "Inference" heading. */
  public addInferenceSection(rows: readonly cloudwatch.IWidget[][]): void {
    if (!this.inferenceHeading) {
      this.inferenceHeading = true;
      this.heading(
        'Inference',
        'SageMaker endpoints: traffic, latency percentiles, errors, utilisation, capacity.',
      );
    }
    this.addRows(rows);
  }

  /** Adds a titled row with the state of each alarm (for alarms other constructs own). */
  public addAlarmSection(title: string, alarms: readonly cloudwatch.IAlarm[]): void {
    this.heading(title, 'Alarm states; each alarm notifies the platform alarm topic.');
    this.dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({ title, alarms: [...alarms], width: 24, height: 3 }),
    );
  }

  private heading(title: string, text: string): void {
    this.dashboard.addWidgets(
      new cloudwatch.TextWidget({ markdown: `# ${title}\n${text}`, width: 24, height: 2 }),
    );
  }

  private addRows(rows: readonly cloudwatch.IWidget[][]): void {
    for (const row of rows) this.dashboard.addWidgets(...row);
  }
}
