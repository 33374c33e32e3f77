import { Duration, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import type { Construct } from 'constructs';
import type { Placement } from '../estate/lock';
import { parameter, resourceName } from '../naming/names';
import { published } from '../platform/imports';
import { allowCalls, publishSecurityGroup, serviceConnect } from './service-calls';
import { fargateServiceDefaults, type ServiceStackProps, serviceTags, serviceTask } from './service-task';
import { TaskScaling } from './task-scaling';
import { WebAddresses } from './web-addresses';
import { WebAlarms } from './web-alarms';

export interface WebServiceStackProps extends ServiceStackProps {
  /** Shard and listener-rule priority from the lock. */
  readonly placement: Placement;
}

/**
 * A web service: Fargate tasks spread over the environment's zones behind its shard's load
 * balancer, reachable at <service>.<domain> (and any extra hostnames), scaled on CPU and requests,
 * rolled back automatically when a deployment fails or its error-rate alarm fires. Services that
 * list it in `calls` also reach it at http://<service>:<port> through Service Connect.
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
    const targets = new elbv2.ApplicationTargetGroup(this, placement.shard === 0 ? 'Targets' : `TargetsOnShard${placement.shard}`, {
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
    const listener = elbv2.ApplicationListener.fromApplicationListenerAttributes(this, 'Listener', {
      listenerArn: shardValue('listener-arn'),
      securityGroup: ec2.SecurityGroup.fromSecurityGroupId(this, 'LoadBalancerSecurityGroup', shardValue('security-group-id')),
    });
    const hosts = [resourceName.serviceHost(service.name, env.domain), ...service.hostnames];
    new elbv2.ApplicationListenerRule(this, 'Route', {
      listener,
      priority: placement.priority,
      conditions: [elbv2.ListenerCondition.hostHeaders(hosts)],
      targetGroups: [targets],
    });

    const albFullName = shardValue('full-name');
    const alarms = new WebAlarms(this, 'Alarms', {
      estate,
      environment: env,
      service,
      loadBalancerFullName: albFullName,
      targetGroupFullName: targets.targetGroupFullName,
      topicArn: published(this, parameter.alertsTopicArn(estate, env.name)),
    });

    const fargate = new ecs.FargateService(this, 'Service', {
      ...fargateServiceDefaults(env, parts, service),
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      healthCheckGracePeriod: Duration.seconds(service.healthGrace),
      circuitBreaker: { enable: true, rollback: true },
      deploymentAlarms: { alarmNames: [alarms.errorRate.alarmName], behavior: ecs.AlarmBehavior.ROLLBACK_ON_ALARM },
      // Answers on the service network only while some service calls it (its tasks then run the
      // Service Connect proxy); a client of it while it calls other services.
      serviceConnectConfiguration: serviceConnect(this, props, parts, { serve: called }),
    });
    fargate.attachToApplicationTargetGroup(targets);
    if (called) publishSecurityGroup(this, props, parts);
    allowCalls(this, props, parts);

    new TaskScaling(this, 'Scaling', {
      service: fargate,
      min: Math.max(service.count.min, env.protect ? 2 : 1),
      max: service.count.max,
      cpu: service.scale.cpu,
      requests: { perTarget: service.scale.requestsPerTarget, resourceLabel: `${albFullName}/${targets.targetGroupFullName}` },
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
