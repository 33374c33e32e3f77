/**
 * Calls between services over the environment's service network: ECS Service Connect in the
 * namespace the foundation publishes, and one security-group rule per caller and callee.
 *
 * The rule that lets a caller in lives in the caller's stack, on the callee's security group (whose
 * id the callee's stack publishes through SSM), so that adding or removing a caller deploys the
 * caller alone; the callee's stack never lists its callers. The caller's stack is deployed after
 * the callee's (stack-plan.ts), so the parameter exists when the caller reads it.
 */
import type { Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { parameter } from '../naming/names';
import { published } from '../platform/imports';
import type { ServiceStackProps, ServiceTask } from './service-task';

/**
 * Opens each callee's port to this service's tasks: per entry of `props.callees`, one
 * `AWS::EC2::SecurityGroupIngress` on the callee's task security group, from this service's task
 * security group, TCP on the callee's port only. The rules sit under a `Calls` construct, each keyed
 * by the callee's name, so a rule's logical id follows what it claims (a callee whose port changes
 * gets its rule replaced by one on the new port, never a duplicate of itself).
 *
 * A security group takes 60 inbound rules by default (Amazon VPC quotas: inbound rules per security
 * group, counted apart for IPv4 and IPv6); rules.ts `serviceLinks` refuses more callers than fit.
 */
export function allowCalls(stack: Stack, props: ServiceStackProps, parts: ServiceTask): void {
  const callees = props.callees ?? [];
  if (callees.length === 0) return;
  const { estate, environment: env, service } = props;
  const calls = new Construct(stack, 'Calls');
  for (const callee of callees) {
    new ec2.CfnSecurityGroupIngress(calls, callee.name, {
      groupId: published(calls, parameter.serviceSecurityGroupId(estate, env.name, callee.name)),
      sourceSecurityGroupId: parts.securityGroup.securityGroupId,
      ipProtocol: 'tcp',
      fromPort: callee.port,
      toPort: callee.port,
      description: `${service.name} calls ${callee.name}`,
    });
  }
}

/**
 * The Service Connect configuration of a service's ECS service, in the environment's namespace:
 *  - `serve`: this service answers calls as `http://<service>:<port>` (discovery name and client
 *    alias both the service name, on its port mapping `http` and its port); the Service Connect
 *    proxy listens on the container port, which is the port callers' rules open;
 *  - otherwise, when it calls other services: a client only (the namespace, nothing published), so
 *    that `http://<callee>:<port>` resolves through the task's Service Connect proxy;
 *  - neither: undefined (no proxy in its tasks).
 *
 * The proxy runs in every task of a service that has this configuration, on the task's CPU and
 * memory, and logs to the service's log group (stream prefix `service-connect`). Traffic is
 * proxied as TCP (the port mapping names no application protocol), so no per-request timeout of the
 * proxy cuts long requests short.
 */
export function serviceConnect(
  stack: Stack,
  props: ServiceStackProps,
  parts: ServiceTask,
  options: { readonly serve: boolean },
): ecs.ServiceConnectProps | undefined {
  const { estate, environment: env, service } = props;
  if (!options.serve && (props.callees ?? []).length === 0) return undefined;
  return {
    namespace: published(stack, parameter.serviceNamespaceArn(estate, env.name)),
    logDriver: ecs.LogDrivers.awsLogs({ logGroup: parts.logGroup, streamPrefix: 'service-connect' }),
    ...(options.serve
      ? { services: [{ portMappingName: 'http', discoveryName: service.name, dnsName: service.name, port: service.port }] }
      : {}),
  };
}

/**
 * Publishes the tasks' security group id under `parameter.serviceSecurityGroupId`, for the stacks
 * of the services that call this one.
 */
export function publishSecurityGroup(stack: Stack, props: ServiceStackProps, parts: ServiceTask): void {
  const { estate, environment: env, service } = props;
  new ssm.StringParameter(stack, 'CallableSecurityGroup', {
    parameterName: parameter.serviceSecurityGroupId(estate, env.name, service.name),
    stringValue: parts.securityGroup.securityGroupId,
    description: `Task security group of ${service.name}: its callers' stacks open its port on it`,
  });
}
