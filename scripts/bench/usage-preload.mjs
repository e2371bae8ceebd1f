// Loaded with `node --import` into a measured draftleak process: when it exits, writes that
// process's own CPU time and peak RSS (process.resourceUsage is per process, so the fixture
// server and the harness are never counted) to the file BENCH_USAGE_FILE names.
import { writeFileSync } from 'node:fs';

const file = process.env.BENCH_USAGE_FILE;
if (file) {
  process.on('exit', () => {
    const usage = process.resourceUsage();
    writeFileSync(file, JSON.stringify({ userUs: usage.userCPUTime, systemUs: usage.systemCPUTime, maxRssKiB: usage.maxRSS }));
  });
}
