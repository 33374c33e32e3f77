/**
 * A service's built-in defaults, in a module of their own (schema.ts re-exports them) so that code
 * which must not load the schema library can use them: the plan's builder thread warms up on a
 * service of exactly these defaults (estate/builder-warm-up.ts).
 */

/** Built-in defaults: applied first, under the estate's `defaults` and the service's own file. */
export const SERVICE_DEFAULTS = {
  port: 8080,
  health: '/health',
  cpu: 256,
  memory: 512,
  count: { min: 2, max: 4 },
  scale: { cpu: 60, requestsPerTarget: 1000 },
  alarms: { errorRate: 5, latencyP99: 2000 },
  source: { branch: 'main', dockerfile: 'Dockerfile' },
  /** Not root: a container that is broken into should not hold root in its task. */
  user: '1000:1000',
  healthGrace: 60,
  /** A run longer than an hour is stopped and alarmed unless the job says otherwise. */
  timeout: 60,
} as const;

