/**
 * What the foundation publishes of the estate's own runbooks, kept apart from estate-runbooks.ts
 * (which reads and checks runbook files with the schema library) so that what builds stacks does
 * not load zod and yaml: the plan's builder thread (estate/builder.ts) loads this.
 */
import type { EstateRunbook } from './estate-runbooks';

/**
 * What one SSM parameter holds: 8 KB, the advanced tier's limit (standard: 4 KB). Systems Manager
 * quotas, "Parameter value size". The foundation publishes the runbooks of one environment as one
 * parameter (parameter.estateRunbooks), so their JSON must fit.
 */
export const ESTATE_RUNBOOKS_MAX_BYTES = 8192;

/** The JSON the foundation publishes for one environment: the runbooks it runs, as the responder reads them. */
export const estateRunbooksValue = (all: readonly EstateRunbook[], env: string): string => JSON.stringify(all.filter((r) => !r.environments || r.environments.includes(env)));
