/**
 * `quest run` and `quest report` in a child process: the reports a user gets, offline
 * (msw inside the CLI) and against the fixture server, equal the golden ones.
 */
import { readFileSync, writeFileSync } from "node:fs"
import { createServer } from "node:net"
import { join } from "node:path"
import { CreateBucketCommand } from "@aws-sdk/client-s3"
import { describe, expect, it } from "vitest"
import { describeWithMoto } from "../support/moto.ts"
import { expectGoldenReports } from "./goldenReports.ts"
import { useLocalUpstream } from "./localUpstream.ts"
import { logRecords, runQuest, snapshot } from "./questProcess.ts"

const { upstream, server, storePath, env } = useLocalUpstream()

/** A loopback port nothing listens on: a connection there is refused, as with no network. */
const closedPort = () =>
  new Promise<number>((resolve) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number }
      probe.close(() => resolve(port))
    })
  })

describe("quest run", () => {
  it("--offline --json prints the golden reports with no network and no contact, and stores them", async () => {
    const { code, stdout, stderr } = await runQuest(["run", "--offline", "--json"], { QUEST_STORE: storePath() })
    expect(code, stderr).toBe(0)
    expectGoldenReports(stdout)
    // Off a terminal every stderr line is one flat record: the offline notes, then each step's summary.
    const logged = logRecords(stderr)
    expect(logged.map((record) => record.event)).toEqual(["offline", "offline", "offline", "bls-sync", "population"])
    expect(logged[1]!.message).toContain("offline-demo@example.com")
    const stored = readFileSync(join(storePath(), "reports/latest/report.json"), "utf8")
    expect(JSON.parse(stored)).toEqual(JSON.parse(stdout))
    expect(upstream.log.count()).toBe(0) // the fixture server was not asked: msw answered in-process
  })

  it("--offline with an S3 store says the store is still reached, and its failure is the CLI's own record, not the mocking library's", async () => {
    const aws = { AWS_REGION: "us-east-1", AWS_ACCESS_KEY_ID: "offline", AWS_SECRET_ACCESS_KEY: "offline", AWS_MAX_ATTEMPTS: "1" }
    const { code, stderr } = await runQuest(["sync", "--offline", "--store", "s3://quest-offline/x"], aws)
    expect(code).toBe(1)
    expect(stderr).not.toContain("MSW")
    expect(logRecords(stderr).map((record) => record.message).join("\n")).toContain("only the store, s3://quest-offline/x, is reached")
    // Every line is still one of the CLI's own records; the store's failure is the last.
    expect(logRecords(stderr).at(-1)).toMatchObject({ event: "failed", errorTag: "StoreError" })
  })

  it("--json against local servers prints the golden reports; the legacy population shape gives the legacy ones", async () => {
    const current = await runQuest(["run", "--json"], env())
    expect(current.code, current.stderr).toBe(0)
    expectGoldenReports(current.stdout)
    expect(upstream.log.count({ route: "population" })).toBe(1)

    const legacy = await runQuest(["run", "--json"], { ...env(), POPULATION_URL: server().legacyPopulationUrl })
    expect(legacy.code, legacy.stderr).toBe(0)
    expectGoldenReports(legacy.stdout, "reports.legacy.json")
  })

  it("with the upstreams unreachable, fails with one short line that offers --offline", async () => {
    const closed = await closedPort()
    const { BLS_BASE_URL: _, ...rest } = env()
    const { code, stderr } = await runQuest(["run"], {
      ...rest,
      BLS_ROOT_URL: `http://127.0.0.1:${closed}/`,
      POPULATION_URL: `http://127.0.0.1:${closed}/population`,
      QUEST_MAX_RETRIES: "0"
    })
    expect(code).toBe(1)
    const last = logRecords(stderr).at(-1)!
    expect(last).toMatchObject({ event: "failed", errorTag: "IngestFailed", exitCode: 1 })
    expect(last.message).toBe(
      `could not reach 127.0.0.1:${closed}. Check BLS_ROOT_URL and POPULATION_URL and the network, ` +
        "or run it on the bundled data, with no network: quest run --offline."
    )
    // The whole story stays in the record, for whoever reads the log.
    expect(last["detail"]).toMatch(/^BLS sync: .* population: /)
  })

  it("with nothing new upstream, says so first and leaves the stored reports as they are", async () => {
    expect((await runQuest(["run"], env())).code).toBe(0)
    const reports = () => Object.entries(snapshot(storePath())).filter(([key]) => key.startsWith("reports"))
    const before = reports()
    const again = await runQuest(["run"], env())
    expect(again.code, again.stderr).toBe(0)
    expect(again.stdout).toMatch(/^Nothing changed since the last run: the stored reports are current/)
    expect(again.stdout).not.toContain("PRS30006011")
    expect(reports()).toEqual(before)
    // --json still answers with the reports, read back from the store.
    const json = await runQuest(["run", "--json"], env())
    expectGoldenReports(json.stdout)
    expect(reports()).toEqual(before)
  })

  it("prints the summaries and the reports as aligned tables", async () => {
    const { code, stdout } = await runQuest(["run"], env())
    expect(code).toBe(0)
    expect(stdout).toMatch(/^BLS sync: 12 added/)
    expect(stdout).toContain("Population: written (new) → population/population.json")
    expect(stdout).toMatch(/PRS30006011 +2022 +16\.4\n/)
    expect(stdout).toMatch(/Reports stored under reports\/\d{4}-\d\d-\d\d\/ and reports\/latest\//)
    expect(stdout).toContain(`Open ${join(storePath(), "reports/latest/report.html")} to look at them.\n`)
    expect(stdout).toMatch(/Done in [\d.]+ m?s\.\n$/)
  })

  it("--dry-run on an empty store changes nothing and says the reports wait for their inputs", async () => {
    const { code, stdout } = await runQuest(["run", "--dry-run"], env())
    expect(code).toBe(0)
    expect(stdout).toContain("BLS sync (dry run, nothing changed): would be 12 added")
    expect(stdout).toContain("Reports: not computed")
    expect(snapshot(storePath())).toEqual({})
    expect(upstream.log.count({ route: "bls-file" })).toBe(0)
  })
})

describe("quest report", () => {
  it("before any sync, fails with exit 1 and names the commands to run first", async () => {
    const { code, stderr } = await runQuest(["report"], { QUEST_STORE: storePath() })
    expect(code).toBe(1)
    const [failed, ...more] = logRecords(stderr)
    expect(more).toEqual([])
    expect(failed).toMatchObject({ level: "ERROR", event: "failed", errorTag: "ReportInputsMissing", exitCode: 1 })
    expect(failed!.message).toContain("`quest sync` and `quest population` first")
  })

  it("--dry-run computes and prints the reports but stores nothing", async () => {
    expect((await runQuest(["sync"], env())).code).toBe(0)
    expect((await runQuest(["population"], env())).code).toBe(0)
    const before = snapshot(storePath())
    const { code, stdout } = await runQuest(["report", "--json", "--dry-run"], { QUEST_STORE: storePath() })
    expect(code).toBe(0)
    expectGoldenReports(stdout)
    expect(snapshot(storePath())).toEqual(before)
  })
})

describe("quest show", () => {
  it("prints the latest stored reports without recomputing or writing anything", async () => {
    const none = await runQuest(["show"], { QUEST_STORE: storePath() })
    expect(none.code).toBe(1)
    expect(logRecords(none.stderr)[0]).toMatchObject({ errorTag: "NoStoredReport", message: expect.stringContaining("quest run") })

    expect((await runQuest(["run", "--offline"], { QUEST_STORE: storePath() })).code).toBe(0)
    const before = snapshot(storePath())
    const json = await runQuest(["show", "--json"], { QUEST_STORE: storePath() })
    expect(json.code, json.stderr).toBe(0)
    expectGoldenReports(json.stdout)
    const text = await runQuest(["show"], { QUEST_STORE: storePath() })
    expect(text.stdout).toMatch(/PRS30006011 +2022 +16\.4\n/)
    expect(text.stdout).toContain("Reports read from reports/latest/report.json")
    expect(snapshot(storePath())).toEqual(before)

    // A report.json that is not a report document is named as such rather than printed blank.
    const stored = join(storePath(), "reports/latest/report.json")
    writeFileSync(stored, JSON.stringify({ rows: JSON.parse(readFileSync(stored, "utf8")).bestYearBySeries }))
    const old = await runQuest(["show"], { QUEST_STORE: storePath() })
    expect(old.code).toBe(1)
    expect(logRecords(old.stderr)[0]).toMatchObject({
      errorTag: "StoredReportUnreadable",
      message: expect.stringContaining("lacks the report tables")
    })
  })
})

// The S3 client is loaded only by a command on an s3:// store: this is the path that loads it.
describeWithMoto("quest run with an S3 store (moto)", (moto) => {
  it("--json stores the golden reports in S3, and a second sync reads the mirror back from there", async () => {
    await moto().s3Client().send(new CreateBucketCommand({ Bucket: "quest-cli" }))
    const s3 = { ...env(), ...moto().env, QUEST_STORE: "s3://quest-cli/mirror" }
    const { code, stdout, stderr } = await runQuest(["run", "--json"], s3)
    expect(code, stderr).toBe(0)
    expectGoldenReports(stdout)

    upstream.log.clear()
    const again = await runQuest(["sync", "--json"], s3)
    expect(again.code, again.stderr).toBe(0)
    expect(JSON.parse(again.stdout)).toMatchObject({ added: 0, updated: 0, deleted: 0, requests: 1 })
    expect(upstream.log.count()).toBe(1)
  })
})
