import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { resourceName } from '../naming/names';
import { errorLinesNamespace } from './service-logs';

export interface EnvironmentDashboardProps {
  readonly estate: string;
  readonly environment: string;
  /** The log pipeline's Firehose stream name, for its health widgets. */
  readonly deliveryStreamName: string;
}

const PERIOD = Duration.minutes(5);
const search = (query: string, stat: string, label: string) =>
  new cloudwatch.MathExpression({ expression: `SEARCH('${query}', '${stat}', ${PERIOD.toSeconds()})`, label, period: PERIOD });

/**
 * One CloudWatch dashboard per environment (each dashboard is billed: $3 a month beyond the free
 * three, CloudWatch pricing). Every widget finds its metrics by metric math SEARCH, so services and
 * shards appear as they come and no service needs an edit of the foundation:
 *
 * - requests, 5xx and p99 latency per load balancer (one line per shard). Load balancers are
 *   unnamed, so the search is every ALB of the account and region: with one environment per
 *   account, as AWS advises, that is the environment's shards;
 * - the 10 services with the most error lines (the metric filter of ServiceLogs, a namespace per
 *   environment, ranked by SORT);
 * - queue backlogs of the environment's workers (queues are named `<estate>-<env>-<service>`);
 * - the log pipeline itself: bytes in, delivery freshness, records over the partition quota.
 */
export class EnvironmentDashboard extends Construct {
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: EnvironmentDashboardProps) {
    super(scope, id);
    const { estate, environment: env } = props;
    const alb = (metric: string, stat: string, label: string) => search(`{AWS/ApplicationELB,LoadBalancer} MetricName="${metric}"`, stat, label);
    const firehose = (metricName: string, statistic: string) =>
      new cloudwatch.Metric({ namespace: 'AWS/Firehose', metricName, statistic, period: PERIOD, dimensionsMap: { DeliveryStreamName: props.deliveryStreamName } });
    const graph = (title: string, left: cloudwatch.IMetric[], width = 8) => new cloudwatch.GraphWidget({ title, left, width, height: 6 });

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: resourceName.dashboard(estate, env),
      defaultInterval: Duration.hours(3),
      widgets: [
        [
          new cloudwatch.TextWidget({
            markdown: `## cityplan ${estate} / ${env}\nLoad balancer lines are shards; services appear by name. Logs: Athena workgroup \`${resourceName.logWorkgroup(estate, env)}\`, or \`cityplan logs query\` on a copy of the log bucket.`,
            width: 24,
            height: 2,
          }),
        ],
        [
          graph('Requests per shard', [alb('RequestCount', 'Sum', '')]),
          graph('5xx per shard (targets and load balancer)', [alb('HTTPCode_Target_5XX_Count', 'Sum', 'targets'), alb('HTTPCode_ELB_5XX_Count', 'Sum', 'load balancer')]),
          graph('Latency p99 per shard (s)', [alb('TargetResponseTime', 'p99', '')]),
        ],
        [
          graph(
            'Top 10 services by error lines',
            [new cloudwatch.MathExpression({ expression: `SORT(SEARCH('{${errorLinesNamespace(estate, env)}}', 'Sum', ${PERIOD.toSeconds()}), SUM, DESC, 10)`, label: '', period: PERIOD })],
            12,
          ),
          graph(
            'Queue backlogs (messages waiting)',
            [search(`{AWS/SQS,QueueName} MetricName="ApproximateNumberOfMessagesVisible" ${estate}-${env}-`, 'Maximum', '')],
            12,
          ),
        ],
        [
          graph('Log pipeline: bytes in', [firehose('IncomingBytes', 'Sum')]),
          graph('Log pipeline: oldest record not yet in S3 (s)', [firehose('DeliveryToS3.DataFreshness', 'Maximum')]),
          graph('Log pipeline: records over the active partition quota', [firehose('PartitionCountExceeded', 'Sum')]),
        ],
      ],
    });
  }
}
