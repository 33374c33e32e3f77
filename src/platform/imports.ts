import { Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import type { Construct } from 'constructs';
import { availabilityZones, parameter } from '../naming/names';
import type { EnvironmentSpec } from '../manifest/spec';

/**
 * Reads a value the foundation or an ingress shard published. It becomes a CloudFormation
 * parameter resolved at deploy time: no lookup at plan time, no export pinning the publisher.
 */
export function published(scope: Construct, name: string): string {
  return ssm.StringParameter.valueForStringParameter(scope, name);
}

/** The environment's VPC as published by its foundation, with the subnets of one tier. */
export function importVpc(scope: Construct, estate: string, env: EnvironmentSpec, tier: 'public' | 'private'): ec2.IVpc {
  const zones = availabilityZones(env.region, env.zones);
  const subnet = tier === 'public' ? parameter.publicSubnet : parameter.privateSubnet;
  const subnetIds = zones.map((_, i) => published(scope, subnet(estate, env.name, i)));
  const vpc = ec2.Vpc.fromVpcAttributes(scope, 'Network', {
    vpcId: published(scope, parameter.vpcId(estate, env.name)),
    availabilityZones: zones,
    ...(tier === 'public' ? { publicSubnetIds: subnetIds } : { privateSubnetIds: subnetIds }),
  });
  Validations.of(vpc).acknowledge({
    id: 'Annotation::@aws-cdk/aws-ec2:noSubnetRouteTableId',
    reason: 'Stacks outside the foundation only place resources in these subnets; they never read or change their route tables.',
  });
  return vpc;
}
