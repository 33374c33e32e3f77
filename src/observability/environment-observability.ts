import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { parameter, resourceName } from '../naming/names';
import { EnvironmentDashboard } from './environment-dashboard';
import { LogCatalog } from './log-catalog';
import { LogPipeline } from './log-pipeline';
import { LogSearch } from './log-search';

export interface EnvironmentObservabilityProps {
  readonly estate: string;
  readonly environment: string;
  readonly protect: boolean;
  readonly key: kms.IKey;
  /** The environment's access-log bucket: ALB logs are read from it, the log bucket's access logs written to it. */
  readonly accessLogs: s3.IBucket;
  /** Also index the logs in OpenSearch Serverless (LogSearch). */
  readonly openSearch: boolean;
}

/**
 * What the foundation adds for seeing the environment: the log pipeline (LogPipeline), the log
 * catalog and Athena workgroup (LogCatalog), the dashboard (EnvironmentDashboard) and, with
 * `logs.opensearch`, an OpenSearch Serverless collection fed from the log bucket (LogSearch). It
 * subscribes the responder's log group (`resourceName.responderLogGroup`) to the pipeline, and
 * publishes the stream and the subscription role for service stacks (ServiceLogs).
 */
export class EnvironmentObservability extends Construct {
  readonly pipeline: LogPipeline;
  /**
   * The responder's subscription. It names the responder's log group, which the responder's
   * construct creates in this same stack: give it `node.addDependency(<that log group>)`.
   */
  readonly responderSubscription: ReturnType<LogPipeline['subscribe']>;

  constructor(scope: Construct, id: string, props: EnvironmentObservabilityProps) {
    super(scope, id);
    const { estate, environment: env } = props;
    this.pipeline = new LogPipeline(this, 'Pipeline', { estate, environment: env, key: props.key, accessLogs: props.accessLogs, protect: props.protect });
    this.responderSubscription = this.pipeline.subscribe('ResponderSubscription', resourceName.responderLogGroup(estate, env));
    new LogCatalog(this, 'Catalog', {
      estate,
      environment: env,
      key: props.key,
      logBucket: this.pipeline.bucket,
      accessLogBucket: props.accessLogs,
      days: props.protect ? 400 : 90,
    });
    if (props.openSearch) new LogSearch(this, 'Search', { estate, environment: env, protect: props.protect, key: props.key, bucket: this.pipeline.bucket });
    new EnvironmentDashboard(this, 'Dashboard', { estate, environment: env, deliveryStreamName: this.pipeline.stream.deliveryStreamName });

    const publish = (id: string, name: string, value: string, description: string) =>
      new ssm.StringParameter(this, id, { parameterName: name, stringValue: value, description });
    publish('StreamArnParameter', parameter.logStreamArn(estate, env), this.pipeline.stream.deliveryStreamArn, 'Log pipeline (Firehose stream) every service log group is subscribed to');
    publish('SubscriptionRoleParameter', parameter.logSubscriptionRoleArn(estate, env), this.pipeline.subscriptionRole.roleArn, 'Role CloudWatch Logs assumes to put into the log pipeline');
  }
}
