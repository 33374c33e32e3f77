import { defineConfig } from 'vitest/config';
import { readFileSync } from 'node:fs';

// Test files that replace modules or AWS SDK clients (vi.mock, aws-sdk-client-mock), so must not
// share modules with others; test/isolation.test.ts keeps the list complete.
const ISOLATED_TEST_FILES: string[] = JSON.parse(readFileSync('test/isolated-files.json', 'utf8'));

// Files that replace modules or AWS SDK clients run each in a fresh module graph; every other file
// shares its worker's modules, so aws-cdk-lib loads once per worker instead of once per file (on
// two cores that loading was most of the suite's time: about 240 s of wall time became about 105 s).
export default defineConfig({
  test: {
    // Synthesizing CDK apps is CPU-bound; two cores, two workers.
    maxWorkers: 2,
    testTimeout: 120_000,
    hookTimeout: 120_000,
    projects: [
      { extends: true, test: { name: 'isolated', include: ISOLATED_TEST_FILES, isolate: true } },
      { extends: true, test: { name: 'shared', include: ['test/**/*.test.ts'], exclude: ISOLATED_TEST_FILES, isolate: false } },
    ],
  },
});
