/**
 * The Worker against Cloudflare's limits: its bundle's gzip size against the free plan's
 * 3 MB, and the CPU time of each invocation of the daily job against the paid plan's
 * default 30 s (the free plan allows 10 ms). Run under workerd (Miniflare) against the
 * fixture upstreams on loopback. CPU is the workerd process's (/proc, 10 ms ticks), taken
 * around each invocation: it also counts Miniflare's R2 and queue simulators, so it is an
 * upper bound of the Worker's own.
 */
import { readFileSync } from "node:fs"
import { execFileSync } from "node:child_process"
import { gzipSync } from "node:zlib"
import { startFixtureServer } from "../test/support/fixtureServer.ts"
import { bundleWorker } from "../worker/bundle.ts"
import { startLocalWorker } from "../worker/localRuntime.ts"
import type { BenchCase, Benchmark } from "./run.ts"

const FREE_PLAN_GZIP_KB = 3 * 1024
const PAID_DEFAULT_CPU_MS = 30_000
const TICK_MS = 10

/** User + system CPU of the workerd processes Miniflare started for this process. */
const workerdCpuMs = () =>
  execFileSync("ps", ["--ppid", String(process.pid), "-o", "pid=,comm="], { encoding: "utf8" })
    .split("\n").filter((line) => line.includes("workerd")).map((line) => line.trim().split(/\s+/)[0]!)
    .reduce((sum, pid) => {
      const fields = readFileSync(`/proc/${pid}/stat`, "utf8").replace(/^.*\) /, "").split(" ")
      return sum + (Number(fields[11]) + Number(fields[12])) * TICK_MS
    }, 0)

const until = async (ready: () => boolean) => {
  const end = Date.now() + 120_000
  while (!ready()) {
    if (Date.now() > end) throw new Error("the Worker's run did not finish within 2 min")
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

const benchmark: Benchmark = {
  name: "edge (workerd)",
  run: async () => {
    const bundle = await bundleWorker()
    const server = await startFixtureServer()
    let output = ""
    const worker = await startLocalWorker({
      vars: { QUEST_CONTACT: "quest-bench@example.com", BLS_ROOT_URL: server.blsRootUrl, POPULATION_URL: server.populationUrl },
      onOutput: (text) => (output += text)
    })
    const logged = (event: string) => output.split(`event: '${event}'`).length - 1
    const cpu = (name: string, value: number, wallMs: number): BenchCase => ({
      case: name,
      measurements: [
        { name: "CPU", value, unit: "ms", decimals: 0, target: { below: PAID_DEFAULT_CPU_MS, why: "paid plan's default" } },
        { name: "wall", value: wallMs, unit: "ms", decimals: 0 }
      ]
    })
    /** CPU and wall time from `start` until `done`. */
    const measure = async (name: string, start: () => Promise<unknown>, done: () => boolean) => {
      const [cpuBefore, wallBefore] = [workerdCpuMs(), performance.now()]
      await start()
      await until(done)
      return cpu(name, workerdCpuMs() - cpuBefore, performance.now() - wallBefore)
    }
    try {
      const cases: Array<BenchCase> = [{
        case: "bundle",
        measurements: [
          { name: "module", value: bundle.length / 1024, unit: "KB", decimals: 0 },
          { name: "gzip", value: gzipSync(bundle).byteLength / 1024, unit: "KB", decimals: 0, target: { below: FREE_PLAN_GZIP_KB, why: "free plan" } }
        ]
      }]
      let scheduled = false
      cases.push(await measure("scheduled (cron: queue the surveys)", () => worker.scheduled().then(() => (scheduled = true)), () => scheduled))
      cases.push(await measure("survey sync pr, first (12 files, 4.7 MB)", async () => {}, () => logged("ingest.succeeded") === 1))
      cases.push(await measure("reports", async () => {}, () => logged("analytics.reports") === 1))
      cases.push(await measure("survey sync pr, nothing changed", () => worker.scheduled(), () => logged("ingest.succeeded") === 2))
      return cases
    } finally {
      await worker.mf.dispose()
      await server.close()
    }
  },
  notes: () => [
    "CPU: the workerd process's, Miniflare's R2 and queue simulators included (an upper bound); 10 ms ticks.",
    "The sync's CPU starts when the cron's messages are queued; the reports' when the sync has logged its end."
  ]
}

export default benchmark
