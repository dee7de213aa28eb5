#!/usr/bin/env node
// The `quest` command: the one-file build of cli/ (`npm run build`, which `npm ci` runs),
// with Node's compile cache keeping what it compiled between runs.
import module from "node:module"

module.enableCompileCache?.()
await import("./requireNode.mjs")
const { runQuest } = await import("../dist/quest.mjs")
process.exit(await runQuest(process.argv.slice(2)))
