/**
 * One measured report run, the child side of reports.bench.ts: `reportsRun STORE HASHER`
 * runs `runReports` against the local-folder store at STORE and prints one JSON line.
 * HASHER is `noble` (the default InputHasher), `node:crypto`, or `idle` (load everything,
 * run nothing: the floor under every peak RSS).
 */
import { createHash } from "node:crypto"
import { statSync } from "node:fs"
import * as path from "node:path"
import { Effect } from "effect"
import { localStoreLayer } from "../adapters/localStore.ts"
import { InputHasher } from "../domain/reports/inputHasher.ts"
import { BLS_DATA_KEY, runReports } from "../domain/reports/runReports.ts"

const MB = 1e6
const [store, hasher] = process.argv.slice(2) as [string, "noble" | "node:crypto" | "idle"]

const nodeHasher = {
  sha256: () => {
    const hash = createHash("sha256")
    return { update: (chunk: Uint8Array) => void hash.update(chunk), digestHex: () => hash.digest("hex") }
  }
}

const program = hasher === "node:crypto" ? runReports().pipe(Effect.provideService(InputHasher, nodeHasher)) : runReports()
const started = performance.now()
const cpu = process.cpuUsage()
const doc = hasher === "idle" ? undefined : await Effect.runPromise(program.pipe(Effect.provide(localStoreLayer(store))))
const used = process.cpuUsage(cpu)
console.log(JSON.stringify({
  bytes: statSync(path.join(store, ...BLS_DATA_KEY.split("/"))).size,
  seconds: (performance.now() - started) / 1000,
  cpuSeconds: (used.user + used.system) / 1e6,
  // maxRSS: the process's peak resident set, in KiB.
  maxRssMB: (process.resourceUsage().maxRSS * 1024) / MB,
  rows: doc?.inputs.bls.rows ?? 0,
  series: doc === undefined ? 0 : doc.bestYearBySeries.length + doc.seriesWithoutQuarters.length
}))
