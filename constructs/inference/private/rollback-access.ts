/**
 * The models' read access to an `InferenceEndpoint`'s rollback alarms: "Ensure that your IAM
 * execution role has permission to perform the cloudwatch:DescribeAlarms action on the
 * auto-rollback alarms you specify" (SageMaker, Auto-Rollback Configuration and Monitoring).
 */
import { ArnFormat, Stack } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';
import type { InferenceModel } from '../model';

/** Lets every model's role describe the alarms named `alarmNames` (in `scope`'s account and region) and `extraAlarms`. */
export function allowDescribeRollbackAlarms(
  scope: IConstruct,
  models: readonly InferenceModel[],
  alarmNames: readonly string[],
  extraAlarms: readonly cloudwatch.IAlarm[],
): void {
  const stack = Stack.of(scope);
  const alarmArns = [
    ...alarmNames.map((alarmName) =>
      stack.formatArn({
        service: 'cloudwatch',
        resource: 'alarm',
        resourceName: alarmName,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      }),
    ),
    ...extraAlarms.map((a) => a.alarmArn),
  ];
  if (alarmArns.length === 0) return;
  for (const m of models) {
    m.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['cloudwatch:DescribeAlarms'], resources: alarmArns }),
    );
  }
}
