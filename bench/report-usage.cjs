// Preloaded into the measured process: prints its peak resident memory when it exits.
process.on('exit', () => {
  process.stderr.write(`\nbench:maxrss-kb=${process.resourceUsage().maxRSS}\n`);
});
