/**
 * The expiry notices of a `GpuTrainingCluster`'s Capacity Blocks: one-time EventBridge Scheduler
 * schedules that publish to an SNS topic a day and an hour before a block ends, and the role they
 * publish with.
 */
import { Annotations, Duration, Stack, TimeZone } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { parseIsoInstant } from '../../core/clock';
import { acknowledgeGrantPolicy } from '../../core/compliance';
import { acknowledgePolicyWildcards } from '../../core/wildcards';
import type { TrainingReservation } from '../training-reservation';

/**
 * The notices of every Capacity Block of one cluster. The schedules share one role, made with the
 * first block that needs it (id `ReservationNoticeRole` on the cluster); `acknowledge` records the
 * role's findings once every schedule has granted it.
 */
export class CapacityBlockNotices {
  private role?: iam.Role;

  constructor(
    private readonly cluster: Construct,
    private readonly clusterName: string,
    private readonly topic: sns.ITopic | undefined,
    private readonly now: Date,
  ) {}

  /**
   * The notices of `r` under `scope`: none for a capacity reservation (it does not end), and none
   * for a block when there is no topic (a warning asks for one).
   */
  public add(scope: Construct, r: TrainingReservation): scheduler.Schedule[] {
    if (!r.isCapacityBlock) return [];
    if (!this.topic) {
      Annotations.of(scope).addWarningV2(
        'cdk-ml-platform:capacityBlockWithoutNotice',
        `Capacity Block ${r.reservationId} ends at ${r.endsAt} and EC2 terminates its instances then; set alarmTopic (or reservationNoticeTopic) so the cluster notifies it a day and an hour before.`,
      );
      return [];
    }
    this.role ??= createNoticeRole(this.cluster, 'ReservationNoticeRole', this.topic);
    return addExpiryNotices(scope, r, this.clusterName, this.topic, this.role, this.now);
  }

  /** Acknowledges the role's grant policy; call after the last `add`. */
  public acknowledge(): void {
    if (!this.role) return;
    const topicName = this.topic!.node.path;
    acknowledgeGrantPolicy(this.role, `sns:Publish on ${topicName} and its key`);
    acknowledgePolicyWildcards(
      this.role.node.tryFindChild('DefaultPolicy'),
      `kms:GenerateDataKey* is how SNS documents the data-key actions a publisher to an encrypted topic needs; the statement names only the key of ${topicName}.`,
    );
  }
}

/** When the notices go out before a Capacity Block ends, and the id of each schedule. */
const EXPIRY_NOTICES: ReadonlyArray<{ readonly id: string; readonly before: Duration }> = [
  { id: 'NoticeDayBefore', before: Duration.hours(24) },
  { id: 'NoticeHourBefore', before: Duration.hours(1) },
];

/**
 * One-time EventBridge Scheduler schedules that publish to `topic` a day and an hour before a
 * Capacity Block ends. EC2 starts terminating the block's instances before its end ("Forty minutes
 * before your Capacity Block reservation ends, you receive another EventBridge event that tells you
 * that any instances running in the reservation will begin to terminate in 10 minutes", EC2 user
 * guide, Monitor Capacity Blocks using EventBridge): an hour ahead leaves jobs time to checkpoint.
 * Notices whose time has passed at synth are left out (a warning says so).
 */
function addExpiryNotices(
  scope: Construct,
  r: TrainingReservation,
  clusterName: string,
  topic: sns.ITopic,
  role: iam.IRole,
  now: Date,
): scheduler.Schedule[] {
  const end = parseIsoInstant(r.endsAt!)!;
  const schedules: scheduler.Schedule[] = [];
  for (const notice of EXPIRY_NOTICES) {
    const at = new Date(end - notice.before.toMilliseconds());
    const lead = notice.before.toHumanString();
    if (at.getTime() <= now.getTime()) {
      Annotations.of(scope).addWarningV2(
        'cdk-ml-platform:capacityBlockNoticePassed',
        `Capacity Block ${r.reservationId} ends at ${new Date(end).toISOString()}: the notice ${lead} before is already past at synth and is not scheduled.`,
      );
      continue;
    }
    const message =
      `Capacity Block ${r.reservationId} of training cluster ${clusterName} ` +
      `(${r.instanceCount} × ${r.instanceType} in ${r.availabilityZone}) ends in ${lead}, at ` +
      `${new Date(end).toISOString()}. EC2 terminates its instances before the end (from 30 minutes ` +
      'before): checkpoint running jobs and stop submitting long jobs to its queue.';
    schedules.push(
      new scheduler.Schedule(scope, notice.id, {
        description: `${lead} notice before Capacity Block ${r.reservationId} of ${clusterName} ends`,
        schedule: scheduler.ScheduleExpression.at(at, TimeZone.ETC_UTC),
        timeWindow: scheduler.TimeWindow.off(),
        target: new schedulerTargets.SnsPublish(topic, {
          role,
          input: scheduler.ScheduleTargetInput.fromText(message),
          // A notice delivered after the block's end says nothing useful.
          maxEventAge: Duration.hours(1),
        }),
      }),
    );
  }
  return schedules;
}

/**
 * The role EventBridge Scheduler assumes to publish the notices: only the account's own schedules
 * of the default group may assume it ("To prevent confused deputy problems ... use aws:SourceArn and
 * aws:SourceAccount" in the execution role's trust policy, EventBridge Scheduler user guide, Set up
 * the execution role). `SnsPublish` grants it sns:Publish on the topic, and the topic's key when the
 * topic is encrypted.
 */
function createNoticeRole(scope: Construct, id: string, topic: sns.ITopic): iam.Role {
  const stack = Stack.of(scope);
  const role = new iam.Role(scope, id, {
    description: `EventBridge Scheduler publishes Capacity Block expiry notices to ${topic.node.path}`,
    assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
      conditions: {
        StringEquals: { 'aws:SourceAccount': stack.account },
        ArnLike: {
          'aws:SourceArn': `arn:${stack.partition}:scheduler:${stack.region}:${stack.account}:schedule-group/default`,
        },
      },
    }),
  });
  // The topic policy names the role too, so a topic policy that lists its publishers (enforceSSL
  // replaces SNS's default policy) shows the notices. Only in the same stack: the schedules already
  // refer to the topic, and a topic policy in its own stack naming this role would close a cycle.
  // Within one account the role's own policy suffices for SNS.
  if (Stack.of(topic) !== stack) return role;
  topic.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AllowCapacityBlockNotices',
      principals: [new iam.ArnPrincipal(role.roleArn)],
      actions: ['sns:Publish'],
      resources: [topic.topicArn],
    }),
  );
  return role;
}
