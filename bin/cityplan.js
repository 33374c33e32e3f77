#!/usr/bin/env node
'use strict';
// Plain JavaScript that runs before anything is built: a fresh clone has no dist/ until `npm run build`.
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const built = join(__dirname, '..', 'dist', 'cli.js');
if (!existsSync(built)) {
  process.stderr.write('cityplan is not built yet: run npm run build (or npm ci && npm start)\n');
  process.exitCode = 1;
} else {
  // A plan builds its few stacks in a thread started now, which loads the construct library while
  // the command loads (src/estate/builder-start.ts).
  const builder = join(__dirname, '..', 'dist', 'builder-start.js');
  if (process.argv[2] === 'plan' && existsSync(builder)) require(builder).startBuilder();
  const cli = require(built);
  cli.exitOnSignals((text) => process.stderr.write(`${text}\n`));
  cli.main(process.argv).then((code) => {
    process.exitCode = code;
  });
}
