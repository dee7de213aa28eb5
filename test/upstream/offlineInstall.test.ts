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
 * The whole install-and-run's bound, under vitest's 300 s below. Each step is killed when it
 * runs out: a synchronous call blocks the event loop, so vitest's own timeout could never
 * stop a step that hangs. (The whole took 97 s under a full round's load.)
 */
const BOUND_SECONDS = 290

/** Runs a command to its end, or kills it at `deadline` (ms since the epoch) and says which hung. */
const run = (
  command: string,
  args: ReadonlyArray<string>,
  options: { readonly cwd: string; readonly deadline: number; readonly env?: Record<string, string> }
) => {
  try {
    return execFileSync(command, args, {
      cwd: options.cwd,
      encoding: "utf8",
      env: options.env ?? process.env,
      stdio: ["ignore", "pipe", "pipe"],
      timeout: Math.max(1, options.deadline - Date.now()),
      killSignal: "SIGKILL"
    })
  } catch (error) {
    if ((error as { code?: string }).code !== "ETIMEDOUT") throw error
    const what = [command, ...args].join(" ").slice(0, 200)
    throw new Error(`\`${what}\` in ${options.cwd} hung: killed when the test's ${BOUND_SECONDS} s were up`, { cause: error })
  }
}

describe("the package installed without dev dependencies", () => {
  it("runs quest run --offline to the golden reports", () => {
    const deadline = Date.now() + BOUND_SECONDS * 1000
    const packing = run("npm", ["pack", "--json", "--pack-destination", work], { cwd: projectRoot, deadline })
    const [packed] = JSON.parse(packing) as Array<{ filename: string }>
    run("tar", ["-xzf", join(work, packed!.filename), "-C", work], { cwd: work, deadline })
    const installed = join(work, "package")
    copyFileSync(join(projectRoot, "package-lock.json"), join(installed, "package-lock.json"))
    const production = run("npm", ["ls", "--omit=dev", "--all", "--parseable"], { cwd: projectRoot, deadline }).trim().split("\n")
      .map((path) => relative(projectRoot, path)).filter((path) => path.startsWith("node_modules/")).sort()
    // A package's folder holds its nested dependencies: link the outermost ones only.
    const outermost = production.filter((path, i) => !production.slice(0, i).some((outer) => path.startsWith(`${outer}/`)))
    run("cp", ["-al", "--parents", ...outermost, installed], { cwd: projectRoot, deadline })
    expect(() => run("node", ["-e", "import('vitest')"], { cwd: installed, deadline })).toThrow(/Cannot find package 'vitest'/)

    const store = join(work, "store")
    const stdout = run(process.execPath, ["bin/quest.mjs", "run", "--offline", "--json"], {
      cwd: installed,
      deadline,
      env: cleanEnv({ QUEST_STORE: store })
    })
    expectGoldenReports(stdout)
  }, 300_000)
})
