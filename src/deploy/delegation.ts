import { Resolver } from 'node:dns/promises';

/** Looks up the name servers a domain resolves to; rejects when it has none (not delegated). */
export type ResolveNs = (domain: string) => Promise<string[]>;

export const resolveNs: ResolveNs = (domain) => new Resolver({ timeout: 5000, tries: 2 }).resolveNs(domain);

const normal = (ns: string) => ns.toLowerCase().replace(/\.$/, '');

/**
 * Whether `domain` is delegated to `nameServers`: the name servers it resolves to are all among
 * them. A lookup that fails (NXDOMAIN, no answer, no network) is taken as not delegated yet.
 */
export async function isDelegated(domain: string, nameServers: readonly string[], resolve: ResolveNs = resolveNs): Promise<boolean> {
  const expected = new Set(nameServers.map(normal));
  try {
    const found = (await resolve(domain)).map(normal);
    return found.length > 0 && found.every((ns) => expected.has(ns));
  } catch {
    return false;
  }
}

export interface Waiting {
  readonly resolve?: ResolveNs;
  /** Resolves after `ms` milliseconds. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** How long to keep looking, in minutes; 0 looks once. */
  readonly minutes: number;
  /** Time between looks, in milliseconds. @default 30000 */
  readonly every?: number;
}

/** Looks up the delegation until it resolves or the time is up; true once it resolves. */
export async function waitForDelegation(domain: string, nameServers: readonly string[], waiting: Waiting): Promise<boolean> {
  const every = waiting.every ?? 30_000;
  const sleep = waiting.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const looks = Math.max(1, Math.floor((waiting.minutes * 60_000) / every) + 1);
  for (let i = 0; i < looks; i++) {
    if (i > 0) await sleep(every);
    if (await isDelegated(domain, nameServers, waiting.resolve)) return true;
  }
  return false;
}
