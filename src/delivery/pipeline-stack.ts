import { type CfnElement, CfnCapabilities, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as actions from 'aws-cdk-lib/aws-codepipeline-actions';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import type { Construct } from 'constructs';
import type { EnvironmentSpec, ServiceSpec } from '../manifest/spec';
import { parameter, resourceName, stackName } from '../naming/names';
import { published } from '../platform/imports';
import { acknowledge, wildcardResourceFinding } from '../policy/acknowledge';
import { deployRoleArn, executionRoleArn } from './bootstrap-roles';
import { ARTIFACT, deliveryBuildSpec, verifyVariables } from './buildspec';
import { NO_IMAGE_YET } from './image-record';
import { packagedConfigurationPath, packagedTemplatePath } from './packaged';

/** Images kept per repository beyond the newest: far more than the deploys a rollback goes back over. */
export const IMAGES_KEPT = 200;

export interface PipelineStackProps extends StackProps {
  readonly estate: string;
  /** The service in each environment it runs in, in estate order (the order the pipeline deploys). */
  readonly targets: ReadonlyArray<{ readonly environment: EnvironmentSpec; readonly service: ServiceSpec }>;
  /** The estate's delivery settings; `repo` must be set (pipelines are only built then). */
  readonly delivery: EstateDelivery;
}

export interface EstateDelivery {
  readonly account: string;
  readonly connectionArn: string;
  readonly repo: string;
  /** @default 'main' */
  readonly branch?: string;
}

/**
 * One service's delivery, in the delivery account: its ECR repository (source services), one
 * CodeBuild project and a CodePipeline (V2) that runs on a push to the service's branch or to the
 * service's manifest in the estate repository (event-driven triggers through the CodeConnections
 * connection; nothing polls):
 *
 *   Source (service, estate) → Build → Scan → per environment, in estate order:
 *   [Approve, where the environment has `approval: true`] → Deploy → Verify
 *
 * `image:` services have no repository and skip Build and Scan (their Build stage only packages).
 * Deploy is a CloudFormation action in the environment's account, through its CDK bootstrap roles,
 * of exactly the template `cityplan package` wrote, with ImageTag set to the commit built.
 */
export class PipelineStack extends Stack {
  readonly pipeline: codepipeline.Pipeline;

  constructor(scope: Construct, id: string, props: PipelineStackProps) {
    super(scope, id, props);
    const { estate, targets, delivery } = props;
    const service = targets[0]!.service;
    const built = !service.image;
    const key = kms.Key.fromKeyArn(this, 'Key', published(this, parameter.deliveryKeyArn(estate)));
    const bucket = s3.Bucket.fromBucketAttributes(this, 'Artifacts', { bucketName: resourceName.artifactBucket(estate, this.account, this.region), encryptionKey: key });

    const repository = built ? this.repository(estate, service, key, targets) : undefined;
    const logGroup = new logs.LogGroup(this, 'BuildLogs', {
      logGroupName: resourceName.buildLogGroup(estate, service.name),
      retention: logs.RetentionDays.ONE_YEAR,
      encryptionKey: key,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const project = new codebuild.PipelineProject(this, 'Build', {
      projectName: resourceName.buildProject(estate, service.name),
      description: `cityplan ${estate}: build, scan and verify ${service.name}`,
      buildSpec: codebuild.BuildSpec.fromObject(deliveryBuildSpec({ estate, targets, repositoryUri: repository?.repositoryUri })),
      environment: {
        buildImage: codebuild.LinuxBuildImage.STANDARD_7_0,
        computeType: codebuild.ComputeType.SMALL,
        // docker build needs the Docker daemon, which CodeBuild runs only in privileged mode.
        privileged: built,
      },
      environmentVariables: repository
        ? { REPOSITORY_URI: { value: repository.repositoryUri }, REPOSITORY_NAME: { value: repository.repositoryName } }
        : {},
      encryptionKey: key,
      logging: { cloudWatch: { logGroup } },
      timeout: Duration.minutes(60),
    });
    acknowledge(project, {
      ...(built ? { 'AwsSolutions-CB3': 'Privileged mode runs the Docker daemon that builds the service image (docker build); the project builds only this service’s repository.' } : {}),
    });
    const role = project.role!;
    if (repository) {
      repository.grantPullPush(role);
      repository.grant(role, 'ecr:DescribeImages', 'ecr:DescribeImageScanFindings');
      // The image records belong to this stack (image-record.ts): they leave with the service.
      for (const t of targets) {
        new ssm.StringParameter(this, `ImageRecord-${t.environment.name}`, {
          parameterName: parameter.lastImage(estate, service.name, t.environment.name),
          stringValue: NO_IMAGE_YET,
          description: `cityplan: the last image of ${service.name} that deployed successfully in ${t.environment.name}, written by its pipeline's Verify step`,
        });
      }
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ['ssm:PutParameter'],
          resources: targets.map((t) =>
            this.formatArn({ service: 'ssm', resource: 'parameter', resourceName: parameter.lastImage(estate, service.name, t.environment.name).slice(1) }),
          ),
        }),
      );
    }
    // Verify reads the stack of a service without a URL through the environment's deploy role.
    const notWeb = targets.filter((t) => t.service.kind !== 'web');
    if (notWeb.length > 0) {
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({ actions: ['sts:AssumeRole'], resources: notWeb.map((t) => deployRoleArn(t.environment.account, t.environment.region)) }),
      );
    }
    const projectRef = `<${this.getLogicalId(project.node.defaultChild as CfnElement)}>`;
    acknowledge(role, {
      ...artifactWildcards(this, bucket),
      'AwsSolutions-IAM5[Resource::*]': 'ecr:GetAuthorizationToken names no resource (ECR API reference); pushing and pulling are limited to the service’s repository.',
      [`AwsSolutions-IAM5[Resource::arn:${this.partition}:logs:${this.region}:${this.account}:log-group:/aws/codebuild/${projectRef}:*]`]:
        'CodeBuild’s default log group of this one project (its streams are named per build).',
      [`AwsSolutions-IAM5[Resource::arn:${this.partition}:codebuild:${this.region}:${this.account}:report-group/${projectRef}-*]`]:
        'Test report groups of this one project, which CodeBuild names after it.',
      'NIST.800.53.R5-IAMNoInlinePolicy': 'The policy is generated for this build project alone and lives and dies with its role; it is never shared.',
    });

    const serviceOut = new codepipeline.Artifact(ARTIFACT.service);
    const estateOut = new codepipeline.Artifact(ARTIFACT.estate);
    const templates = new codepipeline.Artifact(ARTIFACT.templates);
    const [owner, repo] = delivery.repo.split('/') as [string, string];
    const estateSource = new actions.CodeStarConnectionsSourceAction({
      actionName: 'Estate',
      connectionArn: delivery.connectionArn,
      owner,
      repo,
      branch: delivery.branch ?? 'main',
      output: estateOut,
      variablesNamespace: 'EstateSource',
    });
    const serviceSource = built
      ? new actions.CodeStarConnectionsSourceAction({
          actionName: 'Service',
          connectionArn: delivery.connectionArn,
          owner: service.source!.repo.split('/')[0]!,
          repo: service.source!.repo.split('/')[1]!,
          branch: service.source!.branch,
          output: serviceOut,
          variablesNamespace: 'ServiceSource',
        })
      : undefined;
    // The image is tagged with the service's commit; an image service deploys what its manifest names.
    const imageTag = serviceSource ? serviceSource.variables.commitId : 'manifest';
    const step = (name: string, extra: Record<string, string> = {}) =>
      Object.fromEntries(Object.entries({ CITYPLAN_STEP: name, IMAGE_TAG: imageTag, ...extra }).map(([k, value]) => [k, { value }]));

    const pipeline = new codepipeline.Pipeline(this, 'Pipeline', {
      pipelineName: resourceName.pipeline(estate, service.name),
      pipelineType: codepipeline.PipelineType.V2,
      artifactBucket: bucket,
      restartExecutionOnUpdate: false,
      // One role for the pipeline's own actions rather than one per action: fewer resources per service.
      usePipelineRoleForActions: true,
      triggers: [
        ...(serviceSource
          ? [{ providerType: codepipeline.ProviderType.CODE_STAR_SOURCE_CONNECTION, gitConfiguration: { sourceAction: serviceSource, pushFilter: [{ branchesIncludes: [service.source!.branch] }] } }]
          : []),
        {
          providerType: codepipeline.ProviderType.CODE_STAR_SOURCE_CONNECTION,
          gitConfiguration: {
            sourceAction: estateSource,
            // Only a change to what this service's template is made of: its manifest, the estate's.
            pushFilter: [{ branchesIncludes: [delivery.branch ?? 'main'], filePathsIncludes: ['estate.yaml', `services/${service.name}.yaml`] }],
          },
        },
      ],
    });
    this.pipeline = pipeline;
    pipeline.addStage({ stageName: 'Source', actions: [...(serviceSource ? [serviceSource] : []), estateSource] });
    pipeline.addStage({
      stageName: 'Build',
      actions: [
        new actions.CodeBuildAction({
          actionName: built ? 'Build' : 'Package',
          project,
          input: serviceSource ? serviceOut : estateOut,
          extraInputs: serviceSource ? [estateOut] : [],
          outputs: [templates],
          environmentVariables: step(built ? 'build' : 'package'),
        }),
      ],
    });
    if (built) {
      pipeline.addStage({
        stageName: 'Scan',
        actions: [new actions.CodeBuildAction({ actionName: 'Scan', project, input: templates, environmentVariables: step('scan') })],
      });
    }
    for (const { environment: env, service: s } of targets) {
      const stack = stackName.service(estate, env.name, s.name);
      const deployRole = iam.Role.fromRoleArn(this, `${env.name}DeployRole`, deployRoleArn(env.account, env.region), { mutable: false });
      const executionRole = iam.Role.fromRoleArn(this, `${env.name}ExecutionRole`, executionRoleArn(env.account, env.region), { mutable: false });
      pipeline.addStage({
        stageName: env.name,
        actions: [
          ...(env.approval
            ? [new actions.ManualApprovalAction({ actionName: 'Approve', runOrder: 1, additionalInformation: `Deploy ${s.name} to ${env.name} (${env.account})` })]
            : []),
          new actions.CloudFormationCreateUpdateStackAction({
            actionName: 'Deploy',
            runOrder: 2,
            stackName: stack,
            templatePath: templates.atPath(packagedTemplatePath(env.name, stack)),
            adminPermissions: false,
            role: deployRole,
            deploymentRole: executionRole,
            cfnCapabilities: [CfnCapabilities.NAMED_IAM, CfnCapabilities.AUTO_EXPAND],
            // The image tag comes with the template, from the same `cityplan package` run.
            templateConfiguration: templates.atPath(packagedConfigurationPath(env.name, stack)),
          }),
          new actions.CodeBuildAction({
            actionName: 'Verify',
            runOrder: 3,
            project,
            input: templates,
            environmentVariables: step('verify', verifyVariables(estate, env, s, deployRoleArn(env.account, env.region))),
          }),
        ],
      });
    }
    acknowledge(pipeline.role, {
      ...artifactWildcards(this, bucket),
      'NIST.800.53.R5-IAMNoInlinePolicy': 'The policy is generated for this pipeline alone and lives and dies with its role; it is never shared.',
    });
  }

  /** The service's image repository: immutable tags, scanned on push, encrypted with the delivery key, retained. */
  private repository(estate: string, service: ServiceSpec, key: kms.IKey, targets: PipelineStackProps['targets']): ecr.Repository {
    const repository = new ecr.Repository(this, 'Repository', {
      repositoryName: resourceName.imageRepository(estate, service.name),
      imageTagMutability: ecr.TagMutability.IMMUTABLE,
      imageScanOnPush: true,
      encryption: ecr.RepositoryEncryption.KMS,
      encryptionKey: key,
      // Images are what every environment runs and what rollback goes back to: a removed service's
      // repository stays (its name is claimed in the lock until it is deleted by hand).
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        { description: 'Layers of builds that never got a tag', tagStatus: ecr.TagStatus.UNTAGGED, maxImageAge: Duration.days(7) },
        { description: `The newest ${IMAGES_KEPT} images`, tagStatus: ecr.TagStatus.ANY, maxImageCount: IMAGES_KEPT },
      ],
    });
    const accounts = [...new Set(targets.map((t) => t.environment.account))].sort();
    repository.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'EnvironmentAccountsPull',
        principals: accounts.map((a) => new iam.AccountPrincipal(a)),
        actions: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability'],
      }),
    );
    return repository;
  }
}

/**
 * The wildcards CDK's grants on the artifact bucket put in a role: object actions (s3:GetObject*,
 * s3:Abort*…) on the bucket's objects, and the KMS data-key actions on the delivery key. Pipeline
 * artifacts are written and read under keys CodePipeline generates per run.
 */
function artifactWildcards(scope: Stack, bucket: s3.IBucket): Record<string, string> {
  const reason = 'CodePipeline names artifact objects per run, in the one artifact bucket of the estate, encrypted with its one key.';
  return {
    ...Object.fromEntries(
      ['s3:Abort*', 's3:DeleteObject*', 's3:GetBucket*', 's3:GetObject*', 's3:List*', 'kms:GenerateDataKey*', 'kms:ReEncrypt*'].map((a) => [`AwsSolutions-IAM5[Action::${a}]`, reason]),
    ),
    [wildcardResourceFinding(scope, bucket.arnForObjects('*'))]: reason,
  };
}
