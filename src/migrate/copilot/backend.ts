/** Backend Service → `backend`: its container health check or internal `http` health check → `health`. */
import { mapCommonFields, mapImage } from './common';
import { isMap, type LayerDraft, type Raw } from './draft';
import { healthPathOfCommand, mapHttp } from './http';
import type { LayerInput } from './workload';

export function mapBackendLayer(raw: Raw, out: LayerDraft, input: LayerInput): void {
  const ctx = input.ctx;
  const http = raw.take('http');
  if (isMap(http)) mapHttp(http, out, { ...ctx, web: false });
  const image = raw.data.image;
  if (isMap(image) && image.healthcheck !== undefined) {
    const path = healthPathOfCommand(image.healthcheck);
    if (path && out.fields.health === undefined) out.fields.health = path;
    if (path) {
      for (const key of Object.keys(image.healthcheck as object).filter((k) => k !== 'command')) {
        ctx.findings.add(`image.healthcheck.${key}`, 'cityplan sets the container health check\'s timing itself', 'make the health path answer within 5 seconds');
      }
    } else ctx.findings.add('image.healthcheck', 'the container health check fetches no http:// address cityplan could read a path from', 'set health: to the path the container answers on (cityplan checks it with wget or curl in the image), or health: none');
  }
  mapImage(raw, out, { ...ctx, withPort: true, repo: input.repo });
  mapCommonFields(raw, out, { ...ctx, web: false, job: false, movedToSecrets: input.movedToSecrets, deployment: true });
}
