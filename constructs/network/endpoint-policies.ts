import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';
import type { MlInterfaceEndpointName } from './ml-network';

// Endpoint policies of MlNetwork's VPC endpoints. "An endpoint policy is a resource-based policy that
// you attach to a VPC endpoint to control which AWS principals can use the endpoint to access an AWS
// service ... If you don't attach a policy when you create an endpoint, we attach a default policy for
// you that allows full access to the service" (AWS PrivateLink Guide, "Control access to VPC endpoints
// using endpoint policies"). An endpoint policy grants nothing by itself: it bounds what identity and
// resource policies already allow, so "principals of this account" closes the path where a workload
// in these subnets uses credentials of another account to move data out.

/**
 * Interface endpoints whose service does not take an endpoint policy. ECS Developer Guide, "Amazon ECS
 * interface VPC endpoints": "Controlling access to Amazon ECS by attaching an endpoint policy to the
 * VPC endpoint isn't currently supported. By default, full access to the service will be allowed
 * through the endpoint." The MlPlatform rule pack exempts the same services.
 */
export const ENDPOINTS_WITHOUT_POLICY_SUPPORT: readonly MlInterfaceEndpointName[] = [
  'ecs',
  'ecs-agent',
  'ecs-telemetry',
];

/**
 * Interface endpoints whose requests name resources of this account only, so the policy also pins
 * `aws:ResourceAccount`: the platform's keys (KMS) and endpoints (SageMaker runtime) live here. ECR is
 * left out on purpose: endpoints pull AWS Deep Learning Containers from AWS's registry accounts.
 */
const OWN_RESOURCES_ONLY: ReadonlySet<MlInterfaceEndpointName> = new Set(['kms', 'sagemaker-runtime']);

/**
 * The statements of one interface endpoint's policy: any action, by principals of this account
 * (`aws:PrincipalAccount`), on resources of this account where `OWN_RESOURCES_ONLY` says so. Empty for
 * the services in `ENDPOINTS_WITHOUT_POLICY_SUPPORT`.
 */
export function interfaceEndpointStatements(
  scope: IConstruct,
  name: MlInterfaceEndpointName,
): iam.PolicyStatement[] {
  if (ENDPOINTS_WITHOUT_POLICY_SUPPORT.includes(name)) return [];
  const account = Stack.of(scope).account;
  const conditions: Record<string, string> = { 'aws:PrincipalAccount': account };
  if (OWN_RESOURCES_ONLY.has(name)) conditions['aws:ResourceAccount'] = account;
  return [
    new iam.PolicyStatement({
      sid: 'ThisAccountOnly',
      principals: [new iam.AnyPrincipal()],
      actions: ['*'],
      resources: ['*'],
      conditions: { StringEquals: conditions },
    }),
  ];
}

/**
 * The S3 gateway endpoint's policy: every bucket of this account (the platform's data store, the CDK
 * bootstrap bucket that holds the reference model), and read-only access to the AWS-owned buckets the
 * platform's instances fetch from through the endpoint:
 *
 * - ECR image layers. ECR User Guide, "Amazon ECR interface VPC endpoints": "Amazon ECR uses Amazon S3
 *   to store your image layers ... your Amazon S3 gateway endpoint policy must include the following
 *   ... arn:aws:s3:::prod-region-starport-layer-bucket/*". The layer URLs are presigned by ECR, so no
 *   principal condition applies to this statement.
 * - Amazon Linux packages (`dnf install` in the training launch template): AL2023 serves its
 *   repositories from the regional bucket `al2023-repos-<region>-de612dc2`, Amazon Linux 2 from
 *   `amazonlinux-2-repos-<region>`; both are read anonymously.
 */
export function gatewayS3EndpointStatements(scope: IConstruct): iam.PolicyStatement[] {
  const stack = Stack.of(scope);
  const bucket = (name: string) => `arn:${stack.partition}:s3:::${name}/*`;
  return [
    new iam.PolicyStatement({
      sid: 'BucketsOfThisAccount',
      principals: [new iam.AnyPrincipal()],
      actions: ['s3:*'],
      resources: ['*'],
      conditions: { StringEquals: { 'aws:ResourceAccount': stack.account } },
    }),
    new iam.PolicyStatement({
      sid: 'AwsOwnedReadOnlyBuckets',
      principals: [new iam.AnyPrincipal()],
      actions: ['s3:GetObject'],
      resources: [
        bucket(`prod-${stack.region}-starport-layer-bucket`),
        bucket(`al2023-repos-${stack.region}-de612dc2`),
        bucket(`amazonlinux-2-repos-${stack.region}`),
      ],
    }),
  ];
}
