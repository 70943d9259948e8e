import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, type IConstruct } from 'constructs';
import { acknowledgeResourceWildcards } from '../../core/wildcards';
import { anyRevisionArn } from './job-definition-arn';

/**
 * The `batch:SubmitJob` grants of a `GpuTrainingCluster`: job definitions added after a grant
 * reach every grantee's statement, and every revision wildcard is acknowledged on the grantee's
 * policy.
 */
export class SubmitJobGrants {
  private readonly statements: iam.PolicyStatement[] = [];
  private readonly policies: IConstruct[] = [];
  private readonly reason: string;

  constructor(clusterPath: string) {
    this.reason = `batch:SubmitJob on the job definitions of ${clusterPath}, every revision (:*): jobs and scripts keep naming the revision they were written for after a deploy registers the next.`;
  }

  /** Grants `batch:SubmitJob` on the queues and on every revision of the job definitions. */
  grant(grantee: iam.IGrantable, jobQueueArns: string[], jobDefinitionArns: string[]): iam.Grant {
    const definitionArns = jobDefinitionArns.map((arn) => anyRevisionArn(arn));
    const grant = iam.Grant.addToPrincipal({
      grantee,
      actions: ['batch:SubmitJob'],
      resourceArns: [...jobQueueArns, ...definitionArns],
    });
    this.statements.push(...grant.principalStatements);
    // The grantee's policy (a role or user of this app) gets the revision wildcard acknowledged.
    const principal = grantee.grantPrincipal;
    const policy = principal instanceof Construct ? principal.node.tryFindChild('DefaultPolicy') : undefined;
    if (policy) {
      this.policies.push(policy);
      acknowledgeResourceWildcards(policy, definitionArns, this.reason);
    }
    return grant;
  }

  /** Adds every revision of a new job definition to the grants made so far. */
  addJobDefinition(jobDefinitionArn: string): void {
    const arn = anyRevisionArn(jobDefinitionArn);
    for (const statement of this.statements) statement.addResources(arn);
    for (const policy of this.policies) acknowledgeResourceWildcards(policy, [arn], this.reason);
  }
}
