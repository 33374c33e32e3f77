/** Load Balanced Web Service → `web` (or `backend` when it has no Application Load Balancer, `http: false`). */
import { mapCommonFields, mapImage } from './common';
import { isMap, type LayerDraft, type Raw } from './draft';
import { mapHttp } from './http';
import type { LayerInput } from './workload';

export function mapWebLayer(raw: Raw, out: LayerDraft, input: LayerInput): void {
  const ctx = input.ctx;
  const http = raw.take('http');
  const web = input.kind === 'web';
  if (http === false) {
    if (!ctx.override) ctx.findings.add('http', 'the service had no Application Load Balancer (http: false); imported as a backend, reachable only by the services that call it', 'list it under calls: in the services that use it; if the internet reached it through a Network Load Balancer, see nlb');
    else ctx.findings.add('http', 'turning the load balancer off in one environment has no cityplan form', 'remove it, or give that environment a service of its own');
  } else if (isMap(http)) mapHttp(http, out, { ...ctx, web });
  mapImage(raw, out, { ...ctx, withPort: true, repo: input.repo });
  if (raw.has('image') && isMap(raw.data.image) && raw.data.image.healthcheck !== undefined) {
    ctx.findings.add('image.healthcheck', 'a web service is checked by its load balancer on health:; cityplan adds no container health check', 'make sure health: answers when the container is healthy');
  }
  mapCommonFields(raw, out, { ...ctx, web, job: false, movedToSecrets: input.movedToSecrets, deployment: true });
}
