// Preloaded with `node --import`: reports the process's peak resident memory (KiB) on stderr at
// exit, for tests that hold a command's memory to a bound.
process.on('exit', () => {
  process.stderr.write(`\nmax-rss-kib ${process.resourceUsage().maxRSS}\n`);
});
