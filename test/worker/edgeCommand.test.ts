/**
 * `npm run edge` (bin/edge.mjs) as the user runs it: settings and port from the
 * shell's environment, `GET /__scheduled`, then `GET /report.json` — the same document
 * `quest run --json` prints against the same upstreams.
 */
import { spawn } from "node:child_process"
import { afterEach, describe, expect, it } from "vitest"
import { cleanEnv, projectRoot, runQuest, tempStore } from "../cli/questProcess.ts"
import { startFixtureServer } from "../support/fixtureServer.ts"

const stops: Array<() => Promise<unknown>> = []
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop()
})

/** Starts bin/edge.mjs on a free port; resolves with its URL once it listens. */
const startEdge = (vars: Record<string, string>) =>
  new Promise<string>((resolve, reject) => {
    const child = spawn(process.execPath, ["--experimental-strip-types", "--disable-warning=ExperimentalWarning", "bin/edge.mjs"], {
      cwd: projectRoot,
      env: cleanEnv({ PORT: "0", ...vars }),
      stdio: ["ignore", "pipe", "pipe"]
    })
    const exited = new Promise((done) => child.once("exit", done))
    stops.push(async () => {
      child.kill("SIGTERM")
      await exited
    })
    let output = ""
    const timer = setTimeout(() => reject(new Error(`npm run edge did not listen within 60 s:\n${output}`)), 60_000)
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (output += chunk))
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      output += chunk
      const url = /at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(output)?.[1]
      if (url !== undefined) {
        clearTimeout(timer)
        resolve(url)
      }
    })
    child.once("exit", (code) => reject(new Error(`npm run edge exited (${code}) before listening:\n${output}`)))
  })

describe("npm run edge", () => {
  it("runs the daily job on GET /__scheduled, then serves the document quest run --json prints", async () => {
    const server = await startFixtureServer()
    stops.push(() => server.close())
    const upstream = { BLS_BASE_URL: server.blsBaseUrl, POPULATION_URL: server.populationUrl, QUEST_CONTACT: "quest-edge-tests@example.com" }
    const url = await startEdge(upstream)

    const scheduled = await fetch(new URL("/__scheduled", url))
    expect(scheduled.status).toBe(200)
    // The queued runs make the reports a few seconds later.
    const end = Date.now() + 60_000
    let report = await fetch(new URL("/report.json", url))
    while (report.status === 404 && Date.now() < end) {
      await new Promise((resolve) => setTimeout(resolve, 250))
      report = await fetch(new URL("/report.json", url))
    }
    expect(report.status).toBe(200)

    const store = tempStore()
    stops.push(async () => store.remove())
    const quest = await runQuest(["run", "--json"], { ...upstream, QUEST_STORE: store.path })
    expect(quest.code, quest.stderr).toBe(0)
    expect(await report.json()).toEqual(JSON.parse(quest.stdout))
  }, 150_000)
})
