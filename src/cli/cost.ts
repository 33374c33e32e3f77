import { join } from 'node:path';
import { estimateCost, type CostEstimate, type CostLine, type ServiceCost, unpricedRegions } from '../cost/estimate';
import { prepareEstate } from '../estate/prepare';
import { environmentNamed } from '../estate/plan';
import { ESTATE_FILE } from '../manifest/load';
import { EstateError, type Problem } from '../manifest/problems';
import { YamlSource } from '../manifest/yaml-source';
import type { Output } from './output';
import { table } from './text-table';

export interface CostFlags {
  readonly env?: string;
  readonly json?: boolean;
}

/**
 * `cityplan cost <dir> [--env E] [--json]`: the estate's monthly estimate from the dated price
 * table (src/cost). Reads the estate and the lock as validate does and writes nothing.
 * Exit 0; 1 when the estate is wrong or in a region the table does not price; 2 for an unknown --env.
 */
export function costCommand(dir: string, flags: CostFlags, io: Output): number {
  const { spec, allocation } = prepareEstate(dir);
  if (flags.env !== undefined) environmentNamed(spec, flags.env);
  const options = flags.env ? { environment: flags.env } : {};
  // Only what is asked for must be priced: --env production is not refused for staging's region.
  const unpriced = unpricedRegions(spec, options);
  if (unpriced.length > 0) throw new EstateError(atLines(dir, unpriced, spec.environments.filter((e) => e.region === spec.region).map((e) => e.name)), 'the estate (cost)');
  const estimate = estimateCost(spec, allocation, options);
  io.out(flags.json ? JSON.stringify(estimate, null, 2) : render(estimate));
  return 0;
}

/**
 * The problems at the line that sets the region: the environment's own `region`, or the estate's
 * `region` that it inherits.
 */
function atLines(dir: string, problems: readonly Problem[], inheriting: readonly string[]): Problem[] {
  const { source } = YamlSource.read(join(dir, ESTATE_FILE), ESTATE_FILE);
  if (!source) return [...problems];
  return problems.map((p) => {
    const env = /^environments\.([^.]+)\.region$/.exec(p.field ?? '')?.[1];
    const path = env && !inheriting.includes(env) ? ['environments', env, 'region'] : ['region'];
    return { ...source.problem(path, p.message), field: p.field };
  });
}

const usd = (n: number) => `$${n.toLocaleString('en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const mark = (l: CostLine) => (l.unverified ? '*' : '');

/** The three largest lines, for the table's "main drivers" column. */
function drivers(s: ServiceCost): string {
  return [...s.lines]
    .sort((a, b) => b.monthly - a.monthly)
    .slice(0, 3)
    .filter((l) => l.monthly > 0)
    .map((l) => `${l.item} ${usd(l.monthly)}${mark(l)}`)
    .join('; ');
}

function render(e: CostEstimate): string {
  const out: string[] = [];
  for (const env of e.environments) {
    out.push(`${env.name} (${env.region}, egress ${env.egress}): ${usd(env.monthly)} a month`, '');
    // A new estate (services/ still empty) still pays for its foundation: say so rather than print a bare header.
    if (env.services.length === 0) out.push('  no services yet', '');
    else {
      const rows = env.services.map((s) => [s.name, s.kind, usd(s.monthly), usd(s.ceiling), drivers(s)]);
      out.push(...table(['service', 'kind', 'monthly', 'at count.max', 'main drivers'], rows).map((l) => `  ${l}`), '');
    }
    out.push('  shared');
    out.push(...table(['item', 'quantity', 'monthly'], env.shared.map((l) => [l.item, `${l.quantity.toLocaleString('en-GB')} ${l.unit}`, `${usd(l.monthly)}${mark(l)}`])).map((l) => `    ${l}`));
    const services = env.services.reduce((n, s) => n + s.monthly, 0);
    out.push('', `  services ${usd(Math.round(services * 100) / 100)} + shared ${usd(Math.round((env.monthly - services) * 100) / 100)} = ${usd(env.monthly)}`);
    const alb = e.comparisons.oneAlbPerService.find((c) => c.environment === env.name);
    if (alb && alb.webServices > 0) {
      out.push(`  load balancers: ${alb.shards} shard${alb.shards === 1 ? '' : 's'} for ${alb.webServices} web service${alb.webServices === 1 ? '' : 's'} ${usd(alb.sharded)}; one per web service would be ${usd(alb.oneAlbPerService)} (${usd(alb.saving)} more a month)`);
    }
    const eg = e.comparisons.egress.find((c) => c.environment === env.name);
    if (eg) {
      const modes = (['nat', 'nat-single', 'endpoints'] as const).map((m) => `${m} ${usd(eg.monthly[m])}${m === eg.current ? ' (current)' : ''}`);
      out.push(`  egress (${eg.gb.toLocaleString('en-GB')} GB a month): ${modes.join(' · ')}`);
    }
    out.push('');
  }
  if (e.delivery) {
    out.push(`delivery account ${e.delivery.account} (${e.delivery.region}): ${usd(e.delivery.monthly)} a month`, '');
    if (e.delivery.services.length === 0) out.push('  no pipelines yet', '');
    else out.push(...table(['pipeline', 'monthly', 'main drivers'], e.delivery.services.map((s) => [s.name, usd(s.monthly), drivers(s)])).map((l) => `  ${l}`), '');
  }
  out.push(`total: ${usd(e.total)} a month`, '');
  out.push(`An estimate from AWS list prices (${e.currency}, on-demand, dated ${e.priceDate}; ${e.hoursPerMonth} hours a month as AWS counts), not a bill: data transfer to the internet, free tiers, discounts, support and taxes are not in it (docs/cost.md).`);
  const u = e.usage.serviceDefaults;
  out.push(
    `Usage assumed where a service's usage does not say: ${u.requestsPerMonth.toLocaleString('en-GB')} requests, ${u.logGBPerMonth} GB of logs, ${u.networkGBPerMonth} GB of network, ${u.messagesPerMonth.toLocaleString('en-GB')} messages, ${u.buildsPerMonth} builds and (jobs) ${u.jobHoursPerMonth} hours a month; buckets ${u.bucketGB} GB and ${u.bucketRequestsPerMonth.toLocaleString('en-GB')} requests; caches ${u.cacheGB} GB; databases ${u.databaseGB}.`,
    `Estate usage: builds of ${e.usage.estate.buildMinutes} minutes, deployments of ${e.usage.estate.deployMinutes}, ${e.usage.estate.dnsQueriesPerMonth.toLocaleString('en-GB')} DNS queries and ${e.usage.estate.configEvaluationsPerMonth.toLocaleString('en-GB')} Config evaluations a month per environment. Set usage: in estate.yaml and in service files to replace them.`,
  );
  if (e.usage.overrides.length > 0) out.push(`Services with their own usage: ${e.usage.overrides.map((o) => `${o.service} (${o.environment})`).join(', ')}.`);
  if (e.unverified.length > 0) {
    out.push(`* rests on a price that could not be checked on ${e.priceDate} (${e.unverified.length}): ${e.unverified.map((p) => `${p.region} ${p.price}`).join(', ')}.`);
  }
  return out.join('\n');
}
