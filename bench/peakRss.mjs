// Preloaded into a measured Node process (NODE_OPTIONS=--import): at exit, writes the
// process's peak resident set (bytes) to the file QUEST_BENCH_PEAK_RSS names. The parent
// cannot read a child's rusage from Node, and the process may be started by a shebang.
// Its built-in through process.getBuiltinModule, not `import`, as bin/quest.mjs takes its
// own: an ES import of node:fs or node:process wakes their lazy getters (fs/promises,
// stdin, the flag list), a cost of the probe that the measured command would not pay.
const { readFileSync, writeFileSync } = process.getBuiltinModule("node:fs")

// Linux's VmHWM, not rusage's maxRSS: Linux carries maxRSS through fork and exec, so a child
// of the bench would report the bench's own memory when that is larger.
// Elsewhere (no /proc) maxRSS it is.
const peakRss = () => {
  let status = ""
  try {
    status = readFileSync("/proc/self/status", "utf8")
  } catch {}
  return Number(/VmHWM:\s*(\d+) kB/.exec(status)?.[1] ?? process.resourceUsage().maxRSS) * 1024
}

const file = process.env.QUEST_BENCH_PEAK_RSS
if (file) {
  process.on("exit", () => writeFileSync(file, String(peakRss())))
}
