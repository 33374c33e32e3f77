/** Credentials written into `env` are refused, at their line, with `secrets` as the fix. */
import { describe, expect, it } from 'vitest';
import { loadEstate } from '../../src/manifest/load';
import { EstateError, type Problem } from '../../src/manifest/problems';
import { credentialIn, embeddedCredential, isCredentialKey } from '../../src/manifest/credentials';
import { MINIMAL_ESTATE, webService, writeEstate } from '../support/estate-files';

function problemsOf(service: string): readonly Problem[] {
  try {
    loadEstate(writeEstate({ 'estate.yaml': MINIMAL_ESTATE, 'services/visits.yaml': service }));
  } catch (e) {
    if (e instanceof EstateError) return e.problems;
    throw e;
  }
  return [];
}

describe('credential-looking env keys', () => {
  it.each(['DB_PASSWORD', 'PASSWORD', 'SMTP_PASSWD', 'SESSION_SECRET', 'CLIENT_SECRET', 'GITHUB_TOKEN', 'STRIPE_API_KEY', 'MAPS_APIKEY', 'JWT_PRIVATE_KEY', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'GCP_CREDENTIALS', 'db_password'])(
    '%s is a credential',
    (key) => expect(isCredentialKey(key)).toBe(true),
  );

  it.each(['TOKEN_URL', 'PASSWORD_MIN_LENGTH', 'SECRET_NAME', 'API_BASE_URL', 'CACHE_KEY', 'LOG_LEVEL', 'PWD', 'KEYCLOAK_REALM'])('%s is configuration', (key) =>
    expect(isCredentialKey(key)).toBe(false),
  );
});

describe('credentials embedded in env values', () => {
  it.each([
    ['postgres://app:hunter2@db.internal:5432/app', 'a URL with a password in it'],
    ['redis://:s3cret@cache:6379', 'a URL with a password in it'],
    ['-----BEGIN RSA PRIVATE KEY-----\nMIIB...', 'a private key'],
    ['-----BEGIN PRIVATE KEY-----', 'a private key'],
    ['key=AKIAIOSFODNN7EXAMPLE', 'an AWS access key id'],
    // Made-up values of the documented shapes, never real keys.
    ['sk_live_' + '4eC39HqLyjWDarjtT1zdp7dc', 'a Stripe secret key'],
    ['rk_live_' + '51H8sQkLz0000000000000000', 'a Stripe secret key'],
    ['https://hooks.slack.com/services/' + 'T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX', 'a Slack webhook URL'],
    ['xoxb-' + '123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx', 'a Slack token'],
    ['xoxp-' + '123456789012-123456789012', 'a Slack token'],
    ['ghp_' + 'A'.repeat(36), 'a GitHub token'],
    ['github_pat_' + '11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz', 'a GitHub token'],
    ['AIza' + 'SyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY', 'a Google API key'],
  ])('%s holds %s', (value, what) => expect(embeddedCredential(value)).toBe(what));

  it.each(['postgres://app@db.internal:5432/app', 'https://api.example.gov.uk/v1', 'https://example.gov.uk/a:b@c', '-----BEGIN CERTIFICATE-----', 'AKIA', 'sk_live_', 'https://hooks.slack.com/', 'https://github.com/ghp_x', 'AIza-short'])(
    '%s holds none',
    (value) => expect(embeddedCredential(value)).toBeUndefined(),
  );
});

describe('credentials the first checks missed', () => {
  it.each([
    ['JAVA_OPTS', '-Xmx512m -Dspring.datasource.password=hunter2', 'holds a password set on a command line'],
    ['ARGS', '--db-password=hunter2 --port=8080', 'holds a password set on a command line'],
    ['AWS_SECRET_ACCESS', 'wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY', 'looks like a credential'],
  ])('%s is refused', (key, value, what) => {
    expect(credentialIn(key, value)).toBe(what);
  });
  it.each([
    ['JAVA_OPTS', '-Dspring.datasource.password=${DB_PASSWORD}'],
    ['JAVA_OPTS', '-Dpassword.min.length=8'],
    ['ARGS', '--token-url=https://auth.example.gov.uk/token'],
  ])('%s=%s stays configuration', (key, value) => {
    expect(credentialIn(key, value)).toBeUndefined();
  });
});

describe('the message', () => {
  it('says when the secret name must differ from a lower-case variable, and what the application then reads', () => {
    const [problem] = problemsOf(webService('visits', 'env:\n  db_password: hunter2\n'));
    expect(problem!.message).toContain('secrets: [DB_PASSWORD]');
    expect(problem!.message).toContain('the application reads it as DB_PASSWORD, not db_password');
    expect(problemsOf(webService('visits', 'env:\n  DB_PASSWORD: hunter2\n'))[0]!.message).not.toContain('reads it as');
  });

  it('points at the variable, names secrets and the Secrets Manager name, and never shows the value', () => {
    const problems = problemsOf(webService('visits', 'env:\n  LOG_LEVEL: info\n  DB_PASSWORD: hunter2\n'));
    expect(problems).toEqual([
      expect.objectContaining({
        file: 'services/visits.yaml',
        line: 8,
        field: 'env.DB_PASSWORD',
        message: expect.stringMatching(/looks like a credential; move it to secrets: \[DB_PASSWORD\] and put the value in Secrets Manager at test\/<environment>\/visits\/DB_PASSWORD/),
      }),
    ]);
    expect(JSON.stringify(problems)).not.toContain('hunter2');
  });

  it('says what a value embeds, without the value', () => {
    const problems = problemsOf(webService('visits', 'env:\n  DATABASE_URL: postgres://app:hunter2@db:5432/app\n'));
    expect(problems).toEqual([expect.objectContaining({ line: 7, field: 'env.DATABASE_URL', message: expect.stringMatching(/^holds a URL with a password in it; move it to secrets: \[DATABASE_URL\]/) })]);
    expect(JSON.stringify(problems)).not.toContain('hunter2');
  });

  it('is one message for a credential set in the service file, though both environments read it', () => {
    expect(problemsOf(webService('visits', 'env:\n  API_TOKEN: x\n'))).toHaveLength(1);
  });

  it('leaves plain configuration alone', () => {
    expect(problemsOf(webService('visits', 'env:\n  TOKEN_URL: https://auth.example.gov.uk/token\n  DATABASE_URL: postgres://app@db:5432/app\n'))).toEqual([]);
  });
});

describe('set by one environment', () => {
  it('names that environment in the secret name', () => {
    const problems = problemsOf(webService('visits', 'environments:\n  production:\n    env:\n      SMTP_PASSWORD: x\n'));
    expect(problems).toEqual([expect.objectContaining({ line: 9, field: 'environments.production.env.SMTP_PASSWORD', message: expect.stringContaining('Secrets Manager at test/production/visits/SMTP_PASSWORD') })]);
  });
});

describe('secretsMadeByHand', () => {
  it('names only secrets the service lists', () => {
    expect(problemsOf(webService('visits', 'secrets: [API_KEY]\nsecretsMadeByHand: [API_KEY, SESSION_SECRET]\n'))).toEqual([
      expect.objectContaining({ line: 7, field: 'secretsMadeByHand[1]', message: 'SESSION_SECRET is not in secrets; list it there too, or take it out of secretsMadeByHand' }),
    ]);
    expect(problemsOf(webService('visits', 'secrets: [API_KEY]\nsecretsMadeByHand: [API_KEY]\n'))).toEqual([]);
  });
});

describe('the secret name a credential in env is moved to', () => {
  it('is one secrets takes: upper case', () => {
    try {
      loadEstate(writeEstate({ 'estate.yaml': MINIMAL_ESTATE, 'services/visits.yaml': webService('visits', 'env:\n  db_password: abc\n') }));
      expect.unreachable();
    } catch (e) {
      expect((e as EstateError).problems.map((p) => p.message)).toEqual([expect.stringContaining('move it to secrets: [DB_PASSWORD]')]);
    }
  });
});
