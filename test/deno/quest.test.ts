/**
 * The same pipeline on Deno: `deno task quest …` (only the permissions the launcher
 * grants) against the fixture server, into a local folder and into S3 (moto), prints the
 * same report document as the CLI under Node.
 */
import { CreateBucketCommand } from "@aws-sdk/client-s3"
import { mkdirSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { describeWithMoto } from "../support/moto.ts"
import { expectGoldenReports } from "../cli/goldenReports.ts"
import { useLocalUpstream } from "../cli/localUpstream.ts"
import { fixtureBytes, logRecords, runQuest, tempStore } from "../cli/questProcess.ts"

const { upstream, storePath, env } = useLocalUpstream()

/** The document the CLI prints under Node for the same upstream, in a store of its own. */
const nodeDocument = async (vars: Record<string, string>) => {
  const store = tempStore()
  try {
    const { code, stdout, stderr } = await runQuest(["run", "--json"], { ...vars, QUEST_STORE: store.path })
    expect(code, stderr).toBe(0)
    return JSON.parse(stdout)
  } finally {
    store.remove()
  }
}

describe("deno task quest", () => {
  it("run --json against the fixture server and a local store prints what Node prints", async () => {
    const deno = await runQuest(["run", "--json"], env(), "deno")
    expect(deno.code, deno.stderr).toBe(0)
    expectGoldenReports(deno.stdout)
    expect(upstream.log.count({ route: "bls-file" })).toBe(upstream.bls.files().length)
    expect(JSON.parse(deno.stdout)).toEqual(await nodeDocument(env()))
  })

  it("run --offline --json needs no server and prints the golden reports", async () => {
    const deno = await runQuest(["run", "--offline", "--json"], { QUEST_STORE: storePath() }, "deno")
    expect(deno.code, deno.stderr).toBe(0)
    expectGoldenReports(deno.stdout)
    // `deno task -q` adds nothing of its own: every stderr line is the command's own log record.
    expect(logRecords(deno.stderr).map((record) => record.event)).toEqual(["offline", "offline", "offline", "bls-sync", "population"])
    expect(upstream.log.count()).toBe(0)
  })

  it("prints the same help as Node, and its own version", async () => {
    const [deno, node] = await Promise.all([runQuest(["sync", "--help"], {}, "deno"), runQuest(["sync", "--help"])])
    expect(deno.code, deno.stderr).toBe(0)
    expect(deno.stdout).toBe(node.stdout)
    const version = await runQuest(["--version"], {}, "deno")
    expect(version.code, version.stderr).toBe(0)
    expect(version.stdout).toMatch(/^quest \S+ \(deno \d+\.\d+\.\d+, /)
  })

  it("keeps the same exit codes and messages", async () => {
    const usage = await runQuest(["sync", "--fast"], {}, "deno")
    expect(usage.code).toBe(2)
    expect(logRecords(usage.stderr)).toEqual([expect.objectContaining({ event: "usage", message: "Unknown flag --fast." })])
    const { QUEST_CONTACT: _, ...noContact } = env()
    const refused = await runQuest(["sync"], noContact, "deno")
    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain("Set QUEST_CONTACT (or --contact)")
  })
})

describe("a BLS file stored by other means (no recorded sha256)", () => {
  // `sha256sum test/fixtures/bls/pr/pr.data.0.Current`: worked out apart from the code under test.
  const FIXTURE_SHA256 = "902adfa1eb28dff1c9f91336f5a9bdc8c88d974ad456c143e7d2cdcb0046cf4b"

  it.each(["node", "deno"] as const)("quest report on %s hashes it as it reads it and names its sha256", async (runtime) => {
    const store = tempStore()
    try {
      // Plain files, as a copy made by hand leaves them: nothing the mirror recorded.
      mkdirSync(join(store.path, "bls", "pr"), { recursive: true })
      mkdirSync(join(store.path, "population"))
      writeFileSync(join(store.path, "bls", "pr", "pr.data.0.Current"), fixtureBytes("bls/pr/pr.data.0.Current"))
      writeFileSync(join(store.path, "population", "population.json"), fixtureBytes("datausa/nation-population.tesseract.json"))
      const { code, stdout, stderr } = await runQuest(["report", "--json"], { QUEST_STORE: store.path }, runtime)
      expect(code, stderr).toBe(0)
      expect(JSON.parse(stdout).inputs.bls).toMatchObject({ key: "bls/pr/pr.data.0.Current", sha256: FIXTURE_SHA256 })
    } finally {
      store.remove()
    }
  })
})

describeWithMoto("deno task quest with an S3 store (moto)", (moto) => {
  it("run --json stores in S3 and prints what Node prints", async () => {
    await moto().s3Client().send(new CreateBucketCommand({ Bucket: "quest-deno" }))
    const s3 = { ...env(), ...moto().env, QUEST_STORE: "s3://quest-deno/mirror" }
    const deno = await runQuest(["run", "--json"], s3, "deno")
    expect(deno.code, deno.stderr).toBe(0)
    expectGoldenReports(deno.stdout)
    expect(JSON.parse(deno.stdout)).toEqual(await nodeDocument(env()))

    // The second run reads the mirror back from S3: one listing request, nothing transferred.
    upstream.log.clear()
    const again = await runQuest(["sync", "--json"], s3, "deno")
    expect(again.code, again.stderr).toBe(0)
    expect(JSON.parse(again.stdout)).toMatchObject({ added: 0, updated: 0, deleted: 0, requests: 1 })
    expect(upstream.log.count()).toBe(1)
  })
})
