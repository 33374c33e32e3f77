/**
 * The `http` section of Load Balanced Web Services, Backend Services and Request-Driven Web
 * Services: routing path, health check, aliases and the load balancer settings cityplan decides
 * itself.
 */
import { seconds } from './convert';
import { isMap, type LayerDraft, type MapContext } from './draft';
import { gracePeriod } from './common';

const HEALTH_PATH = /^\/[^\s]*$/;
/** A lower-case DNS name, as cityplan's `hostnames` take them (src/manifest/schema.ts). */
const DNS_NAME = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/;

/** Load balancer settings cityplan decides for every web service, with what to do instead. */
const DECIDED: Readonly<Record<string, { why: string; todo: string }>> = {
  target_container: { why: 'cityplan routes to the service container itself (tasks have one container)', todo: 'serve the traffic from the main container' },
  target_port: { why: 'cityplan routes to port:', todo: 'listen on port: in the container' },
  stickiness: { why: 'cityplan target groups have no sticky sessions', todo: 'keep session state in the database or cache, not in a task' },
  allowed_source_ips: { why: 'cityplan web services are public behind the shard\'s WAF; per-service IP allow lists are not offered', todo: 'make it a backend reached through calls, or raise the allow list with the platform team' },
  redirect_to_https: { why: 'cityplan always redirects HTTP to HTTPS', todo: 'nothing' },
  version: { why: 'cityplan target groups speak HTTP/1.1', todo: 'serve HTTP/1.1 to the load balancer (browsers still get HTTP/2 from it)' },
  additional_rules: { why: 'cityplan gives a service one rule (its host names) to one port', todo: 'serve the extra paths from the same port, or split them into services of their own' },
  deregistration_delay: { why: 'cityplan sets the deregistration delay itself', todo: 'make the container finish requests within 30 seconds of SIGTERM' },
  alb: { why: 'cityplan web services share the environment\'s own load balancer shards; an imported ALB is not used', todo: 'move the DNS names to cityplan as the cut-over guide says' },
  hosted_zone: { why: 'cityplan writes DNS records in the environment\'s zone (zoneId in estate.yaml)', todo: 'make sure the zone of each alias is the environment\'s zone, or a zone delegated from it' },
  private: { why: 'a private App Runner service', todo: 'check the imported backend is reached only by the services that call it' },
  healthcheck: { why: 'not a health check cityplan can read', todo: 'set health: to the path the load balancer checks' },
};

/**
 * `http` → `health`, `healthGrace` and `hostnames` for a web service (`web` true) or a backend,
 * whose aliases are reported (cityplan backends are reached by name through calls). `path` other
 * than `/` is reported: a cityplan service takes all paths of its host names.
 */
export function mapHttp(http: Record<string, unknown>, out: LayerDraft, ctx: MapContext & { web: boolean }): void {
  const f = ctx.findings;
  for (const [key, value] of Object.entries(http)) {
    if (value === undefined || value === null) continue;
    if (key === 'path') {
      if (value !== '/' && value !== '' && value !== '*') {
        f.add('http.path', `Copilot routed only ${String(value)} to this service; a cityplan service takes every path of its host names`, 'give the service a host name of its own (hostnames:), or serve the other paths from it');
      }
    } else if (key === 'healthcheck') {
      const path = typeof value === 'string' ? value : isMap(value) ? value.path : undefined;
      if (typeof path === 'string' && HEALTH_PATH.test(path)) out.fields.health = path;
      else if (path !== undefined) f.add('http.healthcheck', `'${String(path)}' is not a path cityplan can check`, 'set health: to a path starting with /');
      if (isMap(value)) {
        const grace = gracePeriod(value);
        if (grace !== undefined) out.fields.healthGrace = grace;
        for (const k of Object.keys(value).filter((k) => k !== 'path' && k !== 'grace_period')) {
          f.add(`http.healthcheck.${k}`, 'cityplan sets the load balancer health check\'s thresholds, interval, codes and port itself', 'make the health path answer 200 within 5 seconds on the service port');
        }
      }
    } else if (key === 'alias') {
      const names = aliases(value);
      if (!ctx.web) {
        f.add('http.alias', 'a cityplan backend is reached by the services that call it at its own name, not at aliases', 'list this backend under calls: in the services that use it');
        continue;
      }
      const good = names.map((n) => n.name.toLowerCase()).filter((n) => DNS_NAME.test(n));
      for (const n of names) {
        if (!DNS_NAME.test(n.name.toLowerCase())) f.add('http.alias', `'${n.name}' is not a DNS name cityplan can serve (wildcards are not offered)`, 'list each name the service answers to under hostnames:');
        if (n.hostedZone) f.add('http.alias', `${n.name} had its record in hosted zone ${n.hostedZone}`, DECIDED.hosted_zone!.todo);
      }
      if (good.length > 0) out.fields.hostnames = [...new Set(good)];
    } else if (key === 'timeout' && !ctx.web) {
      f.add('http.healthcheck.timeout', 'cityplan sets health check timeouts itself', 'nothing');
    } else {
      const known = DECIDED[key] ?? { why: 'not an http field cityplan knows', todo: 'check whether the service relies on it' };
      if (key === 'redirect_to_https' && value === true) continue;
      f.add(`http.${key}`, known.why, known.todo);
    }
  }
}

/** `http.alias`: a name, a list of names, or a list of `{name, hosted_zone}`. */
function aliases(value: unknown): Array<{ name: string; hostedZone?: string }> {
  const one = (v: unknown) =>
    typeof v === 'string' ? [{ name: v }] : isMap(v) && typeof v.name === 'string' ? [{ name: v.name, ...(typeof v.hosted_zone === 'string' ? { hostedZone: v.hosted_zone } : {}) }] : [];
  return Array.isArray(value) ? value.flatMap(one) : one(value);
}

/**
 * A container health check command (`image.healthcheck.command`) as cityplan's `health` path: the
 * path of the first http(s)://host[:port]/path it fetches (curl or wget), or undefined.
 */
export function healthPathOfCommand(healthcheck: unknown): string | undefined {
  const command = isMap(healthcheck) ? healthcheck.command : undefined;
  const text = Array.isArray(command) ? command.join(' ') : typeof command === 'string' ? command : '';
  const url = /https?:\/\/[^\s/'"]+(\/[^\s'"|;&]*)?/.exec(text);
  if (!url) return undefined;
  return url[1] && HEALTH_PATH.test(url[1]) ? url[1] : '/';
}

/** The seconds of a health check grace period in a container health check (`start_period`). */
export function startPeriod(healthcheck: unknown): number | undefined {
  return isMap(healthcheck) ? seconds(healthcheck.start_period) : undefined;
}
