/**
 * Why a deploy found no AWS credentials it could use, in the user's words.
 *
 * @aws-cdk/toolkit-lib (SdkProvider.defaultAccount) takes credentials that STS rejects, or that
 * have expired, for no credentials at all, and fails with "…but no credentials have been
 * configured". Why is only in its log, which reaches the I/O host: a debug message
 * "Unable to determine the default AWS account (<error name>): <message>", or for expired ones a
 * warning "There are expired AWS credentials in your environment…".
 */

/** What was wrong with the credentials of this shell. */
export interface CredentialTrouble {
  /**
   * none: the SDK found no credentials; expired; rejected: STS refused them; unusable: found but
   * not loadable (a profile that is not there, say); unchecked: STS could not be asked (network).
   */
  readonly kind: 'none' | 'expired' | 'rejected' | 'unusable' | 'unchecked';
  /** The SDK's error name and message. */
  readonly detail: string;
}

/** STS's and the SDK's error names for credentials that were valid once. */
const EXPIRED = new Set(['ExpiredToken', 'ExpiredTokenException', 'RequestExpired', 'TokenRefreshRequired']);
/** Error names for credentials STS does not accept. */
const REJECTED = new Set([
  'InvalidClientTokenId',
  'SignatureDoesNotMatch',
  'UnrecognizedClientException',
  'InvalidAccessKeyId',
  'IncompleteSignature',
  'AccessDenied',
  'AccessDeniedException',
]);

/**
 * What one toolkit message says of the credentials, or undefined when it says nothing of them.
 * @param message an I/O message's text
 */
export function credentialTrouble(message: string): CredentialTrouble | undefined {
  if (/^There are expired AWS credentials/.test(message)) return { kind: 'expired', detail: 'ExpiredToken' };
  const found = /^Unable to determine the default AWS account \(([^)]*)\): ([\s\S]*)$/.exec(message);
  if (!found) return undefined;
  const [, name = '', text = ''] = found;
  const detail = `${name}: ${text.trim()}`;
  if (EXPIRED.has(name) || /expired/i.test(text)) return { kind: 'expired', detail };
  if (REJECTED.has(name)) return { kind: 'rejected', detail };
  if (name === 'CredentialsProviderError') {
    return /Could not load credentials from any providers/i.test(text) ? { kind: 'none', detail } : { kind: 'unusable', detail };
  }
  return { kind: 'unchecked', detail };
}

const SET_THEM = 'for example AWS_PROFILE, or aws sso login, with roles trusted by the target accounts’ CDK bootstrap';

/**
 * Why a deploy that failed with `error` stopped, when it was for want of usable credentials.
 *
 * @param trouble what the toolkit's messages said of the credentials (credentialTrouble)
 * @returns the explanation (without "deploy failed: "), or undefined when the failure was not
 *   about credentials
 */
export function explainCredentialFailure(error: Error, trouble: CredentialTrouble | undefined): string | undefined {
  const expired = error.name === 'AssumeRoleExpiredToken' || EXPIRED.has(error.name);
  const none = error.name === 'NoCredentials' || /no credentials have been configured/.test(error.message);
  if (!expired && !none) return undefined;
  const kind = expired ? 'expired' : (trouble?.kind ?? 'none');
  const detail = trouble?.detail ?? error.message;
  switch (kind) {
    case 'expired':
      return `the AWS credentials of this shell have expired (${detail}): renew them (${SET_THEM}), then run cityplan deploy again`;
    case 'rejected':
      return `AWS rejected the credentials of this shell (${detail}): they are not valid (an access key deleted, or mistyped); set valid ones (${SET_THEM}), then run cityplan deploy again`;
    case 'unusable':
      return `the AWS credentials of this shell could not be loaded (${detail}): check AWS_PROFILE and ~/.aws/config, then run cityplan deploy again`;
    case 'unchecked':
      return `the AWS credentials of this shell could not be checked with AWS STS (${detail}): check the network (or a proxy) to AWS, then run cityplan deploy again`;
    case 'none':
      return `${error.message}; no AWS credentials were found in this shell: set them (${SET_THEM}) first`;
  }
}

/**
 * What an AWS SDK error (from a client cityplan calls itself: STS, SSM) says of the credentials,
 * or undefined when it is about something else (a missing parameter, the network).
 */
export function sdkCredentialTrouble(error: Error): CredentialTrouble | undefined {
  const detail = `${error.name}: ${error.message}`;
  if (EXPIRED.has(error.name) || /expired/i.test(error.message)) return { kind: 'expired', detail };
  if (REJECTED.has(error.name)) return { kind: 'rejected', detail };
  if (error.name === 'CredentialsProviderError') {
    return /Could not load credentials from any providers/i.test(error.message) ? { kind: 'none', detail } : { kind: 'unusable', detail };
  }
  return undefined;
}

/**
 * One line saying why a command could not use the credentials of this shell, telling none apart
 * from wrong ones (rejected, expired, unloadable).
 * @param command the command to run again, such as `cityplan rollback`
 */
export function describeCredentialTrouble(trouble: CredentialTrouble, command: string): string {
  switch (trouble.kind) {
    case 'none':
      return `no AWS credentials were found in this shell: set them (${SET_THEM}), then run ${command} again`;
    case 'expired':
      return `the AWS credentials of this shell have expired (${trouble.detail}): renew them, then run ${command} again`;
    case 'rejected':
      return `AWS rejected the credentials of this shell (${trouble.detail}): they are not valid (an access key deleted, or mistyped); set valid ones, then run ${command} again`;
    case 'unusable':
      return `the AWS credentials of this shell could not be loaded (${trouble.detail}): check AWS_PROFILE and ~/.aws/config, then run ${command} again`;
    case 'unchecked':
      return `the AWS credentials of this shell could not be checked with AWS STS (${trouble.detail}): check the network (or a proxy) to AWS, then run ${command} again`;
  }
}
