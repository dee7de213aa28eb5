import { execSync } from "node:child_process"

/** The tests run `quest` from its bundle: make it from the sources under test, so
 * `npx vitest run <file>` after an edit never tests yesterday's build. */
export default function setup(): void {
  execSync("npm run build --silent", { stdio: "inherit" })
}
