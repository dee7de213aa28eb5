/**
 * The CLI's runner starts from a V8 code cache kept beside its bundle (bin/cachedRunner.mjs):
 * a cache that is damaged — a disk error, a half-copied folder — must cost nothing but its
 * own rewrite, never a failed or different command.
 */
import { execFileSync } from "node:child_process"
import { randomBytes } from "node:crypto"
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { afterEach, describe, expect, it } from "vitest"
import { cleanEnv, projectRoot, runQuest, tempStore } from "./questProcess.ts"

const bundleFolder = () => {
  const cache = join(projectRoot, "node_modules/.cache/quest")
  return join(cache, (JSON.parse(readFileSync(join(cache, "current.json"), "utf8")) as { folder: string }).folder)
}

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

  it("is not made by a run that had a major garbage collection, which may have dropped bytecode; a later run makes it", async () => {
    const store = tempStore()
    stores.push(store)
    const args = ["report", "--dry-run", "--json", "--store", store.path]
    expect((await runQuest(args)).code).toBe(0)
    const cacheFile = join(bundleFolder(), "code-cache-report-runner.bin")
    rmSync(cacheFile)

    // Every collection a full one, and one due after 1 MB: as a long report's run goes.
    const output = execFileSync(
      process.execPath,
      ["--gc-global", "--max-semi-space-size=1", "--min-semi-space-size=1", join(projectRoot, "bin/quest.mjs"), ...args],
      { cwd: projectRoot, env: cleanEnv({}), encoding: "utf8" }
    )
    expect(JSON.parse(output)).toBeNull()
    expect(existsSync(cacheFile)).toBe(false)

    expect((await runQuest(args)).code).toBe(0)
    expect(existsSync(cacheFile)).toBe(true)
  })
})
