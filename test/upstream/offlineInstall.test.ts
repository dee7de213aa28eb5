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

/**
 * Runs a command to its end, killed past `seconds`: a synchronous call blocks the event loop,
 * so vitest's own timeout could never stop a step that hangs.
 */
const run = (
  command: string,
  args: ReadonlyArray<string>,
  options: { readonly cwd: string; readonly seconds: number; readonly env?: Record<string, string> }
) => {
  try {
    return execFileSync(command, args, {
      cwd: options.cwd,
      encoding: "utf8",
      env: options.env ?? process.env,
      stdio: ["ignore", "pipe", "pipe"],
      timeout: options.seconds * 1000,
      killSignal: "SIGKILL"
    })
  } catch (error) {
    if ((error as { code?: string }).code !== "ETIMEDOUT") throw error
    throw new Error(`\`${[command, ...args].join(" ").slice(0, 200)}\` in ${options.cwd} hung: killed after ${options.seconds} s`, { cause: error })
  }
}

describe("the package installed without dev dependencies", () => {
  it("runs quest run --offline to the golden reports", () => {
    const packing = run("npm", ["pack", "--json", "--pack-destination", work], { cwd: projectRoot, seconds: 60 })
    const [packed] = JSON.parse(packing) as Array<{ filename: string }>
    run("tar", ["-xzf", join(work, packed!.filename), "-C", work], { cwd: work, seconds: 30 })
    const installed = join(work, "package")
    copyFileSync(join(projectRoot, "package-lock.json"), join(installed, "package-lock.json"))
    const production = run("npm", ["ls", "--omit=dev", "--all", "--parseable"], { cwd: projectRoot, seconds: 30 }).trim().split("\n")
      .map((path) => relative(projectRoot, path)).filter((path) => path.startsWith("node_modules/")).sort()
    // A package's folder holds its nested dependencies: link the outermost ones only.
    const outermost = production.filter((path, i) => !production.slice(0, i).some((outer) => path.startsWith(`${outer}/`)))
    run("cp", ["-al", "--parents", ...outermost, installed], { cwd: projectRoot, seconds: 30 })
    expect(() => run("node", ["-e", "import('vitest')"], { cwd: installed, seconds: 20 })).toThrow(/Cannot find package 'vitest'/)

    const store = join(work, "store")
    const stdout = run(process.execPath, ["bin/quest.mjs", "run", "--offline", "--json"], {
      cwd: installed,
      seconds: 120,
      env: cleanEnv({ QUEST_STORE: store })
    })
    expectGoldenReports(stdout)
  }, 300_000)
})
