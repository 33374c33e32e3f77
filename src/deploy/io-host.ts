import { type IIoHost, type IoMessage, type IoRequest, NonInteractiveIoHost } from '@aws-cdk/toolkit-lib';
import { type CredentialTrouble, credentialTrouble } from './credentials';

/** "✨ Synthesis time: …s", which the toolkit reports on every read of an assembly. */
const QUIET = 'CDK_TOOLKIT_I1000';

interface TemplateDiffLike {
  readonly resources?: { readonly changes?: Readonly<Record<string, { readonly oldValue?: unknown }>> };
}

/**
 * The toolkit's I/O host for `cityplan deploy`: prints what the toolkit prints, and records what
 * AWS confirmed (stacks deployed, with their outputs; stacks deleted), so that the lock records
 * exactly that, even when the deploy fails part way.
 *
 * It keeps what the toolkit's log says of unusable credentials, which its errors do not say.
 *
 * It also refuses to deploy over a stack that no cityplan deploy has touched (by the lock) but that
 * already exists in AWS: that happens when the lock was lost or replaced, and deploying the plan
 * then could reassign rule priorities or names the deployed stacks hold.
 */
export class DeployRecorder implements IIoHost {
  /** Stacks deployed, with their outputs. */
  readonly deployed = new Map<string, Readonly<Record<string, string>>>();
  readonly destroyed = new Set<string>();
  /** Stacks the lock did not know that turned out to exist: the toolkit was told not to deploy them. */
  readonly refused: string[] = [];
  /** Stacks the toolkit went on to deploy (asked, and told yes), whatever came of it. */
  readonly attempted = new Set<string>();
  /** What the toolkit's log said was wrong with the credentials, if it did (see credentials.ts). */
  credentials?: CredentialTrouble;

  constructor(
    /** Stacks the previous lock did not know. */
    private readonly unknown: ReadonlySet<string>,
    private readonly inner: IIoHost = new NonInteractiveIoHost(),
  ) {}

  async notify(msg: IoMessage<unknown>): Promise<void> {
    this.credentials ??= credentialTrouble(msg.message ?? '');
    if (msg.code === 'CDK_TOOLKIT_I5900') {
      const result = msg.data as { stackArn?: string; outputs?: Record<string, string> };
      // arn:aws:cloudformation:<region>:<account>:stack/<name>/<id>
      const name = result.stackArn?.split(':')[5]?.split('/')[1];
      if (name) this.deployed.set(name, result.outputs ?? {});
    } else if (msg.code === 'CDK_TOOLKIT_I7900') {
      const name = (msg.data as { stackName?: string }).stackName;
      if (name) this.destroyed.add(name);
    }
    // Synthesis times are of the toolkit's own reading of the assembly cityplan wrote: noise to the user.
    if (msg.code === QUIET) return;
    return this.inner.notify(msg);
  }

  async requestResponse<T>(msg: IoRequest<unknown, T>): Promise<T> {
    if (msg.code === 'CDK_TOOLKIT_I5060') {
      const diffs = (msg.data as { templateDiffs?: Record<string, TemplateDiffLike> }).templateDiffs ?? {};
      for (const [name, diff] of Object.entries(diffs)) {
        const exists = Object.values(diff.resources?.changes ?? {}).some((c) => c.oldValue !== undefined);
        // A stack this deploy itself went ahead with earlier (the foundation of a new zone) is known.
        if (this.unknown.has(name) && !this.attempted.has(name) && exists) {
          this.refused.push(name);
          return false as T;
        }
      }
      const answer = await this.inner.requestResponse(msg);
      if (answer) for (const name of Object.keys(diffs)) this.attempted.add(name);
      return answer;
    }
    return this.inner.requestResponse(msg);
  }
}
