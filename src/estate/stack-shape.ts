/**
 * Service stacks by shape. Two service stacks have one shape when their inputs (stack-inputs.ts)
 * differ only in the service's name, its load balancer shard and its listener rule priority: a
 * department's estate holds thousands of services, most alike but for those. A plan builds one
 * stand-in stack per shape, whose service has a made-up name, shard and priority, and derives the stacks of that shape from it
 * (stack-stamp.ts) instead of building each with CDK; derive-then-compare against a real build of
 * one member guards every shape (cached-synthesis.ts).
 *
 * A made-up name has the length of the real one, so that any name CDK or cityplan would cut to an
 * AWS length limit is cut alike, and starts with a marker no real name has, so that a form of the
 * name the derivation does not know (cut, hashed, upper-cased) is found: the marker is left over.
 */
import { createHash } from 'node:crypto';
import { stackName } from '../naming/names';
import type { StackInputs } from './stack-inputs';
import type { StackPlan } from './stack-plan';
import { canonicalJson, stackKey } from './stack-cache';

/** What differs between two service stacks of one shape. */
export interface StackIdentity {
  /** The stack's name (`<estate>-<environment>-<service>`). */
  readonly stack: string;
  readonly service: string;
  /** The service's listener rule priority on its shard (web services only). */
  readonly priority?: number;
  /** The service's load balancer shard (web services on a shard other than 0 only). */
  readonly shard?: number;
}

/** A shape: its key in the plan cache, and the stand-in stack it is built as. */
export interface StackShape {
  /** SHA-256 of the inputs with the made-up name and priority (plus the code identity, as every cache key). */
  readonly key: string;
  /** The stand-in's identity: derivations start from it. */
  readonly standIn: StackIdentity;
  /** The stand-in's inputs: what compile.ts builds for the shape. */
  readonly inputs: StackInputs;
}

/** Starts every made-up name; a service whose name holds it is never derived (always built). */
export const STAND_IN_MARKER = 'zqjx';

/**
 * The priority every stand-in's listener rule gets: in the range an ALB accepts (1-50,000, AWS
 * Elastic Load Balancing quotas) and five digits, unlikely to stand for anything else in a template
 * (derive-then-compare catches a clash).
 */
export const STAND_IN_PRIORITY = 49157;

/**
 * The shard every stand-in is placed on: five digits, far above any shard an environment holds
 * (quotas.ts: about 20 load balancers an account by default), unlikely to stand for anything else.
 */
export const STAND_IN_SHARD = 80642;

/** What a real stack's inputs must not hold for it to be derived: the marker (in any case) or a made-up number. */
const MADE_UP = new RegExp(`${STAND_IN_MARKER}|${STAND_IN_PRIORITY}|${STAND_IN_SHARD}`, 'i');

/**
 * Shortest service name a stand-in is made for: the marker and two letters. Shorter names are
 * built, not derived (a made-up name of their length could not be told from other text).
 */
const SHORTEST_NAME = STAND_IN_MARKER.length + 2;

/**
 * The shape of a stack, or undefined for one that is always built: not a service stack, a name
 * shorter than SHORTEST_NAME, or inputs holding the marker or a made-up number anywhere.
 * @param root the environment's root (names.ts environmentRoot), part of every cache key
 */
export function shapeOf(inputs: StackInputs, root: string): StackShape | undefined {
  const identity = identityOf(inputs);
  if (!identity) return undefined;
  const { service } = identity;
  if (service.length < SHORTEST_NAME || !identity.stack.includes(service)) return undefined;
  // A setting holding the marker or a made-up number would be taken for the stand-in's own and
  // replaced in every member: such a service is built (a check of one member would not see it).
  if (MADE_UP.test(canonicalJson(inputs))) return undefined;
  const canonical = standInName(service.length, undefined);
  const key = stackKey(withIdentity(inputs, service, canonical), root);
  const name = standInName(service.length, key);
  const standInInputs = withIdentity(inputs, service, name);
  return {
    key,
    standIn: {
      stack: standInInputs.plan.name,
      service: name,
      ...(identity.priority !== undefined ? { priority: STAND_IN_PRIORITY } : {}),
      ...(identity.shard !== undefined ? { shard: STAND_IN_SHARD } : {}),
    },
    inputs: standInInputs,
  };
}

/** The identity of a service stack from its inputs. */
export function identityOf(inputs: StackInputs): StackIdentity | undefined {
  if (inputs.role !== 'service' || 'spec' in inputs || !inputs.plan.service) return undefined;
  const placement = inputs.props.placement as { priority?: number; shard?: number } | undefined;
  if (placement && placement.shard !== inputs.plan.shard) return undefined;
  return {
    stack: inputs.plan.name,
    service: inputs.plan.service,
    ...(placement?.priority !== undefined ? { priority: placement.priority } : {}),
    // Shard 0 keeps the ids target groups have always had (web-service-stack.ts): a shape of its own.
    ...(placement?.shard ? { shard: placement.shard } : {}),
  };
}

/**
 * A made-up service name of `length` characters: the marker, then letters a-p from the shape's key
 * (so that two shapes of one environment rarely share a stand-in name; the plan builds them apart
 * when they do), or q's for the name the key itself is computed with.
 */
function standInName(length: number, key: string | undefined): string {
  const tail = key ? [...createHash('sha256').update(key).digest('hex')].map((c) => String.fromCharCode(97 + parseInt(c, 16))).join('') : '';
  return (STAND_IN_MARKER + tail.padEnd(length, 'q')).slice(0, length);
}

/**
 * The inputs with the service's name replaced in every string and key, and its shard and priority
 * made up (the shard also in the name of the shard's stack, which the service's stack follows).
 */
function withIdentity(inputs: StackInputs, service: string, name: string): StackInputs {
  const swapped = swap(inputs, service, name) as StackInputs & { plan: StackPlan; props: Record<string, unknown> };
  const placement = swapped.props.placement as { shard: number; priority: number } | undefined;
  if (!placement) return swapped;
  if (placement.shard === 0) return { ...(swapped as StackInputs & { role: 'service' }), props: { ...swapped.props, placement: { ...placement, priority: STAND_IN_PRIORITY } } };
  const shardStack = stackName.ingress(swapped.props.estate as string, swapped.plan.environment, placement.shard);
  const standInShardStack = stackName.ingress(swapped.props.estate as string, swapped.plan.environment, STAND_IN_SHARD);
  return {
    ...(swapped as StackInputs & { role: 'service' }),
    plan: { ...swapped.plan, shard: STAND_IN_SHARD, dependsOn: swapped.plan.dependsOn.map((d) => (d === shardStack ? standInShardStack : d)) },
    props: { ...swapped.props, placement: { ...placement, shard: STAND_IN_SHARD, priority: STAND_IN_PRIORITY } },
  };
}

function swap(value: unknown, from: string, to: string): unknown {
  if (typeof value === 'string') return value.split(from).join(to);
  if (Array.isArray(value)) return value.map((v) => swap(v, from, to));
  if (value instanceof Map) return new Map([...value].map(([k, v]) => [swap(k, from, to), swap(v, from, to)]));
  if (value instanceof Set) return new Set([...value].map((v) => swap(v, from, to)));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [swap(k, from, to), swap(v, from, to)]));
  return value;
}
