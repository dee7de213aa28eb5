// The Node this project needs (package.json "engines"), checked before anything else runs, in
// plain JavaScript: `quest`, `npm start` and `npm test` on an older Node stop at once with one line.
import { readFileSync } from "node:fs"

const wanted = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")).engines.node
const [major, minor] = process.versions.node.split(".").map(Number)
const [leastMajor, leastMinor] = /(\d+)\.(\d+)/.exec(wanted).slice(1).map(Number)
if (major < leastMajor || (major === leastMajor && minor < leastMinor)) {
  const script = process.env.npm_lifecycle_event
  console.error(`${script === undefined ? "quest" : `npm ${script.replace(/^pre/, "")}`} needs Node ${wanted} (this is ${process.version}); see .nvmrc.`)
  process.exit(1)
}
