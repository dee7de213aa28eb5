#!/usr/bin/env -S node --max-semi-space-size=4
// (A 4 MB young generation keeps a large report run under 150 MB of RSS at no cost in
// speed: `npm run bench` shows both with and without it.)
// The `quest` command for npm (`npx quest`, `npm start`): runs cli/main.ts as TypeScript.
// Node >= 22.18 strips types by itself; 22.12-22.17 need --experimental-strip-types, so
// there the launcher runs itself again with the flag.
import { spawn } from "node:child_process"
import process from "node:process"
import { fileURLToPath } from "node:url"

const [major, minor] = process.versions.node.split(".").map(Number)
if (major < 22 || (major === 22 && minor < 12)) {
  console.error(`quest needs Node >= 22.12 (this is ${process.version}); see .nvmrc.`)
  process.exit(1)
}

if (process.features.typescript) {
  const { runQuest } = await import("../cli/main.ts")
  process.exit(await runQuest(process.argv.slice(2)))
} else {
  const child = spawn(
    process.execPath,
    ["--max-semi-space-size=4", "--experimental-strip-types", "--disable-warning=ExperimentalWarning", fileURLToPath(import.meta.url), ...process.argv.slice(2)],
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
