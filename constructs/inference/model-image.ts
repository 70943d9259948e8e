import { Arn, Stack, Token } from 'aws-cdk-lib';
import type * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import { FactName, RegionInfo } from 'aws-cdk-lib/region-info';
import type { Construct } from 'constructs';
import type { PropValidator } from '../core/errors';

/** The container image a model serves. */
export abstract class ModelImage {
  /** An image in an ECR repository of this account, by tag; the model's role may pull only this repository. */
  public static fromEcrRepository(repository: ecr.IRepository, tag: string): ModelImage {
    return new EcrModelImage(repository, tag);
  }

  /**
   * An image by URI, e.g. an AWS Deep Learning Container
   * (`763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.3-gpu-py311`).
   * The model's role may pull from the repository the URI names when it is an ECR URI.
   */
  public static fromImageUri(imageUri: string): ModelImage {
    return new UriModelImage(imageUri);
  }

  /**
   * An AWS Deep Learning Container image of the stack's region, e.g.
   * `fromDeepLearningContainer('pytorch-inference', '2.6.0-cpu-py312-ubuntu22.04-sagemaker')`.
   *
   * DLC images live in an AWS-owned ECR registry per region ("763104351884.dkr.ecr.<region>.amazonaws.com"
   * in most regions, other accounts in opt-in regions; aws/deep-learning-containers available_images.md).
   * The account comes from aws-cdk-lib's region table (`FactName.DLC_REPOSITORY_ACCOUNT`), through a
   * CloudFormation mapping when the stack's region is unknown at synth. SageMaker pulls the image
   * itself with the model's role, so VPC-only models with network isolation can use it; the role may
   * pull this one repository.
   */
  public static fromDeepLearningContainer(repositoryName: string, tag: string): ModelImage {
    return new DlcModelImage(repositoryName, tag);
  }

  /** The URI SageMaker pulls. */
  public abstract readonly imageUri: string;

  /** @internal validates and grants the model role what it needs to pull the image. */
  public abstract _bind(scope: Construct, role: iam.IRole, v: PropValidator, prop: string): void;
}

class EcrModelImage extends ModelImage {
  public readonly imageUri: string;
  constructor(
    private readonly repository: ecr.IRepository,
    private readonly tag: string,
  ) {
    super();
    this.imageUri = repository.repositoryUriForTag(tag);
  }

  public _bind(_scope: Construct, role: iam.IRole, v: PropValidator, prop: string): void {
    v.check(
      Token.isUnresolved(this.tag) || /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(this.tag),
      `${prop}.tag`,
      this.tag,
      'an image tag of up to 128 letters, digits, _, . and - (not starting with . or -)',
    );
    grantPull(role, this.repository.repositoryArn);
  }
}

class DlcModelImage extends ModelImage {
  private uri?: string;
  constructor(
    private readonly repositoryName: string,
    private readonly tag: string,
  ) {
    super();
  }

  public get imageUri(): string {
    if (!this.uri)
      throw new Error('ModelImage.fromDeepLearningContainer: the image URI is known once a model uses it');
    return this.uri;
  }

  public _bind(scope: Construct, role: iam.IRole, v: PropValidator, prop: string): void {
    const stack = Stack.of(scope);
    v.check(
      /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/.test(this.repositoryName),
      `${prop}.repositoryName`,
      this.repositoryName,
      'a Deep Learning Container repository name such as pytorch-inference',
    );
    v.check(
      /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(this.tag),
      `${prop}.tag`,
      this.tag,
      'an image tag of up to 128 letters, digits, _, . and - (not starting with . or -)',
    );
    const known = Token.isUnresolved(stack.region) || RegionInfo.get(stack.region).dlcRepositoryAccount;
    v.check(
      Boolean(known),
      prop,
      stack.region,
      'a stack region with AWS Deep Learning Containers (aws-cdk-lib region-info lists none for this region); use ModelImage.fromImageUri',
    );
    if (!known) return;
    const account = stack.regionalFact(FactName.DLC_REPOSITORY_ACCOUNT);
    this.uri = `${account}.dkr.ecr.${stack.region}.${stack.urlSuffix}/${this.repositoryName}:${this.tag}`;
    grantPull(
      role,
      Arn.format(
        {
          service: 'ecr',
          account,
          region: stack.region,
          resource: 'repository',
          resourceName: this.repositoryName,
        },
        stack,
      ),
    );
  }
}

class UriModelImage extends ModelImage {
  constructor(public readonly imageUri: string) {
    super();
  }

  public _bind(scope: Construct, role: iam.IRole, v: PropValidator, prop: string): void {
    if (Token.isUnresolved(this.imageUri)) {
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({ actions: ['ecr:GetAuthorizationToken'], resources: ['*'] }),
      );
      return;
    }
    const m = ECR_URI.exec(this.imageUri);
    v.check(
      m !== null,
      prop,
      this.imageUri,
      'an ECR image URI <account>.dkr.ecr.<region>.amazonaws.com/<repository>[:tag|@digest] (serverless and VPC-only endpoints cannot pull from other registries)',
    );
    if (!m) return;
    const [, account, region, repositoryName] = m;
    grantPull(
      role,
      Arn.format(
        { service: 'ecr', account, region, resource: 'repository', resourceName: repositoryName },
        Stack.of(scope),
      ),
    );
  }
}

function grantPull(role: iam.IRole, repositoryArn: string): void {
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
      resources: [repositoryArn],
    }),
  );
  // GetAuthorizationToken has no resource-level permissions.
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({ actions: ['ecr:GetAuthorizationToken'], resources: ['*'] }),
  );
}

const ECR_URI =
  /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/([a-z0-9._/-]+?)(?::[\w.-]+|@sha256:[a-f0-9]{64})?$/;
