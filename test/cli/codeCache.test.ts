/**
 * The CLI's runner starts from a V8 code cache kept beside its bundle (bin/cachedRunner.mjs):
 * a cache that is damaged — a disk error, a half-copied folder — must cost nothing but its
 * own rewrite, never a failed or different command.
 */
import { execFileSync } from "node:child_process"
import { randomBytes } from "node:crypto"
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { pathToFileURL } from "node:url"
import { afterEach, describe, expect, it } from "vitest"
import { cleanEnv, projectRoot, runQuest, tempStore } from "./questProcess.ts"

const bundleFolder = () => {
  const cache = join(projectRoot, "node_modules/.cache/quest")
  return join(cache, (JSON.parse(readFileSync(join(cache, "current.json"), "utf8")) as { folder: string }).folder)
}

/** Runs the bundle's entry at argv[1] with the rest as the command line, as bin/quest.mjs does. */
const RUN_BUNDLE = "const { runQuest } = await import(process.argv[1]); process.exit(await runQuest(process.argv.slice(2)))"

const stores: Array<{ remove: () => void }> = []
afterEach(() => stores.splice(0).forEach((store) => store.remove()))

describe("the runner's code cache", () => {
  it("when damaged, is replaced, and the command runs as it would without it", async () => {
    const store = tempStore()
    stores.push(store)
    const args = ["report", "--dry-run", "--json", "--store", store.path]
    const first = await runQuest(args)
    expect(first.code, first.stderr).toBe(0)

    const cacheFile = join(bundleFolder(), "code-cache-report-runner.bin")
    const garbage = randomBytes(64 * 1024)
    writeFileSync(cacheFile, garbage)
    const again = await runQuest(args)
    expect(again.code, again.stderr).toBe(0)
    expect(again.stdout).toBe(first.stdout)
    expect(readFileSync(cacheFile).equals(garbage)).toBe(false)
  })

  it("made by a run with a major garbage collection (which may drop bytecode) is marked partial, and replaced by the next run without one", async () => {
    const store = tempStore()
    stores.push(store)
    const args = ["report", "--dry-run", "--json", "--store", store.path]
    expect((await runQuest(args)).code).toBe(0)
    // A private copy of the bundle, without its caches: other test files run the shared one at the same time.
    const folder = mkdtempSync(join(projectRoot, "node_modules/.cache/quest-code-cache-test-"))
    stores.push({ remove: () => rmSync(folder, { recursive: true, force: true }) })
    for (const file of readdirSync(bundleFolder())) if (!file.startsWith("code-cache-")) cpSync(join(bundleFolder(), file), join(folder, file))
    const run = (nodeFlags: ReadonlyArray<string>) =>
      execFileSync(
        process.execPath,
        [...nodeFlags, "--input-type=module", "-e", RUN_BUNDLE, pathToFileURL(join(folder, "main.mjs")).href, ...args],
        { cwd: projectRoot, env: cleanEnv({}), encoding: "utf8" }
      )
    const cacheFile = join(folder, "code-cache-report-runner.bin")
    const partial = join(folder, "code-cache-report-runner.partial.bin")

    // Every collection a full one, and one due after 1 MB: as a long report's run goes.
    expect(JSON.parse(run(["--gc-global", "--max-semi-space-size=1", "--min-semi-space-size=1"]))).toBeNull()
    expect(existsSync(partial)).toBe(true)
    expect(existsSync(cacheFile)).toBe(false)
    const made = readFileSync(partial)

    expect(JSON.parse(run([]))).toBeNull()
    expect(existsSync(partial)).toBe(false)
    expect(readFileSync(cacheFile).equals(made)).toBe(false)
  })
})
