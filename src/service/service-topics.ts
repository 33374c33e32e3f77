import { ArnFormat, Stack, Validations } from 'aws-cdk-lib';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { resourceName, variable } from '../naming/names';

export interface ServiceTopicsProps {
  readonly estate: string;
  readonly environment: string;
  readonly service: string;
  /** Topic names the service publishes (`publish`), each `[a-z][a-z0-9-]*`, at most 40 characters. */
  readonly topics: readonly string[];
  /** The environment key: every topic is encrypted with it. */
  readonly key: kms.IKey;
  /** The service's tasks: the only publisher, told each topic's ARN as TOPIC_<NAME>_ARN. */
  readonly task: ecs.TaskDefinition;
  readonly container: ecs.ContainerDefinition;
}

/**
 * The SNS topics a service owns, built into every kind of service by `serviceTask`.
 *
 * Each topic is named `<estate>-<env>-<service>_<topic>` (names.ts), so that a subscriber in
 * another stack computes its ARN (`topicArn`) without reading anything the publisher exports. It is
 * encrypted with the environment key and its policy lets:
 *  - only the service's task role publish (everyone else is denied sns:Publish, the account's
 *    administrators too: publishing as the service is the service's job; an administrator who
 *    must can change the policy, which CloudTrail records);
 *  - nobody publish without TLS;
 *  - nobody subscribe anything but an SQS queue of this account and region, so events cannot be
 *    sent to an email address or a URL outside the estate.
 * The task role is granted sns:Publish on its topics and what SNS needs of the key for a publisher
 * (kms:GenerateDataKey, kms:Decrypt).
 *
 * Each topic's construct id is its name, so adding, removing or reordering topics replaces none.
 */
export class ServiceTopics extends Construct {
  /** Each topic by its manifest name. */
  readonly topics: ReadonlyMap<string, sns.ITopic>;

  constructor(scope: Construct, id: string, props: ServiceTopicsProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const taskRole = props.task.taskRole;
    const topics = new Map<string, sns.ITopic>();
    for (const name of props.topics) {
      const topic = new sns.Topic(this, name, {
        topicName: resourceName.topic(props.estate, props.environment, props.service, name),
        masterKey: props.key,
        enforceSSL: true,
      });
      topic.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'OnlyTheServicePublishes',
          effect: iam.Effect.DENY,
          principals: [new iam.AnyPrincipal()],
          actions: ['sns:Publish'],
          resources: [topic.topicArn],
          conditions: { StringNotEquals: { 'aws:PrincipalArn': taskRole.roleArn } },
        }),
      );
      topic.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'OnlyQueuesSubscribe',
          effect: iam.Effect.DENY,
          principals: [new iam.AnyPrincipal()],
          actions: ['sns:Subscribe'],
          resources: [topic.topicArn],
          conditions: { StringNotEquals: { 'sns:Protocol': 'sqs' } },
        }),
      );
      topic.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'OnlyQueuesOfThisAccountAndRegionSubscribe',
          effect: iam.Effect.DENY,
          principals: [new iam.AnyPrincipal()],
          actions: ['sns:Subscribe'],
          resources: [topic.topicArn],
          conditions: { StringNotLike: { 'sns:Endpoint': stack.formatArn({ service: 'sqs', resource: '*', arnFormat: ArnFormat.NO_RESOURCE_NAME }) } },
        }),
      );
      taskRole.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sns:Publish'], resources: [topic.topicArn] }));
      props.container.addEnvironment(variable.topicArn(name), topic.topicArn);
      topics.set(name, topic);
    }
    this.topics = topics;
    if (topics.size === 0) return;
    // What SNS asks of a publisher to an encrypted topic, named exactly (not kms:GenerateDataKey*).
    taskRole.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [props.key.keyArn] }));
    Validations.of(taskRole).acknowledge({
      id: 'NIST.800.53.R5-IAMNoInlinePolicy',
      reason: "The task role policy is generated from this service's own topics and queue alone; it lives and dies with the role and is never shared.",
    });
  }
}

/**
 * The ARN of a topic another service publishes in the same account and region, from its
 * deterministic name: `arn:<partition>:sns:<region>:<account>:<estate>-<env>-<service>_<topic>`.
 */
export function topicArn(scope: Construct, at: { readonly estate: string; readonly environment: string; readonly service: string; readonly topic: string }): string {
  return Stack.of(scope).formatArn({
    service: 'sns',
    resource: resourceName.topic(at.estate, at.environment, at.service, at.topic),
    arnFormat: ArnFormat.NO_RESOURCE_NAME,
  });
}
