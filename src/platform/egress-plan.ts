/**
 * What each `environments.<env>.egress` mode builds in the environment's VPC, as plain data: the
 * foundation builds from it (src/platform/egress.ts) and anything that prices or describes an
 * environment reads it, so the two never disagree.
 *
 * - `nat`: a NAT gateway (and its Elastic IP) in each zone's public subnet; task subnets route
 *   0.0.0.0/0 to the NAT gateway of their own zone.
 * - `nat-single`: one NAT gateway in the first zone; every task subnet routes through it (a zone
 *   outage there cuts the others' egress too).
 * - `endpoints`: no NAT gateway and no route out of the task subnets; AWS APIs are reached through
 *   interface VPC endpoints (private DNS on, one network interface per zone) and the free S3 and
 *   DynamoDB gateway endpoints. Nothing outside AWS is reachable from a task or the responder.
 *
 * Every mode keeps the S3 gateway endpoint (image layers come from S3 whichever way tasks go out).
 */
import type { Egress } from '../manifest/spec';

/** An AWS service reached through an interface VPC endpoint, `com.amazonaws.<region>.<service>`. */
export interface InterfaceEndpointNeed {
  /** The endpoint service's last part, as in `com.amazonaws.<region>.<service>`: `ecr.api`, `logs`. */
  readonly service: string;
  /** Who in the environment calls it, and what for. */
  readonly why: string;
}

/**
 * The interface endpoints of an `endpoints` environment. AWS bills each per hour in each zone it has
 * a network interface in (AWS PrivateLink pricing), so an environment of `zones` zones pays for
 * `INTERFACE_ENDPOINTS.length × zones` endpoint-hours every hour, plus data processed.
 *
 * Left out on purpose: `guardduty-data` (GuardDuty's automated agent management creates and owns that
 * endpoint in every VPC with a cluster; a second with private DNS in the same VPC would clash),
 * `ecs-agent`/`ecs-telemetry` (EC2 container instances only; Fargate's agent is AWS's), `sts` (tasks
 * and the responder get credentials from their runtime, no client calls STS), `monitoring` (no
 * client puts metrics: Container Insights is ECS's, application metrics go as EMF through logs),
 * `route53` (its API is global; see docs/architecture.md for what the responder then cannot do).
 */
export const INTERFACE_ENDPOINTS: readonly InterfaceEndpointNeed[] = [
  { service: 'ecr.api', why: 'tasks pull images (authorisation, manifests), the GuardDuty agent sidecar too' },
  { service: 'ecr.dkr', why: 'tasks pull images from any ECR registry of the region (the delivery account’s included); layers then come through the S3 gateway endpoint' },
  { service: 'logs', why: 'the awslogs driver of every container and the Service Connect agent' },
  { service: 'secretsmanager', why: 'task secrets, injected at start by ECS' },
  { service: 'kms', why: 'services using the environment key for their own data' },
  { service: 'ssm', why: 'the responder’s settings and runbooks; parameters tasks read' },
  { service: 'ecs', why: 'the responder: DescribeServices, UpdateService, DescribeTasks, StopTask' },
  { service: 'ec2', why: 'the responder: security groups and network interfaces (quarantine, closing open ingress)' },
  { service: 'sns', why: 'the responder’s alerts; services publishing to their `publish` topics' },
  { service: 'sqs', why: 'workers consuming their `queue` (and `subscribe` deliveries)' },
  { service: 'acm', why: 'the responder’s certificate-expiry runbook (DescribeCertificate, ListTagsForCertificate)' },
];

/** Gateway endpoints (free: no hourly or data charge) of each mode. */
export function gatewayEndpoints(egress: Egress): readonly string[] {
  // DynamoDB only where nothing else reaches it: the responder's audit table. In the NAT modes it
  // stays out so that their foundation templates are what they were before the egress field.
  return egress === 'endpoints' ? ['s3', 'dynamodb'] : ['s3'];
}

/** NAT gateways of an environment: one per zone (`nat`), one (`nat-single`) or none (`endpoints`). */
export function natGateways(egress: Egress, zones: number): number {
  return egress === 'nat' ? zones : egress === 'nat-single' ? 1 : 0;
}

/** Everything an egress mode creates in an environment of `zones` zones: what a cost model prices. */
export interface EgressResources {
  /** NAT gateways, each with one Elastic IP (a public IPv4 address, billed hourly). */
  readonly natGateways: number;
  /** Interface endpoint services (empty unless `endpoints`); each has one network interface per zone. */
  readonly interfaceEndpoints: readonly string[];
  /** Interface endpoint-hours billed per hour: interfaceEndpoints.length × zones. */
  readonly interfaceEndpointZones: number;
  /** Gateway endpoint services (free). */
  readonly gatewayEndpoints: readonly string[];
}

/** What `egress` creates in an environment of `zones` (2 or 3) zones. */
export function egressResources(egress: Egress, zones: number): EgressResources {
  const interfaceEndpoints = egress === 'endpoints' ? INTERFACE_ENDPOINTS.map((e) => e.service) : [];
  return {
    natGateways: natGateways(egress, zones),
    interfaceEndpoints,
    interfaceEndpointZones: interfaceEndpoints.length * zones,
    gatewayEndpoints: gatewayEndpoints(egress),
  };
}
