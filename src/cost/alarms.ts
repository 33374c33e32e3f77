/**
 * The CloudWatch alarms and custom metrics a service's stack creates, counted from its spec as the
 * constructs create them (test/cost/alarms.test.ts compares the count with synthesized stacks).
 * CloudWatch bills an alarm per metric it reads ($0.10 each for a standard resolution alarm), an
 * anomaly detection alarm as 3 metrics (the metric and the band's two edges), and each metric a
 * metric filter publishes as a custom metric (CloudWatch pricing page, "Alarms" and "Metrics").
 */
import type { ServiceSpec } from '../manifest/spec';
import { shiftsTraffic } from '../service/web-routing';

export interface AlarmCount {
  /** AWS::CloudWatch::Alarm resources in the service's stack. */
  readonly alarms: number;
  /** Billed alarm metrics: each alarm's metrics, anomaly detection alarms × 3. */
  readonly alarmMetrics: number;
  /** Custom metrics its log group's metric filters publish. */
  readonly customMetrics: number;
}

/** Anomaly detection bills 3 metrics per metric it models (CloudWatch pricing, "Alarms"). */
const ANOMALY_METRICS = 3;

export function alarmsOf(service: ServiceSpec): AlarmCount {
  const patterns = service.logs.alarmOn.length;
  // Every kind (operations/log-alarms.ts, observability/service-logs.ts): log error rate (math on
  // lines and errors: 2 metrics), fatal (1), one per alarmOn pattern, log anomalies (1).
  let alarms = 3 + patterns;
  let alarmMetrics = 2 + 1 + patterns + 1;
  // Metric filters: lines, errors, fatal, one per pattern (log-alarms.ts) and error lines (service-logs.ts).
  const customMetrics = 4 + patterns;
  if (service.kind === 'web') {
    // service/web-alarms.ts: error rate (5xx and requests), p99 latency, unhealthy hosts; with two
    // target groups (canary, linear, blue-green) each reads both groups.
    const groups = shiftsTraffic(service.deploy.strategy) ? 2 : 1;
    alarms += 3 + 2;
    alarmMetrics += (2 + 1 + 1) * groups;
    // observability/web-anomaly-alarms.ts: requests and latency, each on every group.
    alarmMetrics += 2 * groups * ANOMALY_METRICS;
  }
  if (service.kind === 'worker' && service.queue) {
    // service/worker-queue.ts: messages waiting in the dead-letter queue.
    alarms += 1;
    alarmMetrics += 1;
  }
  if (service.kind === 'job') {
    // service/job-alarms.ts: run failed (failed + timed out + aborted: 3 metrics), run not started (1).
    alarms += 2;
    alarmMetrics += 3 + 1;
  }
  return { alarms, alarmMetrics, customMetrics };
}
