// The Node this project needs (package.json "engines"), checked before anything else runs:
// `quest`, `npm start` and `npm test` (its pretest step) on an older Node fail at once with
// one line, not with a syntax error deep in a dependency. Plain JavaScript, so it runs anywhere.
// Its built-in through process.getBuiltinModule where Node has it (see bin/quest.mjs).
const { readFileSync } = process.getBuiltinModule?.("node:fs") ?? await import("node:fs")

const wanted = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")).engines.node
const least = /(\d+)\.(\d+)/.exec(wanted).slice(1).map(Number)
const [major, minor] = process.versions.node.split(".").map(Number)
if (major < least[0] || (major === least[0] && minor < least[1])) {
  const what = process.env.npm_lifecycle_event === undefined ? "quest" : `npm ${process.env.npm_lifecycle_event.replace(/^pre/, "")}`
  console.error(`${what} needs Node ${wanted} (this is ${process.version}); see .nvmrc.`)
  process.exit(1)
}
