// Bundles the CLI and the library entry point into dist/ as CommonJS.
// Dependencies stay external: aws-cdk-lib and friends are loaded from node_modules as usual.
import { build } from 'esbuild';

await build({
  entryPoints: { cli: 'src/cli/main.ts', index: 'src/index.ts', 'synth-worker': 'src/estate/synth-worker.ts' },
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});
