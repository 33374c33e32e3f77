import { Duration, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import type { Construct } from 'constructs';
import type { Placement } from '../estate/lock';
import { prioritiesOf } from '../estate/lock-entries';
import { parameter, resourceName } from '../naming/names';
import { published } from '../platform/imports';
import { allowCalls, publishSecurityGroup, serviceConnect } from './service-calls';
import { fargateServiceDefaults, type ServiceStackProps, serviceTags, serviceTask, taskRange } from './service-task';
import { TaskScaling } from './task-scaling';
import { WebAddresses } from './web-addresses';
import { WebAlarms } from './web-alarms';
import { WebAnomalyAlarms } from '../observability/web-anomaly-alarms';
import { deploymentSettings, LoadBalancerInfrastructureRole } from './web-deployment';
import { ruleHosts, shiftsTraffic } from './web-routing';

export interface WebServiceStackProps extends ServiceStackProps {
  /** Shard and listener-rule priorities from the lock: one per rule, one rule per 5 host names. */
  readonly placement: Placement;
}

/**
 * A web service: Fargate tasks spread over the environment's zones behind its shard's load
 * balancer, reachable at <service>.<domain> (and any extra hostnames, 5 names to a listener rule),
 * scaled on CPU and requests, deployed rolling or by ECS shifting traffic between two target groups
 * (canary, linear, blue-green; see web-deployment.ts), and rolled back automatically when a
 * deployment fails or its error-rate alarm fires.
 * Services that list it in `calls` also reach it at http://<service>:<port> through Service Connect.
 *
 * No custom resources and no Lambda: everything shared is read from SSM parameters at deploy time.
 */
export class WebServiceStack extends Stack {
  constructor(scope: Construct, id: string, props: WebServiceStackProps) {
    super(scope, id, { ...props, tags: serviceTags(props) });
    const { estate, environment: env, service, placement } = props;
    if (service.kind !== 'web') throw new Error(`WebServiceStack needs a web service; ${service.name} is a ${service.kind}`);
    const shardValue = (key: Parameters<typeof parameter.shard>[3]) => published(this, parameter.shard(estate, env.name, placement.shard, key));
    const parts = serviceTask(this, props, { port: service.port });
    const { vpc } = parts;
    const called = (props.callers ?? []).length > 0;

    // A target group can serve one load balancer. A service moving shard gets a new one (a new
    // logical id), so CloudFormation creates it for the new shard's rule before it deletes the old
    // group with the old rule. Shard 0 keeps the id target groups have always had.
    const onShard = (id: string) => (placement.shard === 0 ? id : `${id}OnShard${placement.shard}`);
    const targetGroup = (id: string) =>
      new elbv2.ApplicationTargetGroup(this, onShard(id), {
        vpc,
        port: service.port,
        protocol: elbv2.ApplicationProtocol.HTTP,
        targetType: elbv2.TargetType.IP,
        deregistrationDelay: Duration.seconds(30),
        healthCheck: {
          path: service.health,
          healthyHttpCodes: '200-399',
          interval: Duration.seconds(15),
          timeout: Duration.seconds(5),
          healthyThresholdCount: 2,
          unhealthyThresholdCount: 3,
        },
      });
    const targets = targetGroup('Targets');
    // Canary, linear and blue-green: ECS starts the new version in the other group and shifts the
    // production rule's weights to it; the groups swap roles at every deployment.
    const alternate = shiftsTraffic(service.deploy.strategy) ? targetGroup('AlternateTargets') : undefined;
    const listener = elbv2.ApplicationListener.fromApplicationListenerAttributes(this, 'Listener', {
      listenerArn: shardValue('listener-arn'),
      securityGroup: ec2.SecurityGroup.fromSecurityGroupId(this, 'LoadBalancerSecurityGroup', shardValue('security-group-id')),
    });
    const hosts = [resourceName.serviceHost(service.name, env.domain), ...service.hostnames];
    const groups = ruleHosts(hosts);
    const priorities = prioritiesOf(placement);
    if (groups.length !== priorities.length) {
      throw new Error(`${service.name} needs ${groups.length} listener rules but the allocation gave it ${priorities.length} priorities`);
    }
    // One rule per 5 names, all to the one target group. The first keeps the id and priority the
    // service's rule has always had, and is the production rule ECS shifts (one rule: rules.ts
    // refuses more names with a strategy that shifts traffic).
    const rules = groups.map(
      (names, i) =>
        new elbv2.ApplicationListenerRule(this, i === 0 ? 'Route' : `Route${i + 1}`, {
          listener,
          priority: priorities[i]!,
          conditions: [elbv2.ListenerCondition.hostHeaders(names)],
          // Both groups on the rule, so that the alternate group is attached to the load balancer
          // (health-checked and registrable) before a deployment needs it.
          ...(alternate
            ? {
                action: elbv2.ListenerAction.weightedForward([
                  { targetGroup: targets, weight: 100 },
                  { targetGroup: alternate, weight: 0 },
                ]),
              }
            : { targetGroups: [targets] }),
        }),
    );

    const albFullName = shardValue('full-name');
    const alarms = new WebAlarms(this, 'Alarms', {
      estate,
      environment: env,
      service,
      loadBalancerFullName: albFullName,
      targetGroupFullName: targets.targetGroupFullName,
      ...(alternate ? { alternateTargetGroupFullName: alternate.targetGroupFullName } : {}),
      topicArn: published(this, parameter.alertsTopicArn(estate, env.name)),
    });
    new WebAnomalyAlarms(this, 'AnomalyAlarms', {
      estate,
      environment: env.name,
      service: service.name,
      loadBalancerFullName: albFullName,
      targetGroupFullNames: alternate ? [targets.targetGroupFullName, alternate.targetGroupFullName] : [targets.targetGroupFullName],
      topicArn: published(this, parameter.alertsTopicArn(estate, env.name)),
    });

    const fargate = new ecs.FargateService(this, 'Service', {
      ...fargateServiceDefaults(env, parts, service),
      minHealthyPercent: 100,
      healthCheckGracePeriod: Duration.seconds(service.healthGrace),
      deploymentAlarms: { alarmNames: [alarms.errorRate.alarmName], behavior: ecs.AlarmBehavior.ROLLBACK_ON_ALARM },
      ...deploymentSettings(service.deploy),
      // Answers on the service network only while some service calls it (its tasks then run the
      // Service Connect proxy); a client of it while it calls other services.
      serviceConnectConfiguration: serviceConnect(this, props, parts, { serve: called }),
    });
    if (alternate) {
      fargate
        .loadBalancerTarget({
          containerName: parts.container.containerName,
          containerPort: service.port,
          alternateTarget: new ecs.AlternateTarget('AlternateTarget', {
            alternateTargetGroup: alternate,
            productionListener: ecs.ListenerRuleConfiguration.applicationListenerRule(rules[0]!),
            role: new LoadBalancerInfrastructureRole(this, 'LoadBalancerRole', { service: service.name }).role,
          }),
        })
        .attachToApplicationTargetGroup(targets);
    } else {
      fargate.attachToApplicationTargetGroup(targets);
    }
    if (called) publishSecurityGroup(this, props, parts);
    allowCalls(this, props, parts);

    new TaskScaling(this, 'Scaling', {
      service: fargate,
      ...taskRange(env, service),
      requests: {
        perTarget: service.scale.requestsPerTarget,
        resourceLabel: `${albFullName}/${targets.targetGroupFullName}`,
        ...(alternate ? { shiftedBetween: { loadBalancerFullName: albFullName, targetGroupFullNames: [targets.targetGroupFullName, alternate.targetGroupFullName] } } : {}),
      },
    });
    new WebAddresses(this, 'Addresses', {
      hostnames: hosts,
      domain: env.domain,
      zoneId: published(this, parameter.zoneId(estate, env.name)),
      loadBalancer: { dnsName: shardValue('dns-name'), canonicalZoneId: shardValue('canonical-zone-id') },
      listener,
    });
  }
}
