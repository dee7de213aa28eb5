// Preloaded into a measured Node process (NODE_OPTIONS=--import): at exit, writes the
// process's peak resident set (bytes) to the file QUEST_BENCH_PEAK_RSS names. The parent
// cannot read a child's rusage from Node, and the process may be started by a shebang.
// Its built-in through process.getBuiltinModule, not `import`, as bin/quest.mjs takes its
// own: an ES import of node:fs or node:process wakes their lazy getters (fs/promises,
// stdin, the flag list), a cost of the probe that the measured command would not pay.
const { writeFileSync } = process.getBuiltinModule("node:fs")

const file = process.env.QUEST_BENCH_PEAK_RSS
if (file) {
  process.on("exit", () => writeFileSync(file, String(process.resourceUsage().maxRSS * 1024)))
}
