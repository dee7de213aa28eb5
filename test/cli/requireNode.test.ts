/** bin/requireNode.mjs: `quest`, `npm start` and `npm test` on too old a Node stop at once with one line. */
import { spawnSync } from "node:child_process"
import { describe, expect, it } from "vitest"
import { projectRoot } from "./questProcess.ts"

/** Runs the guard as if Node were `version`, from the npm script `script` (or as quest). */
const guard = (version: string, script?: string) =>
  spawnSync(process.execPath, [
    "--input-type=module",
    "-e",
    `Object.defineProperty(process, "versions", { value: { ...process.versions, node: "${version}" } })
     Object.defineProperty(process, "version", { value: "v${version}" })
     await import("./bin/requireNode.mjs")`
  ], { cwd: projectRoot, encoding: "utf8", env: { PATH: process.env["PATH"], ...(script === undefined ? {} : { npm_lifecycle_event: script }) } })

describe("the Node version guard", () => {
  it.each([["22.17.0", undefined, "quest"], ["20.19.0", "pretest", "npm test"], ["18.0.0", "prestart", "npm start"]] as const)(
    "refuses Node %s under %s with one line",
    (version, script, what) => {
      const { status, stderr, stdout } = guard(version, script)
      expect(status).toBe(1)
      expect(stdout).toBe("")
      expect(stderr).toBe(`${what} needs Node >=22.18.0 (this is v${version}); see .nvmrc.\n`)
    }
  )

  it.each(["22.18.0", "24.0.0"])("lets Node %s through", (version) => {
    const { status, stderr } = guard(version, "pretest")
    expect(status).toBe(0)
    expect(stderr).toBe("")
  })
})
