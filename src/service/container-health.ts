import { Duration } from 'aws-cdk-lib';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import type { ServiceSpec } from '../manifest/spec';

/** ECS allows a container health check's start period of 0 to 300 seconds (HealthCheck.startPeriod). */
export const MAX_START_PERIOD_SECONDS = 300;

/**
 * The container health check of a service no load balancer checks: an HTTP GET of its `health`
 * path on its port, from inside the container, with `wget` (BusyBox and GNU, so Alpine images) or
 * else `curl` (most Debian-based images); a response of 400 or above, or no answer within 5
 * seconds, fails it. Three failures in a row make ECS replace the task. New tasks have `healthGrace`
 * seconds (at most the 300 ECS allows here) before failures count.
 *
 * The image needs a shell and one of the two tools: an image with neither fails every check. Such a
 * service sets `health: none` and has no container health check (ECS then only sees whether its
 * process runs).
 *
 * @returns undefined when the service has `health: none`
 */
export function containerHealthCheck(service: Pick<ServiceSpec, 'port' | 'health' | 'healthGrace'>): ecs.HealthCheck | undefined {
  if (service.health === 'none') return undefined;
  // 127.0.0.1, not localhost: localhost may resolve to ::1 first, where many servers do not listen.
  const url = shellQuote(`http://127.0.0.1:${service.port}${service.health}`);
  return {
    command: ['CMD-SHELL', `wget -q -O /dev/null ${url} || curl -fsS -o /dev/null ${url}`],
    interval: Duration.seconds(15),
    timeout: Duration.seconds(5),
    retries: 3,
    startPeriod: Duration.seconds(Math.min(service.healthGrace, MAX_START_PERIOD_SECONDS)),
  };
}

/** A word the shell passes on as it is: a health path may hold `&`, `?` or `$`. */
function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}
