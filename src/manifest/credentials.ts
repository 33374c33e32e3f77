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
  // AWS_SECRET_ACCESS (a truncated AWS_SECRET_ACCESS_KEY) and the like.
  ['SECRET', 'ACCESS'],
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
  // A property or flag set to a password in a command line (JAVA_OPTS: -Dspring.datasource.password=…,
  // --db-password=…): the value after = or : is the credential, unless it is a placeholder ${…}.
  { pattern: /(?:^|[\s,;])-{1,2}D?[\w.-]*(?:password|passwd|secret|token|api[._-]?key)\s*[=:]\s*(?!\$\{)[^\s$]/i, what: 'a password set on a command line' },
  // Access key ids: AKIA (long-term) or ASIA (temporary) and 16 more upper-case letters or digits.
  { pattern: /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/, what: 'an AWS access key id' },
  // Token forms their issuers document as recognisable, so that secret scanners find them: a
  // value of one of these shapes is a credential whatever the variable is called.
  // Stripe secret and restricted keys (Stripe, "API keys": sk_live_, sk_test_, rk_live_, rk_test_).
  { pattern: /\b[sr]k_(?:live|test)_[0-9A-Za-z]{10,}/, what: 'a Stripe secret key' },
  // Slack incoming webhooks (hooks.slack.com/services/…) and workflow webhooks: the URL is the credential.
  { pattern: /https:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/[0-9A-Za-z/_-]+/, what: 'a Slack webhook URL' },
  // Slack bot, user, app-level and refresh tokens (Slack, "Token types": xoxb-, xoxp-, xoxa-, xapp-, xoxe-).
  { pattern: /\b(?:xox[abpre]|xapp)-[0-9A-Za-z-]{10,}/, what: 'a Slack token' },
  // GitHub tokens (GitHub, "About authentication": ghp_, gho_, ghu_, ghs_, ghr_ and fine-grained github_pat_).
  { pattern: /\b(?:gh[pousr]_[0-9A-Za-z]{36,}|github_pat_[0-9A-Za-z_]{22,})/, what: 'a GitHub token' },
  // Google API keys: AIza and 35 more letters, digits, _ or -.
  { pattern: /\bAIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])/, what: 'a Google API key' },
];

/**
 * What kind of credential an `env` value embeds, in words (never the value itself), or undefined.
 * @example embeddedCredential('postgres://app:hunter2@db:5432/app') // 'a URL with a password in it'
 */
export function embeddedCredential(value: string): string | undefined {
  return EMBEDDED.find((e) => e.pattern.test(value))?.what;
}

/**
 * Whether a variable is a credential, by its name (isCredentialKey) or its value
 * (embeddedCredential): the words to say why (never the value), or undefined. The one check
 * behind both `cityplan validate` (env in a service file) and `cityplan import` (variables in a
 * Copilot manifest), so that an import never writes a variable validate then refuses.
 */
export function credentialIn(key: string, value: string): string | undefined {
  const embeds = embeddedCredential(value);
  if (embeds) return `holds ${embeds}`;
  return isCredentialKey(key) ? 'looks like a credential' : undefined;
}
