/**
 * A model of CloudFormation applying a cloud assembly over what is deployed, for tests: does any
 * moment of the deploy have two resources holding what AWS lets one hold?
 *
 * What it models, per stack update (from the deployed template to the new one):
 *  - a resource is matched by logical id; it is replaced when a property that requires replacement
 *    changed (REPLACES below, from the CloudFormation resource reference), or a resource it refers
 *    to was replaced and the reference sits in such a property; otherwise it is updated in place;
 *  - new and replacement resources are created before old ones are deleted, so during the update
 *    the stack holds the claims of every old and every new resource at once (a resource updated in
 *    place holds both its old and new claims, as one holder);
 *  - a resource deleted or replaced with DeletionPolicy/UpdateReplacePolicy Retain stays, holding
 *    its claims, after its stack forgets it;
 *  - a target group can serve one load balancer: the listeners of the rules forwarding to it are
 *    its holders.
 * Between stacks: a stack ordered after another (assembly dependencies, transitively) starts once
 * the other has finished; stacks with no order between them may run in either order or together.
 * And every stack must, when it deploys, find the SSM parameters it reads, and never lose them
 * while it is deployed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLAIMS, isRetained, resolver, resourceClaims, type Template } from '../../src/estate/claims';

/** Properties whose change replaces the resource (CloudFormation's "Update requires: Replacement"). */
const REPLACES: Record<string, readonly string[] | 'all'> = {
  'AWS::CertificateManager::Certificate': 'all',
  'AWS::CloudWatch::Alarm': ['AlarmName'],
  'AWS::EC2::SecurityGroup': ['GroupDescription', 'GroupName', 'VpcId'],
  // Every property of an inbound rule but its description.
  'AWS::EC2::SecurityGroupIngress': [
    'CidrIp',
    'CidrIpv6',
    'FromPort',
    'GroupId',
    'GroupName',
    'IpProtocol',
    'SourcePrefixListId',
    'SourceSecurityGroupId',
    'SourceSecurityGroupName',
    'SourceSecurityGroupOwnerId',
    'ToPort',
  ],
  // ServerlessCacheName, KmsKeyId and SubnetIds as the resource reference lists them; a change of
  // the environment's zones (its subnets) therefore replaces a named cache, which collides.
  'AWS::ElastiCache::ServerlessCache': ['KmsKeyId', 'ServerlessCacheName', 'SnapshotArnsToRestore', 'SubnetIds'],
  'AWS::ECS::Cluster': ['ClusterName'],
  'AWS::ECS::Service': ['Cluster', 'DeploymentController', 'LaunchType', 'Role', 'SchedulingStrategy', 'ServiceName'],
  'AWS::ECS::TaskDefinition': 'all',
  'AWS::ElasticLoadBalancingV2::Listener': ['LoadBalancerArn'],
  'AWS::ElasticLoadBalancingV2::ListenerCertificate': ['Certificates', 'ListenerArn'],
  'AWS::ElasticLoadBalancingV2::ListenerRule': ['ListenerArn'],
  'AWS::ElasticLoadBalancingV2::LoadBalancer': ['Name', 'Scheme', 'Type'],
  'AWS::ElasticLoadBalancingV2::TargetGroup': ['IpAddressType', 'Name', 'Port', 'Protocol', 'ProtocolVersion', 'TargetType', 'VpcId'],
  'AWS::KMS::Alias': ['AliasName'],
  'AWS::Logs::LogGroup': ['LogGroupClass', 'LogGroupName'],
  'AWS::Route53::RecordSet': ['HostedZoneId', 'HostedZoneName', 'Name', 'SetIdentifier'],
  'AWS::S3::Bucket': ['BucketName'],
  'AWS::SNS::Subscription': ['Endpoint', 'Protocol', 'TopicArn'],
  'AWS::SNS::Topic': ['FifoTopic', 'TopicName'],
  'AWS::Scheduler::Schedule': ['GroupName', 'Name'],
  'AWS::SQS::Queue': ['FifoQueue', 'QueueName'],
  'AWS::ServiceDiscovery::PrivateDnsNamespace': ['Name', 'Vpc'],
  'AWS::SSM::Parameter': ['Name'],
  'AWS::StepFunctions::StateMachine': ['StateMachineName', 'StateMachineType'],
  'AWS::WAFv2::WebACL': ['Name', 'Scope'],
  'AWS::WAFv2::WebACLAssociation': ['ResourceArn', 'WebACLArn'],
};

export interface DeployedStack {
  readonly template: Template;
  /** Account and region: claims collide only within one. */
  readonly arena: string;
  /** CloudFormation refuses to delete the stack. */
  readonly terminationProtection?: boolean;
}

export interface Holding {
  readonly arena: string;
  readonly claim: string;
  readonly holder: string;
}

/** What is deployed: stacks, and retained resources their stacks let go of. */
export interface World {
  readonly stacks: ReadonlyMap<string, DeployedStack>;
  readonly leftovers: readonly Holding[];
}

export const emptyWorld = (): World => ({ stacks: new Map(), leftovers: [] });

export interface AssemblyStack extends DeployedStack {
  readonly dependencies: readonly string[];
}

/** The stacks of a cloud assembly folder, with their environment and dependencies. */
export function readAssembly(dir: string): Map<string, AssemblyStack> {
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as {
    artifacts: Record<
      string,
      { type: string; environment: string; dependencies?: string[]; properties: { templateFile: string; stackName?: string; terminationProtection?: boolean } }
    >;
  };
  const stacks = new Map<string, AssemblyStack>();
  for (const [id, a] of Object.entries(manifest.artifacts)) {
    if (a.type !== 'aws:cloudformation:stack') continue;
    const template = JSON.parse(readFileSync(join(dir, a.properties.templateFile), 'utf8')) as Template;
    stacks.set(a.properties.stackName ?? id, {
      template,
      arena: a.environment.replace('aws://', ''),
      terminationProtection: a.properties.terminationProtection,
      dependencies: (a.dependencies ?? []).filter((d) => manifest.artifacts[d]?.type === 'aws:cloudformation:stack'),
    });
  }
  return stacks;
}

interface Step {
  readonly old: Holding[];
  readonly peak: Holding[];
  readonly next: Holding[];
  readonly usesOld: ReadonlySet<string>;
  readonly usesNew: ReadonlySet<string>;
  readonly providesOld: ReadonlySet<string>;
  readonly providesNew: ReadonlySet<string>;
  /** Retained resources this update leaves behind. */
  readonly leftovers: Holding[];
  /** Resources the update deletes that AWS refuses to delete. */
  readonly refused: string[];
}

/** One stack's update from `before` (undefined: created) to `after`, as CloudFormation applies it. */
function stepOf(name: string, before: DeployedStack | undefined, after: DeployedStack): Step {
  const oldResources = before?.template.Resources ?? {};
  const newResources = after.template.Resources ?? {};
  // Which resources are new or replaced; a replacement can cascade through references.
  const fresh = new Set(Object.keys(newResources).filter((id) => !oldResources[id] || oldResources[id]!.Type !== newResources[id]!.Type));
  for (let changed = true; changed; ) {
    changed = false;
    for (const [id, r] of Object.entries(newResources)) {
      if (fresh.has(id)) continue;
      const replaces = REPLACES[r.Type] ?? [];
      const keys = replaces === 'all' ? [...new Set([...Object.keys(r.Properties ?? {}), ...Object.keys(oldResources[id]!.Properties ?? {})])] : replaces;
      const differs = keys.some(
        (k) => canonical(oldResources[id]!.Properties?.[k], () => 0) !== canonical(r.Properties?.[k], (ref) => (fresh.has(ref) ? 1 : 0)),
      );
      if (differs) {
        fresh.add(id);
        changed = true;
      }
    }
  }
  const generation = (id: string) => (fresh.has(id) ? 1 : 0);
  const holdings = (side: DeployedStack, resources: NonNullable<Template['Resources']>, gen: (id: string) => number) => {
    // Parameter references keep their full names: no root is stripped.
    const resolve = resolver(side.template, name, '', (id) => `${name}:${id}#${gen(id)}`);
    const out: Array<Holding & { id: string; retained: boolean }> = [];
    for (const [id, r] of Object.entries(resources)) {
      const holder = `${name}/${id}#${gen(id)}`;
      const base = { arena: side.arena, id, retained: isRetained(r) };
      for (const claim of resourceClaims(r.Type, r.Properties, resolve)) out.push({ ...base, claim, holder });
      // A target group serves the load balancer of the listeners whose rules forward to it.
      if (r.Type === 'AWS::ElasticLoadBalancingV2::ListenerRule') {
        type Action = { TargetGroupArn?: unknown; ForwardConfig?: { TargetGroups?: Array<{ TargetGroupArn?: unknown }> } };
        for (const action of (r.Properties?.Actions as Action[] | undefined) ?? []) {
          // A single group, or the weighted groups of a forward (as canary, linear and blue-green rules have).
          for (const arn of [action.TargetGroupArn, ...(action.ForwardConfig?.TargetGroups ?? []).map((t) => t.TargetGroupArn)]) {
            const group = resolve(arn);
            if (group) out.push({ ...base, claim: `target group ${group} serves one load balancer`, holder: `listener ${resolve(r.Properties?.ListenerArn)}` });
          }
        }
      }
    }
    return out;
  };
  const old = before ? holdings(before, oldResources, () => 0) : [];
  const next = holdings(after, newResources, generation);
  // Old resources that go (deleted, or replaced) and are retained stay behind.
  const gone = new Set(Object.keys(oldResources).filter((id) => !newResources[id] || fresh.has(id)));
  const leftovers = old.filter((h) => gone.has(h.id) && h.retained).map(({ arena, claim, holder }) => ({ arena, claim, holder: `left behind by ${holder}` }));
  const refused = [...gone]
    .filter((id) => deletionProtected(oldResources[id]!))
    .map((id) => `${name} deletes ${id}, which has deletion protection on`);
  const strip = (hs: Array<Holding & { id: string; retained: boolean }>): Holding[] => hs.map(({ arena, claim, holder }) => ({ arena, claim, holder }));
  return {
    old: strip(old),
    peak: [...strip(old), ...strip(next)],
    next: [...strip(next), ...leftovers],
    usesOld: before ? uses(before) : new Set(),
    usesNew: uses(after),
    providesOld: before ? provides(before) : new Set(),
    providesNew: provides(after),
    leftovers,
    refused,
  };
}

/** A load balancer with deletion protection cannot be deleted until an update turns it off. */
function deletionProtected(resource: { readonly Type: string; readonly Properties?: Record<string, unknown> }): boolean {
  const attributes = (resource.Properties?.LoadBalancerAttributes as Array<{ Key: string; Value: string }> | undefined) ?? [];
  return resource.Type === 'AWS::ElasticLoadBalancingV2::LoadBalancer' && attributes.some((a) => a.Key === 'deletion_protection.enabled' && a.Value === 'true');
}

/** A property value as text, with references to the stack's resources marked by their generation. */
function canonical(value: unknown, gen: (id: string) => number): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const o = v as Record<string, unknown>;
      if (typeof o.Ref === 'string') return { Ref: `${o.Ref}#${gen(o.Ref)}` };
      const att = o['Fn::GetAtt'] as [string, string] | undefined;
      if (Array.isArray(att)) return { 'Fn::GetAtt': [`${att[0]}#${gen(att[0])}`, att[1]] };
    }
    return v;
  });
}

/** SSM parameters (full names) a template reads. */
function uses(s: DeployedStack): Set<string> {
  return new Set(
    Object.values(s.template.Parameters ?? {})
      .filter((p) => p.Type?.startsWith('AWS::SSM::Parameter::Value') && typeof p.Default === 'string')
      .map((p) => p.Default as string),
  );
}

/** SSM parameters (full names) a template creates. */
function provides(s: DeployedStack): Set<string> {
  return new Set(
    Object.values(s.template.Resources ?? {})
      .filter((r) => r.Type === 'AWS::SSM::Parameter' && typeof r.Properties?.Name === 'string')
      .map((r) => r.Properties!.Name as string),
  );
}

/** Pairs of holdings of one claim by two holders in one arena. */
function clashes(a: readonly Holding[], b: readonly Holding[], when: string): string[] {
  const index = new Map<string, Holding[]>();
  for (const h of b) index.set(`${h.arena}|${h.claim}`, [...(index.get(`${h.arena}|${h.claim}`) ?? []), h]);
  const found: string[] = [];
  for (const h of a) {
    for (const other of index.get(`${h.arena}|${h.claim}`) ?? []) {
      if (other.holder !== h.holder) found.push(`${when}: ${h.claim} held by ${h.holder} and by ${other.holder}`);
    }
  }
  return found;
}

export interface DeployCheck {
  /** Every moment two holders hold one claim, or a stack lacks a parameter it reads. */
  readonly collisions: string[];
  /** What is deployed afterwards (removal stacks deleted, as cityplan deploy does). */
  readonly world: World;
}

/**
 * Deploys every stack of `assembly` over `world` in any order the assembly's dependencies allow,
 * then deletes `destroy` (the removal stacks), and reports every collision any such order could
 * meet.
 */
export function deployAssembly(world: World, assembly: ReadonlyMap<string, AssemblyStack>, destroy: ReadonlySet<string> = new Set()): DeployCheck {
  const steps = new Map([...assembly].map(([name, s]) => [name, stepOf(name, world.stacks.get(name), s)]));
  const before = transitiveDependencies(assembly);
  const collisions: string[] = [];
  const untouched = [...world.stacks].filter(([name]) => !assembly.has(name));
  const current = new Map(untouched.map(([name, s]) => [name, stepOf(name, s, s).next]));
  for (const [x, sx] of steps) {
    collisions.push(...clashes(sx.peak, sx.peak, `while ${x} deploys`).filter((_, i, all) => all.indexOf(_) === i));
    collisions.push(...clashes(sx.peak, world.leftovers, `while ${x} deploys`));
    for (const [z, held] of current) collisions.push(...clashes(sx.peak, held, `while ${x} deploys beside ${z}`));
    for (const [y, sy] of steps) {
      if (x === y) continue;
      if (before.get(x)!.has(y)) {
        collisions.push(...clashes(sx.old, sy.peak, `while ${y} deploys before ${x}`));
        collisions.push(...clashes(sx.peak, sy.next, `while ${x} deploys after ${y}`));
      } else if (!before.get(y)!.has(x) && x < y) {
        collisions.push(...clashes(sx.peak, sy.peak, `while ${x} and ${y} deploy in either order`));
      }
    }
  }
  collisions.push(...parameterGaps(world, assembly, steps, before));
  for (const s of steps.values()) collisions.push(...s.refused);
  for (const name of destroy) {
    const deployed = assembly.get(name) ?? world.stacks.get(name);
    if (deployed?.terminationProtection) collisions.push(`${name} cannot be deleted: termination protection is on`);
    if (Object.values(deployed?.template.Resources ?? {}).some(deletionProtected)) collisions.push(`${name} cannot be deleted: it holds a load balancer with deletion protection on`);
  }

  const stacks = new Map(world.stacks);
  for (const [name, s] of assembly) stacks.set(name, s);
  for (const name of destroy) stacks.delete(name);
  const leftovers = [...world.leftovers, ...[...steps.values()].flatMap((s) => s.leftovers)];
  return { collisions, world: { stacks, leftovers } };
}

/** A stack must find every parameter it reads when it deploys, and keep it while it is deployed. */
function parameterGaps(
  world: World,
  assembly: ReadonlyMap<string, AssemblyStack>,
  steps: ReadonlyMap<string, Step>,
  before: ReadonlyMap<string, ReadonlySet<string>>,
): string[] {
  const gaps: string[] = [];
  const providersOld = new Map<string, string>();
  for (const [name, s] of world.stacks) for (const p of provides(s)) providersOld.set(p, name);
  const providersNew = new Map<string, string>();
  for (const [name, s] of world.stacks) if (!assembly.has(name)) for (const p of provides(s)) providersNew.set(p, name);
  for (const [name, s] of steps) for (const p of s.providesNew) providersNew.set(p, name);
  for (const [x, sx] of steps) {
    for (const p of sx.usesNew) {
      // Parameters outside cityplan's own (the CDK bootstrap version) exist before any estate.
      if (!p.startsWith('/cityplan/')) continue;
      const provider = providersNew.get(p);
      if (!provider) gaps.push(`${x} reads ${p}, which no stack provides`);
      else if (provider !== x && steps.has(provider) && !steps.get(provider)!.providesOld.has(p) && !before.get(x)!.has(provider)) {
        gaps.push(`${x} may deploy before ${provider}, which creates ${p} that it reads`);
      }
    }
  }
  // A parameter that goes away must not be read by anyone afterwards, nor before its reader moved off it.
  for (const [p, provider] of providersOld) {
    if (providersNew.has(p)) continue;
    for (const [w, s] of world.stacks) {
      if (w === provider) continue;
      const step = steps.get(w);
      if (!step) {
        if (uses(s).has(p)) gaps.push(`${w} still reads ${p}, which ${provider} removes`);
      } else if (step.usesNew.has(p)) {
        gaps.push(`${w} still reads ${p}, which ${provider} removes`);
      } else if (step.usesOld.has(p) && steps.has(provider) && !before.get(provider)!.has(w)) {
        gaps.push(`${provider} may remove ${p} before ${w} stops reading it`);
      }
    }
  }
  return gaps;
}

function transitiveDependencies(assembly: ReadonlyMap<string, AssemblyStack>): Map<string, Set<string>> {
  const closure = new Map<string, Set<string>>();
  const visit = (name: string): Set<string> => {
    const known = closure.get(name);
    if (known) return known;
    const set = new Set<string>();
    closure.set(name, set);
    for (const d of assembly.get(name)?.dependencies ?? []) {
      set.add(d);
      for (const t of visit(d)) set.add(t);
    }
    return set;
  };
  for (const name of assembly.keys()) visit(name);
  return closure;
}

/** Every resource type the claims table classifies (for the test that nothing goes unclassified). */
export const CLASSIFIED_TYPES = new Set(Object.keys(CLAIMS));
