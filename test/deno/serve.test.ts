/**
 * A smoke test of the Deno hosting entry (deno/serve.ts through `deno task serve`):
 * GET /report before any report, then after a run has stored one.
 */
import { spawn } from "node:child_process"
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { CreateBucketCommand, GetObjectCommand } from "@aws-sdk/client-s3"
import { afterEach, describe, expect, it } from "vitest"
import { describeWithMoto } from "../support/moto.ts"
import { cleanEnv, denoBin, projectRoot, runQuest, tempStore } from "../cli/questProcess.ts"

const stops: Array<() => Promise<void>> = []
afterEach(async () => {
  await Promise.all(stops.splice(0).map((stop) => stop()))
})

/** Starts `deno task serve` on a free port; resolves with its base URL once it listens. */
const startServe = (vars: Record<string, string>) =>
  new Promise<string>((resolve, reject) => {
    const child = spawn(denoBin, ["task", "--quiet", "serve"], {
      cwd: projectRoot,
      env: cleanEnv({ PORT: "0", ...vars }),
      stdio: ["ignore", "pipe", "pipe"]
    })
    const exited = new Promise<void>((done) => child.once("exit", () => done()))
    stops.push(async () => {
      child.kill("SIGTERM")
      await exited
    })
    let output = ""
    const timer = setTimeout(() => reject(new Error(`serve did not listen within 20 s:\n${output}`)), 20_000)
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (output += chunk))
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      output += chunk
      const port = /"event":"listening".*"port":(\d+)/.exec(output)?.[1]
      if (port !== undefined) {
        clearTimeout(timer)
        resolve(`http://127.0.0.1:${port}`)
      }
    })
    child.once("exit", (code) => reject(new Error(`serve exited (${code}) before listening:\n${output}`)))
  })

/** What a client sees from serve over `storeVars`, before and after a quest run into the same store. */
const checkServe = async (storeVars: Record<string, string>, readStored: () => Promise<unknown>) => {
  const base = await startServe({ ...storeVars, QUEST_CONTACT: "quest-serve-tests@example.com" })

  const before = await fetch(`${base}/report`)
  expect(before.status).toBe(404)
  expect(await before.json()).toMatchObject({ error: "No report yet.", detail: expect.stringContaining("quest run") })

  const run = await runQuest(["run", "--offline"], storeVars)
  expect(run.code, run.stderr).toBe(0)
  const after = await fetch(`${base}/report`)
  expect(after.status).toBe(200)
  expect(after.headers.get("content-type")).toContain("application/json")
  expect(await after.json()).toEqual(await readStored())

  const elsewhere = await fetch(`${base}/other`)
  expect(elsewhere.status).toBe(404)
  expect(await elsewhere.json()).toMatchObject({ detail: expect.stringContaining("GET /report") })
}

describe("deno/serve.ts", () => {
  it("over a local store: 404 with a hint before any report, then the latest report", async () => {
    const store = tempStore()
    stops.push(async () => store.remove())
    await checkServe(
      { QUEST_STORE: store.path },
      async () => JSON.parse(readFileSync(join(store.path, "reports/latest/report.json"), "utf8"))
    )
  })
})

describeWithMoto("deno/serve.ts over S3 (moto)", (moto) => {
  it("reads the latest report through the S3 API", async () => {
    const s3 = moto().s3Client()
    await s3.send(new CreateBucketCommand({ Bucket: "quest-serve" }))
    await checkServe({ ...moto().env, QUEST_STORE: "s3://quest-serve/site" }, async () => {
      const object = await s3.send(new GetObjectCommand({ Bucket: "quest-serve", Key: "site/reports/latest/report.json" }))
      return JSON.parse(await object.Body!.transformToString())
    })
  })
})
