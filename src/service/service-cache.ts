import { CfnDeletionPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { resourceName } from '../naming/names';

/** Ports of a serverless cache: 6379 its endpoint, 6380 its reader endpoint (ElastiCache Serverless). */
export const CACHE_PORTS = { endpoint: 6379, reader: 6380 } as const;

/**
 * Days of daily snapshots kept: one, or a week where the environment is protected (ElastiCache
 * allows up to 35). Automatic snapshots go with the cache when it is deleted.
 */
export const SNAPSHOT_DAYS = { protected: 7, unprotected: 1 } as const;

export interface ServiceCacheProps {
  readonly estate: string;
  readonly environment: string;
  readonly service: string;
  /** The manifest's `cache`: `maxMemory` in GB (1–5000), absent for no limit. */
  readonly cache: { readonly maxMemory?: number };
  readonly protect: boolean;
  /** The environment's VPC; the cache's endpoints are placed in its private subnets (2 or 3). */
  readonly vpc: ec2.IVpc;
  /** The service's task security group: the only source let in. */
  readonly clients: ec2.ISecurityGroup;
  /** The environment key: the cache's data at rest and its snapshots are encrypted with it. */
  readonly key: kms.IKey;
}

/**
 * A service's ElastiCache Serverless cache, engine Valkey.
 *
 * - In the environment's private subnets, behind a security group of its own that admits only the
 *   service's tasks, on 6379 (read and write) and 6380 (reader endpoint), and sends nothing out.
 * - Encrypted at rest with the environment key; in transit always (a serverless cache takes only
 *   TLS connections, so clients must connect with TLS).
 * - Data storage capped at `maxMemory` GB when given (cache usage limits); writes beyond it fail
 *   or evict, as the engine's policy says.
 * - Daily snapshots kept 1 day, 7 under `protect`. No final snapshot: its name would outlive the
 *   stack and clash with a later life of the service; a cache holds what can be rebuilt.
 * - Named `<estate>-<env>-<service>` (40 characters at most; rules.ts checks it).
 *
 * No L2 construct for serverless caches exists in aws-cdk-lib 2.276 (only the alpha package), so
 * this is the CloudFormation resource itself.
 */
export class ServiceCache extends Construct {
  readonly cache: elasticache.CfnServerlessCache;
  readonly securityGroup: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, props: ServiceCacheProps) {
    super(scope, id);
    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: `cityplan ${props.estate}/${props.environment}/${props.service} cache`,
      allowAllOutbound: false,
    });
    this.securityGroup.addIngressRule(
      props.clients,
      ec2.Port.tcpRange(CACHE_PORTS.endpoint, CACHE_PORTS.reader),
      `${props.service} tasks to their cache`,
    );
    this.cache = new elasticache.CfnServerlessCache(this, 'Cache', {
      serverlessCacheName: resourceName.cache(props.estate, props.environment, props.service),
      description: `cityplan ${props.estate}/${props.environment}/${props.service}`,
      engine: 'valkey',
      kmsKeyId: props.key.keyArn,
      securityGroupIds: [this.securityGroup.securityGroupId],
      subnetIds: props.vpc.privateSubnets.map((s) => s.subnetId),
      snapshotRetentionLimit: props.protect ? SNAPSHOT_DAYS.protected : SNAPSHOT_DAYS.unprotected,
      dailySnapshotTime: '03:00',
      ...(props.cache.maxMemory !== undefined ? { cacheUsageLimits: { dataStorage: { maximum: props.cache.maxMemory, unit: 'GB' } } } : {}),
    });
    // Deleted with the stack everywhere: the cache is rebuilt from its source, and a retained one
    // would keep its name from a later life of the service.
    this.cache.cfnOptions.deletionPolicy = CfnDeletionPolicy.DELETE;
  }

  /** The endpoint's host name, known at deploy time. */
  get host(): string {
    return this.cache.attrEndpointAddress;
  }

  /** The endpoint's port (6379), known at deploy time. */
  get port(): string {
    return this.cache.attrEndpointPort;
  }
}

