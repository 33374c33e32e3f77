import type { Stack } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { ServiceKind } from '../manifest/spec';
import { JobStack } from './job-stack';
import { BackendServiceStack } from './backend-service-stack';
import type { ServiceStackProps } from './service-task';
import { WorkerServiceStack } from './worker-service-stack';

/**
 * The stack of each kind of service other than web (whose stack also takes its load balancer
 * placement; see compile.ts).
 */
export const SERVICE_STACKS: Readonly<Record<Exclude<ServiceKind, 'web'>, new (scope: Construct, id: string, props: ServiceStackProps) => Stack>> = {
  worker: WorkerServiceStack,
  job: JobStack,
  backend: BackendServiceStack,
};
