/**
 * Test files that replace modules or AWS SDK clients (vi.mock, aws-sdk-client-mock): each runs in
 * a fresh module graph (vitest.config.mts), so what it replaces cannot leak into another file.
 * Every other file shares its worker's modules. test/isolation.test.ts keeps this list complete.
 */
export const ISOLATED_TEST_FILES = [
  'test/cli/delivery-commands.test.ts',
  'test/cli/deploy.test.ts',
  'test/cli/read-only.test.ts',
  'test/cli/runbook.test.ts',
  'test/estate/plan-policy.test.ts',
  'test/runtime/**/*.test.ts',
];
