import { describe, expect, test } from 'vitest';
import { estimate } from '../../cost/index';
import type { Catalog } from '../../cost/types';
import { linesOf, PINNED, priceResources } from './fixtures/engine';

// A data-quality schedule as ModelMonitoring synthesizes it: the job definition is referenced
// through its ARN, the schedule carries runs × hours per run as usage metadata.
const RESOURCES = {
  JobDefinition: {
    Type: 'AWS::SageMaker::DataQualityJobDefinition',
    Properties: {
      JobResources: { ClusterConfig: { InstanceCount: 1, InstanceType: 'ml.m5.large', VolumeSizeInGB: 20 } },
      StoppingCondition: { MaxRuntimeInSeconds: 1800 },
    },
  },
  Schedule: {
    Type: 'AWS::SageMaker::MonitoringSchedule',
    Metadata: {
      'cdk-ml-platform:usage': {
        source: 'ModelMonitoring.expectedRunDuration',
        monthlyInstanceHours: 121.667,
      },
    },
    Properties: {
      EndpointName: 'churn',
      MonitoringScheduleConfig: {
        MonitoringType: 'DataQuality',
        MonitoringJobDefinitionName: {
          'Fn::Select': [1, { 'Fn::Split': ['/', { 'Fn::GetAtt': ['JobDefinition', 'JobDefinitionArn'] }] }],
        },
        ScheduleConfig: { ScheduleExpression: 'cron(0 * ? * * *)' },
      },
    },
  },
};

/** A one-price catalog: the Processing rate the bundled catalog does not carry yet. */
function processingCatalog(value: number): Catalog {
  return {
    version: 'test',
    capturedAt: '2026-11-01',
    sources: { test: 'hand-written test price' },
    regions: [
      {
        region: 'us-east-1',
        prices: [
          {
            service: 'AmazonSageMaker',
            key: 'Processing:ml.m5.large',
            unit: 'Hrs',
            value,
            usageType: 'USE1-Processing:ml.m5.large',
            source: 'test',
            capturedAt: '2026-11-01',
          },
        ],
      },
    ],
  };
}

describe('SageMaker monitoring schedules', () => {
  test('priced from the Processing rate of the job definition instance type: usage hours, max at every run × MaxRuntime', () => {
    const report = estimate(
      { template: { Resources: RESOURCES }, stackName: 'Stack' },
      { region: 'us-east-1', catalog: processingCatalog(0.115), generatedAt: PINNED },
    );
    const [line] = report.stacks[0].lines.filter((l) => l.logicalId === 'Schedule');
    expect(line.component).toBe('Monitoring job instance usage (ml.m5.large, processing)');
    expect(line.monthly.expected).toBeCloseTo(121.667 * 0.115, 6);
    expect(line.monthly.min).toBeCloseTo(121.667 * 0.115, 6);
    // 730 hourly runs × 0.5 h.
    expect(line.monthly.max).toBeCloseTo(365 * 0.115, 6);
    expect(report.stacks[0].free.map((f) => f.logicalId)).toContain('JobDefinition');
  });

  test('unpriced, naming the missing key, while the bundled catalog has no Processing rate for the region', () => {
    const stack = priceResources(RESOURCES);
    const processingPriced = stack.lines.some((l) => l.logicalId === 'Schedule');
    if (processingPriced) {
      // Once the catalog carries Processing:ml.m5.large, the schedule is a priced line (the test above holds the figure).
      expect(linesOf(stack, 'Schedule')[0].monthly.expected).toBeGreaterThan(0);
    } else {
      expect(stack.unpriced).toEqual([
        expect.objectContaining({
          logicalId: 'Schedule',
          reason: expect.stringContaining('no Processing:ml.m5.large price for us-east-1'),
        }),
      ]);
    }
  });

  test('without usage the expected figure is every run at MaxRuntimeInSeconds; a daily schedule runs 30.4 times', () => {
    const { Type, Properties } = structuredClone(RESOURCES.Schedule);
    const resources = { ...RESOURCES, Schedule: { Type, Properties } };
    resources.Schedule.Properties.MonitoringScheduleConfig.ScheduleConfig.ScheduleExpression =
      'cron(0 3 ? * * *)';
    const report = estimate(
      { template: { Resources: resources }, stackName: 'Stack' },
      { region: 'us-east-1', catalog: processingCatalog(0.2), generatedAt: PINNED },
    );
    const [line] = report.stacks[0].lines;
    expect(line.monthly.expected).toBeCloseTo((730 / 24) * 0.5 * 0.2, 6);
    expect(line.monthly.max).toBeCloseTo(line.monthly.expected, 6);
  });

  test('a schedule whose job definition is elsewhere is unpriced with the reason', () => {
    const stack = priceResources({
      Schedule: {
        ...RESOURCES.Schedule,
        Properties: {
          ...RESOURCES.Schedule.Properties,
          MonitoringScheduleConfig: { MonitoringJobDefinitionName: 'elsewhere' },
        },
      },
    });
    expect(stack.unpriced).toEqual([
      expect.objectContaining({
        logicalId: 'Schedule',
        reason: 'the monitoring job definition is not in this template',
      }),
    ]);
  });
});
