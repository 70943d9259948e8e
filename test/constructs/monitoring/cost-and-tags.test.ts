import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { beforeAll, describe, expect, test } from 'vitest';
import { PlatformAlarmTopic } from '../../../constructs/monitoring/alarm-topic';
import { AnomalyMonitorScope, CostGuardrails } from '../../../constructs/monitoring/cost-guardrails';
import { applyCostAllocationTags, tagComponent } from '../../../constructs/monitoring/tagging';
import { expectValidationError } from '../../support/validation';
import { ENV } from './fixtures';

describe('CostGuardrails options', () => {
  let template: Template;
  beforeAll(() => {
    // GIVEN an account-wide anomaly monitor, a percentage condition and a named budget
    const stack = new Stack(new App(), 'Costs', { env: ENV });
    const alarmTopic = new PlatformAlarmTopic(stack, 'Topic').topic;
    new CostGuardrails(stack, 'Guardrails', {
      platformName: 'vision',
      monthlyBudgetUsd: 1250.5,
      alarmTopic,
      budgetName: 'vision-research',
      anomalyMonitorScope: AnomalyMonitorScope.ACCOUNT_SERVICES,
      anomalyThresholdUsd: 250,
      anomalyThresholdPercent: 20,
    });
    // WHEN
    template = Template.fromStack(stack);
  });

  test('a DIMENSIONAL SERVICE monitor and an absolute AND percentage threshold', () => {
    // THEN
    template.hasResourceProperties('AWS::CE::AnomalyMonitor', {
      MonitorType: 'DIMENSIONAL',
      MonitorDimension: 'SERVICE',
      MonitorSpecification: Match.absent(),
    });
    template.hasResourceProperties('AWS::CE::AnomalySubscription', {
      ThresholdExpression: JSON.stringify({
        And: [
          {
            Dimensions: {
              Key: 'ANOMALY_TOTAL_IMPACT_ABSOLUTE',
              MatchOptions: ['GREATER_THAN_OR_EQUAL'],
              Values: ['250'],
            },
          },
          {
            Dimensions: {
              Key: 'ANOMALY_TOTAL_IMPACT_PERCENTAGE',
              MatchOptions: ['GREATER_THAN_OR_EQUAL'],
              Values: ['20'],
            },
          },
        ],
      }),
    });
  });

  test('the named budget notifies only the topic when no e-mail is given', () => {
    template.hasResourceProperties('AWS::Budgets::Budget', {
      Budget: Match.objectLike({
        BudgetName: 'vision-research',
        BudgetLimit: { Amount: 1250.5, Unit: 'USD' },
      }),
      NotificationsWithSubscribers: Match.arrayWith([
        {
          Notification: Match.anyValue(),
          Subscribers: [{ SubscriptionType: 'SNS', Address: Match.anyValue() }],
        },
      ]),
    });
  });

  test('the topic policy grants each publishing service once, however often it is asked', () => {
    // GIVEN a second guardrail on the same topic
    const stack = new Stack(new App(), 'Twice', { env: ENV });
    const alarmTopic = new PlatformAlarmTopic(stack, 'Topic').topic;
    new CostGuardrails(stack, 'A', { platformName: 'a', monthlyBudgetUsd: 1, alarmTopic });
    new CostGuardrails(stack, 'B', { platformName: 'b', monthlyBudgetUsd: 1, alarmTopic, budgetName: 'b' });
    // WHEN
    const policy = JSON.stringify(Template.fromStack(stack).findResources('AWS::SNS::TopicPolicy'));
    // THEN
    expect(policy.match(/budgets\.amazonaws\.com/g)).toHaveLength(1);
    expect(policy.match(/costalerts\.amazonaws\.com/g)).toHaveLength(1);
  });

  test.each<[string, Partial<ConstructorParameters<typeof CostGuardrails>[2]>, string]>([
    [
      'a zero budget',
      { monthlyBudgetUsd: 0 },
      'monthlyBudgetUsd must be a positive number of USD up to 1,000,000,000, got 0',
    ],
    [
      'a NaN budget',
      { monthlyBudgetUsd: Number.NaN },
      'monthlyBudgetUsd must be a positive number of USD up to 1,000,000,000, got NaN',
    ],
    [
      'a percentage under 1',
      { anomalyThresholdPercent: 0.5 },
      'anomalyThresholdPercent must be a number from 1 to 10000, got 0.5',
    ],
    ['a bad e-mail', { emails: ['finance'] }, 'emails[0] must be an e-mail address, got "finance"'],
  ])('rejects %s', (_name, props, message) => {
    expectValidationError(
      (stack) =>
        new CostGuardrails(stack, 'G', {
          platformName: 'p',
          monthlyBudgetUsd: 100,
          alarmTopic: new PlatformAlarmTopic(stack, 'T').topic,
          ...props,
        }),
      message,
    );
  });
});

describe('cost-allocation tags', () => {
  let template: Template;
  beforeAll(() => {
    // GIVEN a stack tagged for a platform, and a component inside it
    const stack = new Stack(new App(), 'Tagged', { env: ENV });
    applyCostAllocationTags(stack, { platform: 'mlp', environment: 'prod', costCenter: 'CC 42' });
    new sns.Topic(stack, 'Outside');
    const training = new Construct(stack, 'Training');
    tagComponent(training, 'training');
    new sns.Topic(training, 'Inside');
    // WHEN
    template = Template.fromStack(stack);
  });

  test('every resource gets platform, environment and cost center; the component only inside it; no team tag when none is given', () => {
    // THEN
    const topics = Object.values(template.findResources('AWS::SNS::Topic')).map(
      (r) => (r.Properties as { Tags: Array<{ Key: string; Value: string }> }).Tags,
    );
    expect(topics).toEqual(
      expect.arrayContaining([
        [
          { Key: 'cdk-ml-platform:cost-center', Value: 'CC 42' },
          { Key: 'cdk-ml-platform:environment', Value: 'prod' },
          { Key: 'cdk-ml-platform:platform', Value: 'mlp' },
        ],
        [
          { Key: 'cdk-ml-platform:component', Value: 'training' },
          { Key: 'cdk-ml-platform:cost-center', Value: 'CC 42' },
          { Key: 'cdk-ml-platform:environment', Value: 'prod' },
          { Key: 'cdk-ml-platform:platform', Value: 'mlp' },
        ],
      ]),
    );
  });

  test.each<[string, (s: Stack) => void, string]>([
    [
      'an empty platform',
      (s) => applyCostAllocationTags(s, { platform: '', environment: 'dev' }),
      'platform must be a tag value of 1 to 256',
    ],
    [
      'a platform with #',
      (s) => applyCostAllocationTags(s, { platform: 'ml#1', environment: 'dev' }),
      'got "ml#1"',
    ],
    [
      'an aws: prefix',
      (s) => applyCostAllocationTags(s, { platform: 'mlp', environment: 'aws:dev' }),
      'environment must be a tag value of 1 to 256 letters, digits, spaces and _ . : / = + - @, without surrounding spaces or an aws: prefix, got "aws:dev"',
    ],
    [
      'a team with a trailing space',
      (s) => applyCostAllocationTags(s, { platform: 'mlp', environment: 'dev', team: 'ml ' }),
      'team must be a tag value',
    ],
    [
      'a 257-character cost center',
      (s) => applyCostAllocationTags(s, { platform: 'mlp', environment: 'dev', costCenter: 'c'.repeat(257) }),
      'costCenter must be a tag value',
    ],
    ['an empty component', (s) => tagComponent(s, ''), 'component must be a tag value of 1 to 256'],
  ])('rejects %s', (_name, build, message) => {
    expectValidationError(build, message);
  });
});
