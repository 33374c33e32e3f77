// Bundles the CLI and the library entry point into dist/ as CommonJS.
// Dependencies stay external: aws-cdk-lib and friends are loaded from node_modules as usual.
import { build } from 'esbuild';

await build({
  entryPoints: { cli: 'src/cli/main.ts', index: 'src/index.ts', 'synth-worker': 'src/estate/synth-worker.ts', 'builder-worker': 'src/estate/builder-worker.ts', 'builder-start': 'src/estate/builder-start.ts' },
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});

// The runbook responder Lambda (src/runtime/responder): one minified file for the Node.js 22
// runtime, which provides the AWS SDK v3, so the SDK stays out of the bundle.
await build({
  entryPoints: { 'runtime/responder/index': 'src/runtime/responder/index.ts' },
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'cjs',
  minify: true,
  external: ['@aws-sdk/*'],
  logLevel: 'warning',
});
