/**
 * Image references as Docker and ECS read them (the grammar of the distribution project's
 * `reference` package, which the Docker engine and the ECS agent use):
 *
 *   [registry[:port]/]path[:tag][@algorithm:digest]
 *
 * path components are lower-case letters and digits, joined by `.`, `_`, `__` or dashes; a tag is
 * at most 128 of `[A-Za-z0-9_.-]`, not starting with `.` or `-`; a sha256 digest is 64 hex digits.
 * ECS would accept a wrong reference at deploy time and then fail every task with
 * CannotPullContainerError, so a wrong one is a problem at plan time.
 */

const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const REGISTRY = '(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::\\d+)?)';
const REFERENCE = new RegExp(`^(?:(${REGISTRY})/)?(${COMPONENT}(?:/${COMPONENT})*)(?::([\\w][\\w.-]{0,127}))?(?:@(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128}))?$`);

/** An image in a private ECR repository: `<account>.dkr.ecr.<region>.amazonaws.com[.cn]/<repo>[:tag|@digest]`. */
export interface EcrImage {
  readonly account: string;
  readonly region: string;
  readonly repository: string;
  /** The tag, or the digest (`sha256:…`); `latest` when the reference gives neither, as Docker reads it. */
  readonly tagOrDigest: string;
}

const ECR = /^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/([^:@]+)(?::([^@]+))?(?:@(.+))?$/;

/** What is wrong with an image reference, with a right one; undefined when it is valid. */
export function imageProblem(reference: string): string | undefined {
  if (/\s/.test(reference)) return 'must be an image reference without spaces, such as public.ecr.aws/nginx/nginx:1.27';
  if (/^[a-z]+:\/\//i.test(reference)) return `an image reference has no scheme: ${reference.replace(/^[a-z]+:\/\//i, '')}`;
  if (reference.endsWith(':')) return `ends with ':' but gives no tag; add one, such as ${reference}1.0, or drop the ':'`;
  const [name] = reference.split(/[:@]/);
  if (name && name !== name.toLowerCase() && !name.includes('/')) return `repository names are lower case: ${reference.replace(name, name.toLowerCase())}`;
  const digest = /@(.*)$/.exec(reference)?.[1];
  if (digest !== undefined && !/^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/.test(digest)) return 'a digest is sha256: and 64 lower-case hex digits, such as @sha256:' + 'ab12'.repeat(16);
  if (!REFERENCE.test(reference)) return 'is not an image reference; such as public.ecr.aws/nginx/nginx:1.27, or <account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag>';
  return undefined;
}

/** The ECR repository an image lives in, when it is a private ECR image; undefined otherwise. */
export function ecrImage(reference: string): EcrImage | undefined {
  const m = ECR.exec(reference);
  if (!m) return undefined;
  return { account: m[1]!, region: m[2]!, repository: m[3]!, tagOrDigest: m[5] ?? m[4] ?? 'latest' };
}
