// The Node this project needs (package.json "engines": the first to run TypeScript without
// a flag), checked before anything else runs: `quest`, `npm start` and `npm test` on an
// older Node fail at once with one line. Plain JavaScript, so it runs anywhere.
import { readFileSync } from "node:fs"

const wanted = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")).engines.node
const least = /(\d+)\.(\d+)/.exec(wanted).slice(1).map(Number)
const [major, minor] = process.versions.node.split(".").map(Number)
if (major < least[0] || (major === least[0] && minor < least[1])) {
  const what = process.env.npm_lifecycle_event === undefined ? "quest" : `npm ${process.env.npm_lifecycle_event.replace(/^pre/, "")}`
  console.error(`${what} needs Node ${wanted} (this is ${process.version}); see .nvmrc.`)
  process.exit(1)
}
