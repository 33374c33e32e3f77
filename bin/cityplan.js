#!/usr/bin/env node
'use strict';
const cli = require('../dist/cli.js');
cli.exitOnSignals((text) => process.stderr.write(`${text}\n`));
cli.main(process.argv).then((code) => {
  process.exitCode = code;
});
