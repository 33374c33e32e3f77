/**
 * What in a service's `env` looks like a credential: plain configuration is written into the task
 * definition, the template and the plan, where a password must never be. Credentials go in
 * `secrets` (Secrets Manager), so these checks send them there.
 *
 * A key is judged by its last words only: DB_PASSWORD and STRIPE_API_KEY are credentials, while
 * TOKEN_URL, PASSWORD_MIN_LENGTH or SECRET_NAME are configuration about one and stay in `env`. A
 * false alarm costs a rename; a missed password sits in every template, so the list leans wide.
 */

/** Last words (underscore-separated, any case) that name a credential. */
const CREDENTIAL_ENDINGS: readonly string[][] = [
  ['PASSWORD'],
  ['PASSWD'],
  ['PASSPHRASE'],
  ['SECRET'],
  ['TOKEN'],
  ['APIKEY'],
  ['CREDENTIAL'],
  ['CREDENTIALS'],
  ['API', 'KEY'],
  ['PRIVATE', 'KEY'],
  ['ACCESS', 'KEY'],
  ['SECRET', 'KEY'],
  ['SIGNING', 'KEY'],
  ['ENCRYPTION', 'KEY'],
  // AWS_ACCESS_KEY_ID: the id alone is not secret, but it is only ever set beside its secret key,
  // and a task has its role's credentials already.
  ['ACCESS', 'KEY', 'ID'],
];

/** Whether an `env` key names a credential (see CREDENTIAL_ENDINGS). */
export function isCredentialKey(key: string): boolean {
  const words = key.toUpperCase().split(/[_.-]+/).filter((w) => w !== '');
  return CREDENTIAL_ENDINGS.some((end) => end.length <= words.length && end.every((w, i) => words[words.length - end.length + i] === w));
}

const EMBEDDED: ReadonlyArray<{ readonly pattern: RegExp; readonly what: string }> = [
  // scheme://user:password@host — the user part alone (scheme://user@host) is no credential.
  { pattern: /[a-z][a-z0-9+.-]*:\/\/[^/\s:@]*:[^/\s@]+@/i, what: 'a URL with a password in it' },
  { pattern: /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/, what: 'a private key' },
  // Access key ids: AKIA (long-term) or ASIA (temporary) and 16 more upper-case letters or digits.
  { pattern: /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/, what: 'an AWS access key id' },
];

/**
 * What kind of credential an `env` value embeds, in words (never the value itself), or undefined.
 * @example embeddedCredential('postgres://app:hunter2@db:5432/app') // 'a URL with a password in it'
 */
export function embeddedCredential(value: string): string | undefined {
  return EMBEDDED.find((e) => e.pattern.test(value))?.what;
}
