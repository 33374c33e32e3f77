/**
 * Request-Driven Web Service (App Runner) → `web` on Fargate behind the environment's load
 * balancer, its nearest cityplan form; a private one (`http.private`) → `backend`.
 */
import { mapCommand, mapCount, mapImage, mapPlatform, mapPublish, mapSize, mapVariables, reportRest } from './common';
import { isMap, type LayerDraft, type Raw } from './draft';
import { mapHttp } from './http';
import type { LayerInput } from './workload';

export function mapRequestDrivenLayer(raw: Raw, out: LayerDraft, input: LayerInput): void {
  const ctx = input.ctx;
  const http = raw.take('http');
  if (isMap(http)) mapHttp(http, out, { ...ctx, web: input.kind === 'web' });
  mapImage(raw, out, { ...ctx, withPort: true, repo: input.repo });
  mapSize(raw, out);
  mapCount(raw, out, { ...ctx, web: input.kind === 'web', job: false });
  mapVariables(raw, out, { ...ctx, movedToSecrets: input.movedToSecrets });
  mapCommand(raw, out, ctx);
  mapPlatform(raw, ctx);
  mapPublish(raw, out, ctx);
  reportRest(raw, ctx);
}
