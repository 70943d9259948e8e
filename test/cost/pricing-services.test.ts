import { describe, expect, test } from 'vitest';
import { linesOf, priceResources } from './fixtures/engine';

// Hand-worked list prices (bundled catalog, from AWS's pricing-page data files snapshot in
// v0rts/aws-price-watcher@c4a0470; see docs/prices.md): a month is 730 h.

const close = (actual: number, expected: number): void =>
  expect(Math.abs(actual - expected) / expected).toBeLessThan(0.0001);

describe('RDS DB instances', () => {
  test.each([
    // db.m5.large Multi-AZ PostgreSQL, 100 GB gp2: instance $/h × 730 + 100 GB × Multi-AZ gp2 $/GB-month
    ['us-east-1', 0.356 * 730 + 100 * 0.23],
    ['eu-west-1', 0.394 * 730 + 100 * 0.253],
    ['ap-northeast-1', 0.494 * 730 + 100 * 0.276],
  ])('PostgreSQL db.m5.large Multi-AZ with 100 GB gp2 in %s costs %f a month', (region, monthly) => {
    const stack = priceResources(
      {
        Db: {
          Type: 'AWS::RDS::DBInstance',
          Properties: {
            Engine: 'postgres',
            DBInstanceClass: 'db.m5.large',
            MultiAZ: true,
            AllocatedStorage: '100',
          },
        },
      },
      { region },
    );
    close(stack.totals.expected, monthly);
    expect(linesOf(stack, 'Db').map((l) => l.component)).toEqual([
      'DB instance (db.m5.large, postgres, Multi-AZ)',
      'Storage (gp2, Multi-AZ)',
    ]);
  });

  test('io1 storage bills provisioned IOPS; StorageType defaults to io1 when Iops is set', () => {
    const stack = priceResources({
      Db: {
        Type: 'AWS::RDS::DBInstance',
        Properties: { Engine: 'mysql', DBInstanceClass: 'db.m5.large', AllocatedStorage: 100, Iops: 1000 },
      },
    });
    const lines = linesOf(stack, 'Db');
    expect(lines.map((l) => l.component)).toEqual([
      'DB instance (db.m5.large, mysql, Single-AZ)',
      'Storage (io1, Single-AZ)',
      'Provisioned IOPS (io1, Single-AZ)',
    ]);
    close(lines[1].monthly.expected, 100 * 0.125);
    close(lines[2].monthly.expected, 1000 * 0.1);
  });

  test('gp3 bills IOPS above the 12,000 included from 400 GB', () => {
    const stack = priceResources({
      Db: {
        Type: 'AWS::RDS::DBInstance',
        Properties: {
          Engine: 'postgres',
          DBInstanceClass: 'db.m5.large',
          AllocatedStorage: 500,
          StorageType: 'gp3',
          Iops: 15000,
        },
      },
    });
    close(stack.totals.expected, 0.178 * 730 + 500 * 0.115 + 3000 * 0.02);
  });

  test.each([
    [
      { Engine: 'aurora-postgresql', DBInstanceClass: 'db.r6g.large', DBClusterIdentifier: 'c' },
      'Aurora cluster members',
    ],
    [{ Engine: 'oracle-ee', DBInstanceClass: 'db.m5.large' }, 'RDS engine oracle-ee is not priced'],
  ])('%j is unpriced with the reason', (props, reason) => {
    const stack = priceResources({ Db: { Type: 'AWS::RDS::DBInstance', Properties: props } });
    expect(stack.unpriced[0].reason).toContain(reason);
  });

  // "By default, a read replica is created with the same storage type as the source DB instance"
  // (RDS User Guide); the engine is the source's (aws-cloudformation-templates RDS_MySQL_With_Read_Replica).
  test('a read replica of an instance in the template inherits its engine and storage; its own class wins', () => {
    const stack = priceResources({
      Main: {
        Type: 'AWS::RDS::DBInstance',
        Properties: { Engine: 'mysql', DBInstanceClass: 'db.t3.medium', AllocatedStorage: 5 },
      },
      Replica: {
        Type: 'AWS::RDS::DBInstance',
        Properties: { SourceDBInstanceIdentifier: { Ref: 'Main' }, DBInstanceClass: 'db.t3.small' },
      },
    });
    expect(stack.unpriced).toEqual([]);
    expect(linesOf(stack, 'Replica').map((l) => l.component)).toEqual([
      'DB instance (db.t3.small, mysql, Single-AZ)',
      'Storage (gp2, Single-AZ)',
    ]);
    // 730 × 0.034 (db.t3.small mysql) + 5 × 0.115 (gp2) for the replica
    close(
      linesOf(stack, 'Replica').reduce((a, l) => a + l.monthly.expected, 0),
      730 * 0.034 + 5 * 0.115,
    );
  });

  test('a replica of an instance outside the template (an ARN) still needs its own Engine', () => {
    const stack = priceResources({
      Replica: {
        Type: 'AWS::RDS::DBInstance',
        Properties: {
          SourceDBInstanceIdentifier: 'arn:aws:rds:us-east-1:111122223333:db:main',
          DBInstanceClass: 'db.t3.small',
        },
      },
    });
    expect(stack.unpriced[0].reason).toContain('RDS engine (unresolved) is not priced');
  });
});

describe('EKS', () => {
  test.each(['us-east-1', 'eu-west-1', 'ap-northeast-1'])(
    'a cluster in %s costs 0.10 $/h × 730 h = 73',
    (region) => {
      const stack = priceResources(
        { Eks: { Type: 'AWS::EKS::Cluster', Properties: { Version: '1.31' } } },
        { region },
      );
      close(stack.totals.expected, 73);
    },
  );

  test('a GPU node group: min, desired and max nodes of g5.xlarge at on-demand', () => {
    const stack = priceResources({
      Nodes: {
        Type: 'AWS::EKS::Nodegroup',
        Properties: {
          InstanceTypes: ['g5.xlarge'],
          ScalingConfig: { MinSize: 1, DesiredSize: 2, MaxSize: 4 },
        },
      },
    });
    close(stack.totals.min, 1.006 * 730);
    close(stack.totals.expected, 2 * 1.006 * 730);
    close(stack.totals.max, 4 * 1.006 * 730);
  });

  // AWS::EKS::Nodegroup LaunchTemplateSpecification is `{ Id | Name, Version }`; the launch
  // template's block device mappings are each node's volumes (aws-cloudformation-templates EKS/template.yaml).
  test.each([
    ['Id', { Ref: 'Lt' }],
    ['Name', 'nodes-lt'],
  ])(
    'a node group whose launch template is named by %s prices its type and EBS volumes per node',
    (key, value) => {
      const stack = priceResources({
        Lt: {
          Type: 'AWS::EC2::LaunchTemplate',
          Properties: {
            LaunchTemplateName: 'nodes-lt',
            LaunchTemplateData: {
              InstanceType: 'g5.xlarge',
              BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { VolumeSize: 80, VolumeType: 'gp3' } }],
            },
          },
        },
        Nodes: {
          Type: 'AWS::EKS::Nodegroup',
          Properties: {
            LaunchTemplate: { [key]: value },
            ScalingConfig: { MinSize: 1, DesiredSize: 2, MaxSize: 3 },
          },
        },
      });
      expect(linesOf(stack, 'Nodes').map((l) => l.component)).toEqual([
        'Node instances (g5.xlarge, on-demand)',
        'EBS storage (gp3, /dev/xvda, 80 GB per instance)',
      ]);
      // 2 × 730 × 1.006 (g5.xlarge) + 2 × 80 × 0.08 (gp3 GB-Mo us-east-1)
      close(stack.totals.expected, 2 * 730 * 1.006 + 2 * 80 * 0.08);
      close(stack.totals.max, 3 * 730 * 1.006 + 3 * 80 * 0.08);
    },
  );

  test('a node group whose launch template is not in the template is unpriced with the reason', () => {
    const stack = priceResources({
      Nodes: { Type: 'AWS::EKS::Nodegroup', Properties: { LaunchTemplate: { Id: 'lt-0123456789abcdef0' } } },
    });
    expect(stack.unpriced[0].reason).toContain('launch template that is not known before deployment');
  });
});

describe('load balancers', () => {
  test.each([
    ['us-east-1', 0.0225],
    ['eu-west-1', 0.0252],
    ['ap-northeast-1', 0.0243],
  ])('an ALB in %s: %f $/h × 730 h, plus LCU-hours from GB processed', (region, hourly) => {
    const stack = priceResources(
      {
        Alb: {
          Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer',
          Metadata: { 'cdk-ml-platform:usage': { monthlyDataGb: 100, source: 'test' } },
          Properties: {},
        },
      },
      { region },
    );
    close(stack.totals.expected, hourly * 730 + 100 * 0.008);
  });

  test('an NLB without usage: hours in the totals, LCUs shown as depending on usage', () => {
    const stack = priceResources({
      Nlb: { Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: { Type: 'network' } },
    });
    close(stack.totals.expected, 0.0225 * 730);
    expect(linesOf(stack, 'Nlb').map((l) => [l.component, l.inTotals])).toEqual([
      ['Network Load Balancer', true],
      ['Network Load Balancer capacity units', false],
    ]);
  });
});

describe('DynamoDB, EFS, Step Functions', () => {
  test('provisioned table: table and GSI capacity units every hour', () => {
    const stack = priceResources({
      T: {
        Type: 'AWS::DynamoDB::Table',
        Properties: {
          ProvisionedThroughput: { ReadCapacityUnits: 10, WriteCapacityUnits: 5 },
          GlobalSecondaryIndexes: [
            { ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 } },
          ],
        },
      },
    });
    close(stack.totals.expected, 15 * 730 * 0.00013 + 10 * 730 * 0.00065);
  });

  test('on-demand table: 10 million request units at 0.625 $ per million', () => {
    const stack = priceResources({
      T: {
        Type: 'AWS::DynamoDB::Table',
        Metadata: { 'cdk-ml-platform:usage': { monthlyRequests: 10_000_000, source: 'test' } },
        Properties: { BillingMode: 'PAY_PER_REQUEST' },
      },
    });
    close(stack.totals.expected, 6.25);
  });

  test('EFS with provisioned throughput: 100 GB Standard + 10 MiB/s', () => {
    const stack = priceResources({
      Fs: {
        Type: 'AWS::EFS::FileSystem',
        Metadata: { 'cdk-ml-platform:usage': { storageGb: 100, source: 'test' } },
        Properties: { ThroughputMode: 'provisioned', ProvisionedThroughputInMibps: 10 },
      },
    });
    close(stack.totals.expected, 100 * 0.3 + 10 * 6);
  });

  test('a Standard state machine: 1 million transitions at 0.025 $ per 1,000', () => {
    const stack = priceResources({
      Sm: {
        Type: 'AWS::StepFunctions::StateMachine',
        Metadata: { 'cdk-ml-platform:usage': { monthlyRequests: 1_000_000, source: 'test' } },
        Properties: {},
      },
    });
    close(stack.totals.expected, 25);
  });
});

describe('OpenSearch and MSK', () => {
  test('a domain: data and dedicated master nodes priced, EBS storage listed as unpriced', () => {
    const stack = priceResources({
      Search: {
        Type: 'AWS::OpenSearchService::Domain',
        Properties: {
          ClusterConfig: {
            InstanceType: 'r6g.large.search',
            InstanceCount: 3,
            DedicatedMasterEnabled: true,
            DedicatedMasterType: 'm6g.large.search',
            DedicatedMasterCount: 3,
          },
          EBSOptions: { EBSEnabled: true, VolumeSize: 100, VolumeType: 'gp3' },
        },
      },
    });
    close(stack.totals.expected, 3 * 730 * 0.167 + 3 * 730 * 0.128);
    expect(stack.unpriced.map((u) => u.reason)).toEqual([
      expect.stringContaining('no ES:gp3-Storage price for us-east-1'),
    ]);
  });

  test.each([
    ['us-east-1', 3 * 730 * 0.21 + 300 * 0.1],
    ['eu-west-1', 3 * 730 * 0.234 + 300 * 0.11],
  ])('a provisioned MSK cluster in %s: 3 × kafka.m5.large + 3 × 100 GB = %f', (region, monthly) => {
    const stack = priceResources(
      {
        Kafka: {
          Type: 'AWS::MSK::Cluster',
          Properties: {
            NumberOfBrokerNodes: 3,
            BrokerNodeGroupInfo: {
              InstanceType: 'kafka.m5.large',
              StorageInfo: { EBSStorageInfo: { VolumeSize: 100 } },
            },
          },
        },
      },
      { region },
    );
    close(stack.totals.expected, monthly);
  });
});

describe('unpriced lines say what would price them; coverage by resource count', () => {
  test('a NAT gateway in ap-northeast-1 is unpriced with the refresh command', () => {
    const stack = priceResources(
      { Nat: { Type: 'AWS::EC2::NatGateway', Properties: {} } },
      { region: 'ap-northeast-1' },
    );
    expect(stack.unpriced).toEqual([
      expect.objectContaining({
        logicalId: 'Nat',
        pricedBy: 'cdk-ml-cost prices refresh --services AmazonEC2 --regions ap-northeast-1',
      }),
    ]);
  });

  test('a NAT gateway priced hourly whose per-GB rate is missing is priced, with a note (us-west-2)', () => {
    const stack = priceResources(
      { Nat: { Type: 'AWS::EC2::NatGateway', Properties: {} } },
      { region: 'us-west-2' },
    );
    expect(stack.unpriced).toEqual([]);
    const [hours] = linesOf(stack, 'Nat');
    expect(hours.notes).toEqual([
      expect.stringContaining('NAT gateway data processed: no NatGateway-Bytes price for us-west-2'),
    ]);
  });

  test('SSM documents and load balancer listeners are free, and the coverage counts resources', () => {
    const stack = priceResources(
      {
        Doc: { Type: 'AWS::SSM::Document', Properties: {} },
        Listener: { Type: 'AWS::ElasticLoadBalancingV2::Listener', Properties: {} },
        Eks: { Type: 'AWS::EKS::Cluster', Properties: {} },
        Nat: { Type: 'AWS::EC2::NatGateway', Properties: {} },
        Thing: { Type: 'AWS::Foo::Bar', Properties: {} },
      },
      { region: 'ap-northeast-1' },
    );
    expect(stack.free.map((f) => f.logicalId)).toEqual(['Doc', 'Listener']);
    expect(stack.coverage).toEqual({ resources: 5, priced: 1, free: 2, unpriced: 2, unpricedShare: 0.4 });
  });
  // "With Amazon API Gateway, you only pay when your APIs are in use" (API Gateway pricing): the
  // configuration objects of a REST API are free; the API itself (calls) and a Stage (cache) are not.
  test.each([
    ['AWS::ApiGateway::Method', 'free'],
    ['AWS::ApiGateway::Resource', 'free'],
    ['AWS::ApiGateway::Deployment', 'free'],
    ['AWS::ApiGateway::Model', 'free'],
    ['AWS::ApiGateway::RestApi', 'unpriced'],
    ['AWS::ApiGateway::Stage', 'unpriced'],
  ])('%s is %s', (type, kind) => {
    const stack = priceResources({ R: { Type: type, Properties: {} } });
    expect(stack.free.length === 1 ? 'free' : stack.unpriced.length === 1 ? 'unpriced' : 'priced').toBe(kind);
  });
});
