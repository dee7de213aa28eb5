/**
 * The Deno hosting entry (deno/serve.ts through `deno task serve`): the page at `/`, the
 * document at `/report.json` (and `/report`) before any report and after a run stored one;
 * 405 with Allow; bound to 127.0.0.1; a bad or busy PORT refused in one sentence.
 */
import { spawn } from "node:child_process"
import { type AddressInfo, createServer } from "node:net"
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { CreateBucketCommand, GetObjectCommand } from "@aws-sdk/client-s3"
import { afterEach, describe, expect, it } from "vitest"
import { describeWithMoto } from "../support/moto.ts"
import { cleanEnv, denoBin, logRecords, projectRoot, runQuest, tempStore } from "../cli/questProcess.ts"

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
const checkServe = async (storeVars: Record<string, string>, readStored: (file: string) => Promise<string>) => {
  const base = await startServe({ ...storeVars, QUEST_CONTACT: "quest-serve-tests@example.com" })
  // Only this machine, unless HOST says otherwise.
  expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)

  for (const path of ["/", "/report.json", "/report"]) {
    const before = await fetch(`${base}${path}`)
    expect(before.status, path).toBe(404)
    expect(await before.json()).toMatchObject({ error: "No report yet.", detail: expect.stringContaining("quest run") })
  }

  const run = await runQuest(["run", "--offline"], storeVars)
  expect(run.code, run.stderr).toBe(0)
  const page = await fetch(`${base}/`)
  expect(page.status).toBe(200)
  expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8")
  expect(await page.text()).toBe(await readStored("report.html"))
  for (const path of ["/report.json", "/report"]) {
    const after = await fetch(`${base}${path}`)
    expect(after.status).toBe(200)
    expect(after.headers.get("content-type")).toContain("application/json")
    expect(await after.json()).toEqual(JSON.parse(await readStored("report.json")))
  }
  const head = await fetch(`${base}/report.json`, { method: "HEAD" })
  expect(head.status).toBe(200)
  expect(await head.text()).toBe("")

  const post = await fetch(`${base}/`, { method: "POST", body: "x" })
  expect(post.status).toBe(405)
  expect(post.headers.get("allow")).toBe("GET, HEAD")

  const elsewhere = await fetch(`${base}/other`)
  expect(elsewhere.status).toBe(404)
  expect(await elsewhere.json()).toMatchObject({ detail: expect.stringContaining("GET /report.json") })
}

/** Runs `deno task serve` expecting it to refuse to start: its exit code and what it printed. */
const refusedServe = (vars: Record<string, string>) =>
  new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(denoBin, ["task", "--quiet", "serve"], { cwd: projectRoot, env: cleanEnv(vars), stdio: ["ignore", "pipe", "pipe"] })
    let stdout = ""
    let stderr = ""
    const timer = setTimeout(() => child.kill("SIGTERM"), 20_000)
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk))
    child.once("close", (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
  })

describe("deno/serve.ts", () => {
  it("over a local store: 404 with a hint before any report, then the latest report", async () => {
    const store = tempStore()
    stops.push(async () => store.remove())
    await checkServe({ QUEST_STORE: store.path }, async (file) => readFileSync(join(store.path, "reports/latest", file), "utf8"))
  })

  it("refuses a bad PORT and a busy port with one sentence, as one log record, and exit 1", async () => {
    const bad = await refusedServe({ PORT: "eighty" })
    expect(bad.code).toBe(1)
    expect(bad.stdout).toBe("")
    expect(logRecords(bad.stderr)).toEqual([expect.objectContaining({ level: "ERROR", event: "serve.refused", message: expect.stringContaining('PORT="eighty" is not a port') })])

    const holder = createServer()
    await new Promise<void>((resolve) => holder.listen(0, "127.0.0.1", resolve))
    stops.push(() => new Promise<void>((resolve) => holder.close(() => resolve())))
    const port = (holder.address() as AddressInfo).port
    const busy = await refusedServe({ PORT: String(port), QUEST_CONTACT: "quest-serve-tests@example.com" })
    expect(busy.code).toBe(1)
    expect(logRecords(busy.stderr)).toEqual([expect.objectContaining({ event: "serve.refused", message: `Port ${port} on 127.0.0.1 is already in use: stop what holds it, or choose another with PORT (0 picks a free one).` })])
  })
})

describeWithMoto("deno/serve.ts over S3 (moto)", (moto) => {
  it("reads the latest report through the S3 API", async () => {
    const s3 = moto().s3Client()
    await s3.send(new CreateBucketCommand({ Bucket: "quest-serve" }))
    await checkServe({ ...moto().env, QUEST_STORE: "s3://quest-serve/site" }, async (file) => {
      const object = await s3.send(new GetObjectCommand({ Bucket: "quest-serve", Key: `site/reports/latest/${file}` }))
      return object.Body!.transformToString()
    })
  })
})
