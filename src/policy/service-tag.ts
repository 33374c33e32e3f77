/**
 * Service tag value of the stacks every service of an environment shares (foundation, certificate,
 * ingress). In a file of its own, loading nothing: the plan cache's keys need it without aws-cdk-lib,
 * and names.ts is bundled into the runbook responder, whose code (and so its asset hash) would
 * change with every new name there.
 */
export const SHARED_SERVICE = 'shared';
