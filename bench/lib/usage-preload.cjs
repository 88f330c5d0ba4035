// Preloaded (`node -r`) into every process a benchmark measures, agent and floor alike: at exit it writes the
// process's own resource usage to the file named by BENCH_USAGE_FILE. CommonJS so it loads before any ESM and
// costs the same in every process measured.
/* global require */
'use strict';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { writeFileSync } = require('node:fs');

const file = process.env.BENCH_USAGE_FILE;
if (file) {
  process.on('exit', () => {
    const usage = process.resourceUsage();
    writeFileSync(
      file,
      JSON.stringify({
        userMs: usage.userCPUTime / 1000,
        systemMs: usage.systemCPUTime / 1000,
        maxRssKiB: usage.maxRSS,
        voluntarySwitches: usage.voluntaryContextSwitches,
        uptimeMs: process.uptime() * 1000,
      }),
    );
  });
}
