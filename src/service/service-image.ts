import { CfnParameter, Stack } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import type { Construct } from 'constructs';
import { resourceName } from '../naming/names';
import { ecrImage } from '../manifest/image';
import type { ServiceSpec } from '../manifest/spec';

export interface ServiceImageProps {
  readonly estate: string;
  readonly service: ServiceSpec;
  /** Account and region of the image repository (the delivery account). */
  readonly deliveryAccount: string;
  readonly deliveryRegion: string;
}

/**
 * A prebuilt image, or the service's repository in the delivery account at the tag the pipeline
 * deployed. The pipeline deploys the stack with the ImageTag parameter set to the commit it built;
 * an estate-wide deploy keeps the previous value, so it never rolls a service back to an older image.
 */
export function serviceImage(scope: Construct, props: ServiceImageProps): ecs.ContainerImage {
  if (props.service.image) {
    // A private ECR image is pulled with the execution role, which needs ECR's pull permissions on
    // that repository; any other registry is public (or its credentials are the team's to give).
    const ecr = ecrImage(props.service.image);
    if (!ecr) return ecs.ContainerImage.fromRegistry(props.service.image);
    const repository = importRepository(scope, ecr.repository, ecr.account, ecr.region);
    return ecs.ContainerImage.fromEcrRepository(repository, ecr.tagOrDigest);
  }
  const tag = new CfnParameter(scope, 'ImageTag', {
    type: 'String',
    default: 'latest',
    description: 'Image tag to run; set by the service pipeline',
  });
  const repository = importRepository(scope, resourceName.imageRepository(props.estate, props.service.name), props.deliveryAccount, props.deliveryRegion);
  return ecs.ContainerImage.fromEcrRepository(repository, tag.valueAsString);
}

function importRepository(scope: Construct, repositoryName: string, account: string, region: string): ecr.IRepository {
  return ecr.Repository.fromRepositoryAttributes(scope, 'Repository', {
    repositoryName,
    repositoryArn: Stack.of(scope).formatArn({ service: 'ecr', account, region, resource: 'repository', resourceName: repositoryName }),
  });
}
