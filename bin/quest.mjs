#!/usr/bin/env node
// The `quest` command (`npx quest`, `npm start`): Node runs the TypeScript sources as they
// are (type stripping) and keeps what it compiled between runs (its module compile cache).
import module from "node:module"

module.enableCompileCache?.()
// An older Node stops here with one line, not a syntax error deep in the sources.
await import("./requireNode.mjs")
const { runQuest } = await import("../cli/main.ts")
process.exit(await runQuest(process.argv.slice(2)))
