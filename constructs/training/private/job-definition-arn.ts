import { Fn, Token } from 'aws-cdk-lib';

/**
 * The ARN of every revision of a job definition: `arn:…:job-definition/<name>:*` from the ARN of one
 * revision (`arn:…:job-definition/<name>:<revision>`, which is what `Ref` returns).
 *
 * `batch:SubmitJob` is authorized against the revision a job names. Jobs and scripts submitted before
 * a deploy keep naming the old revision (and the spot retry resubmits the revision the failed job
 * ran), so a grant on one revision would be denied after the next deploy.
 */
export function anyRevisionArn(jobDefinitionArn: string): string {
  if (!Token.isUnresolved(jobDefinitionArn)) {
    const parts = jobDefinitionArn.split(':');
    // An ARN without a revision (`…:job-definition/<name>`) names every revision already.
    return parts.length >= 7 ? [...parts.slice(0, 6), '*'].join(':') : `${jobDefinitionArn}:*`;
  }
  // With the assumed length, each part is its own `Fn::Select` of the `Fn::Split`.
  const parts = Fn.split(':', jobDefinitionArn, 7);
  return Fn.join(':', [...parts.slice(0, 6), '*']);
}
