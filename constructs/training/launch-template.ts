import { Size } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { PropValidator } from '../core/errors';

/** Where FSx for Lustre is mounted on the host, and inside every job container. */
export const FSX_MOUNT_PATH = '/fsx';

/** The shared-scratch file system a launch template mounts at boot. */
export interface LustreMount {
  /** The file system's DNS name. */
  readonly dnsName: string;
  /** The Lustre mount name. */
  readonly mountName: string;
}

export interface GpuLaunchTemplateProps {
  /** The cluster name: the `ClusterName` dimension of the GPU metrics. */
  readonly clusterName: string;
  /** The CloudWatch namespace of the GPU metrics. */
  readonly metricsNamespace: string;
  /** KMS key that encrypts the root volume. */
  readonly encryptionKey: kms.IKey;
  /**
   * Size of the gp3 root volume (images, container layers, local scratch).
   * @default Size.gibibytes(200)
   */
  readonly rootVolumeSize?: Size;
  /**
   * EFA interfaces to attach, one per network card. When set, the template carries the
   * network interfaces (with `securityGroup`) and installs the EFA driver if the AMI lacks it.
   * @default 0 - no EFA; Batch attaches the compute environment's security groups
   */
  readonly efaInterfaces?: number;
  /**
   * Security group of the EFA interfaces (must allow all traffic to and from itself).
   * @default - none; required when `efaInterfaces` is above 0
   */
  readonly securityGroup?: ec2.ISecurityGroup;
  /**
   * FSx for Lustre file system to mount at `FSX_MOUNT_PATH`.
   * @default - nothing mounted
   */
  readonly lustre?: LustreMount;
  /**
   * A capacity reservation (or Capacity Block) every instance launches into.
   * @default - none: instances launch into open on-demand (or spot) capacity
   */
  readonly capacityReservation?: LaunchTemplateReservation;
}

/** The reservation a launch template targets. */
export interface LaunchTemplateReservation {
  /** The capacity reservation id (`cr-...`); a Capacity Block has one too. */
  readonly reservationId: string;
  /** Whether the reservation is an EC2 Capacity Block for ML (market type `capacity-block`). */
  readonly capacityBlock: boolean;
}

/**
 * The launch template of a GPU compute environment: IMDSv2 required with a hop limit of 1 (job
 * containers cannot reach the instance role), a KMS-encrypted gp3 root volume, the CloudWatch agent
 * publishing `nvidia_smi` GPU metrics, and optionally EFA interfaces and an FSx for Lustre mount.
 * User data is MIME multi-part, the format AWS Batch requires in launch templates.
 */
export class GpuLaunchTemplate extends Construct {
  public readonly launchTemplate: ec2.LaunchTemplate;

  constructor(scope: Construct, id: string, props: GpuLaunchTemplateProps) {
    super(scope, id);
    const efaInterfaces = props.efaInterfaces ?? 0;
    new PropValidator('GpuLaunchTemplate', this)
      .range('efaInterfaces', efaInterfaces, 0, 32)
      .check(
        efaInterfaces === 0 || props.securityGroup !== undefined,
        'securityGroup',
        undefined,
        'set when efaInterfaces is above 0 (EFA interfaces carry the group)',
      )
      .throwIfAny();

    const userData = new ec2.MultipartUserData();
    const script = ec2.UserData.forLinux();
    // What jobs depend on (EFA driver, scratch mount) first; metrics last, so an agent problem
    // cannot keep an instance from serving jobs.
    script.addCommands('set -euo pipefail');
    if (efaInterfaces > 0) script.addCommands(...EFA_DRIVER_COMMANDS);
    if (props.lustre) script.addCommands(...lustreMountCommands(props.lustre));
    script.addCommands(...gpuMetricsCommands(props.clusterName, props.metricsNamespace));
    userData.addUserDataPart(script, ec2.MultipartBody.SHELL_SCRIPT, true);

    this.launchTemplate = new ec2.LaunchTemplate(this, 'Resource', {
      requireImdsv2: true,
      httpPutResponseHopLimit: 1,
      httpTokens: ec2.LaunchTemplateHttpTokens.REQUIRED,
      userData,
      blockDevices: [
        {
          deviceName: '/dev/xvda',
          volume: ec2.BlockDeviceVolume.ebs((props.rootVolumeSize ?? Size.gibibytes(200)).toGibibytes(), {
            volumeType: ec2.EbsDeviceVolumeType.GP3,
            encrypted: true,
            kmsKey: props.encryptionKey,
            deleteOnTermination: true,
          }),
        },
      ],
    });

    if (efaInterfaces > 0) {
      // The L2 launch template has no network-interface prop: EFA needs the L1 property.
      const cfn = this.launchTemplate.node.defaultChild as ec2.CfnLaunchTemplate;
      cfn.addPropertyOverride(
        'LaunchTemplateData.NetworkInterfaces',
        Array.from({ length: efaInterfaces }, (_, card) => ({
          Description: `EFA on network card ${card}`,
          DeviceIndex: card === 0 ? 0 : 1,
          NetworkCardIndex: card,
          InterfaceType: 'efa',
          Groups: [props.securityGroup!.securityGroupId],
          DeleteOnTermination: true,
        })),
      );
    }
    if (props.capacityReservation) targetReservation(this.launchTemplate, props.capacityReservation);
  }
}

/**
 * The L2 launch template cannot target a reservation (aws/aws-cdk#35453): L1 overrides.
 * - `CapacityReservationTarget` alone, no `CapacityReservationPreference`: "Specifies an instance's
 *   Capacity Reservation targeting option. You can specify only one option at a time"
 *   (CloudFormation, AWS::EC2::LaunchTemplate CapacityReservationSpecification).
 * - A Capacity Block also needs market type `capacity-block` ("Allowed values: spot |
 *   capacity-block | interruptible-capacity-reservation", InstanceMarketOptions.MarketType), and
 *   "To use your Capacity Block, you must specify the Capacity Block reservation ID when launching
 *   instances" (EC2 user guide, Launch instances using Capacity Blocks).
 */
function targetReservation(template: ec2.LaunchTemplate, reservation: LaunchTemplateReservation): void {
  const cfn = template.node.defaultChild as ec2.CfnLaunchTemplate;
  cfn.addPropertyOverride('LaunchTemplateData.CapacityReservationSpecification', {
    CapacityReservationTarget: { CapacityReservationId: reservation.reservationId },
  });
  if (reservation.capacityBlock) {
    cfn.addPropertyOverride('LaunchTemplateData.InstanceMarketOptions', { MarketType: 'capacity-block' });
  }
}

/** The CloudWatch agent configuration that publishes GPU metrics with a static `ClusterName` dimension. */
export function gpuMetricsAgentConfig(clusterName: string, namespace: string): object {
  return {
    // Per-host series would multiply custom-metric charges with every spot replacement.
    agent: { metrics_collection_interval: 60, omit_hostname: true, run_as_user: 'root' },
    metrics: {
      namespace,
      // Roll the per-GPU series (index, name, arch) up to the cluster, the series the alarms read.
      aggregation_dimensions: [['ClusterName']],
      metrics_collected: {
        nvidia_gpu: {
          measurement: [
            'utilization_gpu',
            'utilization_memory',
            'memory_used',
            'memory_total',
            'temperature_gpu',
            'power_draw',
          ],
          metrics_collection_interval: 60,
          append_dimensions: { ClusterName: clusterName },
        },
      },
    },
  };
}

const AGENT_CONFIG_PATH = '/opt/aws/amazon-cloudwatch-agent/etc/cdk-ml-platform-gpu.json';

function gpuMetricsCommands(clusterName: string, namespace: string): string[] {
  return [
    'dnf install -y amazon-cloudwatch-agent',
    `cat > ${AGENT_CONFIG_PATH} <<'CWAGENT'`,
    JSON.stringify(gpuMetricsAgentConfig(clusterName, namespace)),
    'CWAGENT',
    `/opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s -c file:${AGENT_CONFIG_PATH}`,
  ];
}

const EFA_DRIVER_COMMANDS = [
  // The NVIDIA ECS image may ship without the EFA kernel module; the minimal installer adds only the
  // driver and rdma-core (libfabric and NCCL come with the job's container image).
  'if ! ls /sys/class/infiniband/ 2>/dev/null | grep -q efa; then',
  '  curl -fsSL -o /tmp/aws-efa-installer.tar.gz https://efa-installer.amazonaws.com/aws-efa-installer-latest.tar.gz',
  '  tar -xzf /tmp/aws-efa-installer.tar.gz -C /tmp',
  '  (cd /tmp/aws-efa-installer && ./efa_installer.sh -y --minimal)',
  'fi',
];

function lustreMountCommands(lustre: LustreMount): string[] {
  const source = `${lustre.dnsName}@tcp:/${lustre.mountName}`;
  return [
    'dnf install -y lustre-client',
    `mkdir -p ${FSX_MOUNT_PATH}`,
    `echo '${source} ${FSX_MOUNT_PATH} lustre defaults,relatime,flock,_netdev 0 0' >> /etc/fstab`,
    `mount -t lustre -o relatime,flock ${source} ${FSX_MOUNT_PATH}`,
  ];
}
