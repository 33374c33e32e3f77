/**
 * The one source of truth for the manifest: TypeScript types, runtime validation and the
 * published JSON Schema all come from the zod schemas below.
 *
 * Every service field is optional at this level because a service's effective value is layered:
 * built-in defaults ← estate `defaults` ← the service file ← `environments.<env>` in the service
 * file. Requiredness that depends on the layering (kind, exactly one of source/image, schedule for
 * jobs) is checked after the merge, in `rules.ts`.
 */
import { z } from 'zod';
import { isReservedEnvironmentName } from '../naming/names';
import { knownRegions, partitionProblem, regionProblem } from './region';
import { imageProblem } from './image';
import { branchNameProblem, repositoryPathProblem } from './git-ref';
import { SCHEDULE_PATTERN, scheduleProblem } from './schedule';
import { accountSingletonProblems } from './singletons';
import { BUILT_IN_RUNBOOKS, COMMON_TUNING, DEFAULT_ACTIONS_PER_HOUR, RUNBOOK_INFO, type TuningField } from './runbooks';
import { filterPatternProblem } from './filter-pattern';
import { LOG_RETENTION_DAYS, MAX_ALARM_PATTERNS, MAX_REGEX_PER_LOG_GROUP, MAX_REGEX_PER_PATTERN, regexCount } from './log-fields';

export const NAME_PATTERN = /^[a-z](?:[a-z0-9-]*[a-z0-9])?$/;

import { DEFAULT_POSTGRES_VERSION, POSTGRES_VERSIONS } from '../service/postgres-facts';
export { DEFAULT_POSTGRES_VERSION, POSTGRES_VERSIONS };
/** Aurora Serverless v2 capacity: 0 to 256 ACUs in steps of 0.5 (Aurora User Guide, "Aurora Serverless v2 capacity"). */
const acus = z
  .number({ error: 'must be a number of ACUs' })
  .min(0, { error: 'must be at least 0 ACUs' })
  .max(256, { error: 'must be at most 256 ACUs (the Aurora Serverless v2 maximum)' })
  .multipleOf(0.5, { error: 'must be a multiple of 0.5 ACUs' });

const DNS_NAME = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/;
const ENV_VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const SECRET_NAME = /^[A-Z][A-Z0-9_]*$/;
const ACCOUNT = /^\d{12}$/;
const accountId = () =>
  z
    .string({ error: 'must be a 12-digit AWS account id, quoted as a string ("123456789012")' })
    .regex(ACCOUNT, { error: 'must be a 12-digit AWS account id, quoted as a string ("123456789012")' });
/** A repository as CodeConnections names it: owner (or group path) and name. */
const REPOSITORY = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;
const CONNECTION_ARN = /^arn:aws[a-z-]*:(codeconnections|codestar-connections):[a-z0-9-]+:\d{12}:connection\/[A-Za-z0-9-]+$/;

/** Fargate CPU units. Valid memory for each is in `FARGATE_MEMORY`. */
export const FARGATE_CPU = [256, 512, 1024, 2048, 4096, 8192, 16384] as const;

import { SERVICE_DEFAULTS } from './service-defaults';
export { SERVICE_DEFAULTS };

export const SERVICE_KINDS = ['web', 'backend', 'worker', 'job'] as const;

/**
 * Extra hostnames one service may have. 50 names take 11 listener rules and, outside the wildcard,
 * 6 certificates: a shard still holds several such services, and one service stays within what a
 * shard can ever give it.
 */
export const MAX_HOSTNAMES = 50;

/** `name`, `uid`, `name:group` or `uid:gid`, as the container definition's user takes them. */
const USER_PATTERN = /^(?:[a-z_][a-z0-9_-]{0,31}|\d{1,10})(?::(?:[a-z_][a-z0-9_-]{0,31}|\d{1,10}))?$/;

/** A string that `problem` checks (undefined: valid); its message is reported at the field as it is. */
const checkedString = (problem: (value: string) => string | undefined) =>
  z.string().superRefine((value, ctx) => {
    const message = problem(value);
    if (message) ctx.addIssue({ code: 'custom', message });
  });

/** A region aws-cdk-lib knows; the JSON Schema lists them so that editors complete and check them. */
const region = () => checkedString(regionProblem).meta({ enum: knownRegions() });

const name = (max: number, what: string) =>
  z
    .string()
    .max(max, { error: `${what} must be at most ${max} characters` })
    .regex(NAME_PATTERN, {
      error: `${what} must start with a letter and hold only lower-case letters, digits and hyphens (not at the end)`,
    });

const email = z.email({ error: 'must be an email address, such as team@example.gov.uk' });
const dnsName = z
  .string()
  .regex(DNS_NAME, { error: 'must be a lower-case DNS name such as visits.justice.example.gov.uk' });

const positiveInt = () => z.int().min(1);

/** A git branch name (git check-ref-format --branch): what a pipeline's push trigger can match. */
const gitBranch = () =>
  z
    .string()
    .min(1)
    .check((ctx) => {
      const why = branchNameProblem(ctx.value);
      if (why) ctx.issues.push({ code: 'custom', input: ctx.value, message: `${why}: git refuses it as a branch name (git check-ref-format); use a name such as main or release/2026` });
    });

const sourceFields = z
  .strictObject({
    repo: z
      .string()
      .regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, { error: 'must be owner/repository, such as ministryofjustice/book-a-prison-visit' })
      .meta({ description: 'Repository the pipeline builds, as owner/name.', examples: ['ministryofjustice/book-a-prison-visit'] }),
    branch: gitBranch().meta({ description: 'Branch that triggers the pipeline.', default: SERVICE_DEFAULTS.source.branch }),
    dockerfile: z
      .string()
      .min(1)
      .check((ctx) => {
        const why = repositoryPathProblem(ctx.value);
        if (why) ctx.issues.push({ code: 'custom', input: ctx.value, message: `${why}: must be a path inside the service's repository, such as docker/Dockerfile` });
      })
      .meta({ description: 'Path of the Dockerfile in the repository.', default: SERVICE_DEFAULTS.source.dockerfile }),
    test: z.string().min(1).meta({ description: 'Command the pipeline runs to test the built image.', examples: ['npm test'] }),
  })
  .partial()
  .meta({ description: 'Where the service is built from (exactly one of source or image).' });

/** A runbook tuning field as zod: a boolean, or a whole number within its documented range. */
const tuningField = (f: TuningField) =>
  (typeof f.default === 'boolean'
    ? z.boolean()
    : z
        .int()
        .min(f.min ?? 0, { error: `must be at least ${f.min ?? 0}` })
        .max(f.max ?? Number.MAX_SAFE_INTEGER, { error: `must be at most ${f.max}` })
  ).meta({ description: f.description, default: f.default });

/** `runbooks.<name>` of a service: for each built-in runbook, `enabled`, `cooldown` and its own tuning. */
const runbookTuning = z
  .strictObject(
    Object.fromEntries(
      BUILT_IN_RUNBOOKS.map((name) => [
        name,
        z
          .strictObject(Object.fromEntries(Object.entries({ ...COMMON_TUNING, ...RUNBOOK_INFO[name].tuning }).map(([k, f]) => [k, tuningField(f)])))
          .partial()
          .meta({ description: `${RUNBOOK_INFO[name].does} (trigger: ${RUNBOOK_INFO[name].trigger}).` }),
      ]),
    ),
  )
  .partial()
  .meta({ description: "Per-service tuning of the estate's runbooks, by runbook name (see docs/manifest.md, Runbooks)." });

/**
 * A non-negative quantity for the cost estimate (`usage`), in the unit its field name says, at most
 * `max` (default 1e15, a guard against a typo's exponent) for the reason `why` gives.
 */
const quantity = (description: string, max = 1e15, why?: string) =>
  z.number({ error: 'must be a number' }).min(0, { error: 'must be 0 or more' }).max(max, { error: `must be at most ${max}${why ? ` (${why})` : ''}` }).meta({ description });
/** A count of things (requests, messages, builds): a whole number; `example` is a right value for the message. */
const count = (description: string, example: number) => quantity(description).int({ error: `must be a whole number, such as ${example}` });
/** The most hours a month has: 31 days × 24. */
const HOURS_IN_LONGEST_MONTH = 31 * 24;

/**
 * What a service uses that AWS cannot know before it runs, for `cityplan cost` only (nothing is
 * built from it). Absent fields take the defaults in src/cost/usage.ts, printed with the estimate.
 */
export const serviceUsageFields = z
  .strictObject({
    requestsPerMonth: count('Requests a month through the load balancer (web): load balancer capacity units, WAF requests, cache operations.', 1000000),
    logGBPerMonth: quantity('GB of logs the service writes a month: CloudWatch Logs ingestion and storage, Firehose.'),
    networkGBPerMonth: quantity('GB a month its tasks exchange with AWS APIs and the internet, other than S3 (NAT gateway or VPC endpoint processing).'),
    bucketGB: quantity('GB stored in its bucket (bucket).'),
    bucketRequestsPerMonth: count('Requests a month to its bucket (bucket): a tenth PUT, the rest GET.', 100000),
    databaseGB: quantity('GB stored in its database (postgres); default: the size\'s allocated storage.', 131_072, '128 TiB, the most an Aurora PostgreSQL cluster volume holds'),
    cacheGB: quantity('GB held in its cache on average (cache).', 5000, 'the most an ElastiCache Serverless cache holds, 5,000 GB'),
    messagesPerMonth: count('Messages a month through its queue and each topic it publishes (queue, publish).', 1000000),
    jobHoursPerMonth: quantity('Hours a month a job runs (job), at most 744 (31 days × 24 hours).', HOURS_IN_LONGEST_MONTH, 'a month has at most 31 × 24 = 744 hours'),
    buildsPerMonth: count('Pipeline runs a month (with delivery.repo).', 20),
  })
  .partial()
  .meta({ description: 'What the service uses a month, for cityplan cost only (see docs/cost.md); absent fields take stated defaults.' });

/** Estate-wide usage for `cityplan cost` (estate.yaml `usage`); see serviceUsageFields. */
export const estateUsageFields = z
  .strictObject({
    buildMinutes: quantity('Minutes one pipeline build takes (CodeBuild and CodePipeline action minutes), at most 2160.', 2160, "CodeBuild's longest build timeout, 36 hours"),
    deployMinutes: quantity('Minutes one pipeline deployment to one environment takes (CodePipeline action minutes), at most 44640.', HOURS_IN_LONGEST_MONTH * 60, 'the minutes in a 31-day month'),
    dnsQueriesPerMonth: count("Route 53 queries a month to each environment's hosted zone.", 1000000),
    configEvaluationsPerMonth: count('AWS Config rule evaluations a month in each environment.', 20000),
    configItemsPerMonth: count('AWS Config configuration items recorded a month in each environment with config.recorder.', 2000),
  })
  .partial()
  .meta({ description: 'Estate-wide usage for cityplan cost only (see docs/cost.md); absent fields take stated defaults.' });

/** Fields a service may set in its file, in the estate's `defaults`, or per environment. */
export const serviceFields = z.strictObject({
  kind: z.enum(SERVICE_KINDS).meta({
    description:
      'web: behind the load balancer; backend: no public route, reachable by the services that call it; worker: no ingress, optional queue; job: scheduled.',
  }),
  owner: email.meta({ description: 'Team email: tagged on every resource and notified by responders.' }),
  source: sourceFields,
  image: checkedString(imageProblem)
    .min(1)
    .meta({ description: 'A prebuilt image instead of source.', examples: ['public.ecr.aws/nginx/nginx:1.27'] }),
  port: z.int().min(1).max(65535).meta({ description: 'Container port (web and backend).', default: SERVICE_DEFAULTS.port }),
  health: z
    .string()
    .regex(/^(\/[^\s]*|none)$/, { error: 'must be a path starting with / and without spaces, such as /health (or none: a backend without a container health check)' })
    .meta({
      description:
        'Health-check path (web and backend): the load balancer checks a web service on it, a container health check (wget or curl in the image) a backend; none: a backend without one.',
      default: SERVICE_DEFAULTS.health,
    }),
  cpu: z
    .union(FARGATE_CPU.map((c) => z.literal(c)) as unknown as [z.ZodLiteral<256>, z.ZodLiteral<512>], {
      error: `must be a Fargate CPU value: ${FARGATE_CPU.join(', ')}`,
    })
    .meta({ description: 'Fargate CPU units.', default: SERVICE_DEFAULTS.cpu }),
  memory: positiveInt().meta({
    description: 'Memory in MiB; must pair with cpu as Fargate allows.',
    default: SERVICE_DEFAULTS.memory,
  }),
  count: z
    .strictObject({
      min: z.int().min(0).max(1000).meta({ default: SERVICE_DEFAULTS.count.min }),
      max: z.int().min(1).max(1000).meta({ default: SERVICE_DEFAULTS.count.max }),
    })
    .partial()
    .meta({ description: 'Task count range for autoscaling.' }),
  scale: z
    .strictObject({
      cpu: z.int().min(10).max(90).meta({ description: 'Target average CPU percent.', default: SERVICE_DEFAULTS.scale.cpu }),
      requestsPerTarget: positiveInt().meta({
        description: 'Target requests per minute per task (web only).',
        default: SERVICE_DEFAULTS.scale.requestsPerTarget,
      }),
    })
    .partial()
    .meta({ description: 'Target-tracking autoscaling targets.' }),
  hostnames: z
    .array(dnsName)
    .max(MAX_HOSTNAMES, {
      error: `at most ${MAX_HOSTNAMES} hostnames: each 5 names take a listener rule of the shard's 100, and each 10 outside the environment's wildcard a certificate of its 25`,
    })
    .meta({
      description:
        'Extra DNS names beyond <service>.<environment domain>; unique across the estate. Every 5 names (with its own) take a listener rule, every 10 outside the wildcard a certificate.',
    }),
  env: z
    .record(z.string().regex(ENV_VAR_NAME, { error: 'must be an environment variable name' }), z.string({ error: 'must be a string (quote numbers and booleans)' }))
    .meta({ description: 'Plain configuration passed as environment variables. Never secrets.' }),
  secrets: z
    .array(z.string().regex(SECRET_NAME, { error: 'must be an upper-case variable name such as DATABASE_URL' }))
    .meta({
      description: 'Secrets Manager secrets injected as environment variables of the same name; the service stack creates each as <estate>/<environment>/<service>/<NAME> with a placeholder value the team replaces.',
    }),
  secretsMadeByHand: z
    .array(z.string().regex(SECRET_NAME, { error: 'must be an upper-case variable name such as DATABASE_URL' }))
    .meta({
      description: 'Names from secrets whose secret was made by hand under <estate>/<environment>/<service>/<NAME> before cityplan created them: the stack reads them by name and does not create them.',
    }),
  postgres: z
    .strictObject({
      size: z
        .enum(['small', 'medium', 'large'], { error: 'must be small, medium or large' })
        .meta({ description: 'RDS instance class and storage (see the size table in docs/manifest.md); not with serverless.', default: 'small' }),
      version: z
        .enum(POSTGRES_VERSIONS, { error: `must be a PostgreSQL major version cityplan builds: ${POSTGRES_VERSIONS.map((v) => `'${v}'`).join(' or ')} (quoted)` })
        .meta({ description: 'PostgreSQL major version; RDS applies minor versions automatically.', default: DEFAULT_POSTGRES_VERSION }),
      serverless: z
        .strictObject({ min: acus, max: acus })
        .meta({ description: 'Aurora PostgreSQL Serverless v2 capacity range in ACUs, instead of size (min 0 pauses the database when idle).' }),
    })
    .partial()
    .meta({ description: 'PostgreSQL addon: an RDS instance by size, or Aurora Serverless v2 by capacity range.' }),
  bucket: z.strictObject({ versioned: z.boolean().optional() }).meta({ description: 'S3 bucket addon: private, encrypted with the environment key, TLS only; its name reaches the container as BUCKET_NAME.' }),
  cache: z
    .strictObject({
      maxMemory: z
        .int()
        .min(1)
        .max(5000)
        .meta({ description: 'Most data the cache may hold, in GB (ElastiCache Serverless data storage limit: 1 to 5000 GB). Absent: no limit.' }),
    })
    .partial()
    .meta({ description: 'ElastiCache Serverless (Valkey) addon, reachable only from the service; its endpoint reaches the container as CACHE_HOST and CACHE_PORT (TLS).' }),
  queue: z
    .strictObject({
      visibilityTimeout: z.int().min(0).max(43200).meta({ description: 'Seconds a received message is hidden from other consumers (SQS allows 0 to 43200).', default: 30 }),
      fifo: z.boolean().meta({ description: 'A FIFO queue: messages in order, each once.', default: false }),
      maxReceives: z.int().min(1).max(1000).meta({ description: 'Receives before a message moves to the dead-letter queue (SQS allows 1 to 1000).', default: 5 }),
    })
    .partial()
    .meta({ description: 'SQS queue the worker consumes, with a dead-letter queue (worker only).' }),
  command: z
    .array(z.string().min(1))
    .min(1)
    .meta({ description: "Overrides the image's command, as a list of arguments.", examples: [['python', '-m', 'worker']] }),
  user: z
    .string()
    .regex(USER_PATTERN, { error: 'must be a user name or uid, optionally with :group or :gid, such as 1000:1000' })
    .meta({ description: 'User the container runs as; a non-root uid by default.', default: SERVICE_DEFAULTS.user }),
  rootReason: z
    .string()
    .min(20, { error: 'must say, in at least 20 characters, why the image must start as root, for the reviewer who reads the acknowledgement' })
    .max(500)
    .meta({
      description: 'Why the container must run as root (user root or 0): acknowledges the non-root policy rule on the task definition with this reason. Required when user is root.',
      examples: ['The vendor image binds port 80 as root and drops to nginx; no non-root build is published'],
    }),
  healthGrace: z
    .int()
    .min(0)
    .max(2_147_483_647)
    .meta({ description: 'Seconds new tasks may fail health checks while they start (web and backend).', default: SERVICE_DEFAULTS.healthGrace }),
  deploy: z
    .strictObject({
      strategy: z.enum(['rolling', 'canary', 'linear', 'blue-green']).meta({ default: 'rolling' }),
      bake: z.int().min(0).max(1440).meta({ description: 'Minutes the new version runs with all traffic before the old is stopped (ECS allows 0 to 1440).', default: 0 }),
    })
    .partial()
    .meta({ description: 'How a new version replaces the old (web only for canary, linear and blue-green).' }),
  calls: z
    .array(name(28, 'a service name'))
    .meta({ description: 'The backend (or web) services this one may call over the environment service network.', examples: [['case-api']] }),
  publish: z
    .array(name(40, 'a topic name'))
    .meta({ description: 'SNS topics this service owns and may publish to.', examples: [['case-updated']] }),
  subscribe: z
    .array(
      z.strictObject({
        service: name(28, 'a service name'),
        topic: name(40, 'a topic name'),
        filter: z.record(z.string(), z.unknown()).optional().meta({ description: 'SNS filter policy on message attributes.' }),
      }),
    )
    .meta({ description: "Other services' topics delivered into this worker's queue (worker only)." }),
  timeout: z
    .int()
    .min(1)
    .max(1440)
    .meta({ description: 'Minutes after which a job run is stopped and alarmed (job only).', default: SERVICE_DEFAULTS.timeout }),
  schedule: checkedString(scheduleProblem).meta({
    description: 'When the job runs, as an EventBridge schedule expression (job only, required).',
    examples: ['cron(0 2 * * ? *)', 'rate(1 hour)'],
    pattern: SCHEDULE_PATTERN,
  }),
  alarms: z
    .strictObject({
      errorRate: z.number().min(0).max(100).meta({ description: 'Percent of requests answered 5xx.', default: SERVICE_DEFAULTS.alarms.errorRate }),
      latencyP99: z.number().positive().meta({ description: 'p99 response time in ms.', default: SERVICE_DEFAULTS.alarms.latencyP99 }),
    })
    .partial()
    .meta({ description: 'Alarm thresholds.' }),
  logs: z
    .strictObject({
      retention: z
        .union(LOG_RETENTION_DAYS.map((d) => z.literal(d)) as unknown as [z.ZodLiteral<1>, z.ZodLiteral<3>], {
          error: `must be a retention CloudWatch Logs offers, in days: ${LOG_RETENTION_DAYS.join(', ')}`,
        })
        .meta({ description: "Days the service's logs are kept (default: 30, or 365 where the environment is protected)." }),
      alarmOn: z
        .array(
          z
            .string()
            .min(1)
            .max(1024, { error: 'must be at most 1024 characters (the CloudWatch Logs filter pattern limit)' })
            .refine((p) => regexCount(p) <= MAX_REGEX_PER_PATTERN, { error: `at most ${MAX_REGEX_PER_PATTERN} regular expressions (%…%) in one pattern (CloudWatch Logs quota per filter)` })
            .superRefine((p, ctx) => {
              const problem = filterPatternProblem(p);
              if (problem) ctx.addIssue({ code: 'custom', message: problem });
            }),
        )
        .max(MAX_ALARM_PATTERNS, {
          error: `at most ${MAX_ALARM_PATTERNS} patterns: each takes one of the log group's 100 metric filters and one alarm`,
        })
        .refine((patterns) => patterns.reduce((n, p) => n + regexCount(p), 0) <= MAX_REGEX_PER_LOG_GROUP, {
          error: `at most ${MAX_REGEX_PER_LOG_GROUP} regular expressions (%…%) in all patterns (CloudWatch Logs quota per log group)`,
        })
        .meta({
          description: 'CloudWatch Logs filter patterns (plain words, or JSON like { $.level = "FATAL" }) each of which raises an alarm the responder answers.',
          examples: [['"payment provider unreachable"', '{ $.event = "card-declined-spike" }']],
        }),
    })
    .partial()
    .meta({ description: 'Log retention and extra patterns that raise an alarm.' }),
  runbooks: runbookTuning,
  usage: serviceUsageFields,
});

export const serviceOverrides = serviceFields.partial();

export const serviceFile = serviceOverrides
  .extend({
    name: name(28, 'a service name').meta({ description: 'Unique in the estate; equals the file name.' }),
    environments: z
      .record(z.string(), serviceOverrides)
      .meta({ description: 'Per-environment overrides of any service field.' }),
    runsIn: z
      .array(z.string())
      .min(1, { error: "must name at least one environment; a service that runs nowhere is removed by deleting its file" })
      .meta({
        description:
          'The environments this service runs in (default: every environment of estate.yaml). An estate of thousands of services spreads them over environments in several accounts, each within its quotas.',
        examples: [['prisons-stg', 'prisons-prod']],
      }),
  })
  .partial({ environments: true, runsIn: true })
  .meta({ title: 'cityplan service', description: 'One service of a cityplan estate (services/<name>.yaml).' });

export const environmentFields = z.strictObject({
  account: accountId(),
  region: region().optional().meta({ description: "The environment's region (default: the estate's), in the estate region's partition." }),
  domain: dnsName.meta({ description: 'Services get <service>.<domain>.' }),
  zoneId: z
    .string()
    .regex(/^Z[A-Z0-9]{4,32}$/, { error: 'must be a Route53 hosted zone id such as Z0123456789ABCDEFGHIJ' })
    .optional()
    .meta({ description: 'An existing hosted zone for domain; absent: the foundation creates one.' }),
  zones: z.union([z.literal(2), z.literal(3)], { error: 'must be 2 or 3' }).optional().meta({ default: 2 }),
  capacity: z.enum(['on-demand', 'spot']).optional().meta({ default: 'on-demand' }),
  egress: z.enum(['nat', 'nat-single', 'endpoints']).optional().meta({
    description:
      'How tasks reach AWS APIs and the internet: nat (a NAT gateway per zone), nat-single (one NAT gateway for the environment), endpoints (no NAT gateway: VPC endpoints for ECR, CloudWatch Logs, Secrets Manager, KMS, SSM, ECS, EC2, SNS, SQS, ACM, S3 and DynamoDB; no internet, and images only from ECR of the environment’s region). Default: nat where protect is set, nat-single otherwise.',
  }),
  approval: z.boolean().optional().meta({ description: 'Manual approval before this environment in pipelines.', default: false }),
  protect: z.boolean().optional().meta({
    description: 'Deletion protection, retained data and at least 2 tasks per service.',
    default: false,
  }),
  config: z
    .strictObject({
      recorder: z.boolean().optional().meta({
        description: 'Also create the AWS Config recorder and delivery channel (one per account and region): only when the organisation does not record centrally.',
        default: false,
      }),
    })
    .optional()
    .meta({ description: 'AWS Config: the rules of the NCSC conformance pack that apply, with remediations, always; a recorder only when asked.' }),
  guardduty: z.boolean().optional().meta({
    description: 'A GuardDuty detector with ECS Fargate runtime monitoring (one per account and region: at most one environment of an account and region may ask).',
    default: false,
  }),
  runbooks: z
    .strictObject({
      dryRun: z.boolean().meta({ description: 'The responder decides and records (audit table, log) but acts on nothing and notifies no one.', default: false }),
      maxActionsPerHour: z
        .int()
        .min(1)
        .max(60)
        .meta({ description: 'Most actions the responder takes on one service in one clock hour.', default: DEFAULT_ACTIONS_PER_HOUR }),
    })
    .partial()
    .optional()
    .meta({ description: 'How the environment responder acts.' }),
});

export const estateFile = z
  .strictObject({
    name: name(20, 'an estate name').meta({ description: 'Prefixes every stack.' }),
    owner: email,
    region: region().meta({ description: 'Region of the delivery account; the default region of every environment.' }),
    delivery: z.strictObject({
      account: accountId(),
      connectionArn: z.string().regex(CONNECTION_ARN, { error: 'must be a CodeConnections connection ARN, such as arn:aws:codeconnections:eu-west-2:111111111111:connection/0f6c7e4b-3a1d-4c55-9a51-4c1e6e2b9f10' }),
      repo: z
        .string()
        .regex(REPOSITORY, { error: 'must be a repository as the connection names it, owner/name, such as ministryofjustice/justice-estate' })
        .optional()
        .meta({ description: "The estate's own repository (owner/name) through the connection: with it, every service gets a pipeline in the delivery account that also runs on a change of its manifest." }),
      branch: gitBranch().optional().meta({ description: "Branch of the estate's repository that pipelines deploy from.", default: 'main' }),
    })
      .check((ctx) => {
        // A connection is usable in every Region (CodeConnections: "Global resources"), but only by
        // the account that owns it: the pipelines live in the delivery account.
        const owner = ctx.value.connectionArn.split(':')[4];
        if (owner && owner !== ctx.value.account) {
          ctx.issues.push({
            code: 'custom',
            input: ctx.value.connectionArn,
            path: ['connectionArn'],
            message: `belongs to account ${owner}, but the pipelines live in the delivery account ${ctx.value.account}: create the connection in ${ctx.value.account} (Developer Tools console, Settings, Connections) and use its ARN`,
          });
        }
      }),
    alerts: z.strictObject({ email: z.array(email).min(1, { error: 'needs at least one address' }) }),
    logs: z
      .strictObject({
        opensearch: z.boolean().optional().meta({
          description:
            'Also deliver every environment\'s service logs to an OpenSearch Serverless collection (through an OpenSearch Ingestion pipeline reading the log bucket) for OpenSearch Dashboards. Costs at least about $350 a month per environment.',
          default: false,
        }),
      })
      .optional()
      .meta({ description: 'The log pipeline: every service log line goes to S3 (Athena, cityplan logs query); this adds OpenSearch.' }),
    environments: z.record(name(12, 'an environment name'), environmentFields).refine((envs) => Object.keys(envs).length > 0, {
      error: 'needs at least one environment',
    }),
    defaults: serviceOverrides.optional().meta({ description: 'Service fields applied to every service before its own file.' }),
    usage: estateUsageFields.optional(),
  })
  // Runs even when other fields are wrong (`when`), so that this problem is listed with theirs.
  .superRefine(
    (estate, ctx) => {
      for (const [env, message] of crossPartitionEnvironments(estate)) {
        ctx.addIssue({ code: 'custom', path: ['environments', env, 'region'], message });
      }
      // The delivery stacks are named `<estate>-delivery-<service>`, as a service stack of an
      // environment `delivery` would be (naming/names.ts).
      for (const env of Object.keys((estate as { environments?: object }).environments ?? {})) {
        if (isReservedEnvironmentName(env)) ctx.addIssue({ code: 'custom', path: ['environments', env], message: `'${env}' is reserved for the delivery account's stacks; name the environment otherwise, such as ${env}-env` });
      }
      for (const [path, message] of accountSingletonProblems(estate)) ctx.addIssue({ code: 'custom', path, message });
      for (const [env, message] of outsideDeliveryRegion(estate)) ctx.addIssue({ code: 'custom', path: ['environments', env, 'region'], message });
    },
    { when: () => true },
  )
  .meta({ title: 'cityplan estate', description: 'estate.yaml of a cityplan estate.' });

/**
 * Environments whose own region is in another partition than the estate's region, with the
 * problem. Reads the data defensively: with `when`, it runs on data that failed other checks.
 */
function crossPartitionEnvironments(estate: unknown): Array<[string, string]> {
  const { region: estateRegion, environments } = (estate ?? {}) as { region?: unknown; environments?: unknown };
  if (typeof estateRegion !== 'string' || environments === null || typeof environments !== 'object') return [];
  return Object.entries(environments).flatMap(([env, fields]) => {
    const own = (fields as { region?: unknown } | null)?.region;
    const problem = typeof own === 'string' ? partitionProblem(own, estateRegion) : undefined;
    return problem ? [[env, problem] as [string, string]] : [];
  });
}

/**
 * With pipelines (`delivery.repo`), environments whose own region is not the estate's (the delivery
 * account's), with the problem. A CodePipeline action in another region needs an artifact bucket in
 * that region (CodePipeline User Guide, "Add a cross-Region action"), which cityplan does not build
 * yet. Reads the data defensively, as crossPartitionEnvironments does.
 */
function outsideDeliveryRegion(estate: unknown): Array<[string, string]> {
  const { region, delivery, environments } = (estate ?? {}) as { region?: unknown; delivery?: { repo?: unknown } | null; environments?: unknown };
  if (typeof region !== 'string' || typeof delivery?.repo !== 'string' || environments === null || typeof environments !== 'object') return [];
  return Object.entries(environments).flatMap(([env, fields]) => {
    const own = (fields as { region?: unknown } | null)?.region;
    if (typeof own !== 'string' || own === region || partitionProblem(own, region)) return [];
    return [[env, `is ${own}, but service pipelines (delivery.repo) deploy only to environments in the estate's region ${region} for now: put ${env} in ${region}, or leave delivery.repo out and deploy with cityplan deploy`] as [string, string]];
  });
}

export type ServiceFields = z.infer<typeof serviceFields>;
export type ServiceOverrides = z.infer<typeof serviceOverrides>;
export type ServiceFile = z.infer<typeof serviceFile>;
export type EnvironmentFields = z.infer<typeof environmentFields>;
export type EstateFile = z.infer<typeof estateFile>;
export type ServiceUsageFields = z.infer<typeof serviceUsageFields>;
export type EstateUsageFields = z.infer<typeof estateUsageFields>;

/** JSON Schemas for editors (`# yaml-language-server: $schema=...`) and `cityplan schema`. */
export function jsonSchemas(): { estate: object; service: object } {
  return {
    estate: z.toJSONSchema(estateFile, { io: 'input', unrepresentable: 'any' }),
    service: z.toJSONSchema(serviceFile, { io: 'input', unrepresentable: 'any' }),
  };
}
