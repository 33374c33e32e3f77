/**
 * What must exist outside the plan before its deploy can succeed, per environment: things cityplan
 * cannot create or cannot check without AWS, each with a machine-readable `kind` and a `message`
 * for the person deploying. Read from the manifests and the lock only (plans never call AWS).
 */
import { type EnvironmentSpec, type EstateSpec, isInZone, type ServiceSpec } from '../manifest/spec';
import { parameter, resourceName, stackName } from '../naming/names';
import type { Lock } from './lock';
import { typedSecretCommand } from './secret-commands';

/** `cdk bootstrap` of the environment's account and region: every stack's deploy role, asset bucket and version check come from it. */
export interface BootstrapPrerequisite {
  readonly kind: 'bootstrap';
  readonly account: string;
  readonly region: string;
  /** The account trusted to deploy (the delivery account); absent when it is the account itself. */
  readonly trust?: string;
  readonly command: string;
  readonly message: string;
}

/** `cdk bootstrap` of the delivery account, where the estate's pipeline stacks deploy (with `delivery.repo`). */
export interface DeliveryBootstrapPrerequisite {
  readonly kind: 'delivery-bootstrap';
  readonly account: string;
  readonly region: string;
  readonly command: string;
  readonly message: string;
}

/** The parent zone's NS records for a hosted zone the foundation creates (the certificate waits for them). */
export interface DelegationPrerequisite {
  readonly kind: 'delegation';
  readonly domain: string;
  /** Known once a deploy has created the zone and read them. */
  readonly nameServers?: readonly string[];
  readonly message: string;
}

/** The ECR repositories, in the delivery account, of the services built from source. */
export interface ImagesPrerequisite {
  readonly kind: 'images';
  /** Where the repositories are: the delivery account, in the estate's region. */
  readonly account: string;
  readonly region: string;
  /** The account whose tasks pull: the repositories' policies must allow it. */
  readonly pullAccount: string;
  /** The tag a stack runs until a service pipeline deploys it with its own (the ImageTag default). */
  readonly tag: string;
  readonly repositories: readonly string[];
  readonly message: string;
}

/** Secrets Manager secrets the services' tasks read at start. */
export interface SecretsPrerequisite {
  readonly kind: 'secrets';
  readonly account: string;
  readonly region: string;
  readonly count: number;
  /** Full secret names, as the stacks read them. */
  readonly names: readonly string[];
  readonly message: string;
}

/** A service's extra hostname outside the environment's zone: its records are someone else's to add. */
export interface ExternalHostnamePrerequisite {
  readonly kind: 'external-hostname';
  readonly service: string;
  readonly hostname: string;
  /** The stack whose deploy waits for the certificate's validation record. */
  readonly stack: string;
  /** The zone of another environment of this estate that holds the name, when one does. */
  readonly heldBy?: { readonly environment: string; readonly domain: string; readonly account: string; readonly zoneId?: string };
  /** The load balancer shard the service sits on, and the SSM parameter that holds its DNS name: where the name must point. */
  readonly shard?: number;
  readonly loadBalancerParameter?: string;
  readonly message: string;
}

export type Prerequisite =
  | BootstrapPrerequisite
  | DelegationPrerequisite
  | ImagesPrerequisite
  | SecretsPrerequisite
  | ExternalHostnamePrerequisite
  | DeliveryBootstrapPrerequisite;

/** A service of the environment that has a stack in this plan, and the shard it sits on (web). */
export interface ServiceInPlan {
  readonly spec: ServiceSpec;
  readonly shard?: number;
  /** The service's life (allocation.ts); its secrets' names carry it from 2 on. @default 1 */
  readonly incarnation?: number;
}

/** The tag a stack of a source-built service runs until its pipeline sets ImageTag (service-image.ts). */
const DEFAULT_IMAGE_TAG = 'latest';

/** Beyond this many services, a message names the services' count, not each of them: --json has every name. */
const NAMED_IN_MESSAGE = 10;

/**
 * What must exist before this plan's deploy in `env` can succeed, in the order a deploy needs them:
 * bootstrap, zone delegation, images, secrets, records for names outside the zone.
 *
 * @param services the environment's services that have a stack in this plan (others read nothing)
 * @param previous the lock as the plan read it: a confirmed deploy proves bootstrap and delegation
 * @param nameServers the created zone's name servers, once a deploy has read them
 */
export function environmentPrerequisites(
  spec: EstateSpec,
  env: EnvironmentSpec,
  services: readonly ServiceInPlan[],
  previous: Lock,
  nameServers?: readonly string[],
): Prerequisite[] {
  return [
    ...bootstrap(spec, env, previous),
    ...delegation(spec, env, previous, nameServers),
    ...images(spec, env, services),
    ...secrets(spec, env, services),
    ...services.flatMap((s) => externalHostnames(spec, env, s)),
  ];
}

/**
 * Every stack is synthesized with CDK's default synthesizer: its deploy assumes the bootstrap's
 * deploy role, publishes assets to its bucket and checks its version. cityplan deploy runs with the
 * shell's credentials, so the bootstrap must trust the account they belong to (README: "trusting
 * the account you deploy from"); shown is the delivery account, where the estate's pipelines live.
 * The delivery account's own bootstrap (its stacks, with delivery.repo) is printed by `cityplan
 * bootstrap`. A deploy that
 * the lock records as confirmed in this account and region proves the bootstrap is there.
 */
function bootstrap(spec: EstateSpec, env: EnvironmentSpec, previous: Lock): BootstrapPrerequisite[] {
  const deployedHere = Object.values(previous.environments).some(
    (e) => e.account === env.account && e.region === env.region && Object.values(e.stacks).some((s) => s.deployed),
  );
  if (deployedHere) return [];
  const trust = spec.delivery.account !== env.account ? spec.delivery.account : undefined;
  // The CDK refuses --trust without an explicit execution policy; AdministratorAccess is what it
  // uses when nothing is trusted, and what the foundation's IAM, VPC and KMS resources need.
  const command = trust
    ? `cdk bootstrap aws://${env.account}/${env.region} --trust ${trust} --cloudformation-execution-policies arn:${partition(env.region)}:iam::aws:policy/AdministratorAccess`
    : `cdk bootstrap aws://${env.account}/${env.region}`;
  const whom = trust ? `, trusting the delivery account ${trust} (or the account you run cityplan deploy from)` : '';
  return [{ kind: 'bootstrap', account: env.account, region: env.region, ...(trust ? { trust } : {}), command, message: `bootstrap: CDK in account ${env.account}, ${env.region}${whom}: ${command}` }];
}

/**
 * What the delivery account needs before this plan's deploy, when the plan has delivery stacks
 * (`delivery.repo`): the CDK bootstrap there, which the delivery and pipeline stacks deploy
 * through, with the same command `cityplan bootstrap` prints for it. Not listed once a deploy has
 * confirmed a stack in that account and region (the bootstrap was there).
 *
 * @param planned whether this plan has a stack in the delivery account
 */
export function deliveryPrerequisites(spec: EstateSpec, previous: Lock, planned: boolean): DeliveryBootstrapPrerequisite[] {
  if (!spec.delivery.repo || !planned) return [];
  const { account } = spec.delivery;
  const region = spec.region;
  const deployedHere = Object.values(previous.environments).some(
    (e) => e.account === account && e.region === region && Object.values(e.stacks).some((s) => s.deployed),
  );
  if (deployedHere) return [];
  const command = `cdk bootstrap aws://${account}/${region} --cloudformation-execution-policies arn:${partition(region)}:iam::aws:policy/AdministratorAccess`;
  return [
    {
      kind: 'delivery-bootstrap',
      account,
      region,
      command,
      message: `bootstrap: CDK in the delivery account ${account}, ${region}, where the pipeline stacks deploy (cityplan bootstrap prints it too): ${command}`,
    },
  ];
}

/** Until a deploy confirms the certificate stack, ACM has not validated through the new zone: it is not delegated yet. */
function delegation(spec: EstateSpec, env: EnvironmentSpec, previous: Lock, nameServers?: readonly string[]): DelegationPrerequisite[] {
  if (env.zoneId) return [];
  if (previous.environments[env.name]?.stacks[stackName.certificate(spec.name, env.name)]?.deployed) return [];
  const message = nameServers
    ? `DNS: the foundation created the zone ${env.domain}; its parent zone must delegate it to ${nameServers.join(', ')}`
    : `DNS: the foundation creates the zone ${env.domain}; cityplan deploy deploys the foundation first, shows the name servers to delegate to from the parent zone, and waits for the delegation before it requests the certificate`;
  return [{ kind: 'delegation', domain: env.domain, ...(nameServers ? { nameServers } : {}), message }];
}

/**
 * A source-built service runs the image its pipeline pushed to <estate>/<service> in the delivery
 * account (service-image.ts). With `delivery.repo` the pipeline stacks create those repositories
 * and their pull policies, and a service's first image is its pipeline's (cityplan deploy skips a
 * new service until its pipeline has deployed it once); without it, they must be there already.
 */
function images(spec: EstateSpec, env: EnvironmentSpec, services: readonly ServiceInPlan[]): ImagesPrerequisite[] {
  const built = services.filter((s) => !s.spec.image);
  if (built.length === 0) return [];
  const repositories = built.map((s) => resourceName.imageRepository(spec.name, s.spec.name));
  return [
    {
      kind: 'images',
      account: spec.delivery.account,
      region: spec.region,
      pullAccount: env.account,
      tag: DEFAULT_IMAGE_TAG,
      repositories,
      message: spec.delivery.repo
        ? `images: ${count(repositories.length, 'ECR repository', 'ECR repositories')} in the delivery account ${spec.delivery.account}, ${spec.region}, made by the services' pipeline stacks; each service's first image in ${env.name} is deployed by its pipeline (cityplan deploy skips a new service until then): ${named(repositories)}`
        : `images: ${count(repositories.length, 'ECR repository', 'ECR repositories')} in the delivery account ${spec.delivery.account}, ${spec.region}, ${repositories.length === 1 ? '' : 'each '}holding the tag ${DEFAULT_IMAGE_TAG} and letting account ${env.account} pull (source-built services run it until a pipeline deploys its own tag; without delivery.repo in estate.yaml cityplan does not create these): ${named(repositories)}`,
    },
  ];
}

/**
 * Each service stack creates its secrets with a generated placeholder (service-secrets.ts); the
 * team puts the real values in, and until then tasks start with the placeholder. A secret made by
 * hand under the same name stops the stack's deploy (the name is taken) unless the service lists
 * it in `secretsMadeByHand`, when the stack reads it instead (docs/manifest.md, `secrets`).
 */
function secrets(spec: EstateSpec, env: EnvironmentSpec, services: readonly ServiceInPlan[]): SecretsPrerequisite[] {
  const reading = services.filter((s) => s.spec.secrets.length > 0);
  if (reading.length === 0) return [];
  const names = reading.flatMap((s) => s.spec.secrets.map((n) => resourceName.secret(spec.name, env.name, s.spec.name, n, s.spec.secretsMadeByHand.includes(n) ? 1 : s.incarnation)));
  const pattern = resourceName.secret(spec.name, env.name, '<service>', '<NAME>');
  const list = reading.length <= NAMED_IN_MESSAGE ? reading.map((s) => `${s.spec.name}: ${s.spec.secrets.join(', ')}`).join('; ') : `for ${reading.length} services (plan --json lists every name)`;
  return [
    {
      kind: 'secrets',
      account: env.account,
      region: env.region,
      count: names.length,
      names,
      message: `secrets: ${count(names.length, 'secret')} to fill in, in Secrets Manager of account ${env.account}, ${env.region}, named ${pattern}: ${list}. The service stacks create them with a placeholder value, which tasks get until the team puts the real one in (${typedSecretCommand('<name>')}: type the value, which is not echoed and never reaches the process list) and restarts the service; a secret already made by hand under one of these names stops the deploy unless the service lists it in secretsMadeByHand, which reads it instead (docs/manifest.md, secrets)`,
    },
  ];
}

/**
 * Names outside the environment's zone get no alias record (web-addresses.ts: their owners point
 * them), and their certificate is validated by DNS in a zone cityplan does not write to: the stack's
 * deploy waits until someone adds the validation record ACM asks for.
 */
function externalHostnames(spec: EstateSpec, env: EnvironmentSpec, service: ServiceInPlan): ExternalHostnamePrerequisite[] {
  const stack = stackName.service(spec.name, env.name, service.spec.name);
  return service.spec.hostnames
    .filter((h) => !isInZone(h, env.domain))
    .map((hostname) => {
      const holder = zoneHolding(spec, hostname);
      const zone = holder
        ? `the zone ${holder.domain} of environment ${holder.environment} (account ${holder.account}${holder.zoneId ? `, hosted zone ${holder.zoneId}` : ''})`
        : `the zone that holds it (no environment of ${spec.name} has it)`;
      const lb = service.shard === undefined ? undefined : parameter.shard(spec.name, env.name, service.shard, 'dns-name');
      return {
        kind: 'external-hostname' as const,
        service: service.spec.name,
        hostname,
        stack,
        ...(holder ? { heldBy: holder } : {}),
        ...(lb ? { shard: service.shard, loadBalancerParameter: lb } : {}),
        message: `DNS for ${hostname} (${service.spec.name}), outside the zone ${env.domain}: in ${zone}, add the ACM validation CNAME of its certificate (the deploy of ${stack} waits for it and shows it in the stack's events), and a CNAME (an alias record at a zone apex) to ${lb ? `load balancer shard ${service.shard} (its DNS name is in SSM parameter ${lb}, account ${env.account}, once deployed)` : 'its load balancer'}`,
      };
    });
}

/** The environment of this estate whose zone holds the name (the most specific one), if any. */
function zoneHolding(spec: EstateSpec, hostname: string): ExternalHostnamePrerequisite['heldBy'] {
  const holders = spec.environments.filter((e) => isInZone(hostname, e.domain)).sort((a, b) => b.domain.length - a.domain.length);
  const e = holders[0];
  return e && { environment: e.name, domain: e.domain, account: e.account, ...(e.zoneId ? { zoneId: e.zoneId } : {}) };
}

/** The AWS partition of a region, for managed policy ARNs. */
function partition(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

function named(names: readonly string[]): string {
  return names.length <= NAMED_IN_MESSAGE ? names.join(', ') : `${names.slice(0, NAMED_IN_MESSAGE).join(', ')} and ${names.length - NAMED_IN_MESSAGE} more (plan --json lists every one)`;
}

function count(n: number, thing: string, things = `${thing}s`): string {
  return `${n} ${n === 1 ? thing : things}`;
}
