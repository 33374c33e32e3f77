/**
 * Request-Driven Web Service (App Runner) → `web` on Fargate behind the environment's load
 * balancer, its nearest cityplan form; a private one (`http.private`) → `backend`.
 */
import { mapCommonFields, mapImage } from './common';
import { isMap, type LayerDraft, type Raw } from './draft';
import { mapHttp } from './http';
import type { LayerInput } from './workload';

export function mapRequestDrivenLayer(raw: Raw, out: LayerDraft, input: LayerInput): void {
  const ctx = input.ctx;
  const http = raw.take('http');
  if (isMap(http)) mapHttp(http, out, { ...ctx, web: input.kind === 'web' });
  mapImage(raw, out, { ...ctx, withPort: true, repo: input.repo });
  mapCommonFields(raw, out, { ...ctx, web: input.kind === 'web', job: false, appRunner: true, movedToSecrets: input.movedToSecrets, deployment: false });
}
