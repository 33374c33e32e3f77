/**
 * Copilot services reached each other by service discovery, at
 * `<service>.<environment>.<application>.local` (Copilot fills `${COPILOT_SERVICE_DISCOVERY_ENDPOINT}`
 * with `<environment>.<application>.local`), or by Service Connect at `http://<service>` (Copilot's
 * "Service Discovery" and "Service Connect" documentation). Under cityplan that name no longer
 * resolves: a caller lists the service under `calls` and reaches it at `http://<name>:<port>` over
 * the environment's service network (docs/manifest.md, "Calls between services"). So addresses in
 * `env` are rewritten, `calls` added, and each rewrite reported; an address of a service cityplan
 * cannot call (a worker, a job, one not in the application) is reported for the team to change.
 */
import type { LayerDraft } from './draft';
import type { Findings } from './report';
import type { ServiceDraft } from './workload';

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Rewrites the service-discovery addresses in `d`'s variables (base and overrides) to cityplan's
 * `<name>:<port>`, adding each callee to `calls`. Run before `${COPILOT_*}` names are filled in.
 */
export function rewriteServiceAddresses(d: ServiceDraft, all: readonly ServiceDraft[], application: string, envNames: ReadonlyMap<string, string>, f: Findings): void {
  const envs = [...envNames.keys()].map(escape).join('|');
  // <service>.<env>.<app>.local, with the environment as Copilot's name or its placeholder, or
  // <service>.${COPILOT_SERVICE_DISCOVERY_ENDPOINT}; then an optional :port.
  const address = new RegExp(
    `\\b([a-z0-9][a-z0-9-]*)\\.(?:\\$\\{COPILOT_SERVICE_DISCOVERY_ENDPOINT\\}|(?:\\$\\{COPILOT_ENVIRONMENT_NAME\\}${envs ? `|${envs}` : ''})\\.(?:${escape(application)}|\\$\\{COPILOT_APPLICATION_NAME\\})\\.local)(:\\d+)?`,
    'gi',
  );
  const calls = new Set<string>((d.base.fields.calls as string[] | undefined) ?? []);
  const layers: Array<[string, LayerDraft]> = [['', d.base], ...[...d.environments].map(([e, l]) => [`environments.${[...envNames].find(([, v]) => v === e)![0]}.`, l] as [string, LayerDraft])];
  for (const [where, layer] of layers) {
    const vars = layer.fields.env as Record<string, string> | undefined;
    for (const [key, value] of Object.entries(vars ?? {})) {
      const rewritten = value.replace(address, (match, service: string, port: string | undefined) => {
        const callee = all.find((o) => o.copilotName.toLowerCase() === service.toLowerCase());
        if (!callee || callee === d || (callee.kind !== 'backend' && callee.kind !== 'web') || d.kind === 'job') {
          const why = !callee
            ? `service ${service} is not in this application`
            : callee === d
              ? 'it is this service itself'
              : d.kind === 'job'
                ? 'a cityplan job calls no service: its tasks are not on the service network'
                : `${callee.name} is a ${callee.kind}, which takes no calls`;
          f.add(`${where}variables.${key}`, `names ${match}, a Copilot service-discovery address that does not resolve under cityplan (${why})`, 'change the address to one the service can reach');
          return match;
        }
        const callPort = port ?? (typeof callee.base.fields.port === 'number' ? `:${callee.base.fields.port}` : '');
        const to = `${callee.name}${callPort}`;
        calls.add(callee.name);
        f.add(`${where}variables.${key}`, `${match} is a Copilot service-discovery address; written as ${to}, cityplan's address for ${callee.name}, and ${callee.name} added to calls`, 'nothing, unless the code builds the address itself: then build it as http://<service>:<port>');
        return to;
      });
      vars![key] = rewritten;
      if (rewritten.includes('${COPILOT_SERVICE_DISCOVERY_ENDPOINT}')) {
        f.add(`${where}variables.${key}`, '${COPILOT_SERVICE_DISCOVERY_ENDPOINT} was <environment>.<application>.local, the service-discovery domain, which cityplan does not have', 'reach each service at http://<service>:<port> and list it under calls:');
      }
    }
  }
  if (calls.size > 0) d.base.fields.calls = [...calls].sort();
}
