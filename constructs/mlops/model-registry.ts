import { ArnFormat, type IResource, Resource, Stack, Tags, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { CfnModelPackageGroup } from 'aws-cdk-lib/aws-sagemaker';
import type { Construct } from 'constructs';
import { PropValidator } from '../core/errors';

/** A SageMaker model package group: the versioned home of one model family. */
export interface IModelRegistry extends IResource {
  /** The model package group's name. */
  readonly modelPackageGroupName: string;
  /** The model package group's ARN. */
  readonly modelPackageGroupArn: string;
  /** ARN pattern of every model package (version) in the group: `.../model-package/<group>/*`. */
  readonly modelPackagesArn: string;
  /** Lets a principal register new model versions (`CreateModelPackage`) in the group. */
  grantRegister(grantee: iam.IGrantable): iam.Grant;
  /** Lets a principal read the group and its model packages. */
  grantRead(grantee: iam.IGrantable): iam.Grant;
  /** Lets a principal approve or reject model packages (`UpdateModelPackage`), e.g. a CI job or a reviewer's role. */
  grantApprove(grantee: iam.IGrantable): iam.Grant;
}

export interface ModelRegistryProps {
  /**
   * The model package group's name: lower-case letters, digits and hyphens, 1-63 characters,
   * starting and ending with a letter or digit (SageMaker's `EntityName` pattern, lower case so the
   * name and the ARNs IAM matches are spelt alike).
   */
  readonly modelPackageGroupName: string;
  /**
   * What the models of this family do.
   * @default - none
   */
  readonly description?: string;
  /**
   * Accounts (IDs) that may read the group and its model packages (describe, list, and create a
   * SageMaker model from an approved package), e.g. a separate production account. The artifacts'
   * bucket and key must admit those accounts too.
   * @default - no resource policy: the group is private to this account
   */
  readonly crossAccountReaders?: string[];
  /**
   * Tags on the group, e.g. for showback. The group also carries `cdk-ml-platform:model-family`.
   * @default - only the model-family tag
   */
  readonly tags?: Record<string, string>;
}

abstract class ModelRegistryBase extends Resource implements IModelRegistry {
  public abstract readonly modelPackageGroupName: string;
  public abstract readonly modelPackageGroupArn: string;

  public get modelPackagesArn(): string {
    return modelPackagesArn(this, this.modelPackageGroupName);
  }

  public grantRegister(grantee: iam.IGrantable): iam.Grant {
    // CreateModelPackage is authorised on the model package it creates; the group is named in the request.
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['sagemaker:CreateModelPackage', 'sagemaker:DescribeModelPackageGroup'],
      resourceArns: [this.modelPackageGroupArn, this.modelPackagesArn],
    });
  }

  public grantRead(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: READ_ACTIONS,
      resourceArns: [this.modelPackageGroupArn, this.modelPackagesArn],
    });
  }

  public grantApprove(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['sagemaker:UpdateModelPackage', 'sagemaker:DescribeModelPackage'],
      resourceArns: [this.modelPackagesArn],
    });
  }
}

/**
 * A SageMaker model package group per model family: every trained version is registered here as a
 * model package with its metrics, and approving one (a human or CI decision) is what rolls it out
 * (see `ModelRollout`). Model packages keep their artifacts where training wrote them, so their
 * encryption is the artifacts bucket's KMS key; the group itself holds no data to encrypt
 * (`AWS::SageMaker::ModelPackageGroup` has no KMS property).
 */
export class ModelRegistry extends ModelRegistryBase {
  /** A group created elsewhere, by name, for grants and rollouts. */
  public static fromModelPackageGroupName(scope: Construct, id: string, name: string): IModelRegistry {
    validateGroupName(`${scope.node.path}/${id}`, name);
    class Import extends ModelRegistryBase {
      public readonly modelPackageGroupName = name;
      public readonly modelPackageGroupArn = groupArn(scope, name);
    }
    return new Import(scope, id);
  }

  public readonly modelPackageGroupName: string;
  public readonly modelPackageGroupArn: string;
  /** The L1 model package group. */
  public readonly cfnModelPackageGroup: CfnModelPackageGroup;

  constructor(scope: Construct, id: string, props: ModelRegistryProps) {
    super(scope, id);
    const v = new PropValidator('ModelRegistry', this);
    checkGroupName(v, props.modelPackageGroupName);
    for (const [i, account] of (props.crossAccountReaders ?? []).entries()) {
      if (Token.isUnresolved(account)) continue;
      v.check(/^\d{12}$/.test(account), `crossAccountReaders[${i}]`, account, 'a 12-digit AWS account ID');
    }
    v.check(
      props.description === undefined || props.description.length <= 1024,
      'description',
      props.description?.length,
      'at most 1024 characters',
    );
    v.throwIfAny();

    this.modelPackageGroupName = props.modelPackageGroupName;
    this.modelPackageGroupArn = groupArn(this, props.modelPackageGroupName);
    this.cfnModelPackageGroup = new CfnModelPackageGroup(this, 'Resource', {
      modelPackageGroupName: props.modelPackageGroupName,
      modelPackageGroupDescription: props.description,
      modelPackageGroupPolicy: props.crossAccountReaders?.length
        ? this.crossAccountPolicy(props.crossAccountReaders)
        : undefined,
    });
    Tags.of(this).add('cdk-ml-platform:model-family', props.modelPackageGroupName);
    for (const [key, value] of Object.entries(props.tags ?? {})) Tags.of(this).add(key, value);
  }

  /**
   * "To share a model package group with other accounts, attach a resource policy to it"
   * (SageMaker Developer Guide, cross-account model registry): the readers may describe and list the
   * group's packages, which is what CreateModel from another account's package needs.
   */
  private crossAccountPolicy(accounts: readonly string[]): Record<string, unknown> {
    const principals = accounts.map((a) => new iam.AccountPrincipal(a));
    const doc = new iam.PolicyDocument({
      statements: [
        new iam.PolicyStatement({
          sid: 'CrossAccountReadGroup',
          principals,
          actions: ['sagemaker:DescribeModelPackageGroup'],
          resources: [this.modelPackageGroupArn],
        }),
        new iam.PolicyStatement({
          sid: 'CrossAccountReadPackages',
          principals,
          actions: ['sagemaker:DescribeModelPackage', 'sagemaker:ListModelPackages'],
          resources: [this.modelPackagesArn],
        }),
      ],
    });
    return doc.toJSON() as Record<string, unknown>;
  }
}

const READ_ACTIONS = ['sagemaker:DescribeModelPackageGroup', 'sagemaker:DescribeModelPackage'];

function groupArn(scope: Construct, name: string): string {
  return Stack.of(scope).formatArn({
    service: 'sagemaker',
    resource: 'model-package-group',
    resourceName: name,
    arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
  });
}

function modelPackagesArn(scope: Construct, name: string): string {
  return Stack.of(scope).formatArn({
    service: 'sagemaker',
    resource: 'model-package',
    resourceName: `${name}/*`,
    arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
  });
}

function checkGroupName(v: PropValidator, name: string): void {
  if (Token.isUnresolved(name)) return;
  v.check(
    GROUP_NAME.test(name),
    'modelPackageGroupName',
    name,
    '1-63 lower-case letters, digits and hyphens, starting and ending with a letter or digit',
  );
}

function validateGroupName(path: string, name: string): void {
  const v = new PropValidator('ModelRegistry', path);
  checkGroupName(v, name);
  v.throwIfAny();
}

const GROUP_NAME = /^[a-z0-9](-*[a-z0-9]){0,62}$/;
