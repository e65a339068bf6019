// Loaded with --require into a node process when GNU time is missing: writes the process's own resource usage
// (peak RSS, CPU time) where the bench asked, as it exits.
const { writeFileSync } = require('node:fs');

const file = process.env.BENCH_RUSAGE_FILE;
// Only the command's own process reports: a node child it starts inherits NODE_OPTIONS, not this claim.
delete process.env.BENCH_RUSAGE_FILE;
if (file) process.on('exit', () => writeFileSync(file, JSON.stringify(process.resourceUsage())));
