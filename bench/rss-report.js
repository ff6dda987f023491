// Preloaded by bench/run.js (node --require): writes the process's peak
// resident memory (KiB) to the file named by ALL2ALL_BENCH_RSS_FILE at exit.

const fs = require("node:fs");
const file = process.env.ALL2ALL_BENCH_RSS_FILE;
if (file) process.on("exit", () => fs.writeFileSync(file, String(process.resourceUsage().maxRSS)));
