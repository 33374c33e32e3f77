import { type AthenaTables, athenaRelation, inOrder, type RelationName } from './relations';
import { athena, type Dialect } from './dialect';
import { DEPLOYMENT_EVENTS } from './responder-line';

/**
 * A query the platform team runs on the estate's logs, written once against the relations of
 * relations.ts: Athena gets it as a named query (see athenaQueryText), `cityplan logs query` runs
 * it with DuckDB on a downloaded copy of the buckets. Results are ordered fully, so both engines
 * return rows in the same order.
 */
export interface NamedLogQuery {
  /** Lower-case words joined by `-`; the name `cityplan logs query` takes and the Athena named query's. */
  readonly name: string;
  readonly description: string;
  readonly relations: readonly RelationName[];
  readonly body: (d: Dialect) => string;
}

const LIMIT = 20;

export const NAMED_QUERIES: readonly NamedLogQuery[] = [
  {
    name: 'errors-by-service',
    description: 'Error and fatal log lines per service, most first.',
    relations: ['service_events'],
    body: () => `SELECT service, count(*) AS errors
FROM service_events
WHERE level IN ('error', 'fatal')
GROUP BY service
ORDER BY errors DESC, service`,
  },
  {
    name: '5xx-rate-by-service',
    description: 'Requests and the share answered 5xx by the load balancer, per service (host name), highest rate first.',
    relations: ['alb_requests'],
    body: () => `SELECT service, count(*) AS requests,
  sum(CASE WHEN status >= 500 THEN 1 ELSE 0 END) AS errors_5xx,
  round(100.0 * sum(CASE WHEN status >= 500 THEN 1 ELSE 0 END) / count(*), 2) AS rate_5xx_percent
FROM alb_requests
GROUP BY service
ORDER BY rate_5xx_percent DESC, requests DESC, service`,
  },
  {
    name: 'slowest-paths',
    description: `The ${LIMIT} service paths with the highest 99th percentile target response time (seconds).`,
    relations: ['alb_requests'],
    body: (d) => `SELECT service, path, count(*) AS requests, round(${d.quantile('target_seconds', 0.99)}, 3) AS p99_seconds
FROM alb_requests
WHERE target_seconds IS NOT NULL
GROUP BY service, path
ORDER BY p99_seconds DESC, requests DESC, service, path
LIMIT ${LIMIT}`,
  },
  {
    name: 'top-4xx-clients',
    description: `The ${LIMIT} client addresses with the most 4xx answers: scanning and credential-stuffing signals.`,
    relations: ['alb_requests'],
    body: () => `SELECT client_ip, count(*) AS responses_4xx, count(DISTINCT service) AS services, count(DISTINCT path) AS paths
FROM alb_requests
WHERE status BETWEEN 400 AND 499
GROUP BY client_ip
ORDER BY responses_4xx DESC, client_ip
LIMIT ${LIMIT}`,
  },
  {
    name: 'deployments-over-time',
    description: 'ECS deployments started, completed and failed per hour and service, from the responder audit trail.',
    relations: ['responder_audit'],
    body: (d) => `SELECT ${d.hourOf('ts_ms')} AS hour, service,
  sum(CASE WHEN event = '${DEPLOYMENT_EVENTS[0]}' THEN 1 ELSE 0 END) AS started,
  sum(CASE WHEN event = '${DEPLOYMENT_EVENTS[1]}' THEN 1 ELSE 0 END) AS completed,
  sum(CASE WHEN event = '${DEPLOYMENT_EVENTS[2]}' THEN 1 ELSE 0 END) AS failed
FROM responder_audit
WHERE event IN (${DEPLOYMENT_EVENTS.map((e) => `'${e}'`).join(', ')})
GROUP BY 1, service
ORDER BY hour, service`,
  },
  {
    name: 'responder-actions-over-time',
    description: 'What the responder did per hour: runbook, action and outcome.',
    relations: ['responder_audit'],
    body: (d) => `SELECT ${d.hourOf('ts_ms')} AS hour, runbook, action, outcome, count(*) AS actions
FROM responder_audit
WHERE action IS NOT NULL
GROUP BY 1, runbook, action, outcome
ORDER BY hour, runbook, action, outcome`,
  },
];

/** The named query of that name, or undefined. */
export function namedQuery(name: string): NamedLogQuery | undefined {
  return NAMED_QUERIES.find((q) => q.name === name);
}

/**
 * The full Athena (Trino) text of a named query: its relations as WITH clauses over the Glue
 * tables, then its body. Athena's NamedQuery QueryString allows 262,144 characters.
 */
export function athenaQueryText(query: NamedLogQuery, tables: AthenaTables): string {
  const withs = inOrder(query.relations).map((r) => `${r} AS (\n  ${athenaRelation(r, athena, tables)}\n)`);
  return `-- ${query.description}\nWITH ${withs.join(',\n')}\n${query.body(athena)}`;
}
