/**
 * A first run on Deno into a store folder not yet made, outside the project
 * (`QUEST_STORE=$HOME/quest-data deno task quest run --offline`): the folder is created,
 * though Deno is granted that folder alone and not its parent; and a path Deno was not
 * granted is reported as a refusal that says what to grant, never as a missing folder.
 */
import { spawn } from "node:child_process"
import { existsSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { expectGoldenReports } from "../cli/goldenReports.ts"
import { cleanEnv, denoBin, logRecords, projectRoot, runQuest, tempStore } from "../cli/questProcess.ts"

/** Below vitest's 60 s, so that the kill, not vitest, ends a run that hangs. */
const EXIT_SECONDS = 45

describe("a Deno run into a store folder not yet made, outside the project", () => {
  it("creates it and stores the golden reports there", async () => {
    const home = tempStore()
    try {
      const store = join(home.path, "quest-data")
      const { code, stdout, stderr } = await runQuest(["run", "--offline", "--json"], { HOME: home.path, QUEST_STORE: store }, "deno")
      expect(code, stderr).toBe(0)
      expectGoldenReports(stdout)
      expect(existsSync(join(store, "reports", "latest", "report.json"))).toBe(true)
    } finally {
      home.remove()
    }
  })

  it("without the launcher's grant, is refused as a permission Deno lacks, not as a missing parent", async () => {
    const home = tempStore()
    try {
      const store = join(home.path, "quest-data")
      // The entry run directly, granted the project to read and nothing to write.
      const child = spawn(
        denoBin,
        ["run", "--no-prompt", "--allow-env", `--allow-read=${projectRoot}`, "--allow-sys", "deno/quest.ts", "run", "--offline", "--json"],
        { cwd: projectRoot, env: cleanEnv({ HOME: home.path, QUEST_STORE: store }), stdio: ["ignore", "ignore", "pipe"] }
      )
      let stderr = ""
      child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk))
      // Killed on a timer: vitest's timeout would fail the test but leave the child running.
      const code = await new Promise((resolve, reject) => {
        const killer = setTimeout(() => {
          child.kill("SIGKILL")
          reject(new Error(`deno/quest.ts run --offline did not exit within ${EXIT_SECONDS} s (killed); its stderr:\n${stderr}`))
        }, EXIT_SECONDS * 1000)
        child.once("close", (exitCode) => {
          clearTimeout(killer)
          resolve(exitCode)
        })
      })
      expect(code).toBe(1)
      const failure = logRecords(stderr).find((record) => record.event === "bls-sync")
      expect(failure?.message).toContain(`Deno was not granted this path`)
      expect(failure?.message).toContain("deno task quest")
      expect(failure?.message).not.toContain("does not exist")
      expect(existsSync(store)).toBe(false)
    } finally {
      home.remove()
    }
  })
})
