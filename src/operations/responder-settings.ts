/**
 * What the environment's responder needs to know about one service, as the JSON its stack
 * publishes in SSM (`parameter.responderSettings`). Kept small (a few hundred bytes: the standard
 * tier holds 4 KB) and free of anything secret.
 */
import type { ServiceSpec } from '../manifest/spec';
import type { ServiceSettings } from '../runtime/responder/context';

/** The settings of `service` as the responder reads them (its name comes from the parameter's). */
export function responderSettings(service: ServiceSpec, protect: boolean): Omit<ServiceSettings, 'service'> {
  return {
    kind: service.kind,
    ...(service.owner ? { owner: service.owner } : {}),
    cpu: service.cpu,
    memory: service.memory,
    // As the service runs it: taskRange in service-task.ts raises min in a protected environment.
    count: { min: Math.max(service.count.min, protect ? 2 : 1), max: service.count.max },
    runbooks: service.runbooks,
  };
}
