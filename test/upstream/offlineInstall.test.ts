/**
 * `npm ci --omit=dev` still gives a working `quest run --offline`: the package as npm packs
 * it, with only the dependencies npm keeps without dev ones (`npm ls --omit=dev`, hard-linked
 * from this checkout instead of downloaded), prints the golden reports. A product module
 * importing a dev dependency, or a fixture the offline run serves left out of the package,
 * fails it.
 */
import { execFileSync } from "node:child_process"
import { copyFileSync, mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, relative } from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { expectGoldenReports } from "../cli/goldenReports.ts"
import { cleanEnv, projectRoot } from "../cli/questProcess.ts"

const work = mkdtempSync(join(tmpdir(), "quest-install-"))
afterAll(() => rmSync(work, { recursive: true, force: true }))

const run = (command: string, args: ReadonlyArray<string>, cwd: string, env: Record<string, string> = {}) =>
  execFileSync(command, args, { cwd, encoding: "utf8", env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] })

describe("the package installed without dev dependencies", () => {
  it("runs quest run --offline to the golden reports", () => {
    const [packed] = JSON.parse(run("npm", ["pack", "--json", "--pack-destination", work], projectRoot)) as Array<{ filename: string }>
    run("tar", ["-xzf", join(work, packed!.filename), "-C", work], work)
    const installed = join(work, "package")
    copyFileSync(join(projectRoot, "package-lock.json"), join(installed, "package-lock.json"))
    const production = run("npm", ["ls", "--omit=dev", "--all", "--parseable"], projectRoot).trim().split("\n")
      .map((path) => relative(projectRoot, path)).filter((path) => path.startsWith("node_modules/")).sort()
    // A package's folder holds its nested dependencies: link the outermost ones only.
    const outermost = production.filter((path, i) => !production.slice(0, i).some((outer) => path.startsWith(`${outer}/`)))
    run("cp", ["-al", "--parents", ...outermost, installed], projectRoot)
    expect(() => run("node", ["-e", "import('vitest')"], installed)).toThrow()

    const store = join(work, "store")
    const stdout = execFileSync(process.execPath, ["bin/quest.mjs", "run", "--offline", "--json"], {
      cwd: installed,
      encoding: "utf8",
      env: cleanEnv({ QUEST_STORE: store }),
      stdio: ["ignore", "pipe", "pipe"]
    })
    expectGoldenReports(stdout)
  }, 300_000)
})
