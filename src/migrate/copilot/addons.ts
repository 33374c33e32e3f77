/**
 * Addons (CloudFormation templates under `copilot/<service>/addons/`) recognised by resource type:
 * an Aurora PostgreSQL cluster or RDS PostgreSQL instance → `postgres`, an S3 bucket → `bucket`,
 * an ElastiCache cache → `cache`. The resources that only serve those (subnet groups, security
 * groups, the database secret, access policies) are made by cityplan with the addon; anything else
 * is reported.
 */
import { DEFAULT_POSTGRES_VERSION, POSTGRES_VERSIONS } from '../../manifest/schema';
import { variable } from '../../naming/names';
import type { AddonFile } from './read';
import { isMap } from './draft';
import type { Findings } from './report';
import { BACKUP_DAYS, DATABASE_NAME } from '../../service/postgres-facts';

/** Resource types that only serve a database, bucket or cache: cityplan makes their like with the addon. */
const SUPPORTING = new Set([
  'AWS::RDS::DBSubnetGroup',
  'AWS::RDS::DBClusterParameterGroup',
  'AWS::RDS::DBParameterGroup',
  'AWS::EC2::SecurityGroup',
  'AWS::EC2::SecurityGroupIngress',
  'AWS::EC2::SecurityGroupEgress',
  'AWS::SecretsManager::Secret',
  'AWS::SecretsManager::SecretTargetAttachment',
  'AWS::IAM::ManagedPolicy',
  'AWS::S3::BucketPolicy',
  'AWS::ElastiCache::SubnetGroup',
  'AWS::ElastiCache::ParameterGroup',
  'AWS::KMS::Key',
  'AWS::KMS::Alias',
]);

/**
 * RDS instance classes by memory (GiB) as cityplan's sizes (docs/manifest.md: small db.t4g.small,
 * medium db.m7g.large, large db.m7g.xlarge): up to 4 GiB small, up to 8 medium, above large.
 */
const SIZE_BY_SUFFIX: ReadonlyArray<[RegExp, 'small' | 'medium' | 'large']> = [
  [/\.(micro|small|medium)$/, 'small'],
  [/\.large$/, 'medium'],
];

/** The fields the addons of one service give it, and what they left out. */
export function mapAddons(addons: readonly AddonFile[], findingsOf: (file: string) => Findings): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const addon of addons) {
    const f = findingsOf(addon.file);
    const supporting: string[] = [];
    const made: string[] = [];
    for (const [id, resource] of Object.entries(addon.resources)) {
      const type = typeof resource?.Type === 'string' ? resource.Type : '';
      const props = isMap(resource?.Properties) ? resource.Properties : {};
      const field = `Resources.${id}`;
      if (type === 'AWS::RDS::DBCluster') {
        if (!claim(out, 'postgres', f, field)) continue;
        const engine = String(props.Engine ?? '');
        if (!/postgres/i.test(engine)) {
          f.add(field, `engine ${engine || '(not given)'}: cityplan's database addon is PostgreSQL; imported as Aurora PostgreSQL Serverless v2`, 'migrate the data to PostgreSQL, or keep this database where it is and pass its address as env and secrets');
        }
        const scaling = isMap(props.ServerlessV2ScalingConfiguration) ? props.ServerlessV2ScalingConfiguration : {};
        const acu = (v: unknown, d: number) => (typeof v === 'number' ? Math.min(256, Math.max(0, Math.round(v * 2) / 2)) : d);
        const min = acu(scaling.MinCapacity, 0.5);
        const max = Math.max(1, acu(scaling.MaxCapacity, 8), min);
        out.postgres = { ...version(props.EngineVersion, f, field), serverless: { min, max } };
        databaseSettings(props, f, field);
        made.push(`${id} → postgres (Aurora Serverless v2, ${min}-${max} ACUs)`);
      } else if (type === 'AWS::RDS::DBInstance') {
        // An instance in a cluster is the cluster's: the cluster maps it.
        if (props.DBClusterIdentifier !== undefined) continue;
        if (!claim(out, 'postgres', f, field)) continue;
        const engine = String(props.Engine ?? '');
        if (!/postgres/i.test(engine)) {
          f.add(field, `engine ${engine || '(not given)'}: cityplan's database addon is PostgreSQL; imported as an RDS PostgreSQL instance`, 'migrate the data to PostgreSQL, or keep this database where it is and pass its address as env and secrets');
        }
        const cls = typeof props.DBInstanceClass === 'string' ? props.DBInstanceClass : '';
        const size = SIZE_BY_SUFFIX.find(([pattern]) => pattern.test(cls))?.[1] ?? 'large';
        out.postgres = { size, ...version(props.EngineVersion, f, field) };
        databaseSettings(props, f, field);
        if (cls) f.add(`${field}.Properties.DBInstanceClass`, `${cls} is approximated by cityplan's size ${size}`, 'check the size table in docs/manifest.md');
        made.push(`${id} → postgres (size ${size})`);
      } else if (type === 'AWS::S3::Bucket') {
        if (!claim(out, 'bucket', f, field)) continue;
        const versioning = isMap(props.VersioningConfiguration) ? props.VersioningConfiguration.Status : undefined;
        out.bucket = versioning === 'Enabled' ? { versioned: true } : {};
        made.push(`${id} → bucket`);
      } else if (type.startsWith('AWS::ElastiCache::') && type !== 'AWS::ElastiCache::SubnetGroup' && type !== 'AWS::ElastiCache::ParameterGroup') {
        if (!claim(out, 'cache', f, field)) continue;
        out.cache = {};
        if (type !== 'AWS::ElastiCache::ServerlessCache') {
          f.add(field, `${type} (provisioned nodes) is approximated by an ElastiCache Serverless (Valkey) cache`, 'check the client speaks TLS and the Redis protocol Valkey serves');
        }
        made.push(`${id} → cache`);
      } else if (SUPPORTING.has(type)) {
        supporting.push(`${id} (${type})`);
      } else {
        f.add(field, `${type || 'a resource without a Type'} has no cityplan form`, 'keep it in a stack of its own, or raise it with the platform team');
      }
    }
    if (supporting.length > 0) {
      f.add('Resources', `made by cityplan with the addon instead: ${supporting.join(', ')}`, 'nothing');
    }
    if (made.length > 0) {
      f.add('Outputs', `Copilot passed the addon's outputs to the container as variables named after them; cityplan sets ${[
        out.postgres ? Object.values(variable.postgres).join(', ') : '',
        out.bucket ? variable.bucketName : '',
        out.cache ? `${variable.cacheHost}, ${variable.cachePort}` : '',
      ]
        .filter(Boolean)
        .join(', ')}`, 'change the code (or the command) to read cityplan\'s variable names; copy the data across before moving traffic');
    }
  }
  return out;
}

/**
 * Settings of a database addon cityplan decides itself, reported where they differ from what
 * cityplan does: the database's name (postgres-facts.ts DATABASE_NAME, given as PGDATABASE) and
 * how long automated backups are kept (BACKUP_DAYS: 7 days, 35 where the environment is protected).
 */
function databaseSettings(props: Record<string, unknown>, f: Findings, field: string): void {
  const name = props.DatabaseName ?? props.DBName;
  if (name !== undefined && String(name) !== DATABASE_NAME) {
    f.add(`${field}.Properties.${props.DatabaseName !== undefined ? 'DatabaseName' : 'DBName'}`, `the database was named ${String(name)}; cityplan names it ${DATABASE_NAME} and gives the name as ${variable.postgres.database}`, `read ${variable.postgres.database} in the code, and restore the data into ${DATABASE_NAME}`);
  }
  const days = props.BackupRetentionPeriod;
  if (days !== undefined && Number(days) !== BACKUP_DAYS.unprotected && Number(days) !== BACKUP_DAYS.protected) {
    f.add(`${field}.Properties.BackupRetentionPeriod`, `automated backups were kept ${String(days)} days; cityplan keeps them ${BACKUP_DAYS.unprotected} days, or ${BACKUP_DAYS.protected} where the environment is protect (with AWS Backup's continuous and weekly copies)`, 'use protect on the environment if the data must be kept longer; raise it with the platform team if neither fits');
  }
}

/** One database, bucket and cache per cityplan service: a second of a kind is reported. */
function claim(out: Record<string, unknown>, key: string, f: Findings, field: string): boolean {
  if (out[key] === undefined) return true;
  f.add(field, `a second ${key}: a cityplan service has one`, `split the service, or keep this ${key} in a stack of its own`);
  return false;
}

function version(engineVersion: unknown, f: Findings, field: string): { version?: string } {
  if (engineVersion === undefined) return {};
  const major = String(engineVersion).split('.')[0]!;
  if ((POSTGRES_VERSIONS as readonly string[]).includes(major)) return { version: major };
  f.add(`${field}.Properties.EngineVersion`, `version ${String(engineVersion)} is not one cityplan builds (${POSTGRES_VERSIONS.join(', ')}); set to ${DEFAULT_POSTGRES_VERSION}`, 'upgrade the database and test the application against it before moving data');
  return { version: DEFAULT_POSTGRES_VERSION };
}
