/**
 * `quest sync --surveys pr,cu` in a child process against the fixture server, which serves
 * two survey directories side by side (`pr/` and `cu/`, the same real BLS files under each
 * survey's names), into a local folder.
 */
import { existsSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { useLocalUpstream } from "./localUpstream.ts"
import { logRecords, runQuest, snapshot } from "./questProcess.ts"

const { upstream, server, storePath, env } = useLocalUpstream()

/** Settings with the root in place of one directory. */
const rootEnv = () => {
  const { BLS_BASE_URL: _one, ...rest } = env()
  return rest
}
const surveys = () => ["sync", "--surveys", "pr,cu", "--bls-root-url", server().blsRootUrl]
const stored = (survey: string, name: string) => readFileSync(join(storePath(), "bls", survey, name))

describe("quest sync of several surveys", () => {
  it("mirrors each survey into its own prefix; a second run asks once per survey and writes nothing", async () => {
    const first = await runQuest([...surveys(), "--json"], rootEnv())
    expect(first.code, first.stderr).toBe(0)
    for (const directory of [upstream.bls, upstream.cu]) {
      const survey = directory.files()[0]!.name.split(".")[0]!
      for (const file of directory.files()) expect(stored(survey, file.name).equals(file.bytes), file.name).toBe(true)
    }
    const run = JSON.parse(first.stdout)
    expect(run.surveys.map((s: { survey: string; ok: boolean }) => [s.survey, s.ok])).toEqual([["pr", true], ["cu", true]])
    expect(run.total).toMatchObject({ surveys: 2, failed: [], added: upstream.bls.files().length + upstream.cu.files().length })

    const before = snapshot(storePath())
    upstream.log.clear()
    const second = await runQuest([...surveys(), "--json"], rootEnv())
    expect(second.code, second.stderr).toBe(0)
    expect(upstream.log.entries().map((entry) => entry.url)).toEqual([
      `${upstream.bls.baseUrl}`,
      `${upstream.cu.baseUrl}`
    ].map((url) => url.replace(new URL(url).origin, server().url)))
    expect(snapshot(storePath())).toEqual(before)
    expect(JSON.parse(second.stdout).total).toMatchObject({ added: 0, updated: 0, deleted: 0, requests: 2 })
  })

  it("a survey whose listing broke fails alone: the other is mirrored, each has its summary, exit 1", async () => {
    upstream.cu.setListing({ html: "<html><body><h1>Service notice</h1><p>Back soon.</p></body></html>" })
    const { code, stdout, stderr } = await runQuest(surveys(), rootEnv())
    expect(code).toBe(1)
    for (const file of upstream.bls.files()) expect(stored("pr", file.name).equals(file.bytes), file.name).toBe(true)
    expect(existsSync(join(storePath(), "bls", "cu"))).toBe(false)
    expect(stdout).toContain(`BLS sync pr: ${upstream.bls.files().length} added, 0 updated, 0 deleted, 0 unchanged`)
    expect(stdout).toMatch(/BLS sync cu: FAILED.*lists no files/)
    expect(stdout).toMatch(/Total: 2 surveys, 1 failed \(cu\); 12 added/)
    const failed = logRecords(stderr).at(-1)
    expect(failed).toMatchObject({ level: "ERROR", event: "failed", command: "sync", exitCode: 1, errorTag: "SurveysFailed" })
    expect(failed!.message).toMatch(/^1 of 2 surveys failed to sync; the others completed\. cu: /)
  })

  it("refuses BLS_BASE_URL (one directory) with several surveys, before any request", async () => {
    const { code, stderr } = await runQuest(surveys(), { ...env() })
    expect(code).toBe(2)
    expect(logRecords(stderr).at(-1)!.message).toMatch(/^BLS_BASE_URL=.* must be unset when QUEST_SURVEYS names several surveys \(set BLS_ROOT_URL/)
    expect(upstream.log.count()).toBe(0)
  })

  it("refuses a survey code that is not one, naming the flag", async () => {
    const { code, stderr } = await runQuest(["sync", "--surveys", "pr,../etc", "--bls-root-url", server().blsRootUrl], rootEnv())
    expect(code).toBe(2)
    expect(logRecords(stderr).at(-1)!.message).toMatch(/^--surveys="pr,\.\.\/etc" is not valid: .*"\.\.\/etc" is not a survey code/)
    expect(upstream.log.count()).toBe(0)
  })
})
