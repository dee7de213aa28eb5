/** bin/quest.mjs before `npm run build` (npm ci --ignore-scripts, a git archive): one line says what to do. */
import { spawnSync } from "node:child_process"
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, expect, it } from "vitest"
import { projectRoot } from "./questProcess.ts"

// A copy of the package's bin/ without dist/, so the shared build stays in place for the other tests.
const root = mkdtempSync(join(tmpdir(), "quest-unbuilt-"))
afterAll(() => rmSync(root, { recursive: true, force: true }))

it("quest without its build says to build it, and exits 1", () => {
  mkdirSync(join(root, "bin"))
  for (const file of ["package.json", "bin/quest.mjs", "bin/requireNode.mjs"]) copyFileSync(join(projectRoot, file), join(root, file))
  const { status, stdout, stderr } = spawnSync(process.execPath, [join(root, "bin/quest.mjs"), "run"], { encoding: "utf8" })
  expect(status).toBe(1)
  expect(stdout).toBe("")
  expect(stderr).toBe("quest is not built: run `npm run build` (npm ci does it).\n")
})
