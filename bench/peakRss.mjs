// Preloaded into a measured Node process (NODE_OPTIONS=--import): at exit, writes the
// process's peak resident set (bytes) to the file QUEST_BENCH_PEAK_RSS names. The parent
// cannot read a child's rusage from Node, and the process may be started by a shebang.
import { writeFileSync } from "node:fs"
import process from "node:process"

const file = process.env.QUEST_BENCH_PEAK_RSS
if (file) {
  process.on("exit", () => writeFileSync(file, String(process.resourceUsage().maxRSS * 1024)))
}
