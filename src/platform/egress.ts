import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import type { Egress } from '../manifest/spec';
import { gatewayEndpoints, INTERFACE_ENDPOINTS } from './egress-plan';

/**
 * The subnet group tasks, databases, caches and the responder run in. Its name, not its type, makes
 * the subnets' logical ids (`NetworktasksSubnet1Subnet…`), CIDRs and published parameters, so a change
 * of egress mode changes the subnets in place (tags, routes) and no service stack sees it.
 */
export const TASK_SUBNETS = 'tasks';

/**
 * The task subnets' type: with a route to NAT gateways in the NAT modes, without any route out in
 * `endpoints` (aws-cdk-lib refuses PRIVATE_WITH_EGRESS subnets when there are no NAT gateways).
 */
export function taskSubnetType(egress: Egress): ec2.SubnetType {
  return egress === 'endpoints' ? ec2.SubnetType.PRIVATE_ISOLATED : ec2.SubnetType.PRIVATE_WITH_EGRESS;
}

export interface EgressEndpointsProps {
  readonly vpc: ec2.Vpc;
  /**
   * The VPC's address range as written (`10.0.0.0/16`), not `vpc.vpcCidrBlock`: the security group
   * rule then holds a literal the policy packs can judge (a GetAtt makes their port rules throw).
   */
  readonly cidr: string;
  readonly egress: Egress;
}

/**
 * The VPC endpoints an `endpoints` environment reaches AWS through (egress-plan.ts says which and
 * why); nothing in the NAT modes, whose S3 gateway endpoint the VPC itself declares.
 *
 * Interface endpoints have private DNS on, so the SDKs' and ECS's usual names
 * (`logs.<region>.amazonaws.com`, `<account>.dkr.ecr.<region>.amazonaws.com`) resolve to the
 * endpoints' addresses in the VPC; one network interface in each zone's task subnet. They share one
 * security group that lets in HTTPS from the VPC's address range only.
 */
export class EgressEndpoints extends Construct {
  constructor(scope: Construct, id: string, props: EgressEndpointsProps) {
    super(scope, id);
    if (props.egress !== 'endpoints') return;
    const { vpc } = props;
    const securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc,
      description: 'VPC interface endpoints: HTTPS from the VPC only',
      allowAllOutbound: false,
    });
    securityGroup.addIngressRule(ec2.Peer.ipv4(props.cidr), ec2.Port.tcp(443), 'HTTPS to AWS APIs from the VPC');
    const subnets = { subnetGroupName: TASK_SUBNETS };
    for (const { service } of INTERFACE_ENDPOINTS) {
      new ec2.InterfaceVpcEndpoint(this, endpointId(service), {
        vpc,
        service: new ec2.InterfaceVpcEndpointAwsService(service),
        privateDnsEnabled: true,
        subnets,
        securityGroups: [securityGroup],
        // The group's one rule above; `open` would add the same rule once per endpoint.
        open: false,
      });
    }
    // The VPC declares the S3 gateway endpoint (its logical id predates this construct).
    for (const service of gatewayEndpoints(props.egress).filter((s) => s !== 's3')) {
      new ec2.GatewayVpcEndpoint(this, endpointId(service), { vpc, service: new ec2.GatewayVpcEndpointAwsService(service), subnets: [subnets] });
    }
  }
}

/** `ecr.api` → `EcrApi`: a construct id (and logical id part) per endpoint service. */
function endpointId(service: string): string {
  return service
    .split(/[.-]/)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
}
