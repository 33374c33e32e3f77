/**
 * How ECS replaces a web service's tasks with a new version (`deploy.strategy`), and the role ECS
 * needs to shift load-balancer traffic for the strategies that do.
 *
 * Every strategy keeps the deployment circuit breaker and the error-rate alarm rollback (set on
 * the service in web-service-stack.ts): ECS rolls back whatever stage a failing deployment is in.
 */
import { Duration, Validations } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { ServiceSpec } from '../manifest/spec';

/**
 * Canary: 10% of production traffic goes to the new version for 10 minutes, then the rest. Ten
 * minutes lets the error-rate alarm (3 one-minute periods above the threshold) fire on the
 * canary's own errors more than once before everyone gets it.
 */
export const CANARY = { percent: 10, minutes: 10 } as const;

/**
 * Linear: 20% more traffic every 5 minutes, so the whole shift takes 20 minutes after the first
 * step and the error-rate alarm has 5 minutes to fire at each step.
 */
export const LINEAR = { percent: 20, minutes: 5 } as const;

/**
 * The FargateService settings of a strategy: none for rolling (the settings every web service has
 * always had, so its template does not change), ECS-native strategy, traffic steps and bake time
 * for the others.
 *
 * @param deploy.bake minutes (0–1440, ECS's range) both versions keep running after production
 *   traffic has moved, during which an alarm still rolls back at once
 */
export function deploymentSettings(deploy: ServiceSpec['deploy']): Partial<ecs.FargateServiceProps> {
  if (deploy.strategy === 'rolling') return {};
  const bakeTime = Duration.minutes(deploy.bake);
  if (deploy.strategy === 'canary') {
    return {
      deploymentStrategy: ecs.DeploymentStrategy.CANARY,
      canaryConfiguration: { stepPercent: CANARY.percent, stepBakeTime: Duration.minutes(CANARY.minutes) },
      bakeTime,
    };
  }
  if (deploy.strategy === 'linear') {
    return {
      deploymentStrategy: ecs.DeploymentStrategy.LINEAR,
      linearConfiguration: { stepPercent: LINEAR.percent, stepBakeTime: Duration.minutes(LINEAR.minutes) },
      bakeTime,
    };
  }
  return { deploymentStrategy: ecs.DeploymentStrategy.BLUE_GREEN, bakeTime };
}

export interface LoadBalancerInfrastructureRoleProps {
  /** The service whose listener rule and target groups ECS changes, for the role's description. */
  readonly service: string;
}

/**
 * The Amazon ECS infrastructure role for load balancers: ECS assumes it to register tasks in the
 * alternate target group and to change the weights of the production listener rule while it
 * shifts traffic. It has the AWS managed policy AmazonECSInfrastructureRolePolicyForLoadBalancers
 * and nothing else (the role and policy ECS documents for ECS-native blue/green, linear and canary
 * deployments with a load balancer).
 */
export class LoadBalancerInfrastructureRole extends Construct {
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: LoadBalancerInfrastructureRoleProps) {
    super(scope, id);
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('ecs.amazonaws.com'),
      description: `ECS shifts load balancer traffic between the target groups of ${props.service}`,
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonECSInfrastructureRolePolicyForLoadBalancers')],
    });
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonECSInfrastructureRolePolicyForLoadBalancers]',
      reason:
        'AmazonECSInfrastructureRolePolicyForLoadBalancers is the policy AWS maintains for ECS to shift listener-rule weights and register targets in deployments; AWS keeps it in step with what ECS calls, which a copy here would not be.',
    });
  }
}
