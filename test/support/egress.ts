import type { Template } from 'aws-cdk-lib/assertions';
import { expect } from 'vitest';

/**
 * The inline egress of a security group narrowed by `allowHttpsToAwsEndpoints`: HTTPS to the VPC's
 * CIDR block only (the interface endpoints); S3 is a separate `AWS::EC2::SecurityGroupEgress`.
 */
export function httpsToVpcOnly(cidr: string): unknown[] {
  return [{ CidrIp: cidr, FromPort: 443, ToPort: 443, IpProtocol: 'tcp', Description: expect.any(String) }];
}

/** The logical id of the stack's one S3 prefix-list lookup (`S3PrefixList.of` is per stack). */
export function prefixListLookupId(template: Template): string {
  const lookups = Object.keys(template.findResources('Custom::S3PrefixList'));
  expect(lookups).toHaveLength(1);
  return lookups[0];
}
