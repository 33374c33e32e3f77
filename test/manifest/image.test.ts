import { describe, expect, it } from 'vitest';
import { ecrImage, imageProblem } from '../../src/manifest/image';

describe('image references', () => {
  it.each([
    'nginx',
    'nginx:1.27',
    'public.ecr.aws/nginx/nginx:1.27',
    'public.ecr.aws/docker/library/python:3.12-slim',
    'ghcr.io/ministryofjustice/hmpps-book-a-prison-visit:2024-05-01.1',
    'localhost:5000/team/app_v2:latest',
    `nginx@sha256:${'a1'.repeat(32)}`,
    '123456789012.dkr.ecr.eu-west-2.amazonaws.com/justice/visits:abc123',
  ])('accepts %s', (reference) => expect(imageProblem(reference)).toBeUndefined());

  it.each([
    ['NGINX', 'repository names are lower case: nginx'],
    ['nginx:', "ends with ':' but gives no tag"],
    ['http://nginx', 'an image reference has no scheme: nginx'],
    ['nginx@sha256:abc', 'a digest is sha256: and 64 lower-case hex digits'],
    ['team//app', 'is not an image reference'],
    ['app:-x', 'is not an image reference'],
    ['not an image', 'without spaces'],
  ])('refuses %s: %s', (reference, message) => expect(imageProblem(reference)).toContain(message));

  it('reads the repository and tag or digest of a private ECR image', () => {
    expect(ecrImage('123456789012.dkr.ecr.eu-west-2.amazonaws.com/justice/visits:abc123')).toEqual({
      account: '123456789012',
      region: 'eu-west-2',
      repository: 'justice/visits',
      tagOrDigest: 'abc123',
    });
    expect(ecrImage(`123456789012.dkr.ecr.eu-west-2.amazonaws.com/app@sha256:${'b2'.repeat(32)}`)?.tagOrDigest).toBe(`sha256:${'b2'.repeat(32)}`);
    expect(ecrImage('public.ecr.aws/nginx/nginx:1.27')).toBeUndefined();
  });
});
