#!/usr/bin/env node
// The `quest` command: the one-file build of cli/ (`npm run build`, which `npm ci` runs),
// with Node's compile cache keeping what it compiled between runs.
import { existsSync } from "node:fs"
import module from "node:module"

module.enableCompileCache?.()
await import("./requireNode.mjs")
const bundle = new URL("../dist/quest.mjs", import.meta.url)
// Installed without scripts (npm ci --ignore-scripts) or unpacked from git: one line, not a module-loader stack.
if (!existsSync(bundle)) {
  console.error("quest is not built: run `npm run build` (npm ci does it).")
  process.exit(1)
}
const { runQuest } = await import(bundle.href)
process.exit(await runQuest(process.argv.slice(2)))
