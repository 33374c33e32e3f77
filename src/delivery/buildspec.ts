/**
 * The one buildspec of a service's build project, generated from its manifest. The pipeline runs
 * the project several times, once per step, choosing the step with CITYPLAN_STEP (set on each
 * pipeline action): one project per service keeps an estate of 3,000 services inside CodeBuild's
 * quota of build projects per account and region (see quotas.ts), where a project per step would not.
 *
 *  - build:   (source services) build `source.dockerfile`, run `source.test` in the image, push it
 *             tagged with the commit (skipped when that tag exists: an estate-only change rebuilds
 *             nothing, and tags are immutable); then package the service's template per environment
 *             with the estate's own cityplan, as `cityplan package` writes it;
 *  - package: (image services) the packaging alone;
 *  - scan:    wait for the image's scan on push and fail on any CRITICAL finding;
 *  - verify:  smoke-check one environment (the health URL of a web service; the stack of any other,
 *             which CloudFormation completes only once ECS reports the service steady), then record
 *             the image as the last that deployed there successfully (an SSM parameter in the
 *             delivery account); a failure before this leaves the record as it was.
 */
import type { EnvironmentSpec, ServiceSpec } from '../manifest/spec';
import { parameter, resourceName, stackName } from '../naming/names';

/** Names of the pipeline's artifacts; CodeBuild puts a secondary input at $CODEBUILD_SRC_DIR_<name>. */
export const ARTIFACT = { service: 'Service', estate: 'Estate', templates: 'Templates' } as const;

export type DeliveryStep = 'build' | 'package' | 'scan' | 'verify';

export interface BuildSpecProps {
  readonly estate: string;
  /** The service in each environment it runs in, in estate order. */
  readonly targets: ReadonlyArray<{ readonly environment: EnvironmentSpec; readonly service: ServiceSpec }>;
  /** The repository URI images are pushed to (source services). */
  readonly repositoryUri?: string;
}

/** A word for a POSIX shell, single-quoted. */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** The buildspec (version 0.2) as an object, for codebuild.BuildSpec.fromObject. */
export function deliveryBuildSpec(props: BuildSpecProps): Record<string, unknown> {
  const service = props.targets[0]!.service;
  const built = !service.image;
  // Packaging runs in the estate's checkout: the primary source of an image service, the
  // secondary one of a source service.
  const estateDir = built ? `"$CODEBUILD_SRC_DIR_${ARTIFACT.estate}"` : '"$CODEBUILD_SRC_DIR"';
  const packaging = [
    `cd ${estateDir}`,
    'npm ci --no-audit --no-fund',
    ...props.targets.map(
      (t) =>
        `npx --no-install cityplan package . --service ${service.name} --env ${t.environment.name} --image-tag "$IMAGE_TAG" --out "$CODEBUILD_SRC_DIR/templates/${t.environment.name}"`,
    ),
  ];
  const steps: Partial<Record<DeliveryStep, string[]>> = {};
  if (built) {
    const source = service.source!;
    const registry = '"${REPOSITORY_URI%%/*}"';
    steps.build = [
      `if aws ecr describe-images --repository-name "$REPOSITORY_NAME" --image-ids imageTag="$IMAGE_TAG" >/dev/null 2>&1; then`,
      `  echo "image $IMAGE_TAG is in the repository already: not built again"`,
      'else',
      `  aws ecr get-login-password | docker login --username AWS --password-stdin ${registry}`,
      `  docker build --file ${shellQuote(source.dockerfile)} --tag "$REPOSITORY_URI:$IMAGE_TAG" .`,
      ...(source.test ? [`  docker run --rm --entrypoint /bin/sh "$REPOSITORY_URI:$IMAGE_TAG" -c ${shellQuote(source.test)}`] : []),
      `  docker push "$REPOSITORY_URI:$IMAGE_TAG"`,
      'fi',
      ...packaging,
    ];
    steps.scan = [
      'aws ecr wait image-scan-complete --repository-name "$REPOSITORY_NAME" --image-id imageTag="$IMAGE_TAG"',
      `CRITICAL=$(aws ecr describe-image-scan-findings --repository-name "$REPOSITORY_NAME" --image-id imageTag="$IMAGE_TAG" --query 'imageScanFindings.findingSeverityCounts.CRITICAL' --output text)`,
      'if [ "$CRITICAL" != "None" ] && [ "$CRITICAL" -gt 0 ]; then echo "image $IMAGE_TAG has $CRITICAL critical findings: not deployed"; exit 1; fi',
    ];
  } else {
    steps.package = packaging;
  }
  steps.verify = [
    'case "${SMOKE_URL:-}" in',
    `  https://*) curl --fail --silent --show-error --max-time 10 --retry 10 --retry-delay 15 --retry-all-errors "$SMOKE_URL" >/dev/null ;;`,
    '  *) aws configure set profile.target.role_arn "$TARGET_ROLE_ARN"',
    '     aws configure set profile.target.credential_source EcsContainer',
    `     STATUS=$(aws --profile target --region "$TARGET_REGION" cloudformation describe-stacks --stack-name "$TARGET_STACK" --query 'Stacks[0].StackStatus' --output text)`,
    '     case "$STATUS" in CREATE_COMPLETE|UPDATE_COMPLETE) ;; *) echo "$TARGET_STACK is $STATUS"; exit 1 ;; esac ;;',
    'esac',
    ...(built ? ['aws ssm put-parameter --name "$LAST_IMAGE_PARAMETER" --type String --overwrite --value "$IMAGE_TAG"'] : []),
  ];
  const script = Object.entries(steps).map(([step, commands]) => `if [ "$CITYPLAN_STEP" = ${step} ]; then\n${commands!.join('\n')}\nfi`);
  return {
    version: '0.2',
    env: { shell: 'bash' },
    phases: { build: { commands: ['set -euo pipefail', ...script] } },
    // Only the build (or package) step has an output artifact: the packaged templates.
    artifacts: { 'base-directory': 'templates', files: ['**/*'] },
  };
}

/** What the verify step of one environment needs, as environment variables of its action. */
export function verifyVariables(estate: string, environment: EnvironmentSpec, service: ServiceSpec, targetRoleArn: string): Record<string, string> {
  // A web service is checked at its URL; any other through its stack, read with the deploy role.
  const check: Record<string, string> = service.kind === 'web' ? { SMOKE_URL: `https://${resourceName.serviceHost(service.name, environment.domain)}${service.health}` } : { TARGET_ROLE_ARN: targetRoleArn };
  return {
    CITYPLAN_STEP: 'verify',
    ...check,
    TARGET_STACK: stackName.service(estate, environment.name, service.name),
    TARGET_REGION: environment.region,
    LAST_IMAGE_PARAMETER: parameter.lastImage(estate, service.name, environment.name),
  };
}
