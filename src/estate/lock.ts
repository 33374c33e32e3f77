/**
 * cityplan.lock.json: where each web service sits on the load balancers of each environment.
 * Committed in the estate repository, so allocation is reviewable and stable across plans.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { EstateError } from '../manifest/problems';

export const LOCK_FILE = 'cityplan.lock.json';

const placement = z.strictObject({
  shard: z.int().min(0),
  priority: z.int().min(1).max(50000),
});

const lockSchema = z.strictObject({
  version: z.literal(1),
  environments: z.record(z.string(), z.strictObject({ services: z.record(z.string(), placement) })),
});

export type Placement = z.infer<typeof placement>;
export type Lock = z.infer<typeof lockSchema>;

export const emptyLock = (): Lock => ({ version: 1, environments: {} });

export function readLock(dir: string): Lock {
  const path = join(dir, LOCK_FILE);
  if (!existsSync(path)) return emptyLock();
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new EstateError([{ file: LOCK_FILE, message: `is not valid JSON (${(e as Error).message}); restore it from version control` }]);
  }
  const parsed = lockSchema.safeParse(data);
  if (!parsed.success) {
    throw new EstateError(
      parsed.error.issues.map((i) => ({ file: LOCK_FILE, field: i.path.join('.'), message: `${i.message}; restore it from version control` })),
    );
  }
  return parsed.data;
}

/** Stable text: environments and services in name order, so diffs show only what moved. */
export function serializeLock(lock: Lock): string {
  const environments = Object.fromEntries(
    Object.keys(lock.environments)
      .sort()
      .map((env) => {
        const services = lock.environments[env]!.services;
        return [env, { services: Object.fromEntries(Object.keys(services).sort().map((s) => [s, services[s]])) }];
      }),
  );
  return `${JSON.stringify({ version: lock.version, environments }, null, 2)}\n`;
}
