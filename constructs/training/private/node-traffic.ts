import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { acknowledgeFindings } from '../../core/compliance';

/** Nodes of multi-node jobs talk to each other on any port (NCCL, MPI, EFA): allowed within the group only. */
export function allowTrafficWithinGroup(sg: ec2.ISecurityGroup): void {
  // Egress is already open (allowAllOutbound): ECR, S3 and Batch are reached through NAT or endpoints.
  sg.addIngressRule(sg, ec2.Port.allTraffic(), 'Multi-node jobs and EFA: all traffic between cluster nodes');
  for (const child of sg.node.children) {
    if (child instanceof ec2.CfnSecurityGroupIngress) {
      acknowledgeFindings(
        child,
        ['NIST.800.53.R5-EC2RestrictedCommonPorts', 'HIPAA.Security-EC2RestrictedCommonPorts'],
        `${child.node.path} admits traffic only from the same security group (nodes of one multi-node job), never from an address range; EFA requires all traffic within its group.`,
      );
    }
  }
}
