/**
 * `quest sync` in a child process against the fixture server (real HTTP on loopback) into
 * a local folder: what lands in the folder, and what the server was asked.
 */
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { delay, status } from "../support/upstream/faults.ts"
import { useLocalUpstream } from "./localUpstream.ts"
import { fixtureBytes, logRecords, runQuest, snapshot, startQuest } from "./questProcess.ts"

const { upstream, server, storePath, env } = useLocalUpstream()

const fixtureNames = () => upstream.bls.files().map((file) => file.name)
const stored = (name: string) => readFileSync(join(storePath(), "bls/pr", name))

describe("quest sync", () => {
  it("mirrors every file byte for byte; a second run makes one request and writes nothing", async () => {
    const first = await runQuest(["sync", "--json"], env())
    expect(first.code, first.stderr).toBe(0)
    for (const name of fixtureNames()) expect(stored(name).equals(fixtureBytes(`bls/pr/${name}`)), name).toBe(true)
    expect(JSON.parse(first.stdout)).toMatchObject({ event: "bls-sync", added: fixtureNames().length, deleted: 0 })

    const before = snapshot(storePath())
    upstream.log.clear()
    const second = await runQuest(["sync", "--json"], env())
    expect(second.code, second.stderr).toBe(0)
    expect(upstream.log.entries().map((entry) => entry.route)).toEqual(["bls-listing"])
    expect(snapshot(storePath())).toEqual(before)
    expect(JSON.parse(second.stdout)).toMatchObject({ added: 0, updated: 0, deleted: 0, requests: 1 })
  })

  it("prints a summary for people, and JSON log lines on stderr off a terminal", async () => {
    upstream.bls.remove("pr.txt")
    const { code, stdout, stderr } = await runQuest(["sync"], env())
    expect(code).toBe(0)
    expect(stdout).toContain(`BLS sync: ${fixtureNames().length} added, 0 updated, 0 deleted, 0 unchanged`)
    expect(stdout).toMatch(/\+ pr\.data\.0\.Current\n/)
    expect(stdout).toMatch(/Done in \d/)
    const logged = logRecords(stderr)
    expect(logged).toContainEqual(expect.objectContaining({
      level: "INFO",
      event: "bls-sync",
      message: `BLS sync: ${fixtureNames().length} added, 0 updated, 0 deleted, 0 unchanged of ${fixtureNames().length} listed`,
      added: fixtureNames().length
    }))
    // The test contact is at example.com: a placeholder, said once as a warning.
    expect(logged.filter((record) => record.level === "WARN").map((record) => record.event)).toEqual(["settings.warning"])
  })

  it("a failed sync still logs its summary line, then the error, each one flat JSON record", async () => {
    upstream.failNext("pr.class", [status(500), status(500)])
    const { code, stderr } = await runQuest(["sync", "--max-retries", "1", "--retry-base-ms", "1"], env())
    expect(code).toBe(1)
    const logged = logRecords(stderr)
    const summary = logged.find((record) => record.event === "bls-sync")
    expect(summary).toMatchObject({ level: "ERROR", outcome: "failed", listed: fixtureNames().length, added: fixtureNames().length - 1 })
    expect(summary!.message).toMatch(/^BLS sync failed: 1 file\(s\) could not be synced/)
    expect(logged.at(-1)).toMatchObject({ level: "ERROR", event: "failed", command: "sync", exitCode: 1, errorTag: "SyncIncomplete" })
  })

  it("off a terminal, progress is a record every few seconds and each retry a record with its reason", async () => {
    upstream.failNext("pr.class", [status(503)])
    upstream.failNext("pr.data.1.AllData", [delay(6_000)])
    const { code, stderr } = await runQuest(["sync", "--retry-base-ms", "1"], env())
    expect(code, stderr).toBe(0)
    const logged = logRecords(stderr)
    expect(logged.find((record) => record.event === "source.retry")).toMatchObject({ level: "WARN", attempt: 1, reason: "HTTP 503" })
    const progress = logged.filter((record) => record.event === "progress")
    // About 6 s of waiting: one record, maybe two — not a stream.
    expect(progress.length).toBeGreaterThanOrEqual(1)
    expect(progress.length).toBeLessThanOrEqual(2)
    expect(progress[0]).toMatchObject({ level: "INFO", files: fixtureNames().length, totalBytes: expect.any(Number) })
    expect(progress[0]!.message).toMatch(/^\d+\/12 files · /)
    expect(logged.at(-1)).toMatchObject({ event: "bls-sync", added: fixtureNames().length })
  })

  it("--dry-run lists the plan and writes nothing", async () => {
    await runQuest(["sync"], env())
    upstream.bls.put("pr.new", "new file\n")
    upstream.bls.remove("pr.txt")
    const before = snapshot(storePath())
    const { code, stdout } = await runQuest(["sync", "--dry-run"], env())
    expect(code).toBe(0)
    expect(stdout).toContain("dry run, nothing changed")
    expect(stdout).toContain("+ pr.new (would be added)")
    // Every file by its name in the listing, whether added or deleted.
    expect(stdout).toContain("- pr.txt (would be deleted)")
    expect(snapshot(storePath())).toEqual(before)
    expect(upstream.log.count({ route: "bls-file", path: "pr.new" })).toBe(0)
  })

  it("--dry-run shows the whole plan even when the delete guard would refuse it, and says so", async () => {
    await runQuest(["sync"], env())
    for (const name of fixtureNames().slice(0, 8)) upstream.bls.remove(name)
    const before = snapshot(storePath())
    const dry = await runQuest(["sync", "--dry-run", "--all"], env())
    expect(dry.code).toBe(0)
    expect(dry.stdout).toContain("would be 0 added, 0 updated, 8 deleted")
    expect(dry.stdout).toContain("A real run would be refused: This sync would delete 8 of the 12 mirrored files")
    expect(dry.stdout.match(/^ {2}- /gm)).toHaveLength(8)
    expect(snapshot(storePath())).toEqual(before)
    const real = await runQuest(["sync"], env())
    expect(real.code).toBe(1)
    expect(logRecords(real.stderr).at(-1)).toMatchObject({ errorTag: "DeleteGuardTripped" })
    expect(snapshot(storePath())).toEqual(before)
  })

  it("without a contact, refuses before any request, says how to set one, and exits 1", async () => {
    const { QUEST_CONTACT: _, ...noContact } = env()
    const { code, stderr } = await runQuest(["sync"], noContact)
    expect(code).toBe(1)
    expect(stderr).toContain("Set QUEST_CONTACT (or --contact) to an e-mail address or URL where you can be reached")
    // No example to copy: a placeholder would only draw the placeholder warning next.
    expect(stderr).not.toMatch(/@|example/)
    expect(stderr).not.toMatch(/\n\s+at /) // no stack trace without --verbose
    expect(upstream.log.count()).toBe(0)
    expect(snapshot(storePath())).toEqual({})
  })

  it("with --verbose, adds the trace to the error", async () => {
    const { QUEST_CONTACT: _, ...noContact } = env()
    const { code, stderr } = await runQuest(["sync", "--verbose"], noContact)
    expect(code).toBe(1)
    const failed = logRecords(stderr).at(-1)!
    expect(failed).toMatchObject({ event: "failed", errorTag: "ContactRequired" })
    expect(failed["cause"]).toMatch(/\n\s+at /)
  })

  it("a flag wins over its environment variable", async () => {
    const { code } = await runQuest(["sync", "--bls-base-url", server().blsBaseUrl], { ...env(), BLS_BASE_URL: "http://127.0.0.1:9/nowhere/" })
    expect(code).toBe(0)
    expect(stored("pr.series").equals(fixtureBytes("bls/pr/pr.series"))).toBe(true)
  })

  it("stops cleanly on Ctrl-C: exit 130, no partial or temporary file left", async () => {
    upstream.failNext("pr.data.1.AllData", [delay(30_000)])
    const quest = startQuest(["sync"], env())
    for (let i = 0; i < 200 && upstream.log.count({ path: "pr.data.1.AllData" }) === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    expect(upstream.log.count({ path: "pr.data.1.AllData" })).toBe(1)
    quest.signal("SIGINT")
    const { code, stderr } = await quest.done
    expect(code).toBe(130)
    const logged = logRecords(stderr)
    expect(logged.find((record) => record.event === "bls-sync")).toMatchObject({ level: "WARN", outcome: "stopped" })
    expect(logged.at(-1)).toMatchObject({ event: "stopped", exitCode: 130, message: expect.stringContaining("Stopped") })
    const files = Object.keys(snapshot(storePath()))
    expect(files.filter((file) => file.includes(".quest-tmp"))).toEqual([])
    expect(files).not.toContain("bls/pr/pr.data.1.AllData")
    for (const file of files.filter((f) => f.startsWith("bls/pr/"))) {
      expect(readFileSync(join(storePath(), file)).equals(fixtureBytes(file)), file).toBe(true)
    }
  })
})
