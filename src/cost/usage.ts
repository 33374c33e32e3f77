/**
 * What AWS cannot know from the estate (requests, GB of logs, stored data, builds): the defaults
 * the estimate assumes, and the quantities a service and the estate end up with once `usage`
 * (estate.yaml, and each service's layered `usage` field) is applied over them. The estimate
 * prints the defaults it used, so that nobody mistakes an assumption for a measurement.
 */
import type { EstateSpec, ServiceSpec } from '../manifest/spec';

/** Every service usage quantity, defaults applied. Units are in the names (a month, GB). */
export interface ServiceQuantities {
  readonly requestsPerMonth: number;
  readonly logGBPerMonth: number;
  readonly networkGBPerMonth: number;
  readonly bucketGB: number;
  readonly bucketRequestsPerMonth: number;
  readonly databaseGB: number;
  readonly cacheGB: number;
  readonly messagesPerMonth: number;
  readonly jobHoursPerMonth: number;
  readonly buildsPerMonth: number;
}

export interface EstateQuantities {
  readonly buildMinutes: number;
  readonly deployMinutes: number;
  readonly dnsQueriesPerMonth: number;
  readonly configEvaluationsPerMonth: number;
  readonly configItemsPerMonth: number;
}

/**
 * Defaults for a small government service: a million requests a month (about 23 a minute), a GB
 * of logs, 5 GB to AWS APIs and the internet, a 10 GB bucket, a cache of 1 GB, a million messages,
 * a job running an hour a day, a build each working day. `databaseGB` has no single default: it
 * is the size's allocated storage (see databaseDefault).
 */
export const SERVICE_USAGE_DEFAULTS: Omit<ServiceQuantities, 'databaseGB'> = {
  requestsPerMonth: 1_000_000,
  logGBPerMonth: 1,
  networkGBPerMonth: 5,
  bucketGB: 10,
  bucketRequestsPerMonth: 100_000,
  cacheGB: 1,
  messagesPerMonth: 1_000_000,
  jobHoursPerMonth: 30,
  buildsPerMonth: 20,
};

/** Aurora Serverless v2 storage assumed when `usage.databaseGB` is not given. */
export const SERVERLESS_DATABASE_GB = 10;

export const ESTATE_USAGE_DEFAULTS: EstateQuantities = {
  buildMinutes: 10,
  deployMinutes: 10,
  dnsQueriesPerMonth: 1_000_000,
  configEvaluationsPerMonth: 20_000,
  configItemsPerMonth: 2_000,
};

/** Storage RDS allocates for each size (service-postgres.ts POSTGRES_SIZES `storage`), GB. */
export const SIZE_STORAGE_GB = { small: 20, medium: 50, large: 100 } as const;

/** The database GB assumed for a service without `usage.databaseGB`. */
export function databaseDefault(service: ServiceSpec): number {
  if (service.postgres?.serverless) return SERVERLESS_DATABASE_GB;
  return SIZE_STORAGE_GB[service.postgres?.size ?? 'small'];
}

/** The service's quantities: its layered `usage` over the defaults. */
export function serviceQuantities(service: ServiceSpec): ServiceQuantities {
  return { ...SERVICE_USAGE_DEFAULTS, databaseGB: databaseDefault(service), ...definedOnly(service.usage ?? {}) };
}

export function estateQuantities(spec: EstateSpec): EstateQuantities {
  return { ...ESTATE_USAGE_DEFAULTS, ...definedOnly(spec.usage ?? {}) };
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
