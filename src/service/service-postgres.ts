import { CfnDeletionPolicy, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { markForBackup } from './backup-tag';
import { BACKUP_DAYS, DATABASE_NAME, DEFAULT_POSTGRES_VERSION } from './postgres-facts';
import type { ServiceSpec } from '../manifest/spec';
import { variable } from '../naming/names';
import { grantKeyThroughSecretsManager } from './service-secrets';
import type { ServiceTask } from './service-task';

/** PostgreSQL's own port: the tasks' one way in. */
export const POSTGRES_PORT = 5432;
/** The master user; RDS keeps its password in Secrets Manager and rotates it. */
const MASTER_USER = 'postgres';

/**
 * What each `size` builds: a current-generation Graviton class (RDS for PostgreSQL supports
 * db.t4g and db.m7g: RDS User Guide, "Supported DB engines for DB instance classes") and gp3
 * storage in GiB that RDS storage autoscaling grows up to `maxStorage`. Documented in
 * docs/manifest.md; keep the two in step.
 */
export const POSTGRES_SIZES = {
  small: { instanceType: ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.SMALL), storage: 20, maxStorage: 100 },
  medium: { instanceType: ec2.InstanceType.of(ec2.InstanceClass.M7G, ec2.InstanceSize.LARGE), storage: 50, maxStorage: 500 },
  large: { instanceType: ec2.InstanceType.of(ec2.InstanceClass.M7G, ec2.InstanceSize.XLARGE), storage: 100, maxStorage: 1000 },
} as const;


const INSTANCE_VERSIONS = { '16': rds.PostgresEngineVersion.VER_16, '17': rds.PostgresEngineVersion.VER_17 } as const;
// Aurora takes a full version; these are the newest aws-cdk-lib 2.276 names, and both allow a
// minimum of 0 ACUs (Aurora PostgreSQL 16.3 and 17.4 onwards).
const AURORA_VERSIONS = { '16': rds.AuroraPostgresEngineVersion.VER_16_13, '17': rds.AuroraPostgresEngineVersion.VER_17_7 } as const;

export interface ServicePostgresProps {
  readonly service: ServiceSpec;
  readonly protect: boolean;
  readonly parts: ServiceTask;
}

/**
 * The service's own PostgreSQL database (its `postgres` field): an RDS instance by `size`, or an
 * Aurora PostgreSQL Serverless v2 cluster by `serverless` capacity, in the private subnets, with a
 * security group that admits the service's tasks on 5432 and nothing else.
 *
 * Encrypted with the environment key (storage, Performance Insights, the master secret); TLS
 * required (`rds.force_ssl` = 1); automated backups (7 days, 35 under `protect`); the `postgresql`
 * log exported to CloudWatch Logs; minor versions applied automatically.
 *
 * The master password is RDS's to keep (ManageMasterUserPassword): RDS creates the secret, encrypts
 * it with the environment key and rotates it every 7 days itself, with no rotation Lambda. The
 * secret holds `username` and `password` only, so the container gets those two as ECS secrets
 * (PGUSER, PGPASSWORD) and the host, port and database as plain variables (PGHOST, PGPORT,
 * PGDATABASE), which are addresses, not secrets. The execution role may read that one secret.
 *
 * Not named: CloudFormation names the instance or cluster, so a change that replaces it (engine
 * version down, storage type, a size to serverless switch) never collides with the old one's name.
 *
 * Under `protect`: Multi-AZ (a standby, or an Aurora reader in another zone), deletion protection,
 * retained when the stack goes, and a snapshot of the old database when one is replaced.
 * Otherwise the database is deleted with the stack, with no final snapshot.
 */
export class ServicePostgres extends Construct {
  /** The database's security group. */
  readonly securityGroup: ec2.SecurityGroup;
  /** The ARN of the secret RDS manages for the master user. */
  readonly secretArn: string;

  constructor(scope: Construct, id: string, props: ServicePostgresProps) {
    super(scope, id);
    const { service, protect, parts } = props;
    const pg = service.postgres ?? {};
    const version = pg.version ?? DEFAULT_POSTGRES_VERSION;
    const { vpc, key } = parts;

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc,
      description: `cityplan ${service.name} database`,
      // A database answers; it starts no connection of its own.
      allowAllOutbound: false,
    });
    this.securityGroup.addIngressRule(parts.securityGroup, ec2.Port.tcp(POSTGRES_PORT), `${service.name} tasks`);

    const common = {
      vpc,
      // The VPC is imported from SSM parameters: naming the subnets puts them in the subnet group
      // as they are, whatever CDK would guess of their type.
      vpcSubnets: { subnets: vpc.privateSubnets },
      securityGroups: [this.securityGroup],
      port: POSTGRES_PORT,
      // With manageMasterUserPassword the key goes to MasterUserSecret.KmsKeyId: RDS encrypts the
      // secret it creates with the environment key, and no password is in the template.
      credentials: rds.Credentials.fromUsername(MASTER_USER, { encryptionKey: key }),
      manageMasterUserPassword: true,
      storageEncryptionKey: key,
      // Lets a role be granted rds-db:connect later instead of a password; none is granted today.
      iamAuthentication: true,
      deletionProtection: protect,
      removalPolicy: protect ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    };
    const retention = Duration.days(protect ? BACKUP_DAYS.protected : BACKUP_DAYS.unprotected);
    const ssl = { 'rds.force_ssl': '1' };
    const insights = { enablePerformanceInsights: true, performanceInsightEncryptionKey: key };

    // The environment's AWS Backup plan (protected environments) selects its data by this tag.
    markForBackup(this);
    let resource: rds.CfnDBInstance | rds.CfnDBCluster;
    let endpoint: rds.Endpoint;
    if (pg.serverless) {
      const engine = rds.DatabaseClusterEngine.auroraPostgres({ version: AURORA_VERSIONS[version] });
      const cluster = new rds.DatabaseCluster(this, 'Cluster', {
        ...common,
        engine,
        // Its own id: a cluster parameter group is another resource type, and CloudFormation cannot
        // change the type under one logical id when a service switches from size to serverless.
        parameterGroup: new rds.ParameterGroup(this, 'ClusterParameters', { engine, parameters: ssl }),
        defaultDatabaseName: DATABASE_NAME,
        serverlessV2MinCapacity: pg.serverless.min,
        serverlessV2MaxCapacity: pg.serverless.max,
        writer: rds.ClusterInstance.serverlessV2('Writer', { ...insights, autoMinorVersionUpgrade: true }),
        // Aurora fails over to a reader; one in another zone is what Multi-AZ means here.
        readers: protect ? [rds.ClusterInstance.serverlessV2('Reader', { ...insights, scaleWithWriter: true, autoMinorVersionUpgrade: true })] : [],
        backup: { retention },
        // Aurora PostgreSQL exports the one server log (RDS User Guide, "Aurora PostgreSQL log files").
        cloudwatchLogsExports: ['postgresql'],
        ...insights,
        storageEncrypted: true,
        copyTagsToSnapshot: true,
      });
      resource = cluster.node.defaultChild as rds.CfnDBCluster;
      endpoint = cluster.clusterEndpoint;
    } else {
      const size = POSTGRES_SIZES[pg.size ?? 'small'];
      const engine = rds.DatabaseInstanceEngine.postgres({ version: INSTANCE_VERSIONS[version] });
      const instance = new rds.DatabaseInstance(this, 'Instance', {
        ...common,
        engine,
        parameterGroup: new rds.ParameterGroup(this, 'Parameters', { engine, parameters: ssl }),
        databaseName: DATABASE_NAME,
        instanceType: size.instanceType,
        storageType: rds.StorageType.GP3,
        allocatedStorage: size.storage,
        maxAllocatedStorage: size.maxStorage,
        storageEncrypted: true,
        multiAz: protect,
        backupRetention: retention,
        // The server log, and the log of major version upgrades (the two RDS for PostgreSQL exports).
        cloudwatchLogsExports: ['postgresql', 'upgrade'],
        ...insights,
        autoMinorVersionUpgrade: true,
        // A raised `version` is a major version upgrade, which RDS refuses unless allowed.
        allowMajorVersionUpgrade: true,
        publiclyAccessible: false,
        caCertificate: rds.CaCertificate.RDS_CA_RSA2048_G1,
      });
      resource = instance.node.defaultChild as rds.CfnDBInstance;
      endpoint = instance.instanceEndpoint;
    }
    acknowledgeFindings(resource.node.scope as Construct, protect);
    // A kept database keeps what it is attached to: EC2 and RDS refuse to delete a security group,
    // subnet group or parameter group still in use, which would leave the removed stack DELETE_FAILED.
    if (protect) {
      for (const child of this.node.findAll()) {
        const type = (child as { cfnResourceType?: string }).cfnResourceType;
        if (type && /^AWS::(EC2::SecurityGroup|RDS::DB(Subnet|Cluster)?(Parameter)?Group|RDS::DBSubnetGroup|RDS::DBParameterGroup|RDS::DBClusterParameterGroup)$/.test(type)) {
          (child as unknown as { applyRemovalPolicy(p: RemovalPolicy): void }).applyRemovalPolicy(RemovalPolicy.RETAIN);
        }
      }
    }
    // A replaced protected database leaves a snapshot behind; a removed one stays (DeletionPolicy Retain).
    if (protect) resource.cfnOptions.updateReplacePolicy = CfnDeletionPolicy.SNAPSHOT;
    this.secretArn = resource.attrMasterUserSecretSecretArn;

    const secret = secretsmanager.Secret.fromSecretCompleteArn(this, 'MasterSecret', this.secretArn);
    const v = variable.postgres;
    parts.container.addEnvironment(v.host, endpoint.hostname);
    parts.container.addEnvironment(v.port, String(POSTGRES_PORT));
    parts.container.addEnvironment(v.database, DATABASE_NAME);
    // libpq then insists on TLS (the server insists too). verify-full would also check the
    // certificate, but needs the RDS CA bundle in the image, which is the service's to add.
    parts.container.addEnvironment(v.sslMode, 'require');
    parts.container.addSecret(v.user, ecs.Secret.fromSecretsManager(secret, 'username'));
    parts.container.addSecret(v.password, ecs.Secret.fromSecretsManager(secret, 'password'));
    if (service.secrets.length === 0) grantKeyThroughSecretsManager(parts.task.obtainExecutionRole(), key, Stack.of(this).region);
  }
}

/** The policy packs' RDS findings this design answers otherwise, each with why. */
function acknowledgeFindings(database: Construct, protect: boolean): void {
  const ack = (id: string, reason: string) => Validations.of(database).acknowledge({ id, reason });
  ack(
    'AwsSolutions-RDS11',
    "PostgreSQL's own port: only the service's task security group may reach it, and every client finds the database on it without configuration; another port hides nothing from a scan inside the VPC.",
  );
  ack(
    'NIST.800.53.R5-RDSEnhancedMonitoringEnabled',
    'Performance Insights (encrypted with the environment key) and the CloudWatch RDS metrics watch the database; Enhanced Monitoring would add a monitoring role per database and an account-wide RDSOSMetrics log group outside the environment key.',
  );
  ack(
    'NIST.800.53.R5-RDSInBackupPlan',
    'Under protect the database carries cityplan:backup=true, which the environment\'s AWS Backup plan selects by tag from the foundation stack (a selection this rule cannot see); everywhere RDS automated backups with point-in-time recovery cover it (7 days, 35 under protect).',
  );
  if (protect) return;
  const unprotected = 'The environment is not protect: true, which declares it disposable; protect turns on Multi-AZ and deletion protection and retains the database.';
  ack('AwsSolutions-RDS3', unprotected);
  ack('AwsSolutions-RDS10', unprotected);
  ack('NIST.800.53.R5-RDSMultiAZSupport', unprotected);
  ack('NIST.800.53.R5-RDSInstanceDeletionProtectionEnabled', unprotected);
}
