#!/usr/bin/env -S node --max-semi-space-size=4 --min-semi-space-size=4
// (A 4 MB young generation keeps a large report run under 150 MB of RSS at no cost in
// speed: `npm run bench` shows both with and without it. It starts at its full 4 MB rather
// than growing from 1 MB, so start-up, which keeps most of what it allocates, copies it
// through two scavenges instead of four or five.)
// The `quest` command for npm (`npx quest`, `npm start`): runs the CLI's bundle
// (bin/cliBundle.mjs builds it from cli/main.ts when the sources changed), with V8's code
// kept compiled between runs by Node's module compile cache. Without a bundle it runs
// cli/main.ts as TypeScript: Node >= 22.18 strips types by itself; 22.12-22.17 need
// --experimental-strip-types, so there the launcher runs itself again with the flag.
//
// Node's built-ins come through process.getBuiltinModule, not `import`: an ES import of a
// built-in builds a facade that reads every export, waking lazy getters on the way
// (node:process opens stdin and lists every flag, node:fs loads fs/promises, node:crypto
// Web Crypto): ~15 ms of every start, `quest --help` included.

// Before anything else is loaded, so every module after it is cached (Node >= 22.1).
// (On a Node too old to have either, requireNode.mjs below says so.)
process.getBuiltinModule?.("node:module").enableCompileCache?.()

// An older Node stops here with one line (package.json "engines"), as npm start and npm test do.
await import("./requireNode.mjs")

const { cliBundle } = await import("./cliBundle.mjs")
const entry = await cliBundle() ?? (process.features.typescript ? "../cli/main.ts" : undefined)
if (entry !== undefined) {
  const { runQuest } = await import(entry)
  process.exit(await runQuest(process.argv.slice(2)))
} else {
  const { spawn } = process.getBuiltinModule("node:child_process")
  const { fileURLToPath } = process.getBuiltinModule("node:url")
  const child = spawn(
    process.execPath,
    ["--max-semi-space-size=4", "--min-semi-space-size=4", "--experimental-strip-types", "--disable-warning=ExperimentalWarning", fileURLToPath(import.meta.url), ...process.argv.slice(2)],
    { stdio: "inherit" }
  )
  // Ctrl-C reaches the child too (same process group); it stops cleanly and exits.
  const ignore = () => {}
  process.on("SIGINT", ignore)
  process.on("SIGTERM", (signal) => child.kill(signal))
  child.on("error", (error) => {
    console.error(`quest: could not start Node with type stripping (${error.message}); Node >= 22.12 is required.`)
    process.exit(1)
  })
  child.on("exit", (code, signal) => process.exit(code ?? (signal === "SIGINT" ? 130 : 1)))
}
